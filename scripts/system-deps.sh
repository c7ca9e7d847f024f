#!/usr/bin/env bash
# Installs what pip cannot: ffmpeg (decoding mp3) and the ALSA headers (building simpleaudio).
# Quick when everything is already there. Uses apt-get as root or through sudo; elsewhere it
# names the packages to install by hand.
set -euo pipefail

missing=()
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
[ -f /usr/include/alsa/asoundlib.h ] || missing+=(libasound2-dev)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
[ ${#missing[@]} -eq 0 ] && exit 0
# unique, in order
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')

if [ "$(uname -s)" = "Darwin" ]; then
  echo "vm-tui needs: ffmpeg. Install it with: brew install ffmpeg" >&2
  echo "(simpleaudio uses CoreAudio on macOS; no ALSA headers needed)" >&2
  command -v ffmpeg >/dev/null 2>&1 || exit 1
  exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "vm-tui needs these system packages: ${missing[*]}" >&2
    echo "Install them as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing system packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "vm-tui needs: ffmpeg, the ALSA development headers and a C compiler." >&2
echo "  Fedora: sudo dnf install ffmpeg alsa-lib-devel gcc python3-devel" >&2
echo "  Arch:   sudo pacman -S ffmpeg alsa-lib gcc" >&2
exit 1
