#include "media/codec.h"
#include "media/spandsp_sub.h"
#include "moonswitch/error.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <strings.h>

static const struct ms__codec_info codec_table[] = {
    {MS_CODEC_PCMU, "PCMU", 0, 8000, 8000},
    {MS_CODEC_PCMA, "PCMA", 8, 8000, 8000},
    {MS_CODEC_G722, "G722", 9, 8000, 16000},
};
#define CODEC_COUNT (sizeof(codec_table) / sizeof(codec_table[0]))

struct ms__codec {
    const struct ms__codec_info *info;
    g711_state_t *g711;
    g722_encode_state_t *g722_enc;
    g722_decode_state_t *g722_dec;
};

const struct ms__codec_info *ms__codec_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < CODEC_COUNT; i++) {
        if (strcasecmp(codec_table[i].name, name) == 0)
            return &codec_table[i];
    }
    return NULL;
}

const struct ms__codec_info *ms__codec_find_pt(int pt)
{
    for (size_t i = 0; i < CODEC_COUNT; i++) {
        if (codec_table[i].static_pt == pt)
            return &codec_table[i];
    }
    return NULL;
}

const struct ms__codec_info *ms__codec_info_of(enum ms__codec_id id)
{
    for (size_t i = 0; i < CODEC_COUNT; i++) {
        if (codec_table[i].id == id)
            return &codec_table[i];
    }
    return NULL;
}

static int codec_init_g711(struct ms__codec *c, int mode)
{
    c->g711 = g711_init(NULL, mode);
    return c->g711 ? 0 : MS_ENOMEM;
}

static int codec_init_g722(struct ms__codec *c)
{
    c->g722_enc = g722_encode_init(NULL, 64000, 0);
    if (!c->g722_enc)
        return MS_ENOMEM;
    c->g722_dec = g722_decode_init(NULL, 64000, 0);
    if (!c->g722_dec) {
        g722_encode_free(c->g722_enc);
        c->g722_enc = NULL;
        return MS_ENOMEM;
    }
    return 0;
}

int ms__codec_new(struct ms__codec **out, enum ms__codec_id id)
{
    const struct ms__codec_info *info = ms__codec_info_of(id);
    if (!out || !info)
        return MS_EINVAL;
    struct ms__codec *c = calloc(1, sizeof(*c));
    if (!c)
        return MS_ENOMEM;
    c->info = info;
    int rc;
    switch (id) {
    case MS_CODEC_PCMU:
        rc = codec_init_g711(c, G711_ULAW);
        break;
    case MS_CODEC_PCMA:
        rc = codec_init_g711(c, G711_ALAW);
        break;
    default:
        rc = codec_init_g722(c);
        break;
    }
    if (rc < 0)
        goto fail_state;
    *out = c;
    return 0;

fail_state:
    free(c);
    return rc;
}

void ms__codec_free(struct ms__codec *c)
{
    if (!c)
        return;
    if (c->g711)
        g711_free(c->g711);
    if (c->g722_enc)
        g722_encode_free(c->g722_enc);
    if (c->g722_dec)
        g722_decode_free(c->g722_dec);
    free(c);
}

const struct ms__codec_info *ms__codec_info(const struct ms__codec *c)
{
    return c->info;
}

size_t ms__codec_encoded_size(const struct ms__codec *c, size_t samples)
{
    return c->info->id == MS_CODEC_G722 ? samples / 2 : samples;
}

size_t ms__codec_decoded_size(const struct ms__codec *c, size_t bytes)
{
    return c->info->id == MS_CODEC_G722 ? bytes * 2 : bytes;
}

int ms__codec_encode(struct ms__codec *c, const int16_t *pcm, size_t samples, uint8_t *out,
                     size_t cap)
{
    if (!c || (samples && (!pcm || !out)) || samples > INT_MAX / 2)
        return MS_EINVAL;
    bool g722 = c->info->id == MS_CODEC_G722;
    if (g722 && samples % 2)
        return MS_EINVAL;
    if (ms__codec_encoded_size(c, samples) > cap)
        return MS_ENOSPC;
    if (samples == 0)
        return 0;
    if (g722)
        return g722_encode(c->g722_enc, out, pcm, (int)samples);
    return g711_encode(c->g711, out, pcm, (int)samples);
}

int ms__codec_decode(struct ms__codec *c, const uint8_t *in, size_t len, int16_t *pcm, size_t cap)
{
    if (!c || (len && (!in || !pcm)) || len > INT_MAX / 4)
        return MS_EINVAL;
    if (ms__codec_decoded_size(c, len) > cap)
        return MS_ENOSPC;
    if (len == 0)
        return 0;
    if (c->info->id == MS_CODEC_G722)
        return g722_decode(c->g722_dec, pcm, in, (int)len);
    return g711_decode(c->g711, pcm, in, (int)len);
}
