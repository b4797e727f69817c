"""Shared helpers for the benchmark scripts: a connection and a timer that alternates the
candidates over several rounds and reports medians, so that the extension and the hand-written
SQL it replaces are always measured in the same run, under the same conditions."""
import statistics
import time

import psycopg2


def connect():
    """A connection from the usual PG* environment variables, autocommit."""
    connection = psycopg2.connect("")
    connection.autocommit = True
    return connection


def run(cursor, sql):
    start = time.perf_counter()
    cursor.execute(sql)
    if cursor.description is not None:
        cursor.fetchall()
    return time.perf_counter() - start


def time_alternated(cursor, candidates, rounds):
    """candidates: list of (name, sql). Runs each once as a warm-up, then `rounds` rounds in
    which every candidate runs once, in rotating order. Returns {name: [seconds per round]}."""
    for _, sql in candidates:
        run(cursor, sql)
    timings = {name: [] for name, _ in candidates}
    for r in range(rounds):
        order = candidates[r % len(candidates):] + candidates[:r % len(candidates)]
        for name, sql in order:
            timings[name].append(run(cursor, sql))
    return timings


def median(values):
    return statistics.median(values)


def spread(values):
    """Relative spread of the runs: (max - min) / median."""
    return (max(values) - min(values)) / statistics.median(values)
