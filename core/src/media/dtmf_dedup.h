/* De-duplication of DTMF digits that reach one call by several paths.
 *
 * Phones often report one key press two or three ways: RFC 4733 events,
 * in-band tones in the audio, sometimes SIP INFO. The pipeline passes every
 * digit from every source through ms__dtmf_dedup_accept and delivers only
 * the accepted ones, tagged with their source. Rules:
 *  1. Same digit, same source: always a new press (each source already
 *     reports each press once), however fast ("11" via RFC 4733 is two).
 *  2. Same digit from a DIFFERENT source within window_ms of an accepted
 *     press: a duplicate of that press, dropped. One accepted press absorbs
 *     at most one report from each other source, so a fast "11" seen by two
 *     sources still yields two digits even if one source runs ahead.
 *  3. Once an RFC 4733 digit has been seen on the call (accepted or not),
 *     in-band detections are ignored for the rest of the call: the phone
 *     sends proper events, and tones in the audio are only an echo of them.
 *     (FreeSWITCH and Asterisk disable in-band detection when RFC 2833/4733
 *     is negotiated; we keep it on until proven redundant.)
 * Digits are 0-9 * # A-D (a-d are taken as A-D); anything else is refused.
 * Times are the caller's monotonic milliseconds (loop time).
 *
 * struct ms__dtmf_dedup: plain data, embedded by value in the call's media
 * state, no resources, nothing to free; loop thread only.
 */
#ifndef MS_MEDIA_DTMF_DEDUP_H
#define MS_MEDIA_DTMF_DEDUP_H

#include <stdbool.h>
#include <stdint.h>

#define MS_DTMF_DEDUP_WINDOW_MS 500 /* the default window */
#define MS__DTMF_DEDUP_RING     8   /* accepted presses remembered */

/* enum ms_dtmf_source and ms_dtmf_source_name() are public: moonswitch/call.h */
#include "moonswitch/call.h"

struct ms__dtmf_dedup { /* fields private */
    unsigned window_ms;
    bool rfc4733_seen;
    unsigned next; /* ring slot to overwrite */
    struct {
        char digit; /* 0: empty slot */
        uint8_t src;
        uint8_t absorbed; /* bit per source whose duplicate it has absorbed */
        uint64_t at_ms;
    } recent[MS__DTMF_DEDUP_RING];
};

void ms__dtmf_dedup_init(struct ms__dtmf_dedup *d, unsigned window_ms);
/* true: a new press, deliver it; false: duplicate, ignored or invalid. */
bool ms__dtmf_dedup_accept(struct ms__dtmf_dedup *d, char digit, enum ms_dtmf_source src,
                           uint64_t now_ms);

#endif
