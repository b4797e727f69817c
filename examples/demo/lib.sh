# Helpers for the demo's stages. Sourced; PGDATABASE names the pipeline's database.

export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

# Runs the SQL on stdin, unless this is the crashed run and this crash point has not fired yet:
# then the SQL starts in a transaction that is SIGKILLed halfway (its backend is killed, and
# PostgreSQL restarts the whole cluster), and the stage stops there. Each crash point fires
# once, so the crashed run needs one re-run per crash point.
crash_point() { # name
    local name=$1 body marker
    body=$(cat)
    marker="$DEMO_STATE/crashed-$(tr -c 'a-zA-Z0-9' '_' <<<"$name")"
    if [ "${DEMO_CRASH:-}" != yes ] || [ -e "$marker" ]; then
        sql <<<"$body"
        return
    fi
    touch "$marker"
    local pid_file="$DEMO_STATE/backend.pid"
    rm -f "$pid_file"
    # The statement runs, then the transaction lingers before its COMMIT: the kill lands
    # after the work and before it is durable, the worst moment.
    sql >/dev/null 2>&1 <<SQL &
BEGIN;
SELECT pg_backend_pid() \g $pid_file
$body
SELECT pg_sleep(30);
COMMIT;
SQL
    local client=$!
    for _ in $(seq 1 300); do [ -s "$pid_file" ] && break; sleep 0.1; done
    sleep 1
    echo >&2 "   !! crash at '$name': SIGKILL to backend $(cat "$pid_file")"
    kill -KILL "$(cat "$pid_file")"
    wait "$client" || true
    for _ in $(seq 1 100); do pg_isready -q && sql -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
    exit 75 # the stage did not finish
}
