/*
 * fold.c - second stage: the folded view of the text and its offset map,
 * and the reverse direction, clean output strings from spans.
 *
 * Every pattern of the grammar matches the folded view, so that "Chỉ thị",
 * "Chi thi", "CHỈ THỊ", NFD "Chỉ thị" and "**Chỉ thị**" are one string to
 * them.  The map takes every folded byte back to the UTF-8 character it
 * came from, so every record still gets exact input spans.  A double-spaced
 * text loses one blank line of every run here, so that the stages read its
 * line and paragraph breaks as in any other text.
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

/* The case of a code point: 1 upper, -1 lower, 0 neither.  Vietnamese
 * letters answered here: asking utf8proc for each was most of the fold's
 * time. */
static int8_t case_of(int32_t cp)
{
    if (cp >= 0x1EA0 && cp <= 0x1EF9)       /* ạ..ỹ: pairs, upper first */
        return (int8_t)(cp & 1 ? -1 : 1);
    if (cp >= 0xC0 && cp <= 0xFF && cp != 0xD7 && cp != 0xF7)
        return (int8_t)(cp < 0xDF ? 1 : -1);
    if (cp == 0x110 || cp == 0x102 || cp == 0x168 || cp == 0x128 || cp == 0x1A0 || cp == 0x1AF)
        return 1;                           /* Đ Ă Ũ Ĩ Ơ Ư */
    if (cp == 0x111 || cp == 0x103 || cp == 0x169 || cp == 0x129 || cp == 0x1A1 || cp == 0x1B0)
        return -1;
    return (int8_t)(utf8proc_isupper(cp) ? 1 : utf8proc_islower(cp) ? -1 : 0);
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

/* Markdown converters put a backslash before punctuation that would
 * otherwise be markup ("1\.", "\-", "\*"); plans have no other use for
 * a backslash before punctuation. */
static bool md_escaped(unsigned c)
{
    return c && c < 0x80 && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", (int)c);
}

/* s[at] starts a run of 1 to 6 '#' between spaces: the marks of a
 * Markdown heading in a text that lost its line breaks ("… năm 2020. ##
 * II. NỘI DUNG").  Inside a run, the '#' before is a mark too. */
static bool heading_mark(const unsigned char *s, size_t at, size_t n)
{
    size_t a = at, b = at;
    while (a > 0 && s[a - 1] == '#')
        a--;
    while (b < n && s[b] == '#')
        b++;
    return b - a <= 6 && a > 0 && (s[a - 1] == ' ' || s[a - 1] == '\t') && b < n &&
           (s[b] == ' ' || s[b] == '\t');
}

/* Core loop shared by the document view and vb_fold_utf8: folds s[0,n)
 * into out (capacity >= n+1: no folded character is longer than its
 * source), map[i] = source offset of out[i], cases[i] = its case (1 upper,
 * -1 lower, 0 neither).  map and cases are both given or both NULL. */
static size_t fold_into(const char *src, size_t n, char *out, uint32_t *map, int8_t *cases,
                        size_t *n_invalid, size_t *first_invalid)
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
            if (c == '\\' && i < n && md_escaped(s[i]))  /* Markdown escape: "1\." */
                continue;
            if (c == '#' && (line_start || heading_mark(s, at, n)))  /* Markdown heading marks */
                continue;
            if (c == '\n') {
                line_start = true;
                out[o] = '\n';
                if (map) {
                    map[o] = (uint32_t)at;
                    cases[o] = 0;
                }
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
            if (map) {
                map[o] = (uint32_t)at;
                cases[o] = (int8_t)(c >= 'A' && c <= 'Z' ? 1 : c >= 'a' && c <= 'z' ? -1 : 0);
            }
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
            if (map) {
                map[o] = (uint32_t)at;
                cases[o] = 0;
            }
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
        int8_t kase = 0;
        if (map)
            kase = case_of(cp);
        if (!f) {
            memcpy(out + o, s + at, k);
            if (map)
                for (size_t j = 0; j < k; j++) {
                    map[o + j] = (uint32_t)at;
                    cases[o + j] = kase;
                }
            o += k;
            line_start = false;
            continue;
        }
        for (; *f; f++) {
            out[o] = *f;
            if (map) {
                map[o] = (uint32_t)at;
                cases[o] = kase;
            }
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

/* ------------------------------------------------------ double spacing */

/* The first letter of fold[i, e) is lower case in the text. */
static bool starts_lower(const vb_text *t, size_t i, size_t e)
{
    while (i < e && t->fold[i] == ' ')
        i++;
    if (i >= e || t->fold[i] < 'a' || t->fold[i] > 'z')
        return false;
    size_t p = t->fold_map[i];
    int32_t cp;
    utf8_decode((const unsigned char *)t->utf8 + p, t->utf8_len - p, &cp);
    return cp >= 0 && utf8proc_islower(cp);
}

/* fold[s, e) ends a sentence or a clause: the next line may be a new
 * paragraph even when it starts in lower case. */
static bool ends_stop(const char *f, size_t s, size_t e)
{
    while (e > s && strchr(" \"')]", f[e - 1]))
        e--;
    return e > s && strchr(".;:!?", f[e - 1]);
}

/* A double-spaced text (a blank line after every line, as some PDF and
 * Word exports write them) uses one blank line where other texts use a
 * line break, and two or more where they use a blank line.  Read that way
 * only when the blank lines cut sentences: adjacent lines are rare and
 * many single blank lines fall between a line without a stop and a line
 * in lower case.  A text of one paragraph per line with a blank line
 * between paragraphs is not that: its single blank lines follow stops. */
static bool double_spaced(const vb_text *t)
{
    size_t adjacent = 0, single = 0, cut = 0, gaps = 0, blanks = 0;
    size_t prev_s = 0, prev_e = 0;
    bool have_prev = false;
    for (size_t s = 0; s < t->fold_len;) {
        const char *nl = memchr(t->fold + s, '\n', t->fold_len - s);
        size_t e = nl ? (size_t)(nl - t->fold) : t->fold_len;
        size_t a = s;
        while (a < e && t->fold[a] == ' ')
            a++;
        if (a == e) {
            blanks++;
        } else {
            if (have_prev) {
                gaps++;
                adjacent += blanks == 0;
                if (blanks == 1) {
                    single++;
                    cut += !ends_stop(t->fold, prev_s, prev_e) && starts_lower(t, a, e);
                }
            }
            have_prev = true;
            prev_s = a, prev_e = e;
            blanks = 0;
        }
        s = e + 1;
    }
    return gaps >= 8 && adjacent * 10 <= gaps && cut >= 3 && cut * 5 >= single;
}

/* Drops the first blank line of every run of blank lines after a line of
 * text, with its map entries. */
static void drop_double_spacing(vb_text *t)
{
    size_t o = 0;
    bool text_before = false, dropped_in_run = false;
    for (size_t s = 0; s < t->fold_len;) {
        const char *nl = memchr(t->fold + s, '\n', t->fold_len - s);
        size_t e = nl ? (size_t)(nl - t->fold) : t->fold_len;
        size_t next = nl ? e + 1 : e;
        size_t a = s;
        while (a < e && t->fold[a] == ' ')
            a++;
        bool blank = a == e && nl;
        if (blank && text_before && !dropped_in_run) {
            dropped_in_run = true;
        } else {
            memmove(t->fold + o, t->fold + s, next - s);
            memmove(t->fold_map + o, t->fold_map + s, (next - s) * sizeof *t->fold_map);
            memmove(t->fold_case + o, t->fold_case + s, next - s);
            o += next - s;
            if (!blank) {
                text_before = true;
                dropped_in_run = false;
            }
        }
        s = next;
    }
    t->fold_len = o;
    t->fold[o] = 0;
}

void vb_text_fold(vb_text *t)
{
    /* A folded character is never longer than its source except "…" (3
     * bytes -> 3): the fold is at most as long as the text. */
    size_t cap = t->utf8_len + 1;
    t->fold = vb_xmalloc(cap);
    t->fold_map = vb_xmalloc(cap * sizeof *t->fold_map);
    t->fold_case = vb_xmalloc(cap);
    t->fold_len = fold_into(t->utf8, t->utf8_len, t->fold, t->fold_map, t->fold_case, &t->n_invalid,
                            &t->first_invalid);
    if (double_spaced(t))
        drop_double_spacing(t);
    t->fold_map[t->fold_len] = (uint32_t)t->utf8_len;
    t->fold_case[t->fold_len] = 0;
}

char *vb_fold_utf8(const char *s, size_t len)
{
    char *out = vb_xmalloc(len + 1);
    fold_into(s, len, out, NULL, NULL, NULL, NULL);
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

/* A string of these code points only is in NFC already, and stays so
 * whatever is put next to it: none has a decomposition that NFC would
 * change (U+2000 and U+2001 do, so they are out), and none combines with
 * a character before it.  Latin, Vietnamese and the usual punctuation:
 * skipping utf8proc for them halves the cost of an output string. */
static bool nfc_stable(int32_t cp)
{
    return cp < 0x300 || (cp >= 0x1E00 && cp < 0x1F00) || (cp >= 0x2002 && cp < 0x2070) ||
           cp == 0xFEFF || cp == 0xFFFD;
}

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
    bool space = false, stable = true;
    for (size_t i = start; i < end;) {
        int32_t cp;
        size_t k = utf8_decode(s + i, end - i, &cp);
        if (cp >= 0x300)
            stable = stable && nfc_stable(cp);
        if (cp == '*' || cp == '|' || cp == 0xFEFF || cp == '\r' || (cp == '#' && (o == 0 || space)) ||
            (cp == '\\' && i + 1 < end && md_escaped(s[i + 1]))) {
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
    if (stable) {
        char *r = vb_arena_strdup(a, buf);
        free(buf);
        return r;
    }
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
