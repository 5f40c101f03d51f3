/* TTS prompts a wire caller can recognise: texts rendered the way the server
 * speaks them, added at runtime to the set of known sounds (hear/hear.h).
 *
 * The server splits a text into sentences (media/tts_split.h), synthesises each
 * on its own with flite (kal at 8 kHz as is; the 16 kHz voices resampled with
 * speexdsp) and plays them back to back. A wire call is G.711, so 8 kHz: the
 * same steps here give the same audio (bit for bit with kal and kal16; slt, rms
 * and awb draw noise from rand(), which changes the samples but not what the
 * recogniser compares). The whole text is one sound, as it is one prompt
 * in-process, named "/speech/<voice>/<text>" in the set (no sound file gives a
 * name with a leading '/'); ms__speech_text() turns that back into the text.
 *
 * struct ms__speech_set: one per run of wire callers, owned by struct ms__wire;
 * used on the loop thread only. Holds a pointer to the hear set (not owned; it
 * must outlive this) and adds to it from the loop thread, between frames (see
 * hear.h: a set may grow while its listeners run on that thread). Rendering
 * runs on libuv's thread pool. ms__speech_set_close cancels renders not yet
 * started, waits for the running ones, frees everything, then calls done.
 */
#ifndef MS_SIM_SPEECH_SET_H
#define MS_SIM_SPEECH_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct ms__hear_set;
struct ms__speech_set;

/* Runs on the loop when a render has finished (ready or failed). */
typedef void (*ms__speech_ready_cb)(void *ud);

/* 0 or MS_ENOMEM. */
int ms__speech_set_new(struct ms__speech_set **out, uv_loop_t *uv, struct ms__hear_set *set,
                       ms__speech_ready_cb cb, void *ud);
void ms__speech_set_close(struct ms__speech_set *ss, void (*done)(void *ud), void *ud);

/* Makes (text, voice) known. Returns 0 once its audio is in the set (*alias is
 * NULL), or is a sound the set already had under another name (a sound file, or
 * the same text in an identical voice: *alias is the name it is heard under in a
 * transcript, a text for speech); MS_EAGAIN while it is rendered (the callback
 * follows); MS_EINVAL (unknown voice, nothing to say, nothing audible),
 * MS_EMSGSIZE (longer than the server speaks), MS_ENOMEM or another failure of
 * the render, every time it is asked again. voice NULL or "": kal. */
int ms__speech_want(struct ms__speech_set *ss, const char *text, const char *voice,
                    const char **alias);
/* Sounds added to the set so far: grows by one with each text rendered. */
size_t ms__speech_added(const struct ms__speech_set *ss);

/* If `name` (a sound of the set) is a rendered text: true, *text (pointing into
 * name). */
bool ms__speech_text(const char *name, const char **text);

#endif
