#!/usr/bin/env bash
# Start the quick start on a fresh SQLite file and check it answers: health, login page, a demo login.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${SMOKE_PORT:-8765}"
export SQLITE_PATH="$(mktemp -d)/smoke.sqlite3"
export CELERY_BROKER_URL="sqla+sqlite:///$(dirname "$SQLITE_PATH")/broker.sqlite3"
export DEMO_SCALE="${DEMO_SCALE:-small}"
log=$(mktemp)
PORT=$PORT bash scripts/run.sh >"$log" 2>&1 &
pid=$!
cleanup() { pkill -P $pid 2>/dev/null || true; kill $pid 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 240); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
  kill -0 $pid 2>/dev/null || { echo "run.sh exited early:"; cat "$log"; exit 1; }
  sleep 1
done
health=$(curl -fsS "http://127.0.0.1:$PORT/healthz")
echo "healthz: $health"
grep -q '"status": "ok"' <<<"$health"
curl -fsSL "http://127.0.0.1:$PORT/login/" | grep -q 'name="login"' || { echo "no sign-in form at /login/"; exit 1; }
grep -q "counsellor" "$log" || { echo "demo logins were not printed"; cat "$log"; exit 1; }
.venv/bin/python scripts/smoke_login.py "http://127.0.0.1:$PORT"
# The partner API: its OpenAPI 3.1 document, its docs page's assets from static, and no entry without a token.
curl -fsS "http://127.0.0.1:$PORT/api/openapi.json" | grep -q '"openapi": "3.1.0"' || { echo "no OpenAPI 3.1 at /api/openapi.json"; exit 1; }
curl -fsS "http://127.0.0.1:$PORT/static/ninja/swagger-ui-bundle.js" -o /dev/null || { echo "the API docs' assets are not served"; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/v1/departures?since=2026-01-01T00:00:00Z")" = 401 ] \
  || { echo "the partner API let in a request without a token"; exit 1; }
# The worker carries a message out: queued in a transaction here, sent by the quick start's worker.
export DJANGO_SETTINGS_MODULE=passage.settings.dev
id=$(.venv/bin/python manage.py shell -c "
from django.db import transaction
from passage.accounts.models import Mission
from passage.messaging.services import message_queue
with transaction.atomic():
    m = message_queue(channel='sms', recipient='+31600000000', kind='smoke', mission_id=Mission.objects.first().pk)
print(m.pk)" | tail -1)
for _ in $(seq 60); do
  status=$(.venv/bin/python manage.py shell -c "
from passage.messaging.models import Message
print(Message.objects.get(pk='$id').status)" | tail -1)
  [ "$status" = sent ] && break
  sleep 1
done
[ "$status" = sent ] || { echo "the worker did not send the smoke message (status: $status)"; cat var/worker.log; exit 1; }
echo "worker: message $id sent"
echo "smoke ok"
