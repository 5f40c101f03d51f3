/* Audio codecs: G.711 (PCMU, PCMA) and G.722, implemented by spandsp.
 *
 * Linear audio is signed 16-bit mono PCM ("L16") at the codec's sample_rate
 * (8000 for G.711, 16000 for G.722). G.722 is the 64 kbit/s mode; its SDP
 * clock rate is 8000 (RFC 3551 erratum) although it carries 16 kHz audio.
 *
 * struct ms__codec_info: static, immutable, never freed.
 * struct ms__codec: owned by whoever called ms__codec_new (normally one per
 *   call and direction); not shared, not thread-safe; freed with
 *   ms__codec_free. G.722 keeps adaptive state, so a stream must use one
 *   object from start to end; encode and decode states are separate inside,
 *   so one object may serve both directions of one call.
 */
#ifndef MS_MEDIA_CODEC_H
#define MS_MEDIA_CODEC_H

#include <stddef.h>
#include <stdint.h>

enum ms__codec_id { MS_CODEC_PCMU, MS_CODEC_PCMA, MS_CODEC_G722 };

struct ms__codec_info {
    enum ms__codec_id id;
    const char *name;   /* SDP encoding name: "PCMU", "PCMA", "G722" */
    int static_pt;      /* RTP static payload type: 0, 8, 9 */
    int sdp_clock_rate; /* rate in a=rtpmap and the RTP timestamp clock: 8000 */
    int sample_rate;    /* rate of the linear audio: 8000, or 16000 for G.722 */
};

/* Case-insensitive lookup by SDP encoding name; NULL if unknown. */
const struct ms__codec_info *ms__codec_find(const char *name);
/* Lookup by RTP static payload type; NULL if none of ours. */
const struct ms__codec_info *ms__codec_find_pt(int pt);
/* Info for an id; NULL if the id is out of range. */
const struct ms__codec_info *ms__codec_info_of(enum ms__codec_id id);

struct ms__codec;

/* 0, MS_EINVAL (unknown id) or MS_ENOMEM. */
int ms__codec_new(struct ms__codec **out, enum ms__codec_id id);
void ms__codec_free(struct ms__codec *c); /* NULL is a no-op */
const struct ms__codec_info *ms__codec_info(const struct ms__codec *c);

/* Bytes produced by encoding `samples` samples, and samples produced by
 * decoding `bytes` bytes (G.711: 1 byte per sample; G.722: 1 byte per 2). */
size_t ms__codec_encoded_size(const struct ms__codec *c, size_t samples);
size_t ms__codec_decoded_size(const struct ms__codec *c, size_t bytes);

/* Encodes `samples` samples into out; returns the byte count, MS_ENOSPC if
 * cap is too small, MS_EINVAL for bad arguments (G.722 needs an even count). */
int ms__codec_encode(struct ms__codec *c, const int16_t *pcm, size_t samples, uint8_t *out,
                     size_t cap);
/* Decodes `len` bytes into pcm; returns the sample count, MS_ENOSPC if cap
 * (in samples) is too small, MS_EINVAL for bad arguments. */
int ms__codec_decode(struct ms__codec *c, const uint8_t *in, size_t len, int16_t *pcm, size_t cap);

#endif
