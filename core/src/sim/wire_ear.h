/* What a wire caller hears: the audio it receives goes to the prompt
 * recogniser (hear/hear.h), whose reports become its transcript (sim/caller.h),
 * noted at the time each sound began or stopped.
 *
 * Speech learnt late. A TTS text becomes a known sound only when a test expects
 * it (sim/speech_set.h), often while or after it plays, and a listener only
 * recognises a sound from its beginning. So the ear keeps the last minute of
 * audio (sim/rx_history.h). When the set has gained sounds since it last looked,
 * ms__wire_ear_catch_up runs a second listener over that minute with the whole
 * set (its known sounds compete as they would have live); what it hears of
 * rendered texts is inserted in the transcript where it happened. This catch-up
 * listener then follows the live audio for at least 5 s more, and as long as a
 * text it found is still playing (the live listener cannot join it mid-way).
 * Each occurrence is noted once: one both listeners report (same sound, starts
 * within 100 ms) belongs to the first, which also gives its end.
 *
 * Superseded: a known sound the live listener reported where the catch-up
 * listener then found a text playing (the same beginning: a sound file of the
 * first sentence; or a word of it inside, before the text was known) is marked
 * superseded in the transcript (expectations skip it); so is one the live
 * listener reports later inside a text the catch-up listener is following.
 *
 * struct ms__wire_ear: one per wire call, owned by it. Holds, not owns, the set
 * of known sounds (the run's: it outlives the ear) and the caller whose
 * transcript it writes (the call that owns the ear). Loop thread only.
 */
#ifndef MS_SIM_WIRE_EAR_H
#define MS_SIM_WIRE_EAR_H

#include <stddef.h>
#include <stdint.h>

struct ms__caller;
struct ms__hear_set;
struct ms__wire_ear;

/* 0, MS_EINVAL or MS_ENOMEM. */
int ms__wire_ear_new(struct ms__wire_ear **out, const struct ms__hear_set *set,
                     struct ms__caller *c);
void ms__wire_ear_free(struct ms__wire_ear *e); /* NULL is a no-op */
/* One received 20 ms frame (160 samples, 8 kHz) at stream time at_ms. */
void ms__wire_ear_feed(struct ms__wire_ear *e, const int16_t *pcm, uint64_t at_ms);
/* The stream ended (the call is over): what is still playing is reported cut or
 * ended. The history stays for later catch-ups. */
void ms__wire_ear_finish(struct ms__wire_ear *e);
/* If `added` (ms__speech_added: the rendered texts in the set) grew since the
 * last call, searches the history for them (see above); synchronous, about
 * 3-10 ms of CPU for a full minute. */
void ms__wire_ear_catch_up(struct ms__wire_ear *e, size_t added);

#endif
