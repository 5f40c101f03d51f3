#include "rtp/rtp_packet.h"

#include "moonswitch/error.h"

int ms__rtp_parse(const uint8_t *buf, size_t len, struct ms__rtp_header *out)
{
    if (len < MS__RTP_HEADER_LEN || (buf[0] >> 6) != MS__RTP_VERSION)
        return MS_EPROTO;
    bool padded = buf[0] & 0x20;
    bool ext = buf[0] & 0x10;
    uint8_t cc = buf[0] & 0x0f;
    size_t off = MS__RTP_HEADER_LEN + 4u * cc;
    if (off > len)
        return MS_EPROTO;
    if (ext) {
        if (off + 4 > len)
            return MS_EPROTO;
        off += 4 + 4u * ms__rd16(buf + off + 2);
        if (off > len)
            return MS_EPROTO;
    }
    size_t end = len;
    uint8_t pad = 0;
    if (padded) {
        pad = buf[len - 1];
        if (pad == 0 || pad > len - off)
            return MS_EPROTO;
        end -= pad;
    }
    out->marker = buf[1] & 0x80;
    out->pt = buf[1] & 0x7f;
    out->seq = ms__rd16(buf + 2);
    out->ts = ms__rd32(buf + 4);
    out->ssrc = ms__rd32(buf + 8);
    out->csrc_count = cc;
    out->has_extension = ext;
    out->padding = pad;
    out->payload = buf + off;
    out->payload_len = end - off;
    return 0;
}

int ms__rtp_write_header(uint8_t *buf, size_t cap, const struct ms__rtp_header *h)
{
    if (h->pt > 127)
        return MS_EINVAL;
    if (cap < MS__RTP_HEADER_LEN)
        return MS_EMSGSIZE;
    buf[0] = MS__RTP_VERSION << 6;
    buf[1] = (uint8_t)((h->marker ? 0x80 : 0) | h->pt);
    ms__wr16(buf + 2, h->seq);
    ms__wr32(buf + 4, h->ts);
    ms__wr32(buf + 8, h->ssrc);
    return MS__RTP_HEADER_LEN;
}

bool ms__rtp_is_rtcp(const uint8_t *buf, size_t len)
{
    return len >= 2 && (buf[0] >> 6) == MS__RTP_VERSION && buf[1] >= 192 && buf[1] <= 223;
}
