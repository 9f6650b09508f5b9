#!/usr/bin/env bash
# The quick start: SQLite, a SQLite-backed Celery broker, the demo loaded once.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${PORT:-8000}"
export DJANGO_SETTINGS_MODULE=passage.settings.dev
mkdir -p var

$PY manage.py migrate --noinput
$PY manage.py demo_seed          # does nothing if the demo is already loaded
$PY manage.py demo_logins

# One worker with the beat scheduler inside it (-B): it carries the outbox's messages out and sweeps every 30 s.
.venv/bin/celery -A passage worker -B -s var/celerybeat-schedule --loglevel=warning --concurrency=1 --pool=solo \
  >var/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
echo "Celery worker with the outbox sweep started (pid $WORKER, log var/worker.log)."
echo "Passage on http://127.0.0.1:${PORT}/  (Ctrl-C stops web and worker)"
$PY manage.py runserver "127.0.0.1:${PORT}" --noreload
