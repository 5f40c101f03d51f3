#include "moonswitch/error.h"

#include <errno.h>
#include <string.h>

const char *ms_strerror(int err)
{
    switch (err) {
#define MS_ERR_MSG_(name, val, msg)                                                                \
    case MS_##name:                                                                                \
        return msg;
        MS_ERRNO_MAP(MS_ERR_MSG_)
#undef MS_ERR_MSG_
    default:
        return err < 0 ? strerror(-err) : "unknown error";
    }
}

const char *ms_err_name(int err)
{
    switch (err) {
#define MS_ERR_NAME_(name, val, msg)                                                               \
    case MS_##name:                                                                                \
        return #name;
        MS_ERRNO_MAP(MS_ERR_NAME_)
#undef MS_ERR_NAME_
    default:
        return "EUNKNOWN";
    }
}
