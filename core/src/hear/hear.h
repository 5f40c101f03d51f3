/* Recognising known prompts in received call audio ("what did the caller hear?").
 *
 * Used by the simulated caller in wire mode: it receives a call's audio as 20 ms
 * frames (8 kHz L16, decoded from G.711) and tells which known sounds it heard, in
 * order, with times. Robust to G.711, level changes, any sub-frame offset, leading
 * silence, prompts back to back, barge-in (a prompt cut short), lost packets
 * (concealed as silence or a repeated frame), a frame slip of the jitter buffer
 * (20 ms repeated or dropped), stalls (see Gaps), unknown audio and the caller's
 * echo. Cost: 2.7 us of CPU per 20 ms frame with a set of ordinary prompts (up to
 * ~11 us with hundreds of near-identical ones; the slowest frames ~0.2 ms, ~1 ms
 * with those), 15.6 KB per listener; figures from tools/hear-eval.c.
 *
 * How: every 10 ms ("hop") the last 32 ms of audio give 16 mel band energies (dB).
 * Each known sound is analysed the same way when added, at two sub-hop phases (5 ms
 * apart), and the first second of it is indexed by a 16-bit key (signs of the band
 * energy differences across frequency and time, Haitsma-Kalker style). A key of
 * the received stream proposes "sound S started at time T"; the proposal is checked
 * against the last 1.28 s of received hops, then followed hop by hop (band distance
 * with the level difference tracked; realigned by up to 40 ms after a frame slip,
 * or across a gap of silence, see Gaps). A sound is recognised from its beginning
 * only: joining one in the middle (music resumed mid-file) is not reported.
 *
 * Events. Each occurrence of a known sound gives two events, in order:
 *  - MS__HEAR_START once it is identified: 0.6 s of matching audible audio (60 hops
 *    where the sound or the stream is audible), or the whole sound if it is shorter,
 *    and no other known sound still fits (see below). start_ms: stream time of the
 *    sound's first sample (its leading silence included; within ~5 ms); end_ms: the
 *    stream time matched so far; complete: false.
 *  - MS__HEAR_END when it stopped. complete = true if it played to its end: matched
 *    to its last audible frame, and its trailing silence (up to 100 ms) was not
 *    filled by other loud audio ("Goodbye" is not the start of "Goodbye for now");
 *    end_ms = the stream time of its end: start_ms + the sound's full duration + the
 *    time it was held up by gaps (possibly a little after the current time).
 *    complete = false if it was cut short (barge-in, another sound, end of stream):
 *    end_ms = where the matching audio stopped (within ~20 ms). Once reported, a
 *    sound counts as cut only when other audio replaces it for 0.3 s (an echo of
 *    the caller on top of it is not a cut), or after a gap that it does not resume
 *    from (see Gaps).
 *    The END of a short sound may follow its START at once; start_ms is the same.
 * Occurrences are reported in the order they started; a sound played twice in a row
 * gives two pairs. score: the share (0..1) of the informative hops that matched.
 * Confusable sounds: while two known sounds both fit the audio so far (a common
 * beginning: "you have reached sales/support"), neither is reported; the one that
 * stops fitting is dropped. If one is the exact beginning of the other ("welcome" /
 * "welcome back"): when the short one has ended, the long one is reported once 0.6 s
 * more of it has matched, or when it completes; else the short one is. Sounds that
 * cannot be told apart (cut short in their common part) are not reported at all.
 * Two names for the same audio are refused by ms__hear_set_add.
 * Known limit: an unknown prompt that begins with the same 0.6 s or more of audio as
 * a known one is reported as that one (its END then says complete = false): the
 * price of reporting within ~0.7 s of the audible start instead of at the end.
 *
 * Gaps. Under load the sender or the receiver stalls for 100-300 ms. A sender's
 * stall leaves a gap of silence in the stream, after which the prompt goes on where
 * it stopped (delayed); a receiver's stall leaves missing audio (at_ms jumps, see
 * Time), after which the prompt goes on further on (what came meanwhile was dropped
 * by its jitter buffer), or where it stopped. A sound is followed across a gap of up
 * to 1.5 s (plus any pause of its own that follows where it stopped), before or
 * after its START, also when the gap falls in a pause of the sound: the gap's hops
 * do not count, and once 100 ms of audio has come back, the alignments from "40 ms
 * before where it stopped" to "80 ms further on than if it had played on through
 * the gap" are tried on it (again every 40 ms, up to 240 ms of it); the one that
 * fits best is taken. If it stops matching within the next 0.4 s of matched audio,
 * that was not it: the sound was cut where the gap began; it is not reported (START)
 * before 0.2 s of it has matched. What it costs and gives:
 *  - A START may come later by the length of a gap before it, plus ~0.1-0.3 s;
 *    start_ms is still the stream time of the sound's first sample, before the gap,
 *    except for a gap within the first ~30 ms of its audible part: then start_ms
 *    may be late by up to the gap's length.
 *  - A sound whose last audible part fell in missing audio (not heard, but played)
 *    is complete, with end_ms as if it had played on through the gap; its END comes
 *    as soon as the audio is back (silent).
 *  - A real cut followed by silence (barge-in, then the next prompt after a pause)
 *    is reported (END, complete = false, end_ms where the audio stopped, within
 *    ~20 ms) once 1.5 s of silence has passed where the sound should have been
 *    audible (1.5-1.9 s after it stopped), or, if other audio comes first, ~0.25 s
 *    after it began (up to the same 1.5 s if that audio is too quiet to tell). A
 *    cut straight into other audio (no silence) is reported as before, 0.1-0.4 s
 *    after it.
 *  - A sound whose audio stops within 60 ms of its last audible frame (as after a
 *    lost packet there) is complete once 0.5 s of silence says it is not a stall;
 *    if a sender's stall did take those last 60 ms, end_ms does not count it.
 *  - A sound that is the exact beginning of another known one ("welcome" /
 *    "welcome back"), followed by silence, is reported 0.5 s later: the longer one
 *    might go on after a stall. A stall longer than that exactly there makes the
 *    longer one heard as the shorter one.
 *  - While a sound waits at a gap, or was just realigned after one, a known sound
 *    that started later and matched less (a word of it: "for" in "press 1 for
 *    sales") is not reported: it waits for the first to go on or not.
 *  - A sound shorter than 0.6 s of audio is reported when it ends if 60% of its
 *    audible frames matched, not counting those lost in a gap: one that lost most
 *    of its audio is not reported.
 *
 * Time. at_ms of the first frame fed is the stream time of its first sample; after
 * that, time follows the sample count (8 samples per ms). A frame whose at_ms is more
 * than 30 ms later than expected means missing audio: the gap is filled with silence
 * (up to 2 s; a longer gap ends the stream as ms__hear_finish would, and a new one
 * starts at the new time), which then counts as missing audio (see Gaps).
 * Earlier-than-expected at_ms are ignored.
 *
 * struct ms__hear_set: the known sounds. Owned by its creator; built (set_new, add)
 * on one thread, then immutable: any number of listeners on any threads may share
 * it, and it must outlive them all. Adding sounds while listeners exist is allowed
 * only if they all run on the thread that adds, and not from inside their callback
 * (a set that grows at runtime, as the wire caller's TTS texts): a listener then
 * finds the new sound in the audio fed after the addition, and in an occurrence
 * that began up to ~1 s before it (the index covers a sound's first second; the
 * listener keeps 1.28 s of history); an earlier one is not found (feed that audio
 * to a new listener to look for it).
 * Freed with ms__hear_set_free. Memory: ~1 MB plus 3.6 KB per second of
 * sound; building costs ~0.2 ms of CPU per second of sound (off the libuv loop).
 * struct ms__hear: one listener per received stream (call), owned by its creator,
 * not thread-safe, holds a pointer to the set; the callback runs synchronously
 * inside ms__hear_feed/ms__hear_finish and must not free the listener. Event names
 * point into the set (valid while the set lives).
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
 * nothing above about -60 dBFS; or over an hour), MS_EEXIST (that name is there, or
 * the same audio under another name: same length within 10 ms, nearly every frame
 * alike, at any level; e.g. a TTS rendering of a text that a sound file already
 * holds, by the same voice. The first name added keeps it: such twins cannot be
 * told apart), MS_ENOMEM. */
int ms__hear_set_add(struct ms__hear_set *s, const char *name, const int16_t *pcm, size_t samples);
/* The name of a sound of the set that pcm cannot be told from: the same audio
 * (the one ms__hear_set_add refuses it for with MS_EEXIST), or else the same
 * audible part with other silence around it (the same words cut and faded by a
 * build step, or not: ms__hear_set_add accepts it, but then neither would be
 * reported when played). 0 and *name (pointing into the set), MS_ENOENT (none),
 * MS_EINVAL (as for add: bad arguments, nothing audible) or MS_ENOMEM. Costs
 * about as much as adding it. */
int ms__hear_set_twin(const struct ms__hear_set *s, const int16_t *pcm, size_t samples,
                      const char **name);
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
    uint64_t hyps_full;  /* candidates dropped or evicted for lack of room */
    uint64_t hyps_evals; /* hypothesis-hop comparisons */
};
void ms__hear_get_stats(const struct ms__hear *h, struct ms__hear_stats *out);

#endif
