/* Splitting text to speak into sentences, the unit of synthesis and caching.
 *
 * Rules (docs/architecture.md repeats them):
 *  - Whitespace runs become one space; segments are trimmed.
 *  - A newline always ends a segment.
 *  - '!', '?' and ';' end a segment when followed by whitespace or the end
 *    (so "3.5", "a;b" and "www.example.com" stay whole). Runs such as "?!" or
 *    "..." and closing quotes or brackets after them stay with the segment.
 *  - '.' followed by whitespace ends a segment unless the word before it is
 *    a title that precedes a name (Mr, Mrs, Ms, Dr, Prof, St, Mt, Rev, Gen,
 *    Capt, Lt, Col, Sgt, Gov, Sen, Rep, Hon, Ft) or a single letter (an
 *    initial: "J. Smith"); or the next word starts with a lower-case letter
 *    ("etc. and", "e.g. the"); or the word is a known abbreviation (etc, vs,
 *    no, inc, ltd, co, approx, dept, ext, months, weekdays, ...) or has inner
 *    dots ("e.g", "U.S", "a.m") and the next word starts with a digit
 *    ("No. 5", "e.g. 3"). So "Call before 5 p.m. Thanks." splits after
 *    "p.m." but "Mr. Smith" never does.
 *  - Segments are bounded: the first by `first_max` bytes (its synthesis
 *    time is the stream's first-audio latency), each next one by twice the
 *    previous bound, up to `max` (so a segment plays long enough to cover the
 *    synthesis of the next, even when many streams start at once). A longer
 *    segment is cut at a space: preferably after ", " ": " or " - " (at
 *    least 12 bytes in), else before a word that starts a phrase ("and",
 *    "from", "until", "followed", "is", ...; see tts_split.c) in the bound's
 *    last two thirds, else at any space; else at the bound (on a UTF-8
 *    character boundary).
 *    Among cuts of the best kind, the one nearest the middle is taken when
 *    both halves fit the bound, else the one nearest the bound. The rest
 *    continues as the next segment. Shorter sentences are never cut or
 *    merged.
 *  - Segments without an ASCII letter or digit ("...", "-") are dropped:
 *    flite has nothing to say for them.
 */
#ifndef MS_MEDIA_TTS_SPLIT_H
#define MS_MEDIA_TTS_SPLIT_H

#include <stddef.h>

/* Bytes. English speech is ~65 ms per byte of text; the clustergen voices
 * (slt, rms, awb) synthesise a byte in ~0.55 ms on an idle core and stream
 * their first audio after a third of that, kal and kal16 are 10-30 times
 * faster. A 40-byte first segment (~2.5 s of speech) has audio after ~8 ms
 * of a core (clustergen): ten calls starting different texts at once on two
 * quiet cores hear audio within ~20 ms (median) and ~100-140 ms (p95), see
 * docs/benchmarks.md. Shorter first segments cut more sentences. */
#define MS__TTS_FIRST_MAX   40
#define MS__TTS_SEGMENT_MAX 200

/* Splits `text` (NUL-terminated UTF-8) into *out, an array of *n malloc'd
 * strings owned by the caller (ms__tts_split_free). Bounds >= 16. *n may be
 * 0 (nothing speakable; *out is then NULL). 0, MS_EINVAL or MS_ENOMEM; the
 * outputs are set only on success. */
int ms__tts_split(const char *text, size_t first_max, size_t max, char ***out, size_t *n);
void ms__tts_split_free(char **v, size_t n);

#endif
