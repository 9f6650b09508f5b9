#!/usr/bin/env bash
# make bench: seed PostgreSQL with BENCH_CASES cases (default 1,000,000; 2.5 persons each) and a year of movements
# (147,380 passengers, a 1,400-passenger peak day at AMS) once, then measure the case pages, the airport's board
# and the day's manifests (p50/p95 over BENCH_REQUESTS requests, the equivalent SQL beside them, queries per page).
# Before that, the outbox: a charter of 250 departs through two Celery workers (RabbitMQ), the SMPP connector and a
# real SMSC, and a webhook receiver (scripts/bench/outbox.py, its own database, rebuilt each run).
# BENCH_ONLY=outbox runs only the outbox; BENCH_ONLY=<label> only the page scenarios whose label has it.
# Talks only to this machine's database server and broker; starts only its own workers, connector and peers.
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

only="${BENCH_ONLY:-}"
outbox=0
if [ -z "$only" ] || [ "$only" = "outbox" ]; then
  echo "bench: the outbox (a charter of ${BENCH_CHARTER_PASSENGERS:-250} departs; database passage_bench_outbox)"
  $PY scripts/bench/outbox.py || outbox=$?
fi
[ "$only" = "outbox" ] && exit "$outbox"

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
exit "$outbox"
