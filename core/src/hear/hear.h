/* Recognising known prompts in received call audio ("what did the caller hear?").
 *
 * Used by the simulated caller in wire mode: it receives a call's audio as 20 ms
 * frames (8 kHz L16, decoded from G.711) and must tell which known sounds it heard,
 * in order, with times. Robust to G.711, level changes, any sub-frame offset, leading
 * silence, prompts back to back, barge-in (a prompt cut short), lost packets
 * (concealed as silence or a repeated frame), a frame slip of the jitter buffer
 * (20 ms inserted or dropped), echo and unknown audio. Cost: about 2 µs of CPU
 * per 20 ms frame and ~9 KB per listener (see tools/hear-eval.c).
 *
 * How: every 10 ms the last 32 ms of audio give 16 mel band energies (dB). Each
 * known sound is analysed the same way at build time, at two sub-hop phases, and
 * the first second of it is indexed by a 16-bit key (signs of the band energy
 * differences across frequency and time, Haitsma-Kalker style). A key found in the
 * received stream proposes "sound S started at time T"; the hypothesis is checked
 * against the history, then followed hop by hop (level-compensated band distance).
 * A sound is recognised only from its beginning: joining one in the middle is not
 * reported.
 *
 * Events. Each occurrence of a known sound gives exactly two events, in order:
 *  - MS__HEAR_START when it is identified, as early as the evidence allows (about
 *    0.5 s of matching audio, or the whole sound if it is shorter; later if another
 *    known sound has the same beginning, see below). start_ms is the stream time of
 *    the sound's first sample (its leading silence included), end_ms the stream
 *    time matched so far, complete is false.
 *  - MS__HEAR_END when it stopped: complete = true if it played to the end of its
 *    audible part, end_ms = start_ms + the sound's full duration (its trailing
 *    silence included, possibly a little after the current time); complete = false
 *    if it was cut short (barge-in, stream ended), end_ms = where the matching
 *    audio stopped (±20 ms). The END of a short sound may follow its START at once.
 * Occurrences are reported in the order they started; a sound played twice in a row
 * gives two pairs. score is the share (0..1) of the sound's informative 10 ms hops
 * that matched, at the time of the event.
 * Confusable sounds: while two known sounds both match the audio so far (a common
 * beginning: "welcome" and "welcome back", or "you have reached sales/support"),
 * neither is reported. The one that stops matching is dropped; if the shorter one
 * ended and the longer one goes on matching for 150 ms more, the longer one wins.
 * Sounds that stay indistinguishable to the end (the same audio under two names, or
 * a common beginning cut short) are not reported at all: no report is better than
 * a false one.
 *
 * Time. at_ms of the first frame fed is stream time of its first sample; after that
 * time follows the sample count (8 samples per ms). A frame whose at_ms is later
 * than expected by more than 30 ms means missing audio: the gap is filled with
 * silence (up to 2 s; a longer gap ends the stream as if ms__hear_finish had been
 * called, then a new one starts at the new time). Earlier-than-expected at_ms are
 * ignored.
 *
 * struct ms__hear_set: the known sounds. Owned by its creator; built (set_new, add)
 * on one thread, then immutable: any number of listeners on any threads may share
 * it, and it must outlive them all. Adding sounds while listeners exist is not
 * allowed. Freed with ms__hear_set_free. Building costs ~1 ms of CPU per second of
 * sound: do it off the libuv loop.
 * struct ms__hear: one listener per received stream (call), owned by its creator,
 * not thread-safe, holds a pointer to the set; the callback runs synchronously
 * inside ms__hear_feed/ms__hear_finish and may not call ms__hear_free on it. Event
 * names point into the set (valid while the set lives).
 */
#ifndef MS_HEAR_HEAR_H
#define MS_HEAR_HEAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MS__HEAR_RATE 8000 /* the only sample rate accepted */

struct ms__hear_set;

/* 0 or MS_ENOMEM. */
int ms__hear_set_new(struct ms__hear_set **out);
/* Adds a sound (8 kHz mono L16), copied. name: non-empty, unique in the set (copied).
 * 0, MS_EINVAL (NULL or empty name, pcm NULL with samples > 0, no audible content:
 * nothing above about -60 dBFS; or over an hour), MS_EEXIST (name already there),
 * MS_ENOMEM. */
int ms__hear_set_add(struct ms__hear_set *s, const char *name, const int16_t *pcm,
                     size_t samples);
/* Number of sounds added. */
size_t ms__hear_set_count(const struct ms__hear_set *s);
void ms__hear_set_free(struct ms__hear_set *s); /* NULL is a no-op */

struct ms__hear;

enum ms__hear_kind { MS__HEAR_START, MS__HEAR_END };

struct ms__hear_event {
    enum ms__hear_kind kind;
    const char *name; /* as given to ms__hear_set_add */
    uint64_t start_ms, end_ms;
    bool complete;
    float score;
};

typedef void (*ms__hear_cb)(void *ud, const struct ms__hear_event *ev);

/* 0, MS_EINVAL (set or cb NULL) or MS_ENOMEM. */
int ms__hear_new(struct ms__hear **out, const struct ms__hear_set *set, ms__hear_cb cb, void *ud);
/* Feeds n samples received at stream time at_ms (usually 160 = 20 ms). n == 0 or
 * frame == NULL is ignored. */
void ms__hear_feed(struct ms__hear *h, const int16_t *frame, size_t n, uint64_t at_ms);
/* End of stream at at_ms (informative; the time is taken from the samples fed):
 * resolves everything pending, reports the ENDs of what is playing (cut short
 * unless it ended), and resets the listener: a later feed starts a new stream. */
void ms__hear_finish(struct ms__hear *h, uint64_t at_ms);
void ms__hear_free(struct ms__hear *h); /* NULL is a no-op */

/* Counters for tools and tests (cumulative since ms__hear_new). */
struct ms__hear_stats {
    uint64_t hops;       /* 10 ms analysis hops */
    uint64_t key_hits;   /* index entries looked at */
    uint64_t hyps_made;  /* hypotheses that passed the first check */
    uint64_t hyps_max;   /* most hypotheses alive at once */
    uint64_t hyps_full;  /* candidates dropped: no room (a competitor may go unseen) */
    uint64_t hyps_evals; /* hypothesis-hop comparisons */
};
void ms__hear_get_stats(const struct ms__hear *h, struct ms__hear_stats *out);

#endif
