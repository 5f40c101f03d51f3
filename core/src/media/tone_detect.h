/* In-band tone detection on the caller's audio: fax CNG and CED, busy,
 * congestion (reorder) and ringback.
 *
 * Events, each reported once per onset through the callback given at
 * creation, synchronously from inside ms__tone_detect_feed:
 *   "fax-cng"     a calling fax machine: an 1100 Hz burst of 0.4..0.8 s
 *                 (spandsp modem_connect_tones_rx), reported at the end of
 *                 the first burst; again only after 8 s without one.
 *   "fax-ced"     an answering fax or modem: the 2100 Hz answer tone, with or
 *                 without phase reversals or AM (reported after ~0.55 s of
 *                 plain tone, or 3 phase-reversal cycles), or, from machines
 *                 that skip it, the V.21 HDLC flag preamble; again only after
 *                 5 s without either.
 *   "busy", "congestion", "ringback"   North American call-progress tones,
 *                 after two bursts with the right cadence (media/tone_cadence.h).
 * at_ms is the position in the fed audio, in ms from the first sample, where
 * the event was recognised (a little after the tone's onset by design).
 *
 * Rates: 8000 natively; 16000 is decimated to 8000 inside (all these tones
 * are below 2.2 kHz).
 *
 * struct ms__tone_detect: owned by the call's media pipeline (one per call
 *   while a script listens for tones), used from the loop thread only, freed
 *   with ms__tone_detect_free. The callback must not free the detector.
 */
#ifndef MS_MEDIA_TONE_DETECT_H
#define MS_MEDIA_TONE_DETECT_H

#include <stddef.h>
#include <stdint.h>

#define MS__TD_FAX_CNG    0x01u
#define MS__TD_FAX_CED    0x02u
#define MS__TD_BUSY       0x04u
#define MS__TD_CONGESTION 0x08u
#define MS__TD_RINGBACK   0x10u
#define MS__TD_ALL        0x1fu

/* name is a static string: "fax-cng", "fax-ced", "busy", "congestion", "ringback". */
typedef void (*ms__tone_event_cb)(void *ud, const char *name, uint64_t at_ms);

struct ms__tone_detect;

/* rate 8000 or 16000; mask: the MS__TD_* events wanted (non-zero); cb
 * required. 0, MS_EINVAL or MS_ENOMEM. */
int ms__tone_detect_new(struct ms__tone_detect **out, int rate, unsigned mask, ms__tone_event_cb cb,
                        void *ud);
void ms__tone_detect_free(struct ms__tone_detect *d); /* NULL is a no-op */
/* Runs detection over n samples; 0 or MS_EINVAL. */
int ms__tone_detect_feed(struct ms__tone_detect *d, const int16_t *pcm, size_t n);

/* The MS__TD_* bit of an event name, or 0 if unknown (for the Lua binding). */
unsigned ms__tone_detect_bit(const char *name);

#endif
