/*
 * read.c - first stage: decide what the input bytes are and give the
 * pipeline a UTF-8 view of them.
 *
 * UTF-8 (with or without BOM) is used in place; UTF-16 with a BOM, or
 * without one when its zero bytes say so, is transcoded, with a map from
 * every UTF-8 byte back to the input byte so that spans still point into
 * the file as given.  NUL bytes in anything
 * that is not UTF-16 mean binary data: an error, not a document.
 */
#include <stdlib.h>
#include <string.h>

#include "vb_internal.h"

static void put_utf8(char **out, uint32_t **map, size_t *n, uint32_t cp, uint32_t src)
{
    unsigned char b[4];
    size_t k;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        k = 1;
    } else if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | (cp >> 6));
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        k = 2;
    } else if (cp < 0x10000) {
        b[0] = (unsigned char)(0xE0 | (cp >> 12));
        b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        k = 3;
    } else {
        b[0] = (unsigned char)(0xF0 | (cp >> 18));
        b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (unsigned char)(0x80 | (cp & 0x3F));
        k = 4;
    }
    for (size_t i = 0; i < k; i++) {
        (*out)[*n] = (char)b[i];
        (*map)[*n] = src;
        (*n)++;
    }
}

/* UTF-16 -> UTF-8 with a byte map, from p[start] (past a BOM if any).
 * Unpaired surrogates become U+FFFD. */
static void transcode_utf16(vb_text *t, const unsigned char *p, size_t len, size_t start, bool big_endian)
{
    size_t cap = (len / 2) * 3 + 4;   /* one UTF-16 unit gives at most 3 bytes */
    char *out = vb_xmalloc(cap);
    uint32_t *map = vb_xmalloc((cap + 1) * sizeof *map);
    size_t n = 0;
    size_t i = start;
    while (i + 1 < len) {
        uint32_t src = (uint32_t)i;
        uint32_t u = big_endian ? (uint32_t)(p[i] << 8 | p[i + 1]) : (uint32_t)(p[i + 1] << 8 | p[i]);
        i += 2;
        if (u >= 0xD800 && u < 0xDC00 && i + 1 < len) {
            uint32_t u2 = big_endian ? (uint32_t)(p[i] << 8 | p[i + 1]) : (uint32_t)(p[i + 1] << 8 | p[i]);
            if (u2 >= 0xDC00 && u2 < 0xE000) {
                i += 2;
                u = 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00);
            } else {
                u = 0xFFFD;
            }
        } else if (u >= 0xD800 && u < 0xE000) {
            u = 0xFFFD;
        }
        put_utf8(&out, &map, &n, u, src);
    }
    if (i < len) /* odd trailing byte */
        put_utf8(&out, &map, &n, 0xFFFD, (uint32_t)i);
    map[n] = (uint32_t)len;
    t->utf8_owned = out;
    t->utf8 = out;
    t->utf8_len = n;
    t->utf8_map = map;
    t->utf8_base = 0;
}

/* UTF-16 saved without a BOM (some Windows tools): Vietnamese text is
 * mostly ASCII letters, spaces and line breaks, whose UTF-16 units have a
 * zero high byte, while low bytes are almost never zero.  So: zero bytes
 * in at least a quarter of the odd (LE) or even (BE) positions and nearly
 * none in the others.  Returns -1 for little endian, 1 for big endian, 0
 * for anything else (binary data stays an error). */
static int utf16_without_bom(const unsigned char *p, size_t len)
{
    if (len < 8 || len % 2)
        return 0;
    size_t units = len / 2 < 8192 ? len / 2 : 8192;
    size_t zero_even = 0, zero_odd = 0;
    for (size_t i = 0; i < units; i++) {
        zero_even += p[2 * i] == 0;
        zero_odd += p[2 * i + 1] == 0;
    }
    if (zero_odd * 4 >= units && zero_even * 64 <= units)
        return -1;
    if (zero_even * 4 >= units && zero_odd * 64 <= units)
        return 1;
    return 0;
}

bool vb_text_decode(vb_text *t, const char *input, size_t len, const char **err)
{
    memset(t, 0, sizeof *t);
    t->input = input;
    t->input_len = len;
    const unsigned char *p = (const unsigned char *)input;
    if (len > UINT32_MAX - 8) {
        *err = "input larger than 4 GiB";
        return false;
    }
    if (len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
        transcode_utf16(t, p, len, 2, p[0] == 0xFE);
        return true;
    }
    int order = utf16_without_bom(p, len);
    if (order) {
        transcode_utf16(t, p, len, 0, order > 0);
        return true;
    }
    if (memchr(input, 0, len)) {
        *err = "binary data (NUL bytes) in input";
        return false;
    }
    size_t skip = (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) ? 3 : 0;
    t->utf8 = input + skip;
    t->utf8_len = len - skip;
    t->utf8_base = skip;
    return true;
}

size_t vb_utf8_to_input(const vb_text *t, size_t off)
{
    if (t->utf8_map)
        return t->utf8_map[off > t->utf8_len ? t->utf8_len : off];
    return t->utf8_base + off;
}

void vb_text_release(vb_text *t)
{
    free(t->utf8_owned);
    free(t->utf8_map);
    free(t->fold);
    free(t->fold_map);
    free(t->fold_case);
    memset(t, 0, sizeof *t);
}
