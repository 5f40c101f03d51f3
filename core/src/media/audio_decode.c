#define MS_LOG_MODULE "audio"
#include "media/audio_decode.h"
#include "media/resample.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define AD_CHUNK_FRAMES 4096
#define AD_MAX_CHANNELS 64

static int ad_open_error(int err)
{
    switch (err) {
    case ENOENT:
    case ENOTDIR:
        return MS_ENOENT;
    case EACCES:
    case EPERM:
        return MS_EACCES;
    default:
        return MS_EIO;
    }
}

/* libsndfile keeps the error of a failed open in a process-wide variable, so
 * a concurrent failure may blur EIO and EFORMAT; both are failures anyway. */
static int ad_sf_error(int sf_err)
{
    return sf_err == SF_ERR_SYSTEM ? MS_EIO : MS_EFORMAT;
}

static int16_t ad_to_l16(float v)
{
    float s = v * 32768.0f;
    if (s >= 32767.0f)
        return 32767;
    if (s <= -32768.0f)
        return -32768;
    return (int16_t)lrintf(s);
}

/* Reads every frame, averaging the channels, into a new buffer. */
static int ad_read_mono(SNDFILE *sf, const SF_INFO *info, int16_t **out, size_t *out_n)
{
    size_t cap = (size_t)info->frames, n = 0, ch = (size_t)info->channels;
    int16_t *mono = malloc((cap ? cap : 1) * sizeof(*mono));
    float *chunk = malloc(AD_CHUNK_FRAMES * ch * sizeof(*chunk));
    int rc = MS_ENOMEM;
    if (!mono || !chunk)
        goto fail;
    while (n < cap) {
        sf_count_t want = cap - n < AD_CHUNK_FRAMES ? (sf_count_t)(cap - n) : AD_CHUNK_FRAMES;
        sf_count_t got = sf_readf_float(sf, chunk, want);
        for (sf_count_t f = 0; f < got; f++) {
            float acc = 0;
            for (size_t c = 0; c < ch; c++)
                acc += chunk[(size_t)f * ch + c];
            mono[n++] = ad_to_l16(acc / (float)ch);
        }
        if (got < want)
            break;
    }
    rc = sf_error(sf) != SF_ERR_NO_ERROR ? MS_EIO : 0;
    if (rc < 0)
        goto fail;
    free(chunk);
    *out = mono;
    *out_n = n;
    return 0;

fail:
    free(mono);
    free(chunk);
    return rc;
}

static int ad_check_info(const SF_INFO *info)
{
    if (info->channels < 1 || info->channels > AD_MAX_CHANNELS || info->samplerate < 1000 ||
        info->samplerate > 192000 || info->frames < 0)
        return MS_EFORMAT;
    if (info->frames > (sf_count_t)MS__AUDIO_MAX_SECONDS * info->samplerate)
        return MS_ERANGE;
    return 0;
}

static int ad_decode_sf(SNDFILE *sf, const SF_INFO *info, int rate, int16_t **pcm, size_t *n)
{
    int rc = ad_check_info(info);
    if (rc < 0)
        return rc;
    int16_t *mono;
    size_t mono_n;
    rc = ad_read_mono(sf, info, &mono, &mono_n);
    if (rc < 0)
        return rc;
    if (mono_n == 0) {
        free(mono);
        *pcm = NULL;
        *n = 0;
        return 0;
    }
    if (info->samplerate == rate) {
        *pcm = mono;
        *n = mono_n;
        return 0;
    }
    rc = ms__resample_buffer(mono, mono_n, info->samplerate, rate, MS__RESAMPLE_Q_ONESHOT, pcm, n);
    free(mono);
    return rc;
}

int ms__audio_decode_file(const char *path, int rate, int16_t **pcm, size_t *samples)
{
    if (!path || !pcm || !samples || rate < 1000 || rate > 192000)
        return MS_EINVAL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ad_open_error(errno);
    struct stat st;
    int rc = MS_EFORMAT;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        goto out_fd;
    SF_INFO info = {0};
    SNDFILE *sf = sf_open_fd(fd, SFM_READ, &info, SF_FALSE);
    if (!sf) {
        rc = ad_sf_error(sf_error(NULL));
        ms_debug(NULL, "%s: %s", path, sf_strerror(NULL));
        goto out_fd;
    }
    rc = ad_decode_sf(sf, &info, rate, pcm, samples);
    sf_close(sf);
out_fd:
    close(fd);
    return rc;
}
