/* Building queued events in the sofia thread: everything the loop needs is copied out of the
 * sip_t into one allocation, since the sip_t is gone when the NUA callback returns. */
#define MS_LOG_MODULE "sip"
#include "moonswitch/log.h"
#include "sip/sip_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_HEADERS 32

enum {
    F_CALL_ID,
    F_FROM_USER,
    F_FROM_DISPLAY,
    F_FROM_URI,
    F_TO_USER,
    F_REQUEST_USER,
    F_CONTACT,
    F_SDP,
    F_COUNT
};

struct piece {
    const char *p;
    size_t n;
};

struct builder {
    struct piece f[F_COUNT];
    struct piece h[2 * MAX_HEADERS];
    int nh;
    char from_uri[512], contact[512], display[256];
};

static void set_str(struct piece *pc, const char *s)
{
    if (s) {
        pc->p = s;
        pc->n = strlen(s);
    }
}

static void set_url(struct piece *pc, const url_t *url, char *buf, size_t cap)
{
    if (!url)
        return;
    issize_t n = url_e(buf, (isize_t)cap, url);
    if (n <= 0 || (size_t)n >= cap)
        return; /* absurdly long: leave it out rather than truncate */
    buf[n] = '\0';
    set_str(pc, buf);
}

/* a_display keeps its quotes ("\"Alice\""): strip them and their escapes. */
static void set_display(struct piece *pc, const char *d, char *buf, size_t cap)
{
    if (!d || !*d)
        return;
    if (d[0] != '"') {
        set_str(pc, d);
        return;
    }
    size_t n = 0;
    for (const char *s = d + 1; *s && *s != '"' && n + 1 < cap; s++) {
        if (*s == '\\' && s[1])
            s++;
        buf[n++] = *s;
    }
    buf[n] = '\0';
    set_str(pc, buf);
}

static bool is_sdp(const sip_t *sip)
{
    const sip_content_type_t *ct = sip->sip_content_type;
    return sip->sip_payload && sip->sip_payload->pl_data && sip->sip_payload->pl_len > 0 && ct &&
           ct->c_type && strcasecmp(ct->c_type, "application/sdp") == 0;
}

static void collect_headers(struct builder *b, const sip_t *sip)
{
    for (const sip_unknown_t *u = sip->sip_unknown; u; u = u->un_next) {
        if (!u->un_name || !u->un_value)
            continue;
        if (b->nh == MAX_HEADERS) {
            ms_debug(NULL, "more than %d unknown headers: the rest are dropped", MAX_HEADERS);
            return;
        }
        set_str(&b->h[2 * b->nh], u->un_name);
        set_str(&b->h[2 * b->nh + 1], u->un_value);
        b->nh++;
    }
}

static void collect(struct builder *b, const sip_t *sip, bool with_headers)
{
    if (sip->sip_from) {
        set_str(&b->f[F_FROM_USER], sip->sip_from->a_url->url_user);
        set_display(&b->f[F_FROM_DISPLAY], sip->sip_from->a_display, b->display, sizeof b->display);
        set_url(&b->f[F_FROM_URI], sip->sip_from->a_url, b->from_uri, sizeof b->from_uri);
    }
    if (sip->sip_to)
        set_str(&b->f[F_TO_USER], sip->sip_to->a_url->url_user);
    if (sip->sip_request)
        set_str(&b->f[F_REQUEST_USER], sip->sip_request->rq_url->url_user);
    if (sip->sip_contact)
        set_url(&b->f[F_CONTACT], sip->sip_contact->m_url, b->contact, sizeof b->contact);
    if (is_sdp(sip)) {
        b->f[F_SDP].p = sip->sip_payload->pl_data;
        b->f[F_SDP].n = sip->sip_payload->pl_len;
    }
    if (with_headers)
        collect_headers(b, sip);
}

static const char *copy_piece(const struct piece *pc, char **cursor)
{
    if (!pc->p)
        return NULL;
    char *dst = *cursor;
    memcpy(dst, pc->p, pc->n);
    dst[pc->n] = '\0';
    *cursor += pc->n + 1;
    return dst;
}

static struct ms__sip_evnode *pack(const struct builder *b)
{
    size_t chars = 0;
    for (int i = 0; i < F_COUNT; i++)
        chars += b->f[i].p ? b->f[i].n + 1 : 0;
    for (int i = 0; i < 2 * b->nh; i++)
        chars += b->h[i].n + 1;
    size_t nptr = (size_t)(2 * b->nh + 1);
    struct ms__sip_evnode *node = calloc(1, sizeof *node + nptr * sizeof(char *) + chars);
    if (!node)
        return NULL;
    const char **hdrs = (const char **)(node + 1);
    char *cursor = (char *)(hdrs + nptr);
    struct ms__sip_event *ev = &node->ev;
    const char **fields[F_COUNT] = {&ev->call_id,  &ev->from_user, &ev->from_display,
                                    &ev->from_uri, &ev->to_user,   &ev->request_user,
                                    &ev->contact,  &ev->sdp};
    for (int i = 0; i < F_COUNT; i++)
        *fields[i] = copy_piece(&b->f[i], &cursor);
    for (int i = 0; i < 2 * b->nh; i++)
        hdrs[i] = copy_piece(&b->h[i], &cursor);
    hdrs[2 * b->nh] = NULL;
    ev->headers = hdrs;
    return node;
}

struct ms__sip_evnode *ms__sip_ev_build(enum ms__sip_ev_type type, const struct ms__sip_call *c,
                                        const sip_t *sip, bool with_headers)
{
    struct builder *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    set_str(&b->f[F_CALL_ID], c->call_id[0] ? c->call_id : NULL);
    if (sip)
        collect(b, sip, with_headers);
    struct ms__sip_evnode *node = pack(b);
    free(b);
    if (!node) {
        ms_err(c->call_id, "out of memory building a SIP event");
        return NULL;
    }
    node->ev.type = type;
    node->ev.call = c->id;
    return node;
}

struct ms__sip_evnode *ms__sip_ev_stopped(void)
{
    struct ms__sip_evnode *node = calloc(1, sizeof *node);
    if (node)
        node->stopped = true;
    return node;
}

void ms__sip_ev_free(struct ms__sip_evnode *node)
{
    free(node);
}
