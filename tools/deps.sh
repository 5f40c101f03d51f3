#!/bin/sh
# Installs the Debian 12 packages moonswitch needs to build and test, when
# they are missing. Run as root (make run / make test call it).
set -eu

PACKAGES="gcc make cmake pkg-config
liblua5.4-dev libsofia-sip-ua-dev libuv1-dev libspandsp-dev libsndfile1-dev
libspeexdsp-dev libsqlite3-dev flite1-dev
libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us
sqlite3 sip-tester baresip-core sox"
# `tools/deps.sh bench`: also what the benchmarks use (load tests; asr-eval's real
# telephone voices: Asterisk's English prompts, 8 kHz WAV and G.722)
if [ "${1:-}" = "bench" ]; then
    PACKAGES="$PACKAGES tshark bc lua5.4 time asterisk-core-sounds-en-wav
asterisk-core-sounds-en-g722"
fi
# `tools/deps.sh adapt`: to remake models/en-us-tel/mllr (models/en-us-tel/adapt.sh)
if [ "${1:-}" = "adapt" ]; then
    PACKAGES="$PACKAGES sphinxtrain sphinxbase-utils python3"
fi

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "moonswitch: installing missing packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "moonswitch: run as root, or install them yourself: apt-get install$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
