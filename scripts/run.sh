#!/usr/bin/env bash
# Run the demo town on http://127.0.0.1:8000: web server plus the background worker that sends
# mail. SQLite by default; export DATABASE_URL first to use PostgreSQL. Stop with Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

# One random key per checkout, kept across runs so logins and emailed links stay valid after a
# restart. Gitignored; umask keeps it private to this user.
if [ ! -s .secret_key ]; then
  (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' >.secret_key)
fi
SECRET_KEY=$(cat .secret_key)
export SECRET_KEY
export DEBUG=1
# The demo has no mail server: the worker prints every email to this terminal instead.
export EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend

manage() { .venv/bin/python manage.py "$@"; }

manage migrate --noinput
manage seed_demo --i-know-this-is-a-demo # idempotent; prints the demo logins
# The worker purges personal data past its retention period every night and schedules its own
# next run; this puts the first run in the task table, or does nothing if one is waiting.
manage purge_personal_data --schedule

# The worker sends the emails that bookings put in the outbox. expire_holds, what cron runs
# every minute in production, releases lapsed holds and re-queues the tasks of a dead worker.
# Background jobs of a script ignore Ctrl+C, so stop them ourselves however this script ends.
manage db_worker &
worker=$!
while sleep 60; do manage expire_holds >/dev/null || true; done &
minutely=$!
stop_background() {
  kill "$worker" "$minutely" 2>/dev/null || true
  wait "$worker" "$minutely" 2>/dev/null || true
}
trap stop_background EXIT
trap 'exit 130' INT TERM # turns a signal into an exit, which runs the EXIT trap

cat <<EOF

  Amtstermin runs at  http://127.0.0.1:8000
  Emails are not sent: there is no mail server in the demo, so they appear in this terminal.
  Stop with Ctrl+C.

EOF
manage runserver 127.0.0.1:8000
