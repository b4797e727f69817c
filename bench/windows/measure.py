"""What bench/windows/run and bench/upserts/run share: a database of their own, timing, and the
tuples and WAL a statement writes. Runs against the cluster the PG* variables point at."""
import os
import statistics
import time

import psycopg2


def fresh_database(name):
    admin = psycopg2.connect(dbname=os.environ.get("PGDATABASE", "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    admin.close()
    connection = psycopg2.connect(dbname=name)
    connection.autocommit = True
    return connection


def drop_database(connection, name):
    connection.close()
    admin = psycopg2.connect(dbname=os.environ.get("PGDATABASE", "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE {name}")
    admin.close()


def run(connection, sql, *args):
    with connection.cursor() as cursor:
        cursor.execute(sql, args or None)
        return cursor.fetchall() if cursor.description else None


def scalar(connection, sql, *args):
    return run(connection, sql, *args)[0][0]


def table_counters(connection, table):
    """Tuples inserted, updated, deleted, and dead, from pg_stat_user_tables, for the table and
    its partitions."""
    run(connection, "SELECT pg_stat_force_next_flush()")
    time.sleep(0.1)
    return run(connection, """
        SELECT coalesce(sum(n_tup_ins), 0), coalesce(sum(n_tup_upd), 0),
               coalesce(sum(n_tup_del), 0), coalesce(sum(n_dead_tup), 0)
        FROM pg_stat_user_tables
        WHERE relid = %s::regclass OR relid IN (SELECT relid FROM pg_partition_tree(%s::regclass))
    """, table, table)[0]


class Measurement:
    def __init__(self, seconds, wal_bytes, written, dead):
        self.seconds = seconds
        self.wal_bytes = wal_bytes
        self.written = written  # tuples inserted + updated + deleted
        self.dead = dead

    def describe(self):
        return (f"{self.seconds * 1000:9.1f} ms  {self.wal_bytes / 1024:9.0f} KiB WAL  "
                f"{self.written:7d} tuples written  {self.dead:7d} dead after")


def measure_once(connection, table, sql, prepare=None):
    if prepare:
        prepare()
    before = table_counters(connection, table)
    lsn = scalar(connection, "SELECT pg_current_wal_insert_lsn()")
    start = time.perf_counter()
    run(connection, sql)
    seconds = time.perf_counter() - start
    wal = scalar(connection, "SELECT pg_current_wal_insert_lsn() - %s::pg_lsn", lsn)
    after = table_counters(connection, table)
    written = sum(after[i] - before[i] for i in range(3))
    return Measurement(seconds, int(wal), int(written), int(after[3]))


def median(runs):
    runs.sort(key=lambda m: m.seconds)
    return runs[len(runs) // 2]


def measure_pair(connection, table, ours, theirs, prepare=None, repeat=5):
    """Runs both statements repeat times, alternating so that load from elsewhere on the
    machine falls on both alike (prepare before each, untimed: it may VACUUM), and returns the
    median run of each: time, WAL, tuples written and dead tuples."""
    our_runs, their_runs = [], []
    for _ in range(repeat):
        our_runs.append(measure_once(connection, table, ours, prepare))
        their_runs.append(measure_once(connection, table, theirs, prepare))
    return median(our_runs), median(their_runs)


def report(label, pair, target=None):
    ours, theirs = pair
    ratio = ours.seconds / theirs.seconds
    verdict = "" if target is None else ("  (target <= %.2f: %s)" % (target, "met" if ratio <= target else "MISSED"))
    print(f"{label}")
    print(f"  idempotent   {ours.describe()}")
    print(f"  hand-written {theirs.describe()}")
    print(f"  ratio        {ratio:.2f}{verdict}")
    return ratio
