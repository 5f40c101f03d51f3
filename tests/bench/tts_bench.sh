#!/bin/sh
# Builds and runs the TTS benchmark (tests/bench/tts_bench.c): real-time
# factor per voice and first-audio latency on a real loop. Not part of
# `make test`. Prints Markdown tables for docs/benchmarks.md.
#   tests/bench/tts_bench.sh [RUNS] [THREADS]
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${TMPDIR:-/tmp}/ms-tts-bench.$$
trap 'rm -f "$OUT"' EXIT
gcc -std=gnu11 -O2 -g -I"$ROOT/core/include" -I"$ROOT/core/src" \
    "$ROOT/tests/bench/tts_bench.c" "$ROOT"/core/src/media/tts*.c \
    "$ROOT/core/src/media/flite_voice.c" "$ROOT/core/src/media/resample.c" \
    "$ROOT/core/src/loop.c" "$ROOT"/core/src/base/*.c \
    $(pkg-config --cflags --libs libuv sndfile speexdsp) \
    -lflite_cmu_us_kal -lflite_cmu_us_kal16 -lflite_cmu_us_slt -lflite_cmu_us_rms \
    -lflite_cmu_us_awb -lflite_usenglish -lflite_cmulex -lflite -lm -lpthread -o "$OUT"
"$OUT" "${1:-40}" "${2:-1}"
