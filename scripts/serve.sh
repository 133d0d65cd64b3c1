#!/usr/bin/env sh
# The production configuration on this machine: `make serve` (see docs/deployment.md).
# DEBUG off, gunicorn, whitenoise, persistent health-checked database connections,
# logs to stdout. Anything already set in the environment wins over these defaults,
# which only make a local run possible (plain HTTP on 127.0.0.1).
set -eu
cd "$(dirname "$0")/.."
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export DJANGO_DEBUG=0
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  # One key per checkout, kept out of the repository (var/ is ignored).
  mkdir -p var
  [ -s var/secret_key ] || .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
  DJANGO_SECRET_KEY=$(cat var/secret_key)
  export DJANGO_SECRET_KEY
fi
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-$HOST,localhost,127.0.0.1}
export CELLMEET_BASE_URL=${CELLMEET_BASE_URL:-http://$HOST:$PORT}
case "$CELLMEET_BASE_URL" in
  http://*)  # no TLS in front: do not redirect to HTTPS or mark cookies secure
    export DJANGO_SSL_REDIRECT=${DJANGO_SSL_REDIRECT:-0} DJANGO_SECURE_COOKIES=${DJANGO_SECURE_COOKIES:-0} \
           DJANGO_HSTS_SECONDS=${DJANGO_HSTS_SECONDS:-0} ;;
esac
export DJANGO_CONN_MAX_AGE=${DJANGO_CONN_MAX_AGE:-60}
export GUNICORN_BIND=${GUNICORN_BIND:-$HOST:$PORT}
.venv/bin/python manage.py migrate --noinput --verbosity 0
.venv/bin/python manage.py collectstatic --noinput --verbosity 0
echo "cellmeet (production settings): $CELLMEET_BASE_URL  database: ${DATABASE_URL:-SQLite db.sqlite3}"
echo "job queue: ${CELLMEET_BROKER_URL:-the folder var/queue on this machine}"
# The job workers (CELLMEET_JOB_WORKERS processes, one per core by default) and the
# scheduler; more workers can run on other machines (docs/deployment.md).
jobs=""
for n in $(seq 1 "${CELLMEET_JOB_WORKERS:-$(nproc)}"); do
  .venv/bin/celery -A cellmeet worker --pool=solo -n "worker$n@%h" \
    --without-mingle --without-gossip --loglevel=warning &
  jobs="$jobs $!"
done
.venv/bin/celery -A cellmeet beat --loglevel=warning &
jobs="$jobs $!"
trap 'kill $jobs 2>/dev/null || true' EXIT INT TERM
.venv/bin/gunicorn -c cellmeet/gunicorn.conf.py
