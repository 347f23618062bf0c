#!/bin/sh
# One image, four roles: the first argument chooses. Runs as the unprivileged user on a
# read-only root filesystem; only /tmp is written (gunicorn heartbeats, metrics, beat state).
set -eu
mkdir -p /tmp/prometheus
role="${1:-web}"
[ "$#" -gt 0 ] && shift
case "$role" in
  web)
    rm -f /tmp/prometheus/*.db  # a restarted pod starts its counters afresh
    exec gunicorn lms.wsgi --bind 0.0.0.0:8000 --workers "${GUNICORN_WORKERS:-3}" \
      --worker-tmp-dir /tmp --timeout 60 --graceful-timeout 30 \
      --forwarded-allow-ips "*" "$@" ;;  # access lines come from the app (structured)
  worker)
    exec celery -A lms worker --concurrency "${CELERY_CONCURRENCY:-2}" --loglevel INFO "$@" ;;
  beat)
    exec celery -A lms beat --schedule /tmp/celerybeat-schedule --loglevel INFO "$@" ;;
  migrate)
    exec python manage.py migrate --noinput "$@" ;;
  manage)
    exec python manage.py "$@" ;;
  *)
    exec "$role" "$@" ;;
esac
