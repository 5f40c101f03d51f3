/* The known sounds a wire caller can recognise: every WAV file of the sound
 * directories, named as scripts name them ("demo/welcome" for
 * <dir>/8000/demo/welcome.wav or <dir>/demo/welcome.wav), decoded to 8 kHz.
 * The first directory that has a name wins, as in playback. */
#ifndef MS_SIM_SOUND_SET_H
#define MS_SIM_SOUND_SET_H

#include <stddef.h>

struct ms__hear_set;

/* Builds a new set (synchronously: call it before the loop runs). */
int ms__sound_set_load(struct ms__hear_set **out, const char *const *dirs, size_t ndirs);

#endif
