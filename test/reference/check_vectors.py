#!/usr/bin/python3
"""Check the test vectors (test/vectors/ids.json) against the reference and the extension.

    /usr/bin/python3 test/reference/check_vectors.py [--sql] [--psql CMD] [--vectors FILE]

Always: recompute every vector with idempotent_ref.py and compare encoding, digest, id and
id64 with the stored values.

With --sql: run one psql script (connection from the usual PG* environment variables) that
creates the vectors' types, selects idempotent_encode/_digest/_id/_id64 for every vector, once
per entry of SETTINGS_PASSES, and rolls everything back, so that it can run again and leaves
nothing behind. The selected columns are hex, uuid text and bigint, whose output no setting
changes, so every pass must reproduce the stored values exactly.

Each vector counts as one test in each pass. Every failure prints one line; the last line is
`vectors: N passed, N failed`, and the exit status is 1 if anything failed.
"""

import argparse
import json
import pathlib
import shlex
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import idempotent_ref as ref  # noqa: E402  (needs the path set up above)

DEFAULT_VECTORS = HERE.parent / "vectors" / "ids.json"
PSQL_FLAGS = ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1"]
FIELDS = ("encoding", "digest", "id", "id64")

# (label, statements) run before a pass. The encoding must not depend on any of these; the
# vectors' SQL is written so that its *values* do not either (see test/vectors/generate.py).
SETTINGS_PASSES = [
    ("sql default settings", []),
    ("sql Chatham/SQL,DMY/iso_8601", [
        "SET TimeZone = 'Pacific/Chatham'",
        "SET DateStyle = 'SQL, DMY'",
        "SET IntervalStyle = 'iso_8601'",
        "SET extra_float_digits = -15",
        "SET bytea_output = 'escape'",
    ]),
    ("sql St_Johns/German/sql_standard", [
        "SET TimeZone = 'America/St_Johns'",
        "SET DateStyle = 'German'",
        "SET IntervalStyle = 'sql_standard'",
        "SET extra_float_digits = 3",
        "SET bytea_output = 'hex'",
        "SET standard_conforming_strings = off",
    ]),
]


class Tally:
    """Counts tests and prints one line per failure."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def record(self, label, vector, actual):
        """Compare the four stored fields with `actual` (field -> text) as one test."""
        differences = [f"{field} expected {vector[field]}, got {actual[field]}"
                       for field in FIELDS if str(vector[field]) != actual[field]]
        if differences:
            self.fail(label, vector, "; ".join(differences))
        else:
            self.passed += 1

    def fail(self, label, vector, message):
        self.failed += 1
        print(f"FAIL [{label}] {vector['name']}: {message}")


def load_document(path):
    document = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    if document.get("format") != ref.FORMAT_VERSION:
        sys.exit(f"{path}: expected format {ref.FORMAT_VERSION}")
    return document


# --- (a) the reference ----------------------------------------------------------------------

def reference_results(args):
    return {
        "encoding": ref.idempotent_encode(args).hex(),
        "digest": ref.idempotent_digest(args).hex(),
        "id": ref.idempotent_id(args),
        "id64": str(ref.idempotent_id64(args)),
    }


def check_reference(vectors, tally):
    for vector in vectors:
        try:
            actual = reference_results(vector["args"])
        except Exception as error:  # a malformed vector fails alone; the others still run
            tally.fail("reference", vector, f"cannot encode args: {error!r}")
            continue
        tally.record("reference", vector, actual)


# --- (b) the extension, through psql --------------------------------------------------------

def select_statement(pass_number, index, vector):
    """One row `pass|index|encoding|digest|id|id64`; the first two columns say which test."""
    args = ", ".join(vector["sql"])
    return (f"SELECT {pass_number}, {index}, "
            f"encode(idempotent_encode({args}), 'hex'), "
            f"encode(idempotent_digest({args}), 'hex'), "
            f"idempotent_id({args})::text, "
            f"idempotent_id64({args});")


def build_script(document):
    """Setup, every pass, then ROLLBACK: nothing is left behind, not even the types."""
    lines = ["SET client_encoding = 'UTF8';", "BEGIN;"]
    lines += [statement + ";" for statement in document["setup"]]
    for pass_number, (_, settings) in enumerate(SETTINGS_PASSES):
        lines += [statement + ";" for statement in settings]
        lines += [select_statement(pass_number, index, vector)
                  for index, vector in enumerate(document["vectors"])]
    lines.append("ROLLBACK;")
    return "\n".join(lines) + "\n"


def run_psql(psql_command, script):
    """psql's result rows keyed by (pass, vector index), and whatever else it printed."""
    try:
        completed = subprocess.run(shlex.split(psql_command) + PSQL_FLAGS, input=script,
                                   capture_output=True, text=True, encoding="utf-8")
    except OSError as error:
        return {}, [f"cannot run {psql_command!r}: {error}"]
    rows, other_output = {}, completed.stderr.strip().splitlines()
    for line in completed.stdout.splitlines():
        fields = line.split("|")
        if len(fields) != 6:
            other_output.append(line)
            continue
        pass_number, index, encoding, digest, id_text, id64 = fields
        rows[int(pass_number), int(index)] = {
            "encoding": encoding, "digest": digest, "id": id_text, "id64": id64}
    return rows, other_output


def check_sql(document, psql_command, tally):
    rows, other_output = run_psql(psql_command, build_script(document))
    # With ON_ERROR_STOP, psql stops at the first error: the vectors after it have no row.
    reason = "no result" + (f"; psql said: {other_output[0]}" if other_output else "")
    for pass_number, (label, _) in enumerate(SETTINGS_PASSES):
        for index, vector in enumerate(document["vectors"]):
            actual = rows.get((pass_number, index))
            if actual is None:
                tally.fail(label, vector, reason)
            else:
                tally.record(label, vector, actual)
    for line in other_output:
        print(f"psql: {line}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", default=DEFAULT_VECTORS, help="vector file (ids.json)")
    parser.add_argument("--sql", action="store_true",
                        help="also check the extension through psql")
    parser.add_argument("--psql", default="psql",
                        help="psql command to run (default: psql); the flags "
                             + " ".join(PSQL_FLAGS) + " are appended")
    options = parser.parse_args()

    document = load_document(options.vectors)
    tally = Tally()
    check_reference(document["vectors"], tally)
    if options.sql:
        check_sql(document, options.psql, tally)
    print(f"vectors: {tally.passed} passed, {tally.failed} failed")
    sys.exit(1 if tally.failed else 0)


if __name__ == "__main__":
    main()
