# Shared by scripts/run and scripts/test: idempotent installation of what
# eCabinet needs on Debian 12, from Debian's packages, crates.io, npm and PyPI
# only. Every step checks first, so a second run costs seconds.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Build output lives outside the clone, so a fresh clone reuses earlier builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ecabinet/target}"
ECAB_CACHE="$HOME/.cache/ecabinet"
TOOLS="$ECAB_CACHE/tools"
export PATH="$TOOLS/bin:$HOME/.cargo/bin:$PATH"

# PDFium comes from the pypdfium2 wheel on PyPI (no Debian package exists).
# pdfium-render 0.9.5's default `pdfium_latest` API matches this build (8149).
PYPDFIUM2_VERSION="5.15.2"
PYPDFIUM2_SHA256="dc31aea5b0fb9fefc9b537a65f4113980b2c40798445736a7e6565bc85161e37"
PDFIUM_DIR="$ECAB_CACHE/pdfium/$PYPDFIUM2_VERSION"
export PDFIUM_DYNAMIC_LIB_PATH="$PDFIUM_DIR"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: installing system packages needs root (or sudo): $*" >&2; return 1; fi
}

# apt_install PKG...: installs the packages that are not installed yet.
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What the desktop app needs to build and run (Tauri v2 on WebKitGTK 4.1).
install_desktop_deps() {
  # Voice: Opus (libopus) and the sound devices (ALSA) for capture and playback.
  apt_install build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev curl file libopus-dev libasound2-dev libdbus-1-dev
}

install_test_deps() {
  install_desktop_deps
  apt_install xvfb xauth webkit2gtk-driver chromium postgresql fonts-dejavu-core openssl
  # A private D-Bus session with a Secret Service (and secret-tool to look
  # inside it), for the OS-keyring test;
  # a software PKCS#11 token and openssl, for the signing tests.
  apt_install dbus gnome-keyring libsecret-tools softhsm2 openssl libnss3-tools
  # pkcs11-tool: the desktop test puts a signer's certificate on its SoftHSM token.
  apt_install opensc
  # xmllint: the exchange envelope validated against docs/exchange/goi-tin.xsd.
  apt_install libxml2-utils
}

# Peers the benchmarks compare against, in the same run.
install_bench_deps() {
  apt_install mupdf-tools poppler-utils hyperfine nginx-light curl time
}

install_pdfium() {
  [ -f "$PDFIUM_DIR/libpdfium.so" ] && return 0
  say "fetching PDFium from the pypdfium2 $PYPDFIUM2_VERSION wheel (PyPI)"
  local tmp; tmp="$(mktemp -d)"
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --platform manylinux_2_17_x86_64 "pypdfium2==$PYPDFIUM2_VERSION" -d "$tmp"
  local wheel; wheel="$(ls "$tmp"/pypdfium2-*.whl)"
  echo "$PYPDFIUM2_SHA256  $wheel" | sha256sum --check --quiet
  mkdir -p "$PDFIUM_DIR"
  python3 - "$wheel" "$PDFIUM_DIR" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    data = z.read("pypdfium2_raw/libpdfium.so")
open(out + "/libpdfium.so.tmp", "wb").write(data)
PY
  mv "$PDFIUM_DIR/libpdfium.so.tmp" "$PDFIUM_DIR/libpdfium.so"
  rm -rf "$tmp"
}

# npm ci only when package-lock.json changed since the last install.
install_ui_deps() {
  local stamp="$ROOT/ui/node_modules/.ecabinet-lock-sha256"
  local want; want="$(sha256sum "$ROOT/ui/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  say "installing the UI's npm packages"
  (cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
}

build_ui() {
  install_ui_deps
  say "building the UI"
  (cd "$ROOT/ui" && npm run --silent build)
}

# Garage, the S3-compatible store the object-storage tests run against: a
# real server, built once from crates.io into the tool cache (about 7
# minutes on 2 cores; SQLite metadata only, so no LMDB or K2V).
GARAGE_VERSION="2.5.0"
install_garage() {
  local have
  have="$("$TOOLS/bin/garage" --version 2>/dev/null || true)"
  case "$have" in *"cargo:$GARAGE_VERSION "*) return 0 ;; esac
  say "building Garage $GARAGE_VERSION (crates.io) into $TOOLS"
  CARGO_TARGET_DIR="$ECAB_CACHE/target-tools" cargo install --quiet --locked --root "$TOOLS" \
    garage --version "=$GARAGE_VERSION" --no-default-features --features bundled-libs,sqlite
}

install_tauri_driver() {
  command -v tauri-driver >/dev/null && return 0
  say "installing tauri-driver (crates.io)"
  cargo install --quiet --locked --root "$TOOLS" tauri-driver --version '^2'
}

# The build cache outside the clone keeps every test binary cargo ever linked
# (about 100 MB each, one per build that changed it): keep the newest of each,
# drop the incremental state when it grows large, so repeated runs on one
# machine do not fill its disk.
prune_build_cache() {
  local deps="$CARGO_TARGET_DIR/debug/deps"
  [ -d "$deps" ] || return 0
  python3 - "$deps" <<'PY'
import collections, os, sys
deps = sys.argv[1]
newest = collections.defaultdict(list)
for name in os.listdir(deps):
    path = os.path.join(deps, name)
    if "." in name or not os.path.isfile(path) or not os.access(path, os.X_OK):
        continue
    newest[name.rsplit("-", 1)[0]].append((os.path.getmtime(path), path))
for versions in newest.values():
    for _, path in sorted(versions, reverse=True)[1:]:
        os.remove(path)
PY
  local incremental="$CARGO_TARGET_DIR/debug/incremental"
  if [ -d "$incremental" ] && [ "$(du -sm "$incremental" | cut -f1)" -gt 8192 ]; then
    rm -rf "$incremental"
  fi
}
