/* moonswitch error codes.
 *
 * Every C function of the core returns 0 (or a non-negative value) on
 * success and a negative MS_E* code on failure. The codes are negated
 * errno values where one fits, so they can be compared with -errno from
 * libc and libuv (UV_E* values are the same on Linux).
 */
#ifndef MOONSWITCH_ERROR_H
#define MOONSWITCH_ERROR_H

#define MS_ERRNO_MAP(X)                                                                            \
    X(EPERM, -1, "operation not permitted")                                                        \
    X(ENOENT, -2, "no such file or directory")                                                     \
    X(EIO, -5, "i/o error")                                                                        \
    X(EAGAIN, -11, "resource temporarily unavailable")                                             \
    X(ENOMEM, -12, "not enough memory")                                                            \
    X(EACCES, -13, "permission denied")                                                            \
    X(EBUSY, -16, "resource busy")                                                                 \
    X(EEXIST, -17, "already exists")                                                               \
    X(EINVAL, -22, "invalid argument")                                                             \
    X(ENOSPC, -28, "no space left")                                                                \
    X(ERANGE, -34, "out of range")                                                                 \
    X(ENOSYS, -38, "not supported")                                                                \
    X(EPROTO, -71, "protocol error")                                                               \
    X(EMSGSIZE, -90, "message too long")                                                           \
    X(EADDRINUSE, -98, "address already in use")                                                   \
    X(ETIMEDOUT, -110, "timed out")                                                                \
    X(ECANCELED, -125, "operation canceled")                                                       \
    X(ENOCODEC, -4001, "no common codec")                                                          \
    X(EHANGUP, -4002, "call has ended")                                                            \
    X(ESTATE, -4003, "not allowed in this call state")                                             \
    X(EFORMAT, -4004, "unsupported or malformed data")

enum ms_errno {
#define MS_ERR_ENUM_(name, val, msg) MS_##name = (val),
    MS_ERRNO_MAP(MS_ERR_ENUM_)
#undef MS_ERR_ENUM_
};

/* Human text for an error code; "unknown error" for anything else. */
const char *ms_strerror(int err);
/* Symbolic name ("ENOENT"); "EUNKNOWN" for anything else. */
const char *ms_err_name(int err);

#endif
