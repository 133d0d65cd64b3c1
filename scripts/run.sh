#!/usr/bin/env sh
# `make run`: the development server and, beside it, one job worker with the scheduler
# (cellmeet/jobs.py), on the queue folder under var/: no other service to start.
set -eu
cd "$(dirname "$0")/.."
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
.venv/bin/celery -A cellmeet worker --beat --pool=threads --concurrency=2 \
  --without-mingle --without-gossip --loglevel=info &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
CELLMEET_BASE_URL=${CELLMEET_BASE_URL:-http://$HOST:$PORT} \
  .venv/bin/python manage.py runserver "$HOST:$PORT"
