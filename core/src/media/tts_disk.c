#include "media/tts_disk.h"
#include "moonswitch/error.h"

#include <errno.h>
#include <inttypes.h>
#include <sndfile.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAG_PREFIX  "ms-tts-1"
#define TAG_MAX     1000          /* libsndfile drops longer WAV strings */
#define MAX_SAMPLES (600 * 48000) /* 10 minutes: anything longer is not ours */

static atomic_uint tmp_seq;

static int path_of(char *buf, size_t cap, const char *dir, const struct ms__flite_voice *voice,
                   uint64_t hash)
{
    int n = snprintf(buf, cap, "%s/%s/%016" PRIx64 ".wav", dir, voice->name, hash);
    return (n < 0 || (size_t)n >= cap) ? MS_EMSGSIZE : 0;
}

static int tag_of(char *buf, size_t cap, const struct ms__flite_voice *voice, int rate,
                  const char *text)
{
    int n = snprintf(buf, cap, TAG_PREFIX " %s %d %s", voice->name, rate, text);
    return (n < 0 || (size_t)n >= cap) ? MS_EMSGSIZE : 0;
}

static int errno_code(int e)
{
    switch (e) {
    case ENOENT:
        return MS_ENOENT;
    case EACCES:
    case EPERM:
    case EROFS:
        return MS_EACCES;
    case ENOSPC:
        return MS_ENOSPC;
    default:
        return MS_EIO;
    }
}

static int read_checked(SNDFILE *sf, const SF_INFO *info, int rate, const char *tag, int16_t **pcm,
                        size_t *n)
{
    const char *got = sf_get_string(sf, SF_STR_COMMENT);
    if (info->samplerate != rate || info->channels != 1 || info->frames < 0 ||
        info->frames > MAX_SAMPLES || !got || strcmp(got, tag) != 0)
        return MS_ENOENT;
    size_t frames = (size_t)info->frames;
    int16_t *buf = NULL;
    if (frames) {
        buf = malloc(frames * sizeof *buf);
        if (!buf)
            return MS_ENOMEM;
        if (sf_read_short(sf, buf, (sf_count_t)frames) != (sf_count_t)frames) {
            free(buf);
            return MS_ENOENT;
        }
    }
    *pcm = buf;
    *n = frames;
    return 0;
}

int ms__tts_disk_read(const char *dir, const struct ms__flite_voice *voice, int rate,
                      const char *text, uint64_t hash, int16_t **pcm, size_t *n)
{
    char path[4096], tag[TAG_MAX + 1];
    if (path_of(path, sizeof path, dir, voice, hash) < 0 ||
        tag_of(tag, sizeof tag, voice, rate, text) < 0)
        return MS_ENOENT;
    SF_INFO info = {0};
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf)
        return MS_ENOENT;
    int rc = read_checked(sf, &info, rate, tag, pcm, n);
    sf_close(sf);
    return rc;
}

static int ensure_dir(const char *path)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST)
        return 0;
    return errno_code(errno);
}

static int write_file(const char *path, int rate, const char *tag, const int16_t *pcm, size_t n)
{
    SF_INFO info = {.samplerate = rate, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    if (!sf)
        return errno ? errno_code(errno) : MS_EIO;
    int rc = 0;
    if (sf_set_string(sf, SF_STR_COMMENT, tag) != 0 ||
        sf_set_string(sf, SF_STR_SOFTWARE, "moonswitch") != 0)
        rc = MS_EIO;
    if (rc == 0 && n && sf_write_short(sf, pcm, (sf_count_t)n) != (sf_count_t)n)
        rc = MS_EIO;
    if (sf_close(sf) != 0 && rc == 0)
        rc = MS_EIO;
    return rc;
}

int ms__tts_disk_write(const char *dir, const struct ms__flite_voice *voice, int rate,
                       const char *text, uint64_t hash, const int16_t *pcm, size_t n)
{
    char path[4096], tmp[4200], tag[TAG_MAX + 1];
    int rc = path_of(path, sizeof path, dir, voice, hash);
    if (rc == 0)
        rc = tag_of(tag, sizeof tag, voice, rate, text);
    if (rc < 0)
        return rc;
    if ((rc = ensure_dir(dir)) < 0)
        return rc;
    snprintf(tmp, sizeof tmp, "%s/%s", dir, voice->name);
    if ((rc = ensure_dir(tmp)) < 0)
        return rc;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%u", path, (long)getpid(),
             atomic_fetch_add(&tmp_seq, 1u));
    errno = 0;
    rc = write_file(tmp, rate, tag, pcm, n);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = errno_code(errno);
    if (rc < 0)
        unlink(tmp);
    return rc;
}
