#!/usr/bin/env bash
# make bench: seed PostgreSQL with BENCH_CASES cases (default 1,000,000; 2.5 persons each) and a year of movements
# (147,380 passengers, a 1,400-passenger peak day at AMS) once, then measure the case pages, the airport's board
# and the day's manifests (p50/p95 over BENCH_REQUESTS requests, the equivalent SQL beside them, queries per page).
# Talks only to the local database server; starts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/passage_bench}"
export DJANGO_SETTINGS_MODULE=passage.settings.test
export BENCH_CASES="${BENCH_CASES:-1000000}"

host=$($PY -c 'import os, urllib.parse; print(urllib.parse.urlparse(os.environ["DATABASE_URL"]).hostname or "")')
case "$host" in
  127.*|localhost|::1|"") ;;
  *) echo "bench: DATABASE_URL must point at this machine (127.0.0.1), not $host" >&2; exit 2 ;;
esac

# Create the database if it is missing (the server itself must already be running).
$PY - <<'PY'
import os, urllib.parse
import psycopg
url = urllib.parse.urlparse(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
admin = url._replace(path="/postgres").geturl()
with psycopg.connect(admin, autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
        print(f"bench: created database {name}")
PY

$PY manage.py migrate --noinput --skip-checks -v0
echo "bench: seeding ${BENCH_CASES} cases (skipped when already seeded at that size)"
$PY manage.py bench_seed --skip-checks
echo "bench: seeding a year of movements (skipped when already seeded)"
$PY manage.py bench_seed_movements --skip-checks
echo "bench: measuring"
$PY scripts/bench/run.py
