/* fc_error.h - result codes shared by every libflowcore module.
 *
 * One X-macro table gives the enum, fc_strerror() and fc_errname().
 * FC_OK is 0, errors are negative, FC_DONE (positive) means "end of
 * input" and is not an error, so read loops can test `rc == FC_OK`. */
#ifndef FC_ERROR_H
#define FC_ERROR_H

#include "fc_export.h"

#define FC_ERRNO_MAP(X)                                             \
    X(OK, 0, "success")                                             \
    X(DONE, 1, "end of input")                                      \
    X(ENOMEM, -1, "out of memory")                                  \
    X(EINVAL, -2, "invalid argument")                               \
    X(ETRUNC, -3, "truncated header")                               \
    X(EUNSUPP, -4, "unsupported link type or protocol")             \
    X(EIO, -5, "input/output error")                                \
    X(EFORMAT, -6, "malformed input")                               \
    X(ENOTFOUND, -7, "not found")                                  \
    X(EINTR, -8, "interrupted")

typedef enum {
#define FC__ERR_ENUM(name, val, msg) FC_##name = (val),
    FC_ERRNO_MAP(FC__ERR_ENUM)
#undef FC__ERR_ENUM
} fc_rc;

/* Static strings, never NULL; unknown codes give "unknown error". */
FC_API const char *fc_strerror(int rc);
FC_API const char *fc_errname(int rc);

#endif
