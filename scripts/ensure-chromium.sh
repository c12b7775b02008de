#!/usr/bin/env bash
# Make sure Debian's Chromium is there for the browser tests. Installs it with apt-get when it
# is missing and apt-get can run; otherwise says why the browser tests will be skipped.
# Always exits 0: a machine without Chromium still runs every other test.
set -u

# Without a colour emoji font the generated apps' icons (emoji) render as empty boxes.
EMOJI_FONT=/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
if [ -x /usr/bin/chromium ] && [ -f "$EMOJI_FONT" ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: apt-get is not available; browser tests will be skipped (need /usr/bin/chromium)."
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "ensure-chromium: not root and no passwordless sudo; browser tests will be skipped (need /usr/bin/chromium)."
    exit 0
  fi
fi

echo "ensure-chromium: installing Debian's chromium, chromium-driver and an emoji font with apt-get..."
if $SUDO apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-noto-color-emoji >/dev/null; then
  if [ -x /usr/bin/chromium ]; then
    echo "ensure-chromium: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)."
  else
    echo "ensure-chromium: apt-get finished but /usr/bin/chromium is missing; browser tests will be skipped."
  fi
else
  echo "ensure-chromium: apt-get could not install chromium; browser tests will be skipped."
fi
exit 0
