#!/usr/bin/env bash
# Makes sure $VENV is a virtualenv with a working pip, made from $PYTHON; rebuilds a half-made one
# (no pip: `python -m venv` stopped at ensurepip, or was interrupted; or its interpreter is gone).
# Quick once it is healthy: it then checks only a marker file and that the interpreter is there.
#
#   PYTHON=python3 VENV=.venv scripts/venv.sh
#
# A failure ends with one line saying what to do.
set -uo pipefail

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
ok="$VENV/.venv-ok"

# The quick path: marked healthy before, and the interpreter still runs (test -x follows links).
[ -f "$ok" ] && [ -x "$VENV/bin/python" ] && exit 0

has_pip() { "$VENV/bin/python" -m pip --version >/dev/null 2>&1; }

if [ -e "$VENV" ] || [ -L "$VENV" ]; then
  if [ -x "$VENV/bin/python" ] && has_pip; then
    touch "$ok"
    exit 0
  fi
  echo "make: $VENV is half-made (no working python with pip); making it again" >&2
  rm -rf "$VENV"
fi

# The package that gives this interpreter ensurepip, for the message below.
pkg() {
  local v
  v=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || v=3
  echo "python$v-venv"
}

echo "Creating $VENV with $PYTHON" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "$PYTHON" -m venv "$VENV" >"$log" 2>&1 || ! has_pip; then
  sed 's/^/  /' "$log" >&2
  rm -rf "$VENV"  # never leave a half-made one behind
  if grep -q ensurepip "$log"; then
    p=$(pkg)
    echo "make: the virtualenv could not be created ($PYTHON has no ensurepip); install $p (sudo apt-get install $p) and run make again" >&2
  else
    echo "make: the virtualenv could not be created ($PYTHON -m venv $VENV failed, see above); fix that and run make again" >&2
  fi
  exit 1
fi
touch "$ok"
