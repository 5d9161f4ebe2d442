#!/bin/bash
# deps.sh — installs, from Debian 12's packages, what CardIssue needs to build,
# run and test. Run as root (or with sudo available).
set -euo pipefail

packages=(
  meson ninja-build pkg-config gcc clang libclang-rt-14-dev
  libglib2.0-dev libglib2.0-bin libsqlite3-dev libssl-dev sqlite3 openssl
  gettext desktop-file-utils appstream appstream-util libxml2-utils valgrind python3
  pcscd libpcsclite-dev vsmartcard-vpcd opensc util-linux postgresql postgresql-client libpq-dev
  libp11-kit-dev softhsm2
  libcairo2-dev libpango1.0-dev libqrencode-dev libgdk-pixbuf-2.0-dev librsvg2-dev
  libzbar-dev zbar-tools fonts-dejavu-core fonts-dejavu-extra fonts-wqy-microhei
  libgtk-4-dev libgtk-4-bin libadwaita-1-dev adwaita-icon-theme xvfb dbus xdotool
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
