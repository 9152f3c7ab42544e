#!/usr/bin/env bash
# Debian packages the deck needs: chromium (export, browser tests), CJK fonts (Chinese
# in slides and figures), ffmpeg (animations). Installs what is absent when it can.
set -euo pipefail

missing=()
command -v chromium >/dev/null || missing+=(chromium)
[ -n "$(fc-list ":family=Noto Sans CJK SC" 2>/dev/null)" ] || missing+=(fonts-noto-cjk)
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "Missing system packages: ${missing[*]}" >&2
    echo "Install them as root, e.g.: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fc-cache -f >/dev/null 2>&1 || true
