-- idempotent: make data pipelines safe to retry.
\echo Use "CREATE EXTENSION idempotent" to load this file. \quit
