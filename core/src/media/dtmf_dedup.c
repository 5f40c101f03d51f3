#include "media/dtmf_dedup.h"

#include <string.h>

void ms__dtmf_dedup_init(struct ms__dtmf_dedup *d, unsigned window_ms)
{
    memset(d, 0, sizeof(*d));
    d->window_ms = window_ms;
}

/* The canonical digit, or 0 if c is not a DTMF digit. */
static char dd_normalize(char c)
{
    if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D'))
        return c;
    if (c >= 'a' && c <= 'd')
        return (char)(c - 'a' + 'A');
    return 0;
}

/* Marks and returns true if an accepted press of `digit` from another source,
 * within the window and not yet matched to `src`, absorbs this report. */
static bool dd_absorb(struct ms__dtmf_dedup *d, char digit, unsigned src, uint64_t now_ms)
{
    for (unsigned i = 0; i < MS__DTMF_DEDUP_RING; i++) {
        unsigned k = (d->next + i) % MS__DTMF_DEDUP_RING; /* oldest first */
        if (d->recent[k].digit != digit || d->recent[k].src == src)
            continue;
        if (d->recent[k].absorbed & (1u << src))
            continue;
        uint64_t at = d->recent[k].at_ms;
        if (now_ms > at && now_ms - at > d->window_ms)
            continue;
        d->recent[k].absorbed |= (uint8_t)(1u << src);
        return true;
    }
    return false;
}

bool ms__dtmf_dedup_accept(struct ms__dtmf_dedup *d, char digit, enum ms_dtmf_source src,
                           uint64_t now_ms)
{
    char c = dd_normalize(digit);
    if (!c || (unsigned)src > MS_DTMF_SIM)
        return false;
    if (src == MS_DTMF_RFC4733)
        d->rfc4733_seen = true;
    else if (src == MS_DTMF_INBAND && d->rfc4733_seen)
        return false;
    if (dd_absorb(d, c, (unsigned)src, now_ms))
        return false;
    unsigned k = d->next;
    d->recent[k].digit = c;
    d->recent[k].src = (uint8_t)src;
    d->recent[k].absorbed = 0;
    d->recent[k].at_ms = now_ms;
    d->next = (k + 1) % MS__DTMF_DEDUP_RING;
    return true;
}
