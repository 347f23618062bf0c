#!/bin/sh
# Check a built image on this machine with buildah (no container runtime needed): it runs as
# the unprivileged user, `check --deploy` is clean with the production settings, migrations
# apply to an empty PostgreSQL database, the web role answers /healthz and /readyz (database,
# cache, broker, storage) and serves the hashed static files, the worker role connects to the
# broker, and nothing is written outside /tmp. Needs PostgreSQL and Redis on 127.0.0.1.
#   deploy/container/verify.sh [image]
set -eu
image="${1:-localhost/kommunal-campus:dev}"
b="buildah ${BUILDAH_ARGS:-}"
db=kc_image_check
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
ctr="$($b from "$image" | tail -1)"
marker="$(mktemp)"
cleanup() { pkill -f "gunicorn lms.wsgi" || true; pkill -f "celery -A lms worker" || true; $b rm "$ctr" >/dev/null || true; rm -f "$marker"; }
trap cleanup EXIT
key="image-check-$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')"
run() {
  $b run --isolation chroot --env SECRET_KEY="$key" --env ALLOWED_HOSTS=campus.test \
    --env DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" \
    --env CELERY_BROKER_URL=redis://127.0.0.1:6379/13 --env REDIS_URL=redis://127.0.0.1:6379/13 \
    --env SITE_URL=https://campus.test --env GUNICORN_WORKERS=2 "$ctr" -- "$@"
}
echo "user:   $(run id -u) (must not be 0)"
[ "$(run id -u)" != 0 ]
sleep 1
run kommunal-campus manage check --deploy
run kommunal-campus migrate -v0
echo "migrations applied"
run kommunal-campus web >/tmp/kc-image-web.log 2>&1 &
for _ in $(seq 60); do curl -sf -o /dev/null -H "Host: campus.test" http://127.0.0.1:8000/healthz && break; sleep 1; done
get() { curl -s -o /dev/null -w "%{http_code}" -H "Host: campus.test" -H "X-Forwarded-Proto: https" "http://127.0.0.1:8000$1"; }
echo "healthz: $(get /healthz)  readyz: $(get /readyz)  home: $(get /)"
[ "$(get /readyz)" = 200 ] && [ "$(get /)" = 200 ]
css="$(curl -s -H "Host: campus.test" -H "X-Forwarded-Proto: https" http://127.0.0.1:8000/ | grep -o '/static/css/site\.[0-9a-f]*\.css' | head -1)"
echo "static: $css $(get "$css")"
[ "$(get "$css")" = 200 ]
pkill -f "gunicorn lms.wsgi" || true
run timeout 25 kommunal-campus worker >/tmp/kc-image-worker.log 2>&1 || true
grep -q "ready\." /tmp/kc-image-worker.log && echo "worker: connected to the broker"
mnt="$($b mount "$ctr")"
# What the runtime itself prepares for a container (/run, /dev, /proc, /sys, /etc/hosts …) is
# not the application's writing.
written="$(find "$mnt" -xdev -newer "$marker" -not -path "$mnt/tmp" -not -path "$mnt/tmp/*" \
  -not -path "$mnt/run" -not -path "$mnt/run/*" -not -path "$mnt/dev*" -not -path "$mnt/proc*" \
  -not -path "$mnt/sys*" -not -path "$mnt/etc/hosts" -not -path "$mnt/etc/hostname" \
  -not -path "$mnt/etc/resolv.conf" | head -5)"
$b umount "$ctr" >/dev/null
if [ -n "$written" ]; then echo "written outside /tmp: $written"; exit 1; fi
echo "nothing written outside /tmp"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"
echo "image $image: all checks passed"
