/* libFuzzer entry point for the RTP stack's network-facing parsers: the RTP
 * header parser, the RFC 4733 receiver and the RTCP compound parser.
 * Invariants that must hold for any input trap (abort) when broken.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -Icore/include -Icore/src \
 *     tests/fuzz/fuzz_rtp.c core/src/rtp/rtp_packet.c core/src/rtp/rfc4733.c \
 *     core/src/rtp/rtcp.c core/src/base/error.c core/src/base/log.c -o /tmp/rtp/fuzz
 *   /tmp/rtp/fuzz -max_total_time=60
 */
#include "rtp/rfc4733.h"
#include "rtp/rtcp.h"
#include "rtp/rtp_packet.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define REQUIRE(c)                                                                                 \
    do {                                                                                           \
        if (!(c))                                                                                  \
            __builtin_trap();                                                                      \
    } while (0)

static void fuzz_rtp(const uint8_t *data, size_t size)
{
    struct ms__rtp_header h;
    if (ms__rtp_parse(data, size, &h) != 0)
        return;
    REQUIRE(h.payload >= data + MS__RTP_HEADER_LEN);
    REQUIRE(h.payload + h.payload_len <= data + size);
    REQUIRE(h.pt <= 127 && h.csrc_count <= 15);
    /* write the header back: the fixed fields survive */
    uint8_t out[MS__RTP_HEADER_LEN];
    REQUIRE(ms__rtp_write_header(out, sizeof out, &h) == MS__RTP_HEADER_LEN);
    REQUIRE(memcmp(out + 1, data + 1, 11) == 0);
    /* the payload as a telephone-event */
    struct ms__rfc4733_rx rx;
    struct ms__rfc4733_note notes[MS__RFC4733_MAX_BLOCKS];
    ms__rfc4733_rx_init(&rx);
    int n = ms__rfc4733_rx_put(&rx, h.ssrc, h.ts, h.payload, h.payload_len, notes);
    REQUIRE(n <= MS__RFC4733_MAX_BLOCKS);
}

/* The input as a stream of telephone-event packets:
 * [ssrc 1][ts 2][len 1][payload len]... through one receiver. */
static void fuzz_rfc4733_stream(const uint8_t *data, size_t size)
{
    struct ms__rfc4733_rx rx;
    ms__rfc4733_rx_init(&rx);
    uint64_t reported = 0;
    while (size >= 4) {
        uint32_t ssrc = data[0];
        uint32_t ts = ms__rd16(data + 1) * 80u;
        size_t len = data[3];
        data += 4;
        size -= 4;
        if (len > size)
            len = size;
        struct ms__rfc4733_note notes[MS__RFC4733_MAX_BLOCKS];
        int n = ms__rfc4733_rx_put(&rx, ssrc, ts, data, len, notes);
        REQUIRE(n <= MS__RFC4733_MAX_BLOCKS);
        for (int i = 0; i < n; i++) {
            REQUIRE(ms__rfc4733_event_code(notes[i].digit) >= 0);
            REQUIRE(notes[i].flags != 0);
            reported += (notes[i].flags & MS__RFC4733_BEGIN) != 0;
        }
        data += len;
        size -= len;
    }
    REQUIRE(reported == rx.digits);
}

static void fuzz_rtcp(const uint8_t *data, size_t size)
{
    uint32_t our = size >= 4 ? ms__rd32(data) : 0;
    struct ms__rtcp_info info;
    if (ms__rtcp_parse(data, size, our, &info) != 0)
        return;
    REQUIRE(info.packets >= 1 && info.packets <= size / 4);
    REQUIRE(!info.has_block || info.block.ssrc == our);
    REQUIRE(info.has_report || !info.has_sr);
    /* what we read, we can write and read again */
    struct ms__rtcp_report r = {.ssrc = info.sender_ssrc,
                                .sender = info.has_sr,
                                .si = info.si,
                                .has_block = info.has_block,
                                .block = info.block,
                                .cname = "fuzz",
                                .bye = info.bye};
    uint8_t buf[MS__RTCP_MAX_PACKET];
    int n = ms__rtcp_build(buf, sizeof buf, &r);
    REQUIRE(n > 0 && n <= (int)sizeof buf);
    struct ms__rtcp_info again;
    REQUIRE(ms__rtcp_parse(buf, (size_t)n, our, &again) == 0);
    REQUIRE(again.has_sr == info.has_sr && again.has_block == info.has_block);
    REQUIRE(!again.has_block || memcmp(&again.block, &info.block, sizeof info.block) == 0);
    REQUIRE(!again.has_sr || memcmp(&again.si, &info.si, sizeof info.si) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_rtp(data, size);
    (void)ms__rtp_is_rtcp(data, size);
    fuzz_rfc4733_stream(data, size);
    fuzz_rtcp(data, size);
    return 0;
}
