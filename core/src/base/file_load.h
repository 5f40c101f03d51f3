/* Reading a small text file whole without blocking the loop: the read runs on
 * libuv's thread pool and the callback on the loop thread. While it runs the
 * loop is held (ms_loop_hold), so a virtual clock waits for it.
 *
 * The request is owned by this module from ms__file_load until its callback
 * has returned; the data given to the callback belongs to the callback, which
 * frees it with free(). There is no cancel: a request always completes. */
#ifndef MS_BASE_FILE_LOAD_H
#define MS_BASE_FILE_LOAD_H

#include <stddef.h>

struct ms_loop;

/* status: 0, MS_ENOENT, MS_EACCES, MS_EMSGSIZE (larger than max), MS_EIO.
 * data is NUL-terminated (len excludes the NUL); NULL on error. */
typedef void (*ms__file_cb)(void *ud, int status, char *data, size_t len);

/* 0 (cb will run, never from inside this call) or MS_ENOMEM. path is copied. */
int ms__file_load(struct ms_loop *loop, const char *path, size_t max, ms__file_cb cb, void *ud);

#endif
