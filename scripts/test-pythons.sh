#!/usr/bin/env bash
# `make test-pythons`: the test suite under each of Python 3.11, 3.12 and 3.13 this machine has,
# each in its own virtualenv (.venv-3.11, .venv-3.12, .venv-3.13; `make clean` removes them).
# Prints one line per version: passed, failed (with where the log is) or not found. Exits 1 when
# a version that was found failed, or when none was found.
#
# An interpreter is found in pyenv's versions ($PYENV_ROOT/versions/3.X.*, the newest patch
# release first) or as python3.X on PATH (a pyenv shim for a version not selected does not run,
# and is skipped).
set -uo pipefail
cd "$(dirname "$0")/.."

VERSIONS=${VERSIONS:-3.11 3.12 3.13}
MAKE=${MAKE:-make}
pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}

# The interpreter for version $1 (3.12), or nothing.
find_python() {
  local v=$1 candidate
  # pyenv: newest patch release first (3.12.10 before 3.12.9), no pre-releases or variants.
  while read -r candidate; do
    [ -n "$candidate" ] && reports "$candidate" "$v" && { echo "$candidate"; return; }
  done < <(
    for d in "$pyenv_root"/versions/"$v".*; do
      [[ $(basename "$d") =~ ^$v\.[0-9]+$ ]] && echo "$d/bin/python$v"
    done | sort -rV
  )
  if command -v pyenv >/dev/null 2>&1; then
    candidate=$(pyenv which "python$v" 2>/dev/null) && reports "$candidate" "$v" &&
      { echo "$candidate"; return; }
  fi
  candidate=$(command -v "python$v" 2>/dev/null) && reports "$candidate" "$v" && echo "$candidate"
}

# Does $1 run and say it is Python $2?
reports() {
  [ -x "$1" ] && [ "$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$2" ]
}

status=0
found=0
lines=()
for v in $VERSIONS; do
  py=$(find_python "$v")
  if [ -z "$py" ]; then
    line="Python $v: not found"
    lines+=("$line")
    echo "$line"
    continue
  fi
  found=$((found + 1))
  full=$("$py" -c 'import platform; print(platform.python_version())')
  venv=".venv-$v"
  log="$venv.log"
  echo "Python $v ($full, $py): installing into $venv and running the suite (log: $log)..." >&2
  started=$(date +%s)
  if $MAKE --no-print-directory PYTHON="$py" VENV="$venv" install >"$log" 2>&1; then
    "$venv/bin/python" -m pytest -q -p no:cacheprovider >>"$log" 2>&1
    rc=$?
    # pytest's last line: "870 passed, 2 skipped in 161.20s (0:02:41)"
    summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed|errors?|skipped)' "$log" | tail -n 1 | sed 's/^=* *//; s/ *=*$//')
  else
    rc=1
    summary="install failed: $(tail -n 1 "$log")"
  fi
  took=$(($(date +%s) - started))
  if [ "$rc" -eq 0 ]; then
    line="Python $v ($full): passed ($summary; ${took} s)"
  else
    line="Python $v ($full): FAILED (${summary:-exit $rc}; log: $log)"
    status=1
  fi
  lines+=("$line")
  echo "$line"
done

echo
echo "make test-pythons:"
printf '  %s\n' "${lines[@]}"
if [ "$found" -eq 0 ]; then
  echo "make: no Python 3.11, 3.12 or 3.13 found; install one (pyenv install 3.12) and run make test-pythons again" >&2
  exit 1
fi
exit $status
