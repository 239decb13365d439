#!/usr/bin/env bash
# Run the demo town on http://127.0.0.1:8000 (another port: PORT=8200, or `make run PORT=8200`):
# web server plus the background worker that sends mail. SQLite by default; export DATABASE_URL
# first to use PostgreSQL. Stop with Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8000}

bash scripts/setup.sh

# One random key per checkout, kept across runs so logins and emailed links stay valid after a
# restart. Gitignored; umask keeps it private to this user.
if [ ! -s .secret_key ]; then
  (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' >.secret_key)
fi
SECRET_KEY=$(cat .secret_key)
export SECRET_KEY
export DEBUG=1
export SITE_URL="http://127.0.0.1:$PORT" # links in the mails point at this server
# The demo has no mail server: the worker prints every email to this terminal instead.
export EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend

manage() { .venv/bin/python manage.py "$@"; }

manage migrate --noinput
manage seed_demo --i-know-this-is-a-demo # idempotent; prints the demo logins
# The worker's own recurring tasks: every minute it releases lapsed holds and re-queues the
# tasks of a dead worker, every night it purges personal data past its retention period. Each
# run schedules the next; this puts the first runs in the task table, or does nothing if waiting.
manage purge_personal_data --schedule

# The worker sends the emails that bookings put in the outbox and runs those tasks. A script's
# background jobs ignore Ctrl+C, so stop it ourselves however this script ends.
manage db_worker &
worker=$!
stop_background() {
  kill "$worker" 2>/dev/null || true
  wait "$worker" 2>/dev/null || true
}
trap stop_background EXIT
trap 'exit 130' INT TERM # turns a signal into an exit, which runs the EXIT trap

cat <<EOF

  Amtstermin runs at  $SITE_URL
  Emails are not sent: there is no mail server in the demo, so they appear in this terminal.
  Stop with Ctrl+C.

EOF
manage runserver "127.0.0.1:$PORT"
