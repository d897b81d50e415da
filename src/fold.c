/*
 * fold.c - second stage: the folded view of the text and its offset map,
 * and the reverse direction, clean output strings from spans.
 *
 * Every pattern of the grammar matches the folded view, so that "Chỉ thị",
 * "Chi thi", "CHỈ THỊ", NFD "Chỉ thị" and "**Chỉ thị**" are one string to
 * them.  The map takes every folded byte back to the UTF-8 character it
 * came from, so every record still gets exact input spans.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "fold_table.h"
#include "vb_internal.h"

/* Decodes one UTF-8 character at s[0..n).  Returns its length (1 for an
 * invalid byte, with *cp = -1). */
static size_t utf8_decode(const unsigned char *s, size_t n, int32_t *cp)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = (int32_t)c;
        return 1;
    }
    size_t k;
    uint32_t v;
    if (c >= 0xC2 && c < 0xE0) {
        k = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c < 0xF0) {
        k = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c < 0xF5) {
        k = 4;
        v = c & 0x07;
    } else {
        *cp = -1;
        return 1;
    }
    if (k > n) {
        *cp = -1;
        return 1;
    }
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = -1;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    /* overlong forms and surrogates are invalid */
    if ((k == 3 && v < 0x800) || (k == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v < 0xE000)) {
        *cp = -1;
        return 1;
    }
    *cp = (int32_t)v;
    return k;
}

static bool is_combining(int32_t cp)
{
    return (cp >= 0x0300 && cp < 0x0370) || (cp >= 0x1DC0 && cp < 0x1E00) ||
           (cp >= 0x20D0 && cp < 0x2100) || (cp >= 0xFE20 && cp < 0xFE30);
}

/* The folded form of a code point: NULL keeps the character as it is. */
static const char *fold_cp(int32_t cp)
{
    if (cp >= 0x80 && cp < 0x250)
        return vb_fold_table_0080[cp - 0x80];
    if (cp >= 0x1E00 && cp < 0x1F00)
        return vb_fold_table_1e00[cp - 0x1E00];
    if (cp >= 0x2000 && cp < 0x2070)
        return vb_fold_table_2000[cp - 0x2000];
    if (cp == 0xFEFF)           /* BOM or zero-width no-break space */
        return "";
    if (cp == 0x2122)           /* ™: OCR's closing quote */
        return "\"";
    if (cp == 0x2212)
        return "-";
    return NULL;
}

/* Core loop shared by the document view and vb_fold_utf8: folds s[0,n)
 * into out (capacity >= n+1: no folded character is longer than its
 * source), map[i] = source offset of out[i]. */
static size_t fold_into(const char *src, size_t n, char *out, uint32_t *map, size_t *n_invalid,
                        size_t *first_invalid)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t o = 0;
    bool line_start = true;
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        if (c < 0x80) {
            size_t at = i++;
            if (c == '\r')
                continue;
            if (c == '*')                           /* Markdown emphasis, bullets */
                continue;
            if (c == '#' && line_start) {           /* Markdown heading marks */
                continue;
            }
            if (c == '\n') {
                line_start = true;
                out[o] = '\n';
                if (map)
                    map[o] = (uint32_t)at;
                o++;
                continue;
            }
            char f = (char)c;
            if (c == '\t' || c == '|' || c == '\f' || c == '\v')
                f = ' ';
            else if (c >= 'A' && c <= 'Z')
                f = (char)(c + 32);
            if (f != ' ')
                line_start = false;
            out[o] = f;
            if (map)
                map[o] = (uint32_t)at;
            o++;
            continue;
        }
        int32_t cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        size_t at = i;
        i += k;
        if (cp < 0) {
            if (n_invalid && (*n_invalid)++ == 0 && first_invalid)
                *first_invalid = at;
            out[o] = '?';
            if (map)
                map[o] = (uint32_t)at;
            o++;
            line_start = false;
            continue;
        }
        if (is_combining(cp))
            continue;
        const char *f = fold_cp(cp);
        /* The buffers are sized on "the fold is never longer than its
         * source"; the two table entries that would be (U+023A, U+023E
         * lower-case to 3 bytes) are kept as they are. */
        if (f && f[0] && f[1] && f[2] && k < 3)
            f = NULL;
        if (!f) {
            memcpy(out + o, s + at, k);
            if (map)
                for (size_t j = 0; j < k; j++)
                    map[o + j] = (uint32_t)at;
            o += k;
            line_start = false;
            continue;
        }
        for (; *f; f++) {
            out[o] = *f;
            if (map)
                map[o] = (uint32_t)at;
            o++;
            if (*f == '\n')
                line_start = true;
            else if (*f != ' ')
                line_start = false;
        }
    }
    out[o] = 0;
    return o;
}

void vb_text_fold(vb_text *t)
{
    /* A folded character is never longer than its source except "…" (3
     * bytes -> 3): the fold is at most as long as the text. */
    size_t cap = t->utf8_len + 1;
    t->fold = vb_xmalloc(cap);
    t->fold_map = vb_xmalloc(cap * sizeof *t->fold_map);
    t->fold_len = fold_into(t->utf8, t->utf8_len, t->fold, t->fold_map, &t->n_invalid, &t->first_invalid);
    t->fold_map[t->fold_len] = (uint32_t)t->utf8_len;
}

char *vb_fold_utf8(const char *s, size_t len)
{
    char *out = vb_xmalloc(len + 1);
    fold_into(s, len, out, NULL, NULL, NULL);
    return out;
}

size_t vb_fold_char_end(const vb_text *t, size_t i)
{
    if (i >= t->fold_len)
        return t->utf8_len;
    size_t p = t->fold_map[i];
    const unsigned char *s = (const unsigned char *)t->utf8;
    int32_t cp;
    p += utf8_decode(s + p, t->utf8_len - p, &cp);
    /* take the combining marks that NFD text puts after a base letter */
    while (p < t->utf8_len) {
        size_t k = utf8_decode(s + p, t->utf8_len - p, &cp);
        if (cp < 0 || !is_combining(cp))
            break;
        p += k;
    }
    return p;
}

vb_span vb_span_from_fold(const vb_text *t, size_t a, size_t b)
{
    vb_span sp;
    if (a > t->fold_len)
        a = t->fold_len;
    if (b > t->fold_len)
        b = t->fold_len;
    sp.start = vb_utf8_to_input(t, a < t->fold_len ? t->fold_map[a] : t->utf8_len);
    sp.end = b > a ? vb_utf8_to_input(t, vb_fold_char_end(t, b - 1)) : sp.start;
    return sp;
}

/* ------------------------------------------------------- clean strings */

char *vb_clean_text(vb_arena *a, const vb_text *t, size_t start, size_t end)
{
    if (end > t->utf8_len)
        end = t->utf8_len;
    if (start > end)
        start = end;
    const unsigned char *s = (const unsigned char *)t->utf8;
    /* worst case: every byte invalid -> 3 bytes of U+FFFD */
    char *buf = vb_xmalloc((end - start) * 3 + 1);
    size_t o = 0;
    bool space = false;
    for (size_t i = start; i < end;) {
        int32_t cp;
        size_t k = utf8_decode(s + i, end - i, &cp);
        if (cp == '*' || cp == '|' || cp == 0xFEFF || cp == '\r' || (cp == '#' && (o == 0 || space))) {
            if (cp == '|')
                space = o > 0;
            i += k;
            continue;
        }
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == 0xA0 || cp == '\f' || cp == '\v') {
            space = o > 0;
            i += k;
            continue;
        }
        if (space) {
            buf[o++] = ' ';
            space = false;
        }
        if (cp < 0) {
            memcpy(buf + o, "\xEF\xBF\xBD", 3);
            o += 3;
        } else {
            memcpy(buf + o, s + i, k);
            o += k;
        }
        i += k;
    }
    buf[o] = 0;
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)buf);
    char *r = vb_arena_strdup(a, nfc ? (const char *)nfc : buf);
    free(nfc);
    free(buf);
    return r;
}

char *vb_clean_fold_range(vb_arena *a, const vb_text *t, size_t fa, size_t fb)
{
    if (fb > t->fold_len)
        fb = t->fold_len;
    if (fa >= fb)
        return vb_arena_strdup(a, "");
    return vb_clean_text(a, t, t->fold_map[fa], vb_fold_char_end(t, fb - 1));
}
