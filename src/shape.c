/*
 * shape.c - the shape of short strings of output text: letter case and
 * words, and edit distance between folded strings.
 *
 * The folded view has no case, but case carries meaning in the header and
 * the signature block: the type word, issuers and signers' titles are in
 * capitals, a person's name is capitalised word by word.  Stages that need
 * it look at the cleaned original (vb_clean_fold_range) through these.
 * Also the roman numerals of item numbers as OCR prints them (numerals.h).
 */
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <utf8proc.h>

#include "numerals.h"
#include "vb_internal.h"

/* Decodes one character; invalid bytes count as one non-letter. */
static size_t next_cp(const char *s, size_t n, int32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &c);
    if (k <= 0) {
        *cp = -1;
        return 1;
    }
    *cp = c;
    return (size_t)k;
}

static bool is_letter(int32_t cp)
{
    if (cp < 0)
        return false;
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_LT ||
           c == UTF8PROC_CATEGORY_LO;
}

vb_case_count vb_case_count_of(const char *s, size_t n)
{
    vb_case_count cc = {0, 0};
    for (size_t i = 0; i < n;) {
        int32_t cp;
        i += next_cp(s + i, n - i, &cp);
        if (!is_letter(cp))
            continue;
        if (utf8proc_isupper(cp))
            cc.upper++;
        else if (utf8proc_islower(cp))
            cc.lower++;
    }
    return cc;
}

bool vb_mostly_upper(const char *s, size_t n, double share)
{
    vb_case_count cc = vb_case_count_of(s, n);
    size_t all = cc.upper + cc.lower;
    return all > 0 && (double)cc.upper >= share * (double)all;
}

vb_word_shape vb_word_shape_of(const char *s, size_t n)
{
    size_t letters = 0, upper = 0, other = 0;
    bool first_upper = false;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        size_t at = i;
        i += next_cp(s + i, n - i, &cp);
        if (!is_letter(cp)) {
            other++;
            continue;
        }
        letters++;
        if (utf8proc_isupper(cp)) {
            upper++;
            if (at == 0)
                first_upper = true;
        }
    }
    if (!letters || other)
        return other && letters ? VB_WORD_MIXED_CHARS : VB_WORD_OTHER;
    if (upper == letters)
        return letters == 1 ? VB_WORD_CAPITALISED : VB_WORD_UPPER;
    if (first_upper && upper == 1)
        return VB_WORD_CAPITALISED;
    if (!upper)
        return VB_WORD_LOWER;
    return VB_WORD_MIXED_CASE;
}

size_t vb_edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
    return vb_edit_distance_within(a, na, b, nb, SIZE_MAX);
}

size_t vb_edit_distance_within(const char *a, size_t na, const char *b, size_t nb, size_t cap)
{
    /* two rows; the strings compared here are words or short phrases */
    enum { MAX = 96 };
    if ((na > nb ? na - nb : nb - na) > cap)
        return cap + 1;
    if (na > MAX || nb > MAX)
        return na > nb ? na : nb;
    size_t prev[MAX + 1], cur[MAX + 1];
    for (size_t j = 0; j <= nb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t low = cur[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            if (cur[j] < low)
                low = cur[j];
        }
        /* a row's least value never goes down in the rows below it */
        if (low > cap)
            return cap + 1;
        memcpy(prev, cur, (nb + 1) * sizeof *prev);
    }
    return prev[nb];
}

char *vb_upper_utf8(vb_arena *a, const char *s, size_t n)
{
    /* an upper-case letter takes at most 4 bytes, like any code point */
    char *out = vb_arena_alloc(a, 4 * n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        size_t k = next_cp(s + i, n - i, &cp);
        if (cp < 0) {
            out[o++] = s[i];
        } else {
            utf8proc_uint8_t buf[4];
            utf8proc_ssize_t w = utf8proc_encode_char(utf8proc_toupper(cp), buf);
            memcpy(out + o, buf, (size_t)w);
            o += (size_t)w;
        }
        i += k;
    }
    out[o] = 0;
    return out;
}

/* ------------------------------------------------------- roman numerals */

long vb_roman_value(const char *s)
{
    long v = 0;
    for (size_t i = 0; s[i]; i++) {
        long c = s[i] == 'i' ? 1 : s[i] == 'v' ? 5 : s[i] == 'x' ? 10 : 0;
        long nx = s[i + 1] == 'i' ? 1 : s[i + 1] == 'v' ? 5 : s[i + 1] == 'x' ? 10 : 0;
        if (!c)
            return 0;
        v += c < nx ? -c : c;
    }
    return v;
}

void vb_roman_str(long v, char *buf)
{
    static const char *const tens[] = {"", "x", "xx", "xxx"};
    static const char *const ones[] = {"", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"};
    if (v < 1 || v > VB_ROMAN_MAX) {
        buf[0] = 0;
        return;
    }
    snprintf(buf, 8, "%s%s", tens[v / 10], ones[v % 10]);
}

bool vb_roman_read(const char *tok, size_t len, vb_roman *out)
{
    memset(out, 0, sizeof *out);
    if (!len || len >= sizeof out->norm)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = tok[i];
        bool alike = c == '1' || c == 'l' || c == '|';
        /* OCR merges two strokes into an H: "H." is II, "IH." and "Hl."
         * are III */
        if (c == 'h') {
            if (n + 2 >= sizeof out->norm)
                return false;
            out->ocr = true;
            out->norm[n++] = 'i';
            out->norm[n++] = 'i';
            continue;
        }
        if (!alike && c != 'i' && c != 'v' && c != 'x')
            return false;
        if (n + 1 >= sizeof out->norm)
            return false;
        out->ocr |= alike;
        out->ocr_digit |= c == '1';
        out->norm[n++] = alike ? 'i' : c;
    }
    out->norm[n] = 0;
    long val = vb_roman_value(out->norm);
    char canon[8];
    vb_roman_str(val, canon);
    out->value = strcmp(canon, out->norm) ? 0 : val;
    /* a spelling no numeral has ("Vv." for V., "IIII.") is a damaged one
     * that only the sequence can read */
    if (!out->value)
        out->ocr = true;
    return true;
}

/* Edit distance of two short strings (numerals: at most 7 bytes). */
static size_t short_distance(const char *a, const char *b)
{
    return vb_edit_distance(a, strlen(a), b, strlen(b));
}

bool vb_roman_means(const vb_roman *r, long want)
{
    char exp[8];
    vb_roman_str(want, exp);
    if (!exp[0])
        return false;
    /* a spelling that reads as a numeral means that numeral ("111" is
     * iii, not ii with a stroke too many) */
    if (!r->ocr || r->value > 0)
        return r->value == want;
    return !strcmp(r->norm, exp) || (strlen(r->norm) >= strlen(exp) && short_distance(r->norm, exp) <= 1);
}
