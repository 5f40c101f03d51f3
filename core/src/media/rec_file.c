#define MS_LOG_MODULE "record"
#include "media/rec_file.h"
#include "media/recorder.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define RF_COPY_FRAMES 4096
#define RF_TRIES       64

static int rf_errno(int e)
{
    switch (e) {
    case ENOENT:
    case ENOTDIR:
        return MS_ENOENT;
    case EACCES:
    case EPERM:
    case EROFS:
        return MS_EACCES;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
        return MS_ENOSPC;
    case ENOMEM:
        return MS_ENOMEM;
    default:
        return MS_EIO;
    }
}

int ms__rec_file_init(struct ms__rec_file *f, const char *final_path, int sf_format, int rate)
{
    const char *slash = strrchr(final_path, '/');
    const char *base = slash ? slash + 1 : final_path;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
        strlen(final_path) > PATH_MAX - 32)
        return MS_EINVAL;
    *f = (struct ms__rec_file){.fd = -1, .sf_format = sf_format, .rate = rate, .first_loud = -1};
    f->final_path = strdup(final_path);
    if (!f->final_path)
        return MS_ENOMEM;
    f->blk_len = (uint32_t)(rate / 50);
    f->loud_acc = f->blk_len * 32768.0 * 32768.0 * pow(10.0, MS__REC_TRIM_DBFS / 10.0);
    return 0;
}

void ms__rec_file_release(struct ms__rec_file *f)
{
    free(f->final_path);
    free(f->tmp_path);
    f->final_path = f->tmp_path = NULL;
}

/* "<dir>/.<name>.part-XXXXXX" with a random suffix; the caller frees. */
static char *rf_temp_name(const char *final_path)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char rnd[6];
    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
        return NULL;
    char suffix[7];
    for (int i = 0; i < 6; i++)
        suffix[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
    suffix[6] = '\0';
    const char *slash = strrchr(final_path, '/');
    int dir_len = slash ? (int)(slash - final_path) + 1 : 0;
    const char *base = final_path + dir_len;
    size_t len = strlen(final_path) + 16;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%.*s.%s.part-%s", dir_len, final_path, base, suffix);
    return p;
}

/* Creates a new temporary file: *fd and *path (malloc'd) on success. */
static int rf_open_temp(const char *final_path, int *fd, char **path)
{
    for (int tries = 0; tries < RF_TRIES; tries++) {
        char *p = rf_temp_name(final_path);
        if (!p)
            return MS_ENOMEM;
        int d = open(p, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (d >= 0) {
            *fd = d;
            *path = p;
            return 0;
        }
        int e = errno;
        free(p);
        if (e != EEXIST)
            return rf_errno(e);
    }
    return MS_EEXIST;
}

/* Opens libsndfile for writing on fd (which stays ours to close). */
static SNDFILE *rf_sf_open(int fd, int sf_format, int rate)
{
    SF_INFO info = {.samplerate = rate, .channels = 1, .format = sf_format};
    return sf_open_fd(fd, SFM_WRITE, &info, SF_FALSE);
}

int ms__rec_file_create(struct ms__rec_file *f)
{
    int rc = rf_open_temp(f->final_path, &f->fd, &f->tmp_path);
    if (rc < 0) {
        ms_warn(NULL, "cannot create a recording beside %s: %s", f->final_path, ms_strerror(rc));
        return rc;
    }
    f->sf = rf_sf_open(f->fd, f->sf_format, f->rate);
    if (!f->sf) {
        int e = errno;
        ms_warn(NULL, "%s: %s", f->tmp_path, sf_strerror(NULL));
        ms__rec_file_discard(f);
        return e ? rf_errno(e) : MS_EIO;
    }
    return 0;
}

static void rf_track_levels(struct ms__rec_file *f, const int16_t *pcm, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        f->blk_acc += (double)pcm[i] * pcm[i];
        if (++f->blk_n < f->blk_len)
            continue;
        uint64_t end = f->frames + i + 1;
        if (f->blk_acc >= f->loud_acc) {
            if (f->first_loud < 0)
                f->first_loud = (int64_t)(end - f->blk_len);
            f->loud_end = end;
        }
        f->blk_n = 0;
        f->blk_acc = 0;
    }
}

int ms__rec_file_write(struct ms__rec_file *f, const int16_t *pcm, size_t n)
{
    errno = 0;
    sf_count_t put = sf_write_short(f->sf, pcm, (sf_count_t)n);
    if (put != (sf_count_t)n) {
        int e = errno;
        ms_warn(NULL, "%s: write failed: %s", f->tmp_path, sf_strerror(f->sf));
        return e ? rf_errno(e) : MS_EIO;
    }
    rf_track_levels(f, pcm, n);
    f->frames += n;
    return 0;
}

/* The last, partial block counts if it is loud by its own length. */
static void rf_last_block(struct ms__rec_file *f)
{
    if (f->blk_n && f->blk_acc >= f->loud_acc * f->blk_n / f->blk_len) {
        if (f->first_loud < 0)
            f->first_loud = (int64_t)(f->frames - f->blk_n);
        f->loud_end = f->frames;
    }
    f->blk_n = 0;
}

/* Closes libsndfile (the header gets its final sizes), syncs and closes fd. */
static int rf_close(struct ms__rec_file *f)
{
    int rc = 0;
    if (f->sf && sf_close(f->sf) != 0)
        rc = MS_EIO;
    f->sf = NULL;
    if (f->fd >= 0) {
        if (rc == 0 && fsync(f->fd) < 0)
            rc = rf_errno(errno);
        if (close(f->fd) < 0 && rc == 0)
            rc = rf_errno(errno);
    }
    f->fd = -1;
    return rc;
}

static int rf_copy_frames(SNDFILE *src, SNDFILE *dst, uint64_t count)
{
    short *buf = malloc(RF_COPY_FRAMES * sizeof(*buf));
    if (!buf)
        return MS_ENOMEM;
    int rc = 0;
    while (count > 0 && rc == 0) {
        sf_count_t want = count < RF_COPY_FRAMES ? (sf_count_t)count : RF_COPY_FRAMES;
        errno = 0;
        if (sf_read_short(src, buf, want) != want)
            rc = MS_EIO;
        else if (sf_write_short(dst, buf, want) != want)
            rc = errno ? rf_errno(errno) : MS_EIO;
        count -= (uint64_t)want;
    }
    free(buf);
    return rc;
}

/* Rewrites the closed temporary file keeping frames [start, end). */
static int rf_rewrite(struct ms__rec_file *f, uint64_t start, uint64_t end)
{
    SF_INFO info = {0};
    SNDFILE *src = sf_open(f->tmp_path, SFM_READ, &info);
    if (!src)
        return MS_EIO;
    struct ms__rec_file out = *f;
    out.tmp_path = NULL;
    int rc = rf_open_temp(f->final_path, &out.fd, &out.tmp_path);
    if (rc < 0)
        goto out_src;
    rc = MS_EIO;
    out.sf = rf_sf_open(out.fd, f->sf_format, f->rate);
    if (out.sf && sf_seek(src, (sf_count_t)start, SEEK_SET) == (sf_count_t)start)
        rc = rf_copy_frames(src, out.sf, end - start);
    int close_rc = rf_close(&out);
    rc = rc < 0 ? rc : close_rc;
    if (rc < 0) {
        unlink(out.tmp_path);
        free(out.tmp_path);
        goto out_src;
    }
    unlink(f->tmp_path);
    free(f->tmp_path);
    f->tmp_path = out.tmp_path;
    f->frames = end - start;
out_src:
    sf_close(src);
    return rc;
}

static int rf_trim(struct ms__rec_file *f)
{
    rf_last_block(f);
    uint64_t margin = (uint64_t)f->rate * MS__REC_TRIM_MARGIN / 1000;
    uint64_t start = 0, end = 0;
    if (f->first_loud >= 0) {
        start = (uint64_t)f->first_loud > margin ? (uint64_t)f->first_loud - margin : 0;
        end = f->loud_end + margin < f->frames ? f->loud_end + margin : f->frames;
    }
    if (start == 0 && end == f->frames)
        return 0;
    return rf_rewrite(f, start, end);
}

int ms__rec_file_commit(struct ms__rec_file *f, bool trim, uint64_t *duration_ms)
{
    int rc = rf_close(f);
    if (rc == 0 && trim)
        rc = rf_trim(f);
    if (rc == 0 && rename(f->tmp_path, f->final_path) < 0) {
        rc = rf_errno(errno);
        ms_warn(NULL, "rename %s -> %s: %s", f->tmp_path, f->final_path, strerror(errno));
    }
    if (rc < 0) {
        ms__rec_file_discard(f);
        return rc;
    }
    free(f->tmp_path);
    f->tmp_path = NULL;
    *duration_ms = f->frames * 1000 / (uint64_t)f->rate;
    return 0;
}

void ms__rec_file_discard(struct ms__rec_file *f)
{
    rf_close(f);
    if (f->tmp_path)
        unlink(f->tmp_path);
    free(f->tmp_path);
    f->tmp_path = NULL;
}
