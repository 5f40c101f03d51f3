/* DTMF carried in SIP INFO bodies: application/dtmf-relay and application/dtmf. Pure. */
#include "sip/sip_agent.h"
#include "moonswitch/error.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_DURATION_MS 250
#define MAX_DURATION_MS     10000

/* Compares the media type of a Content-Type value, ignoring parameters, case and blanks. */
static bool type_is(const char *ct, const char *want)
{
    while (*ct == ' ' || *ct == '\t')
        ct++;
    size_t n = strlen(want);
    if (strncasecmp(ct, want, n) != 0)
        return false;
    ct += n;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    return *ct == '\0' || *ct == ';';
}

static char digit_of(const char *s, size_t n)
{
    if (n == 1) {
        char c = (char)toupper((unsigned char)s[0]);
        if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D'))
            return c;
        return 0;
    }
    if (n == 2 && s[0] == '1' && s[1] >= '0' && s[1] <= '5')
        return "*#ABCD"[s[1] - '0']; /* RFC 4733 event codes 10..15 */
    return 0;
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && isspace((unsigned char)(*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

static bool parse_ms(const char *s, size_t n, int *out)
{
    int v = 0;
    if (n == 0 || n > 6)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v > MAX_DURATION_MS ? MAX_DURATION_MS : v;
    return true;
}

/* One "Key=Value" line of a dtmf-relay body. */
static int relay_line(const char *p, size_t n, char *digit, int *dur)
{
    const char *eq = memchr(p, '=', n);
    if (!eq)
        return 0; /* blank or unknown line */
    const char *k = p, *v = eq + 1;
    size_t kn = (size_t)(eq - p), vn = n - kn - 1;
    trim(&k, &kn);
    trim(&v, &vn);
    if (kn == 6 && strncasecmp(k, "Signal", 6) == 0) {
        *digit = digit_of(v, vn);
        return *digit ? 0 : MS_EFORMAT;
    }
    if (kn == 8 && strncasecmp(k, "Duration", 8) == 0)
        return parse_ms(v, vn, dur) ? 0 : MS_EFORMAT;
    return 0;
}

static int parse_relay(const char *body, size_t len, char *digit, int *dur)
{
    *digit = 0;
    while (len > 0) {
        const char *nl = memchr(body, '\n', len);
        size_t n = nl ? (size_t)(nl - body) : len;
        int rc = relay_line(body, n, digit, dur);
        if (rc < 0)
            return rc;
        body += nl ? n + 1 : n;
        len -= nl ? n + 1 : n;
    }
    return *digit ? 0 : MS_EFORMAT;
}

int ms__sip_dtmf_parse(const char *content_type, const char *body, size_t len, char *digit,
                       int *duration_ms)
{
    if (!content_type || (!body && len > 0) || !digit || !duration_ms)
        return MS_EINVAL;
    int dur = DEFAULT_DURATION_MS;
    char d = 0;
    if (type_is(content_type, "application/dtmf-relay")) {
        int rc = parse_relay(body, len, &d, &dur);
        if (rc < 0)
            return rc;
    } else if (type_is(content_type, "application/dtmf")) {
        trim(&body, &len);
        d = digit_of(body, len);
        if (!d)
            return MS_EFORMAT;
    } else {
        return MS_ENOSYS;
    }
    *digit = d;
    *duration_ms = dur;
    return 0;
}
