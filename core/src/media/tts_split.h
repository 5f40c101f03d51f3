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
 *  - A segment longer than `max` bytes (`first_max` for the first segment,
 *    whose length is the stream's first-audio latency) is cut at the last
 *    ", " ": " or " - " in its last two thirds, else at the last space, else
 *    at the bound (on a UTF-8 character boundary); the rest continues as the
 *    next segment.
 *  - Segments without an ASCII letter or digit ("...", "-") are dropped:
 *    flite has nothing to say for them.
 */
#ifndef MS_MEDIA_TTS_SPLIT_H
#define MS_MEDIA_TTS_SPLIT_H

#include <stddef.h>

/* Bytes. A 16 kHz voice synthesises ~100 bytes of text in ~50 ms on one core
 * (kal ten times faster), 200 bytes in ~100 ms. */
#define MS__TTS_FIRST_MAX   100
#define MS__TTS_SEGMENT_MAX 200

/* Splits `text` (NUL-terminated UTF-8) into *out, an array of *n malloc'd
 * strings owned by the caller (ms__tts_split_free). Bounds >= 16. *n may be
 * 0 (nothing speakable; *out is then NULL). 0, MS_EINVAL or MS_ENOMEM; the
 * outputs are set only on success. */
int ms__tts_split(const char *text, size_t first_max, size_t max, char ***out, size_t *n);
void ms__tts_split_free(char **v, size_t n);

#endif
