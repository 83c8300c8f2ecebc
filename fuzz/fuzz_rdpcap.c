/* fuzz_rdpcap.c - flowkit's reader on pcap files: the input's first four
 * bytes become one of the six pcap magics (usec, nsec, Kuznetzov, each
 * byte order) chosen by the input's first byte. */
#define FZ_SHAPE shape_pcap
#include "fuzz_capread.h"

static size_t shape_pcap(uint8_t *b, size_t n)
{
    static const uint32_t magic[6] = {0xa1b2c3d4u, 0xa1b23c4du, 0xa1b2cd34u,
                                      0xd4c3b2a1u, 0x4d3cb2a1u, 0x34cdb2a1u};
    if (n >= 4) {
        uint32_t m = magic[b[0] % 6];
        memcpy(b, &m, 4);
    }
    return n;
}
