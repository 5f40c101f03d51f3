/* The recorder's file, on the worker side (media/recorder.c runs these on
 * libuv's thread pool): the temporary file, libsndfile, the level tracking
 * for trimming, and the final rename. Blocking; never call on a loop.
 *
 * struct ms__rec_file: embedded in the recorder; used by one job at a time
 *   (uv_queue_work orders the accesses); ms__rec_file_release() frees its
 *   strings once no job can touch it.
 */
#ifndef MS_MEDIA_REC_FILE_H
#define MS_MEDIA_REC_FILE_H

#include <sndfile.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ms__rec_file {
    char *final_path; /* owned */
    char *tmp_path;   /* owned; NULL until created */
    int fd;           /* -1 when closed */
    SNDFILE *sf;
    int sf_format, rate;
    uint64_t frames; /* samples written */
    /* level of 20 ms blocks, for trimming */
    uint32_t blk_len, blk_n;
    double blk_acc, loud_acc; /* loud_acc: a full block's sum of squares at the threshold */
    int64_t first_loud;       /* first sample of the first audible block, or -1 */
    uint64_t loud_end;        /* end of the last audible block */
};

/* Fills in the fields (no I/O). 0, MS_EINVAL or MS_ENOMEM. */
int ms__rec_file_init(struct ms__rec_file *f, const char *final_path, int sf_format, int rate);
void ms__rec_file_release(struct ms__rec_file *f);

/* Creates the temporary file and writes the WAV header. 0 or MS_E*. */
int ms__rec_file_create(struct ms__rec_file *f);
int ms__rec_file_write(struct ms__rec_file *f, const int16_t *pcm, size_t n);
/* Optionally trims, then closes, syncs and renames to the final path; on
 * failure removes the temporary file. 0 with *duration_ms, or MS_E*. */
int ms__rec_file_commit(struct ms__rec_file *f, bool trim, uint64_t *duration_ms);
/* Closes and removes the temporary file, if any. */
void ms__rec_file_discard(struct ms__rec_file *f);

#endif
