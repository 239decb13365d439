#!/usr/bin/env bash
# Everything CI checks, from a fresh machine: install, lint, migrations, translations, and the
# test suite twice, on SQLite (the embedded default) and on PostgreSQL (what larger installations
# run, and the only database that enforces the no-overbooking constraint).
#
#   bash scripts/test.sh                      the whole run (what `make test` and CI do)
#   bash scripts/test.sh -k booking -x        extra arguments go to both pytest runs
#
# Stops at the first failing step and names it. `make check` is the quick loop without installs.
set -euo pipefail
cd "$(dirname "$0")/.."

step=""
declare -A outcome=([SQLite]="not run" [PostgreSQL]="not run" [+400d]="not run")
begin() {
  step=$1
  printf '\n==> %s\n' "$step"
}
summary() {
  local status=$?
  printf '\n'
  printf '%-11s %s\n' "SQLite:" "${outcome[SQLite]}" "PostgreSQL:" "${outcome[PostgreSQL]}" \
    "+400 days:" "${outcome[+400d]}"
  if [ "$status" -ne 0 ]; then
    printf '\nFAILED at step: %s (exit code %s)\n' "${step:-?}" "$status" >&2
  fi
}
trap summary EXIT

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)

begin "setup (virtualenv, packages, front-end files, translations)"
bash scripts/setup.sh --dev
export PATH="$PWD/.venv/bin:$PATH"
# manage.py refuses to start without SECRET_KEY; these checks need one, never a real one.
# (pytest takes its own from tests/settings.py.)
export SECRET_KEY=${SECRET_KEY:-test-only-not-secret}
# The checks and the first test run use SQLite, whatever database the caller's shell points at.
unset DATABASE_URL

# Browser tests drive Debian's Chromium through Playwright; Playwright's own browser download
# is not reachable from CI. faketime moves the clock for the time-bomb run at the end.
debian_packages=()
[ -x /usr/bin/chromium ] || debian_packages+=(chromium)
command -v faketime >/dev/null || debian_packages+=(faketime)
if [ ${#debian_packages[@]} -gt 0 ]; then
  begin "install ${debian_packages[*]} from Debian"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${debian_packages[@]}"
fi

postgres_url=postgres://postgres@127.0.0.1:5432/amtstermin
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  begin "start PostgreSQL"
  "${sudo[@]}" pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
  done
  pg_isready -h 127.0.0.1 -p 5432
fi

begin "ruff format --check"
ruff format --check .
begin "ruff check"
ruff check .
begin "migrations match the models (makemigrations --check)"
python manage.py makemigrations --check --dry-run
begin "translations complete in every language (scripts/check_translations.py)"
python scripts/check_translations.py
begin "layer contracts (lint-imports)"
lint-imports --no-cache
begin "types over core/ (mypy)"
mypy

# One pytest run per database, each leaving a summary line. Exit code 5 means pytest collected
# no tests: a misspelt path or -k must not pass for a green run.
color=no
[ -t 1 ] && color=yes # pytest sees a pipe (tee), so tell it whether a person is watching
run_pytest() {
  local name=$1 database_url=$2 log status last
  shift 2
  begin "pytest: $name"
  log=$(mktemp)
  set +e
  # tee keeps the output live and gives us pytest's last line for the summary. loadgroup: the
  # tests marked xdist_group("threads") open dozens of PostgreSQL connections each, so they run
  # one after another on one worker, never side by side (the server allows 100).
  env ${database_url:+DATABASE_URL="$database_url"} ${coverage_file:+COVERAGE_FILE="$coverage_file"} \
    ${clock_shift[@]+"${clock_shift[@]}"} pytest -n 2 --dist loadgroup --color="$color" \
    ${coverage_file:+--cov --cov-report= --cov-fail-under=0} "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  last=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E ' in [0-9.]+s' | tail -n 1 |
    sed -E 's/^[= ]+|[= ]+$//g')
  rm -f "$log"
  case $status in
    0) outcome[$name]="passed: $last" ;;
    5) outcome[$name]="FAILED: no tests collected (pytest exit code 5)" ;;
    *) outcome[$name]="FAILED: ${last:-pytest exit code $status}" ;;
  esac
  return "$status"
}

# Branch coverage of both database runs together (the gate is the combined report, not each
# run): some code runs only on one of them.
rm -f .coverage .coverage.*
clock_shift=()
coverage_file=.coverage.sqlite run_pytest SQLite "" "$@"
coverage_file=.coverage.postgresql run_pytest PostgreSQL "$postgres_url" "$@"
if [ $# -eq 0 ]; then # a partial run (-k, a path) cannot reach the gate
  begin "branch coverage of both runs (fail under 97 %)"
  coverage combine --quiet .coverage.sqlite .coverage.postgresql
  coverage report
fi
coverage_file=
# Time bombs: the suite again with the system clock 400 days ahead. Tests run on one frozen clock
# (tests/fixtures/clock.py); one that reads the real date fails here the day it is written.
# The browser tests keep the real clock (Chromium's) and are left out, as are the few that need
# a timed wait to expire (timed_waits): under libfaketime such a wait never returns.
clock_shift=(faketime -f +400d)
run_pytest +400d "" -m "not browser and not timed_waits" "$@"
