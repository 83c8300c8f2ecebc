/* fc_error.c - message and name tables for fc_rc. */
#include "fc_error.h"

const char *fc_strerror(int rc)
{
    switch (rc) {
#define FC__ERR_MSG(name, val, msg) \
    case FC_##name:                 \
        return msg;
        FC_ERRNO_MAP(FC__ERR_MSG)
#undef FC__ERR_MSG
    }
    return "unknown error";
}

const char *fc_errname(int rc)
{
    switch (rc) {
#define FC__ERR_NAME(name, val, msg) \
    case FC_##name:                  \
        return "FC_" #name;
        FC_ERRNO_MAP(FC__ERR_NAME)
#undef FC__ERR_NAME
    }
    return "FC_UNKNOWN";
}
