/* libFuzzer entry point for the SIP INFO DTMF body parser, ms__sip_dtmf_parse
 * (core/src/sip/sip_dtmf.c). Built by tests/fuzz/fuzz.cmake (MS_FUZZ=ON, clang).
 *
 * Input: [selector byte][content type line if selected, up to '\n'][body...]. The body is
 * copied to a buffer of exactly its size, not NUL-terminated, so that reading past `len`
 * is caught by ASan. Invariants that must hold for any input trap (abort) when broken.
 */
#include "moonswitch/error.h"
#include "sip/sip_agent.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(c)                                                                                 \
    do {                                                                                           \
        if (!(c))                                                                                  \
            __builtin_trap();                                                                      \
    } while (0)

enum { CT_RELAY, CT_DTMF, CT_OTHER, CT_FROM_INPUT };

static const char *const fixed_types[] = {
    "application/dtmf-relay",
    "application/dtmf",
    " Application/DTMF-Relay ;charset=utf-8",
    "APPLICATION/DTMF",
    "text/plain",
    "application/dtmf-relayx",
    "",
};
static const int fixed_kind[] = {CT_RELAY, CT_DTMF,  CT_RELAY, CT_DTMF,
                                 CT_OTHER, CT_OTHER, CT_OTHER};
#define NFIXED (sizeof fixed_types / sizeof fixed_types[0])
/* The seeds in fuzz.cmake rely on this: '0' relay, '1' dtmf, '7' from the input. */
_Static_assert(NFIXED == 7, "selector is taken modulo 8");

static bool is_digit(char d)
{
    return d && strchr("0123456789*#ABCD", d) != NULL;
}

/* Whatever we parse from a dtmf-relay body, we can write and parse back the same. */
static void check_relay_round_trip(char digit, int duration)
{
    char body[64];
    int n = snprintf(body, sizeof body, "Signal=%c\r\nDuration=%d\r\n", digit, duration);
    REQUIRE(n > 0 && (size_t)n < sizeof body);
    char d2 = 0;
    int dur2 = -1;
    REQUIRE(ms__sip_dtmf_parse("application/dtmf-relay", body, (size_t)n, &d2, &dur2) == 0);
    REQUIRE(d2 == digit && dur2 == duration);
}

static void check(const char *ct, int kind, const char *body, size_t len)
{
    char digit = 0;
    int duration = -1;
    int rc = ms__sip_dtmf_parse(ct, body, len, &digit, &duration);
    REQUIRE(rc == 0 || rc == MS_EFORMAT || rc == MS_ENOSYS);
    if (kind == CT_OTHER)
        REQUIRE(rc == MS_ENOSYS);
    if (kind == CT_RELAY || kind == CT_DTMF)
        REQUIRE(rc != MS_ENOSYS);
    /* the same input gives the same answer */
    char digit2 = 0;
    int duration2 = -1;
    REQUIRE(ms__sip_dtmf_parse(ct, body, len, &digit2, &duration2) == rc);
    if (rc != 0)
        return;
    REQUIRE(is_digit(digit));
    REQUIRE(duration >= 0 && duration <= 10000);
    REQUIRE(digit2 == digit && duration2 == duration);
    check_relay_round_trip(digit, duration);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0] % (NFIXED + 1);
    data++;
    size--;
    char ct[256];
    int kind;
    if (sel < NFIXED) {
        snprintf(ct, sizeof ct, "%s", fixed_types[sel]);
        kind = fixed_kind[sel];
    } else { /* the content type comes from the input, up to the first newline */
        const uint8_t *nl = memchr(data, '\n', size);
        size_t n = nl ? (size_t)(nl - data) : size;
        if (n >= sizeof ct)
            n = sizeof ct - 1;
        memcpy(ct, data, n);
        ct[n] = 0;
        size_t skip = nl ? (size_t)(nl - data) + 1 : size;
        data += skip;
        size -= skip;
        kind = CT_FROM_INPUT;
    }
    char *body = size ? malloc(size) : NULL;
    if (size && !body)
        return 0;
    if (size)
        memcpy(body, data, size);
    check(ct, kind, body, size);
    free(body);
    /* NULL arguments are refused, never dereferenced */
    char d;
    int dur;
    REQUIRE(ms__sip_dtmf_parse(NULL, "x", 1, &d, &dur) == MS_EINVAL);
    REQUIRE(ms__sip_dtmf_parse(ct, NULL, 1, &d, &dur) == MS_EINVAL);
    return 0;
}
