/* SDP parser: one pass over the lines, bounded by len, no allocation. */
#include "sip/sdp.h"
#include "moonswitch/error.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* A bounded view of the input; never NUL-terminated. */
struct span {
    const char *p;
    size_t n;
};

struct static_pt {
    int pt;
    const char *name;
    int rate;
    int channels;
};

/* RFC 3551 table 4 (audio). */
static const struct static_pt static_pts[] = {
    {0, "PCMU", 8000, 1},  {3, "GSM", 8000, 1},    {4, "G723", 8000, 1},   {5, "DVI4", 8000, 1},
    {6, "DVI4", 16000, 1}, {7, "LPC", 8000, 1},    {8, "PCMA", 8000, 1},   {9, "G722", 8000, 1},
    {10, "L16", 44100, 2}, {11, "L16", 44100, 1},  {12, "QCELP", 8000, 1}, {13, "CN", 8000, 1},
    {15, "G728", 8000, 1}, {16, "DVI4", 11025, 1}, {17, "DVI4", 22050, 1}, {18, "G729", 8000, 1},
};

void ms__sdp_static_fmt(int pt, struct ms__sdp_fmt *f)
{
    memset(f, 0, sizeof *f);
    f->pt = pt;
    f->channels = 1;
    for (size_t i = 0; i < sizeof static_pts / sizeof static_pts[0]; i++) {
        if (static_pts[i].pt == pt) {
            strcpy(f->name, static_pts[i].name);
            f->rate = static_pts[i].rate;
            f->channels = static_pts[i].channels;
            return;
        }
    }
}

int ms__sdp_static_pt(const char *name, int rate)
{
    for (size_t i = 0; i < sizeof static_pts / sizeof static_pts[0]; i++) {
        const struct static_pt *s = &static_pts[i];
        if (s->channels == 1 && strcasecmp(s->name, name) == 0 && (rate == 0 || s->rate == rate))
            return s->pt;
    }
    return -1;
}

/* ---- span helpers ---- */

static bool next_line(struct span *rest, struct span *line)
{
    if (rest->n == 0)
        return false;
    const char *nl = memchr(rest->p, '\n', rest->n);
    size_t take = nl ? (size_t)(nl - rest->p) + 1 : rest->n;
    line->p = rest->p;
    line->n = nl ? take - 1 : take;
    while (line->n > 0 && (line->p[line->n - 1] == '\r' || line->p[line->n - 1] == ' ' ||
                           line->p[line->n - 1] == '\t'))
        line->n--;
    rest->p += take;
    rest->n -= take;
    return true;
}

/* Splits off the next token ending at `sep` (runs of separators are skipped first). */
static bool next_tok(struct span *s, char sep, struct span *tok)
{
    while (s->n > 0 && s->p[0] == sep) {
        s->p++;
        s->n--;
    }
    if (s->n == 0)
        return false;
    const char *end = memchr(s->p, sep, s->n);
    size_t take = end ? (size_t)(end - s->p) : s->n;
    tok->p = s->p;
    tok->n = take;
    s->p += take;
    s->n -= take;
    return true;
}

static bool span_eq(struct span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && memcmp(s.p, lit, n) == 0;
}

static bool span_starts(struct span *s, const char *lit)
{
    size_t n = strlen(lit);
    if (s->n < n || memcmp(s->p, lit, n) != 0)
        return false;
    s->p += n;
    s->n -= n;
    return true;
}

/* Whole-span unsigned decimal, at most max. */
static bool span_uint(struct span s, uint64_t max, uint64_t *out)
{
    if (s.n == 0 || s.n > 20)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
        unsigned d = (unsigned)(s.p[i] - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static bool span_int(struct span s, int max, int *out)
{
    uint64_t v;
    if (!span_uint(s, (uint64_t)max, &v))
        return false;
    *out = (int)v;
    return true;
}

/* Copies a span into a fixed buffer; false (and "") if it does not fit or holds a NUL. */
static bool span_copy(struct span s, char *dst, size_t cap)
{
    if (s.n >= cap || memchr(s.p, '\0', s.n)) {
        dst[0] = '\0';
        return false;
    }
    memcpy(dst, s.p, s.n);
    dst[s.n] = '\0';
    return true;
}

/* ---- line handlers ---- */

struct parse_state {
    struct ms__sdp *out;
    int cur;            /* index of the current m= line, -1 at session level */
    bool in_audio;      /* the current m= line is the chosen audio line */
    char sess_addr[64]; /* session-level c=, "" if none */
    bool media_addr;    /* the audio line had its own c= */
    int sess_dir;       /* -1 if no session-level direction */
    int media_dir;      /* -1 if no media-level direction on the audio line */
    int sess_ptime;
};

static int parse_origin(struct span v, struct ms__sdp *out)
{
    struct span user, id, ver;
    if (!next_tok(&v, ' ', &user) || !next_tok(&v, ' ', &id) || !next_tok(&v, ' ', &ver))
        return 0; /* lenient: a broken o= does not make the body unusable */
    if (!span_uint(id, UINT64_MAX, &out->sess_id))
        out->sess_id = 0;
    if (!span_uint(ver, UINT64_MAX, &out->sess_version))
        out->sess_version = 0;
    return 0;
}

/* "IN IP4 192.0.2.1[/ttl]" or "IN IP6 ::1" */
static int parse_conn(struct span v, char *addr, size_t cap)
{
    struct span net, type, a, host;
    if (!next_tok(&v, ' ', &net) || !next_tok(&v, ' ', &type) || !next_tok(&v, ' ', &a))
        return MS_EFORMAT;
    if (!span_eq(net, "IN") || !(span_eq(type, "IP4") || span_eq(type, "IP6")))
        return MS_EFORMAT;
    if (!next_tok(&a, '/', &host) || !span_copy(host, addr, cap))
        return MS_EFORMAT;
    return 0;
}

static void parse_mline_desc(struct span v, struct ms__sdp_mline *m)
{
    struct span type, port, proto, fmt;
    memset(m, 0, sizeof *m);
    if (next_tok(&v, ' ', &type))
        span_copy(type, m->type, sizeof m->type);
    if (next_tok(&v, ' ', &port) && next_tok(&v, ' ', &proto))
        span_copy(proto, m->proto, sizeof m->proto);
    if (next_tok(&v, ' ', &fmt))
        span_copy(fmt, m->fmt, sizeof m->fmt);
}

/* Returns true if the line is a usable audio line and fills the media struct. */
static bool parse_audio_mline(struct span v, struct ms__sdp_media *m)
{
    struct span type, port, proto, fmt, port_num;
    if (!next_tok(&v, ' ', &type) || !span_eq(type, "audio"))
        return false;
    if (!next_tok(&v, ' ', &port) || !next_tok(&v, ' ', &proto))
        return false;
    if (!span_eq(proto, "RTP/AVP") && !span_eq(proto, "RTP/AVPF"))
        return false;
    if (!next_tok(&port, '/', &port_num) || !span_int(port_num, 65535, &m->port) || m->port == 0)
        return false;
    m->nfmts = 0;
    while (next_tok(&v, ' ', &fmt) && m->nfmts < MS_SDP_MAX_FMTS) {
        int pt;
        if (span_int(fmt, 127, &pt))
            ms__sdp_static_fmt(pt, &m->fmts[m->nfmts++]);
    }
    return m->nfmts > 0;
}

static void parse_mline(struct span v, struct parse_state *st)
{
    struct ms__sdp *out = st->out;
    st->in_audio = false;
    if (out->nmlines >= MS_SDP_MAX_MLINES) {
        st->cur = MS_SDP_MAX_MLINES; /* past what we track: ignore its attributes */
        return;
    }
    st->cur = out->nmlines++;
    parse_mline_desc(v, &out->mlines[st->cur]);
    if (out->has_audio)
        return;
    struct ms__sdp_media m;
    memset(&m, 0, sizeof m);
    if (!parse_audio_mline(v, &m))
        return;
    out->audio = m;
    out->has_audio = true;
    out->audio_index = st->cur;
    st->in_audio = true;
}

static struct ms__sdp_fmt *find_fmt(struct ms__sdp_media *m, int pt)
{
    for (int i = 0; i < m->nfmts; i++)
        if (m->fmts[i].pt == pt)
            return &m->fmts[i];
    return NULL;
}

/* "101 telephone-event/8000[/1]" */
static void parse_rtpmap(struct span v, struct ms__sdp_media *m)
{
    struct span pts, enc, name, rate, ch;
    int pt, r, c = 1;
    if (!next_tok(&v, ' ', &pts) || !span_int(pts, 127, &pt) || !next_tok(&v, ' ', &enc))
        return;
    struct ms__sdp_fmt *f = find_fmt(m, pt);
    if (!f || !next_tok(&enc, '/', &name) || !next_tok(&enc, '/', &rate))
        return;
    if (!span_int(rate, 10000000, &r) || r == 0)
        return;
    if (next_tok(&enc, '/', &ch) && (!span_int(ch, 255, &c) || c == 0))
        return;
    if (!span_copy(name, f->name, sizeof f->name))
        f->name[0] = '\0'; /* too long to be one we know: never matches */
    f->rate = r;
    f->channels = c;
}

/* "101 0-16": the parameters are kept, truncated to fit. */
static void parse_fmtp(struct span v, struct ms__sdp_media *m)
{
    struct span pts;
    int pt;
    if (!next_tok(&v, ' ', &pts) || !span_int(pts, 127, &pt))
        return;
    struct ms__sdp_fmt *f = find_fmt(m, pt);
    if (!f)
        return;
    while (v.n > 0 && v.p[0] == ' ') {
        v.p++;
        v.n--;
    }
    if (v.n >= sizeof f->fmtp)
        v.n = sizeof f->fmtp - 1;
    if (!span_copy(v, f->fmtp, sizeof f->fmtp))
        f->fmtp[0] = '\0';
}

static int dir_of(struct span a)
{
    static const char *const names[] = {"sendrecv", "sendonly", "recvonly", "inactive"};
    for (int i = 0; i < 4; i++)
        if (span_eq(a, names[i]))
            return i;
    return -1;
}

static void parse_attr(struct span v, struct parse_state *st)
{
    int d = dir_of(v), ptime;
    bool session = st->cur < 0;
    if (d >= 0) {
        if (session)
            st->sess_dir = d;
        else if (st->in_audio)
            st->media_dir = d;
        return;
    }
    if (span_starts(&v, "ptime:")) {
        if (span_int(v, 10000, &ptime)) {
            if (session)
                st->sess_ptime = ptime;
            else if (st->in_audio)
                st->out->audio.ptime = ptime;
        }
        return;
    }
    if (!st->in_audio)
        return;
    if (span_starts(&v, "rtpmap:"))
        parse_rtpmap(v, &st->out->audio);
    else if (span_starts(&v, "fmtp:"))
        parse_fmtp(v, &st->out->audio);
}

static int parse_line(struct span line, struct parse_state *st)
{
    if (line.n < 2 || line.p[1] != '=' || line.p[0] < 'a' || line.p[0] > 'z')
        return MS_EFORMAT;
    char type = line.p[0];
    struct span v = {line.p + 2, line.n - 2};
    switch (type) {
    case 'o':
        return st->cur < 0 ? parse_origin(v, st->out) : 0;
    case 'c':
        if (st->cur < 0)
            return parse_conn(v, st->sess_addr, sizeof st->sess_addr);
        if (!st->in_audio)
            return 0;
        st->media_addr = true;
        return parse_conn(v, st->out->audio.addr, sizeof st->out->audio.addr);
    case 'm':
        parse_mline(v, st);
        return 0;
    case 'a':
        parse_attr(v, st);
        return 0;
    default:
        return 0;
    }
}

static int finish(struct parse_state *st)
{
    struct ms__sdp *out = st->out;
    if (!out->has_audio)
        return 0;
    struct ms__sdp_media *m = &out->audio;
    if (!st->media_addr) {
        if (!st->sess_addr[0])
            return MS_EFORMAT;
        strcpy(m->addr, st->sess_addr);
    }
    m->dir = st->media_dir >= 0  ? (enum ms__sdp_dir)st->media_dir
             : st->sess_dir >= 0 ? (enum ms__sdp_dir)st->sess_dir
                                 : MS_SDP_SENDRECV;
    if (m->ptime == 0)
        m->ptime = st->sess_ptime;
    return 0;
}

int ms__sdp_parse(const char *text, size_t len, struct ms__sdp *out)
{
    if (!text || !out)
        return MS_EINVAL;
    struct ms__sdp res;
    memset(&res, 0, sizeof res);
    res.audio_index = -1;
    struct parse_state st = {.out = &res, .cur = -1, .sess_dir = -1, .media_dir = -1};
    struct span rest = {text, len}, line;
    bool first = true;
    while (next_line(&rest, &line)) {
        if (line.n == 0)
            continue;
        if (first && !span_eq(line, "v=0"))
            return MS_EFORMAT;
        first = false;
        int rc = parse_line(line, &st);
        if (rc < 0)
            return rc;
    }
    if (first)
        return MS_EFORMAT;
    int rc = finish(&st);
    if (rc < 0)
        return rc;
    *out = res;
    return 0;
}

const char *ms__sdp_dir_name(enum ms__sdp_dir dir)
{
    switch (dir) {
    case MS_SDP_SENDONLY:
        return "sendonly";
    case MS_SDP_RECVONLY:
        return "recvonly";
    case MS_SDP_INACTIVE:
        return "inactive";
    default:
        return "sendrecv";
    }
}
