/* fc_cursor.h - internal bounds-checked read cursor over captured bytes.
 *
 * A cursor {p, end} borrows the caller's buffer; it never owns or frees
 * it. Every read checks the remaining length first and returns 0 (leaving
 * the cursor unchanged) when short, 1 on success, so decoders can chain
 * reads and bail out with FC_ETRUNC. Values are assembled byte by byte:
 * no wire struct is ever dereferenced, so alignment does not matter.
 * Not installed; libcore-internal only. */
#ifndef FC_CURSOR_H
#define FC_CURSOR_H

#include <stddef.h>
#include <stdint.h>

typedef struct fc_cursor {
    const uint8_t *p;   /* next unread byte */
    const uint8_t *end; /* one past the last captured byte */
} fc_cursor;

static inline void fc_cur_init(fc_cursor *c, const uint8_t *buf, size_t len)
{
    c->p = buf;
    c->end = buf + len;
}

static inline size_t fc_cur_left(const fc_cursor *c)
{
    return (size_t)(c->end - c->p);
}

static inline int fc_cur_has(const fc_cursor *c, size_t n)
{
    return fc_cur_left(c) >= n;
}

static inline int fc_cur_skip(fc_cursor *c, size_t n)
{
    if (!fc_cur_has(c, n))
        return 0;
    c->p += n;
    return 1;
}

static inline int fc_cur_u8(fc_cursor *c, uint8_t *v)
{
    if (!fc_cur_has(c, 1))
        return 0;
    *v = c->p[0];
    c->p += 1;
    return 1;
}

static inline int fc_cur_be16(fc_cursor *c, uint16_t *v)
{
    if (!fc_cur_has(c, 2))
        return 0;
    *v = (uint16_t)((uint16_t)c->p[0] << 8 | c->p[1]);
    c->p += 2;
    return 1;
}

static inline int fc_cur_be32(fc_cursor *c, uint32_t *v)
{
    if (!fc_cur_has(c, 4))
        return 0;
    *v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
         (uint32_t)c->p[2] << 8 | c->p[3];
    c->p += 4;
    return 1;
}

/* Copies n bytes out (addresses). */
static inline int fc_cur_bytes(fc_cursor *c, uint8_t *dst, size_t n)
{
    size_t i;
    if (!fc_cur_has(c, n))
        return 0;
    for (i = 0; i < n; i++)
        dst[i] = c->p[i];
    c->p += n;
    return 1;
}

/* Unchecked big-endian loads for fixed headers whose whole length was
 * checked with fc_cur_has() just before: one check instead of one per
 * field on the hot path. */
static inline uint16_t fc_ld16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t fc_ld32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads without consuming, at byte offset `at` from the cursor. */
static inline int fc_cur_peek_u8(const fc_cursor *c, size_t at, uint8_t *v)
{
    if (at >= fc_cur_left(c))
        return 0;
    *v = c->p[at];
    return 1;
}

static inline int fc_cur_peek_be16(const fc_cursor *c, size_t at,
                                   uint16_t *v)
{
    if (fc_cur_left(c) < 2 || at > fc_cur_left(c) - 2)
        return 0;
    *v = (uint16_t)((uint16_t)c->p[at] << 8 | c->p[at + 1]);
    return 1;
}

/* Sub-cursor over the next n bytes (consumed from c). */
static inline int fc_cur_sub(fc_cursor *c, size_t n, fc_cursor *sub)
{
    if (!fc_cur_has(c, n))
        return 0;
    sub->p = c->p;
    sub->end = c->p + n;
    c->p += n;
    return 1;
}

/* Shrinks the readable end to at most n bytes from the current position
 * (clipping capture padding past a declared length). */
static inline void fc_cur_clip(fc_cursor *c, size_t n)
{
    if (fc_cur_left(c) > n)
        c->end = c->p + n;
}

#endif
