# Helpers for the demo's stages. Sourced; PGDATABASE names the pipeline's database.

export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

# Runs the SQL on stdin, unless this is the crashed run and the crash has not happened yet: then
# the SQL starts in a transaction that is SIGKILLed halfway (its backend is killed, and
# PostgreSQL restarts the whole cluster), and the stage stops there.
crash_point() { # name
    local name=$1 body
    body=$(cat)
    if [ "${DEMO_CRASH:-}" != yes ] || [ -e "$DEMO_STATE/crashed" ]; then
        sql <<<"$body"
        return
    fi
    touch "$DEMO_STATE/crashed"
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
    echo "   !! crash at '$name': SIGKILL to backend $(cat "$pid_file")"
    kill -KILL "$(cat "$pid_file")"
    wait "$client" || true
    for _ in $(seq 1 100); do pg_isready -q && sql -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
    exit 75 # the stage did not finish
}
