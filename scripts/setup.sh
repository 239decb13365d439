#!/usr/bin/env bash
# Prepare this checkout: virtualenv, Python packages, front-end files, compiled translations.
#
#   bash scripts/setup.sh          what `make run` needs
#   bash scripts/setup.sh --dev    plus test and lint tools (what `make test` needs)
#
# Safe to run again and again: every step skips itself when there is nothing to do, so
# run.sh and test.sh call it each time and a pulled change to requirements just works.
set -euo pipefail
cd "$(dirname "$0")/.."

requirements=requirements.txt
case "${1:-}" in
  "") ;;
  --dev) requirements=requirements-dev.txt ;;
  *) echo "usage: bash scripts/setup.sh [--dev]" >&2; exit 2 ;;
esac

say() { printf 'setup: %s\n' "$*"; }

# Debian packages; sudo only when we are not root (CI and containers run as root, without sudo).
apt_install() {
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  say "installing Debian packages: $*"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# System tools. Debian's python3 lacks ensurepip (so `python3 -m venv` fails) until
# python3-venv is installed; makemessages and compilemessages need GNU gettext.
python=$(command -v python3.11 || command -v python3 || true)
missing=()
if [ -z "$python" ]; then
  missing+=(python3 python3-venv)
elif [ ! -x .venv/bin/python ] && ! "$python" -c 'import ensurepip' 2>/dev/null; then
  missing+=(python3-venv)
fi
command -v msgfmt >/dev/null || missing+=(gettext)
if [ ${#missing[@]} -gt 0 ]; then
  apt_install "${missing[@]}"
  python=$(command -v python3.11 || command -v python3)
fi

if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $("$python" --version)"
  # A half-made .venv would make every later run skip this step, so remove it on failure.
  "$python" -m venv .venv || { rm -rf .venv; exit 1; }
fi
if ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "setup: .venv runs $(.venv/bin/python --version), but Amtstermin needs Python 3.11" \
    "(pyproject.toml). Install python3.11, remove .venv and run this again." >&2
  exit 1
fi

# pip is slow even when everything is installed, so remember what the last successful install
# was. requirements-dev.txt includes requirements.txt, hence both files go into the hash.
stamp=".venv/.installed-${requirements%.txt}"
wanted=$(cat requirements.txt "$requirements" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  say "installing $requirements into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
  echo "$wanted" >"$stamp"
  if [ "$requirements" = requirements-dev.txt ]; then
    # The dev set contains the runtime set, so a later plain setup has nothing to do either.
    cat requirements.txt requirements.txt | sha256sum | cut -d' ' -f1 >.venv/.installed-requirements
  fi
fi

# KERN UX, htmx and ALTCHA from npm into amtstermin/static/vendor (never committed).
bash scripts/vendor.sh

# Django reads translations from .mo files, which are build output (gitignored).
# compilemessages skips .po files whose .mo is newer, so this is cheap when nothing changed.
if compgen -G "amtstermin/locale/*/LC_MESSAGES/*.po" >/dev/null; then
  # settings.py refuses to load without SECRET_KEY; compiling messages never uses it.
  SECRET_KEY=${SECRET_KEY:-setup-only-not-secret} .venv/bin/python manage.py compilemessages \
    --verbosity 0 --ignore=.venv --ignore=node_modules
fi
