#!/bin/sh
# Builds and runs the TTS benchmark (tests/bench/tts_bench.c): real-time
# factor per voice, first-audio latency of one stream and of bursts of
# streams (distinct and identical texts), and gaps after the first audio, on
# a real loop. Not part of `make test`. Prints Markdown tables for
# docs/benchmarks.md.
#   tests/bench/tts_bench.sh [RUNS] [THREADS] [SECTIONS] [VOICES]
# THREADS 0 (the default) is the server's default; SECTIONS is any of the
# letters r (real-time factor), s (one stream), b (bursts), g (gaps); VOICES
# a comma-separated list (default: all).
# MS_TTS_SRC=DIR measures the core sources in DIR (another checkout) with
# this bench.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SRC=${MS_TTS_SRC:-$ROOT}
OUT=${TMPDIR:-/tmp}/ms-tts-bench.$$
trap 'rm -f "$OUT"' EXIT
gcc -std=gnu11 -O2 -g -I"$SRC/core/include" -I"$SRC/core/src" \
    "$ROOT/tests/bench/tts_bench.c" "$SRC"/core/src/media/tts*.c \
    "$SRC/core/src/media/flite_voice.c" "$SRC/core/src/media/resample.c" \
    "$SRC/core/src/loop.c" "$SRC"/core/src/base/*.c \
    $(pkg-config --cflags --libs libuv sndfile speexdsp) \
    -lflite_cmu_us_kal -lflite_cmu_us_kal16 -lflite_cmu_us_slt -lflite_cmu_us_rms \
    -lflite_cmu_us_awb -lflite_usenglish -lflite_cmulex -lflite -lm -lpthread -o "$OUT"
"$OUT" "${1:-40}" "${2:-0}" "${3:-rsbg}" "${4:-}"
