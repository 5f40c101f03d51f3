/* libFuzzer entry point for the SDP parser, negotiator and writers. Not built by CMake:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Icore/include -Icore/src \
 *     core/src/sip/sdp_*.c tests/fuzz/fuzz_sdp.c -o /tmp/fuzz_sdp && /tmp/fuzz_sdp
 * -max_total_time=60
 */
#include "sip/sdp.h"
#include "moonswitch/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_answer(const struct ms__sdp_answer *a)
{
    char buf[2048];
    int n = ms__sdp_write_answer(buf, sizeof buf, a, "127.0.0.1", 4000, 1, 2);
    if (n == MS_EMSGSIZE)
        return;
    if (n < 0 || (size_t)n != strlen(buf))
        abort();
    struct ms__sdp back;
    if (ms__sdp_parse(buf, (size_t)n, &back) != 0 || !back.has_audio || back.audio.port != 4000 ||
        back.audio.fmts[0].pt != a->audio_pt)
        abort(); /* what we write, we must read back */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const codecs[] = {"PCMU", "PCMA", "G722", "L16/16000"};
    struct ms__sdp s;
    struct ms__sdp_answer a;
    int rc = ms__sdp_parse((const char *)data, size, &s);
    if (rc != 0 && rc != MS_EFORMAT)
        abort();
    if (rc != 0)
        return 0;
    if (ms__sdp_negotiate(&s, codecs, 4, &a) == 0)
        check_answer(&a);
    if (ms__sdp_accept_answer(&s, codecs, 4, &a) == 0)
        check_answer(&a);
    return 0;
}
