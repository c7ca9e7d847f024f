#!/usr/bin/env bash
# Installs what pip cannot, found by what is actually missing on this machine:
#   - Python's venv with pip for $PYTHON (Debian's python3.X-venv: no ensurepip without it),
#   - the Python headers for $PYTHON (python3.X-dev: simpleaudio builds from source),
#   - a C compiler and the C library headers (gcc, libc6-dev), the ALSA headers (libasound2-dev),
#   - ffmpeg and ffprobe (decoding mp3; the tests also make tones with ffmpeg),
#   - git (the Makefile tests clone this repository).
# Quick when everything is already there. Uses apt-get as root or through sudo; elsewhere it
# names the packages to install by hand. A failure ends with one line saying what to do.
#
#   PYTHON=python3.12 VENV=.venv-3.12 scripts/system-deps.sh
#
# PYTHON is the interpreter the virtualenv is made from (the Makefile's $(PYTHON)); VENV is that
# virtualenv: when it is already healthy (scripts/venv.sh marked it), venv support is not needed.
set -euo pipefail

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

fail() {
  echo "make: $*" >&2
  exit 1
}

command -v "$PYTHON" >/dev/null 2>&1 ||
  fail "$PYTHON not found; install Python 3.11 or newer (Debian: sudo apt-get install python3) or run make PYTHON=/path/to/python3"

# One interpreter start for every question about it: version, ensurepip usable, Python.h there.
probe=$("$PYTHON" - <<'EOF' 2>/dev/null
import os
import sys
import sysconfig

try:
    import ensurepip

    ensurepip.version()  # finds the bundled pip wheel, which python -m venv installs
    venv = 1
except Exception:
    venv = 0
header = os.path.exists(os.path.join(sysconfig.get_path("include"), "Python.h"))
print("%d.%d" % sys.version_info[:2], venv, int(header), sys.base_prefix)
EOF
) || fail "$PYTHON does not run; install Python 3.11 or newer or run make PYTHON=/path/to/python3"
read -r py_version has_venv has_header py_prefix <<<"$probe"

if [ "${py_version%%.*}" -ne 3 ] || [ "${py_version#*.}" -lt 11 ]; then
  fail "vm-tui needs Python 3.11 or newer, $PYTHON is $py_version; run make PYTHON=python3.11 (or newer)"
fi

# A healthy virtualenv needs no venv support any more (scripts/venv.sh writes the marker).
[ -f "$VENV/.venv-ok" ] && [ -x "$VENV/bin/python" ] && has_venv=1

# Debian and Ubuntu package their own interpreter (under /usr) as python3.X-venv / python3.X-dev;
# an interpreter elsewhere (pyenv, /usr/local, conda) must come with both itself.
system_python=0
[ "$py_prefix" = /usr ] && system_python=1

missing=()      # Debian package names
py_missing=()   # what $PYTHON itself lacks: "venv", "headers"
[ "$has_venv" = 1 ] || py_missing+=(venv)
[ "$has_header" = 1 ] || py_missing+=(headers)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v git >/dev/null 2>&1 || missing+=(git)

if [ "$(uname -s)" = "Darwin" ]; then
  # simpleaudio uses CoreAudio on macOS: no ALSA headers; the compiler is Xcode's.
  if [ ${#py_missing[@]} -gt 0 ]; then
    fail "$PYTHON has no venv or no headers; install a complete Python (brew install ffmpeg python@3.12; xcode-select --install for the compiler) and run make PYTHON=python3.12"
  fi
  [ ${#missing[@]} -eq 0 ] && exit 0
  list=$(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++' | paste -sd' ' -)  # bash 3.2 here
  fail "vm-tui needs $list; install with: brew install $list (and xcode-select --install for the compiler), then run make again"
fi

[ -f /usr/include/alsa/asoundlib.h ] || missing+=(libasound2-dev)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
[ -f /usr/include/stdio.h ] || missing+=(libc6-dev)

if ! command -v apt-get >/dev/null 2>&1; then
  [ ${#missing[@]} -eq 0 ] && [ ${#py_missing[@]} -eq 0 ] && exit 0
  echo "vm-tui needs ffmpeg, a C compiler, the ALSA headers, and Python $py_version with venv and headers:" >&2
  echo "  Fedora: sudo dnf install ffmpeg-free gcc alsa-lib-devel python3-devel   (venv is part of python3)" >&2
  echo "  Arch:   sudo pacman -S ffmpeg gcc alsa-lib python   (venv and headers are part of python)" >&2
  fail "install the packages above for your system and run make again"
fi

# A versioned Debian package when the archive has it (python3.11-venv), else the generic one.
deb_python_pkg() {  # suffix: venv | dev
  local versioned="python$py_version-$1"
  if apt-cache show --no-all-versions "$versioned" >/dev/null 2>&1 ||
    ! apt-cache show --no-all-versions "python3-$1" >/dev/null 2>&1; then
    echo "$versioned"
  else
    echo "python3-$1"
  fi
}

python_pkgs() {
  local what
  for what in "${py_missing[@]}"; do
    case $what in
      venv) deb_python_pkg venv ;;
      headers) deb_python_pkg dev ;;
    esac
  done
}

if [ ${#py_missing[@]} -gt 0 ] && [ "$system_python" = 0 ]; then
  where=$(command -v "$PYTHON")
  lacks=$(printf '%s\n' "${py_missing[@]}" | sed 's/^venv$/ensurepip (venv with pip)/; s/^headers$/Python.h/' | paste -sd, - | sed 's/,/ and /')
  fail "$PYTHON ($where, not Debian's) has no $lacks; reinstall it complete (pyenv: pyenv install --force $py_version) or run make PYTHON=/usr/bin/python3"
fi

[ ${#missing[@]} -eq 0 ] && [ ${#py_missing[@]} -eq 0 ] && exit 0

unique() { printf '%s\n' "$@" | awk 'NF && !seen[$0]++'; }

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  mapfile -t pkgs < <(unique "${missing[@]}" $(python_pkgs))
  fail "vm-tui needs these system packages: ${pkgs[*]}; install them as root (apt-get install ${pkgs[*]}) and run make again"
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq ||
  fail "apt-get update failed (see above); check the network and apt sources and run make again"
# After the update: the package lists know the versioned names.
mapfile -t pkgs < <(unique "${missing[@]}" $(python_pkgs))
echo "Installing system packages: ${pkgs[*]}" >&2
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null ||
  fail "could not install ${pkgs[*]} (see above); install them (sudo apt-get install ${pkgs[*]}) and run make again"
