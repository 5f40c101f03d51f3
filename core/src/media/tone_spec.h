/* Tone specs: a FreeSWITCH-compatible subset of TGML ("teletone" scripts),
 * parsed into segments, plus the table of named tones.
 *
 * Syntax: items separated by ';' (spaces allowed around tokens):
 *   %(ON,OFF,F1[,F2...])  ON ms of the frequencies F1+F2+... (Hz, decimals
 *                         allowed, at most MS__TONE_MAX_FREQS; 0 is a rest),
 *                         then OFF ms of silence. OFF 0 runs into the next item.
 *   DIGITS[(ON,OFF)]      DTMF tones 0-9 * # A-D (a-d), each d= ms on and w= ms
 *                         off, or ON/OFF from the optional modifier.
 *   v=DB                  level of each following frequency, dBFS of a sine
 *                         (-63..0, default MS__TONE_DEFAULT_DB); a sum that
 *                         would clip is scaled down.
 *   d=MS, w=MS            default on/off time of DTMF digits (100, 100).
 *   l=N                   play each following item N times (1..100).
 *   L=N, loops=N          play the whole script N times (1..1000000; -1 =
 *                         forever). Without either, a spec plays forever and
 *                         the caller decides (see ms__tone_gen_opts).
 *   c=N, r=N              accepted for compatibility and ignored: we render
 *                         mono at the call's rate.
 * The volume ramps of TGML (>, <, +) are refused with an error message.
 * Example: US ringback "%(2000,4000,440,480)", UK ringback
 * "%(400,200,400,450);%(400,2000,400,450)".
 *
 * struct ms__tone_spec: a parsed spec, owned by whoever parsed it, immutable
 *   after parsing (so it may be shared read-only, also across threads), freed
 *   with ms__tone_spec_free.
 * The named-tone table is static and immutable: add a tone by adding a line
 * to it in tone_spec.c.
 */
#ifndef MS_MEDIA_TONE_SPEC_H
#define MS_MEDIA_TONE_SPEC_H

#include <stddef.h>
#include <stdint.h>

#define MS__TONE_MAX_FREQS    8
#define MS__TONE_MAX_SEGMENTS 256
#define MS__TONE_MAX_MS       600000 /* longest ON or OFF: 10 minutes */
#define MS__TONE_MAX_HZ       20000.0
#define MS__TONE_DEFAULT_DB   (-10.0)
#define MS__TONE_FOREVER      (-1)
#define MS__TONE_ERR_LEN      160 /* enough for any parse message */

struct ms__tone_segment {
    uint32_t on_ms, off_ms;
    int nfreqs;                      /* 0: a rest (silence for on_ms too) */
    float freqs[MS__TONE_MAX_FREQS]; /* Hz, all > 0 */
    float level_db;                  /* dBFS of each frequency */
};

struct ms__tone_spec {
    int loops;     /* plays of the whole script: >= 1, or MS__TONE_FOREVER */
    int loops_set; /* 1 if the script said L= or loops= */
    size_t nsegs;  /* >= 1 */
    struct ms__tone_segment segs[];
};

/* Parses `text`, which may also be the name of a named tone (case-insensitive).
 * 0 with *out set; MS_EINVAL with a message in err (if err_len > 0) naming the
 * column and what was expected; MS_ENOMEM. */
int ms__tone_spec_parse(struct ms__tone_spec **out, const char *text, char *err, size_t err_len);
void ms__tone_spec_free(struct ms__tone_spec *s); /* NULL is a no-op */

/* The spec text of a named tone ("ringback", "busy", "congestion" or "reorder",
 * "dial", "beep", ...), case-insensitive; NULL if there is no such name. */
const char *ms__tone_named(const char *name);
/* Name of the i-th table entry, or NULL past the end (for docs and errors). */
const char *ms__tone_name_at(size_t i);

/* Total length in ms of one play of the script. */
uint64_t ms__tone_spec_cycle_ms(const struct ms__tone_spec *s);

#endif
