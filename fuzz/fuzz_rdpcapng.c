/* fuzz_rdpcapng.c - flowkit's reader on pcapng files: the input always
 * starts with a section header's block type, so the fuzzer spends its
 * time in blocks, options and interfaces. */
#define FZ_SHAPE shape_pcapng
#include "fuzz_capread.h"

static size_t shape_pcapng(uint8_t *b, size_t n)
{
    static const uint8_t shb[4] = {0x0a, 0x0d, 0x0d, 0x0a};
    if (n >= 4)
        memcpy(b, shb, 4);
    return n;
}
