#include "rtp/jitter.h"

#include "moonswitch/error.h"
#include "rtp/rtp_packet.h"

#include <string.h>

#define SLOT_MASK (MS__JB_SLOTS - 1)

static struct ms__jb_slot *slot_of(struct ms__jitter *jb, uint16_t seq)
{
    return &jb->slots[seq & SLOT_MASK];
}

void ms__jitter_init(struct ms__jitter *jb, int depth)
{
    memset(jb, 0, sizeof *jb);
    if (depth <= 0)
        depth = MS__JB_DEFAULT_DEPTH;
    if (depth > MS__JB_SLOTS / 2)
        depth = MS__JB_SLOTS / 2;
    jb->depth = depth;
    ms__jitter_reset(jb);
}

void ms__jitter_reset(struct ms__jitter *jb)
{
    for (int i = 0; i < MS__JB_SLOTS; i++)
        jb->slots[i].used = false;
    jb->have_ref = false;
    jb->playing = false;
    jb->fresh = true;
    jb->count = 0;
    jb->empty_run = 0;
}

static void restart_at(struct ms__jitter *jb, uint32_t ssrc, uint16_t seq)
{
    if (jb->have_ref)
        jb->stats.resyncs++;
    ms__jitter_reset(jb);
    jb->have_ref = true;
    jb->ssrc = ssrc;
    jb->next_seq = seq;
}

/* Moves the playout point forward to seq, dropping what lies before it. */
static void skip_to(struct ms__jitter *jb, uint16_t seq)
{
    while (ms__rtp_seq_diff(seq, jb->next_seq) > 0) {
        struct ms__jb_slot *s = slot_of(jb, jb->next_seq);
        if (s->used) {
            s->used = false;
            jb->count--;
            jb->stats.discarded++;
        } else if (!jb->fresh) {
            jb->stats.lost++;
        }
        jb->next_seq++;
    }
}

/* Where seq stands relative to the window; may move or restart it.
 * Returns false if the frame is late. */
static bool admit(struct ms__jitter *jb, uint32_t ssrc, uint16_t seq)
{
    if (!jb->have_ref || ssrc != jb->ssrc)
        restart_at(jb, ssrc, seq);
    int d = ms__rtp_seq_diff(seq, jb->next_seq);
    if (d > MS__JB_RESYNC_GAP || d < -MS__JB_RESYNC_GAP) {
        restart_at(jb, ssrc, seq);
        return true;
    }
    if (d < 0) {
        /* Reordered before playout started: move the start back. */
        bool room = jb->count == 0 || ms__rtp_seq_diff(jb->top_seq, seq) < MS__JB_SLOTS;
        if (jb->playing || !jb->fresh || !room)
            return false;
        jb->next_seq = seq;
        return true;
    }
    if (d >= MS__JB_SLOTS)
        skip_to(jb, (uint16_t)(seq - MS__JB_SLOTS + 1));
    return true;
}

int ms__jitter_put(struct ms__jitter *jb, uint32_t ssrc, uint16_t seq, const uint8_t *payload,
                   size_t len)
{
    if (len > MS__JB_MAX_PAYLOAD) {
        jb->stats.oversize++;
        return MS_EMSGSIZE;
    }
    if (!admit(jb, ssrc, seq)) {
        jb->stats.late++;
        return MS_ERANGE;
    }
    struct ms__jb_slot *s = slot_of(jb, seq);
    if (s->used) {
        jb->stats.duplicate++;
        return MS_EEXIST;
    }
    s->used = true;
    s->seq = seq;
    s->len = (uint16_t)len;
    if (len)
        memcpy(s->data, payload, len);
    if (jb->count == 0 || ms__rtp_seq_diff(seq, jb->top_seq) > 0)
        jb->top_seq = seq;
    jb->count++;
    return 0;
}

/* Buffering: start playout at the first buffered frame once depth is met. */
static bool ready(struct ms__jitter *jb)
{
    if (jb->playing)
        return true;
    if (jb->count < (unsigned)jb->depth)
        return false;
    while (!slot_of(jb, jb->next_seq)->used) {
        if (!jb->fresh)
            jb->stats.lost++;
        jb->next_seq++;
    }
    jb->playing = true;
    jb->empty_run = 0;
    return true;
}

/* Too much buffered: drop the oldest down to depth. */
static void trim(struct ms__jitter *jb)
{
    if (jb->count <= (unsigned)jb->depth + MS__JB_EXCESS)
        return;
    while (jb->count > (unsigned)jb->depth)
        skip_to(jb, (uint16_t)(jb->next_seq + 1));
}

static int take(struct ms__jitter *jb, struct ms__jb_slot *s, uint8_t *buf, size_t cap, size_t *len)
{
    s->used = false;
    jb->count--;
    jb->empty_run = 0;
    jb->fresh = false;
    if (s->len == 0)
        return 0;
    if (s->len > cap)
        return MS_EMSGSIZE;
    memcpy(buf, s->data, s->len);
    *len = s->len;
    jb->stats.played++;
    return 1;
}

/* Nothing for this tick. After a run of empty ticks, go back to buffering
 * and uncount the run: the sender probably paused rather than lost it. */
static int miss(struct ms__jitter *jb)
{
    jb->stats.lost++;
    if (jb->count > 0) {
        jb->empty_run = 0;
        return 0;
    }
    if (++jb->empty_run >= MS__JB_REBUFFER_TICKS) {
        jb->stats.lost -= jb->empty_run;
        jb->next_seq = (uint16_t)(jb->next_seq - jb->empty_run);
        jb->empty_run = 0;
        jb->playing = false;
    }
    return 0;
}

int ms__jitter_get(struct ms__jitter *jb, uint8_t *buf, size_t cap, size_t *len)
{
    *len = 0;
    if (!jb->have_ref || !ready(jb))
        return 0;
    trim(jb);
    struct ms__jb_slot *s = slot_of(jb, jb->next_seq);
    bool here = s->used && s->seq == jb->next_seq;
    jb->next_seq++;
    return here ? take(jb, s, buf, cap, len) : miss(jb);
}
