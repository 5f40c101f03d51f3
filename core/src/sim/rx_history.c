/* The recent received audio of a wire caller (see rx_history.h). */
#include "sim/rx_history.h"
#include "media/codec.h"
#include "moonswitch/error.h"

#include <stdlib.h>

#define MAX_FRAMES (MS__RX_HISTORY_MS / 20)

struct frame {
    uint64_t at_ms;
    uint8_t g711[MS__RX_FRAME];
};

struct ms__rx_history {
    struct ms__codec *ulaw;
    struct frame *f;     /* ring of cap frames */
    size_t cap, head, n; /* head: the oldest */
};

int ms__rx_history_new(struct ms__rx_history **out)
{
    struct ms__rx_history *h = calloc(1, sizeof *h);
    if (!h)
        return MS_ENOMEM;
    int rc = ms__codec_new(&h->ulaw, MS_CODEC_PCMU);
    if (rc < 0) {
        free(h);
        return rc;
    }
    *out = h;
    return 0;
}

void ms__rx_history_free(struct ms__rx_history *h)
{
    if (!h)
        return;
    ms__codec_free(h->ulaw);
    free(h->f);
    free(h);
}

/* Doubles the ring (up to MAX_FRAMES), unrolled so that the oldest is first. */
static int grow(struct ms__rx_history *h)
{
    size_t cap = h->cap ? h->cap * 2 : 256;
    if (cap > MAX_FRAMES)
        cap = MAX_FRAMES;
    struct frame *f = malloc(cap * sizeof *f);
    if (!f)
        return MS_ENOMEM;
    for (size_t i = 0; i < h->n; i++)
        f[i] = h->f[(h->head + i) % h->cap];
    free(h->f);
    h->f = f;
    h->cap = cap;
    h->head = 0;
    return 0;
}

void ms__rx_history_push(struct ms__rx_history *h, const int16_t *pcm, uint64_t at_ms)
{
    if (h->n == h->cap && h->cap < MAX_FRAMES && grow(h) < 0 && h->cap == 0)
        return; /* else the oldest frame makes room */
    struct frame *f;
    if (h->n == h->cap) { /* full: the oldest goes */
        f = &h->f[h->head];
        h->head = (h->head + 1) % h->cap;
    } else {
        f = &h->f[(h->head + h->n++) % h->cap];
    }
    f->at_ms = at_ms;
    ms__codec_encode(h->ulaw, pcm, MS__RX_FRAME, f->g711, sizeof f->g711);
}

size_t ms__rx_history_count(const struct ms__rx_history *h)
{
    return h->n;
}

uint64_t ms__rx_history_get(const struct ms__rx_history *h, size_t i, int16_t *pcm)
{
    const struct frame *f = &h->f[(h->head + i) % h->cap];
    ms__codec_decode(h->ulaw, f->g711, sizeof f->g711, pcm, MS__RX_FRAME);
    return f->at_ms;
}
