/*
 * header.c - stage "header": the header block at the top of the document
 * (doc->header): issuer lines, the number ("Số: 22/KH-UBND"), place and
 * date ("Bình Minh, ngày 05 tháng 02 năm 2021"), the type word ("KẾ
 * HOẠCH") and the title under it, the block's span and where it ends in
 * the fold (fold_end: no section may start before it).
 *
 * How it is found.  A website banner (metadata table of a crawled page)
 * is skipped first: it gives no values.  The first anchor after it (the
 * national or Party motto, the number line, the place-date line) fixes a
 * zone of some 40 lines; the number and the date are the first good
 * matches in the zone, the type line comes after them, the title after
 * the type line.  Two columns that OCR merged on one line ("S6: 20
 * /KH-UBND TP. Vinh, ngay 3C thang 01 ndm 2023") are split at the
 * end of the left column's match.  A text with no line breaks is read the
 * same way within its one line.
 *
 * Patterns and lexicons: grammars/header.vbg.  Values "as written" come
 * from vb_clean_fold_range; numbers, types and dates are restored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vb_internal.h"

enum {
    P_BANNER,
    P_NATION,
    P_MOTTO,
    P_PARTY,
    P_NUMBER,
    P_DATE,
    P_VV,
    P_TITLE_STOP,
    P_AUTHORITY,
    P_BODY_START,
    P_PLACE_LOWER,
    P_STAMP,
    P_AUTHORITY_AFTER_BLANK,
    P_TITLE_BODY_LINE,
    P_TITLE_YEAR,
};

static const char *const pattern_names[] = {
    "header.banner",     "header.motto_nation", "header.motto_motto", "header.motto_party",
    "header.number",     "header.date",         "header.vv",          "header.title_stop",
    "header.authority",  "header.body_start",   "header.place_lower", "header.stamp",
    "header.authority_after_blank", "header.title_body_line", "header.title_year", NULL,
};

typedef struct {
    vb_matchers ms;
    const vb_lexicon *types, *type_codes, *code_types, *codes, *code_parts, *places;
} header_state;

/* How far the header may reach from its first anchor. */
#define ZONE_LINES 40
#define ZONE_BYTES 4000
/* Where the first anchor may be: a header is at the top. */
#define ANCHOR_LIMIT 30000
/* Lines a header's motto may stand below its number line (two columns
 * put one under the other, with the issuer and the date between). */
#define MOTTO_BELOW_NUMBER 12
/* A line at least this long is a text that lost its line breaks. */
#define LONG_LINE 400

static void *init(const vb_grammar *g, char *err, size_t err_size)
{
    header_state *st = vb_xcalloc(1, sizeof *st);
    if (!vb_matchers_init(&st->ms, g, "header", pattern_names, err, err_size)) {
        free(st);
        return NULL;
    }
    static const char *const lex[] = {"header.types", "header.type_codes", "header.code_types",
                                      "header.codes", "header.code_parts", "header.places"};
    const vb_lexicon **const dst[] = {&st->types, &st->type_codes, &st->code_types, &st->codes,
                                      &st->code_parts, &st->places};
    if (!vb_require_lexicons(g, "header", lex, dst, sizeof lex / sizeof lex[0], err, err_size)) {
        vb_matchers_fini(&st->ms);
        free(st);
        return NULL;
    }
    return st;
}

static void fini(void *state)
{
    header_state *st = state;
    if (!st)
        return;
    vb_matchers_fini(&st->ms);
    free(st);
}

/* ------------------------------------------------------------ lines */

static size_t line_start(const vb_text *t, size_t i)
{
    while (i > 0 && t->fold[i - 1] != '\n')
        i--;
    return i;
}

static size_t line_end(const vb_text *t, size_t i)
{
    const char *nl = i < t->fold_len ? memchr(t->fold + i, '\n', t->fold_len - i) : NULL;
    return nl ? (size_t)(nl - t->fold) : t->fold_len;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Characters that decorate header lines: rules, table and list marks. */
static bool is_deco(char c)
{
    return is_space(c) || c == '-' || c == '_' || c == '=' || c == '.' || c == ':' || c == '>' ||
           c == ',' || c == ';' || c == '\\' || c == '/';
}

static void trim(const vb_text *t, size_t *s, size_t *e)
{
    while (*s < *e && is_space(t->fold[*s]))
        (*s)++;
    while (*e > *s && is_space(t->fold[*e - 1]))
        (*e)--;
}

/* A line with nothing but decoration ("-------", "|", "* *"). */
static bool blank_line(const vb_text *t, size_t s, size_t e)
{
    for (size_t i = s; i < e; i++)
        if (!is_deco(t->fold[i]))
            return false;
    return true;
}

static bool t_is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool has_letter(const vb_text *t, size_t s, size_t e)
{
    for (size_t i = s; i < e; i++) {
        unsigned char c = (unsigned char)t->fold[i];
        if ((c >= 'a' && c <= 'z') || c >= 0x80)
            return true;
    }
    return false;
}

/* The cleaned original of a fold range and whether it is in capitals. */
static bool upper_range(vb_document *doc, size_t s, size_t e, double share)
{
    char *c = vb_clean_fold_range(&doc->arena, &doc->text, s, e);
    return vb_mostly_upper(c, strlen(c), share);
}

/* ------------------------------------------------------------ matches */

typedef struct {
    bool ok;
    size_t start, end;
} range;

static range match_at(header_state *st, vb_document *doc, int p, size_t from, size_t to)
{
    range r = {false, 0, 0};
    vb_matcher *m = &st->ms.m[p];
    if (from >= to || !vb_match(doc, m, doc->text.fold, to, from, 0))
        return r;
    PCRE2_SIZE *ov = vb_ovector(m);
    r.ok = true;
    r.start = ov[0];
    r.end = ov[1];
    return r;
}

/* Anchored match of a line-level pattern (written with \A) on fold[s,e). */
static bool line_matches(header_state *st, vb_document *doc, int p, size_t s, size_t e)
{
    vb_matcher *m = &st->ms.m[p];
    return vb_match(doc, m, doc->text.fold + s, e - s, 0, 0) > 0;
}

/* The first match of a motto in capitals (the same words in a sentence
 * of the body are not the header). */
static range find_motto(header_state *st, vb_document *doc, int p, size_t from, size_t to)
{
    /* "Độc lập - Tự do - Hạnh phúc" is written in lower case and too
     * particular to need the check */
    double share = p == P_MOTTO ? 0.0 : 0.6;
    vb_matcher *m = &st->ms.m[p];
    while (from < to && vb_next_match(doc, m, doc->text.fold, to, &from, 0)) {
        range r = {true, vb_ovector(m)[0], vb_ovector(m)[1]};
        if (share == 0.0 || upper_range(doc, r.start, r.end, share))
            return r;
    }
    return (range){false, 0, 0};
}

/* End of the website banner: after the last banner line before `limit`
 * and the value that follows it. */
static size_t banner_end(header_state *st, vb_document *doc, size_t limit)
{
    const vb_text *t = &doc->text;
    size_t from = 0, end = 0;
    vb_matcher *m = &st->ms.m[P_BANNER];
    while (from < limit && vb_next_match(doc, m, doc->text.fold, limit, &from, 0))
        end = vb_ovector(m)[1];
    if (!end)
        return 0;
    /* skip the value of the last label: blank lines, then one short line */
    size_t i = end < t->fold_len ? end + 1 : end;
    bool took_value = false;
    while (i < t->fold_len) {
        size_t e = line_end(t, i);
        if (!blank_line(t, i, e)) {
            if (took_value || e - i > 60)
                break;
            took_value = true;
        }
        i = e < t->fold_len ? e + 1 : e;
    }
    return line_start(t, i < t->fold_len ? i : t->fold_len);
}

/* ------------------------------------------------------------ number */

/* The digit OCR read as a letter: I, l for 1, O for 0 (folded to i, l,
 * o); 0 for any other character. */
static char ocr_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c;
    return c == 'i' || c == 'l' ? '1' : c == 'o' ? '0' : 0;
}


typedef struct {
    bool ok;
    size_t start, end;          /* the whole match */
    size_t num_s, num_e;        /* register number, num_s == num_e when blank */
    size_t code_s, code_e;
    bool ocr;                   /* letters for digits in the number */
} number_match;

static bool upper_at(vb_document *doc, size_t i);
/* Is fold[s,e) (letters only, OCR junk ignored) a type word? */
static const char *type_word(header_state *st, const vb_text *t, size_t s, size_t e);

/* A header number stands at the start of its line ("Số: 22/KH-UBND"),
 * after its type word ("Luật số: 51/2024/QH15"), or after the issuer in
 * capitals when columns are merged ("BAN THƯỜNG TRỰC Số: 16/KH-MTTQ-BTT");
 * "theo Quyết định số 12/QĐ-UBND" in a sentence and "CỦA THÔNG TƯ SỐ
 * 07/2024/TT-NHNN" in a title are citations. */
static bool number_position_ok(header_state *st, vb_document *doc, size_t so_start, size_t so_end)
{
    const vb_text *t = &doc->text;
    size_t ls = line_start(t, so_start);
    size_t ps = ls, pe = so_start;
    trim(t, &ps, &pe);
    while (ps < pe && is_deco(t->fold[ps]))
        ps++;
    bool colon = false;
    for (size_t i = so_end; i < t->fold_len && i < so_end + 3; i++)
        if (t->fold[i] == ':')
            colon = true;
    /* "số 94/2025/QH15" opening a wrapped line of the body ("$" is an
     * S in a scan) */
    if (!colon && !upper_at(doc, so_start) && t->fold[so_start] != '$')
        return false;
    if (ps >= pe)
        return true;
    if (type_word(st, t, ps, pe))
        return true;
    char *prefix = vb_clean_fold_range(&doc->arena, t, ps, pe);
    if (line_end(t, so_start) - ls >= LONG_LINE) {
        /* a text without line breaks: "Số:" capitalised with its colon
         * (after the motto "... Hạnh phúc"), the type word ("Nghị quyết
         * số:"), or no lower-case word just before */
        if (colon && upper_at(doc, so_start))
            return true;
        size_t b = pe, words = 0;
        while (b > ps && words < 3) {
            size_t we = b;
            while (we > ps && is_space(t->fold[we - 1]))
                we--;
            size_t wb = we;
            while (wb > ps && !is_space(t->fold[wb - 1]))
                wb--;
            if (wb == we)
                break;
            words++;
            b = wb;
            if (type_word(st, t, b, pe))
                return true;
        }
        size_t we = pe, wb = pe;
        while (wb > ps && !is_space(t->fold[wb - 1]))
            wb--;
        char *w = vb_clean_fold_range(&doc->arena, t, wb, we);
        return vb_word_shape_of(w, strlen(w)) != VB_WORD_LOWER;
    }
    return colon && vb_mostly_upper(prefix, strlen(prefix), 0.8);
}

static number_match find_number(header_state *st, vb_document *doc, size_t from, size_t to)
{
    number_match n = {false, 0, 0, 0, 0, 0, 0, false};
    vb_matcher *m = &st->ms.m[P_NUMBER];
    while (from < to && vb_next_match(doc, m, doc->text.fold, to, &from, 0)) {
        PCRE2_SIZE *ov = vb_ovector(m);
        size_t s = ov[0], e = ov[1];
        size_t so_end = s;
        while (so_end < e && t_is_alnum(doc->text.fold[so_end]))
            so_end++;
        if (!number_position_ok(st, doc, s, so_end))
            continue;
        n.ok = true;
        n.start = s;
        n.end = e;
        if (!vb_group(m, "num", &n.num_s, &n.num_e))
            n.num_s = n.num_e = 0;
        vb_group(m, "code", &n.code_s, &n.code_e);
        size_t os, oe;
        n.ocr = vb_group(m, "onum", &os, &oe);
        if (n.num_e == 0)
            n.num_s = n.num_e = n.code_s;
        return n;
    }
    return n;
}

/* Splits a folded code segment wholly into parts of the lexicon (fewest
 * parts first); writes the restored parts into out.  False when the
 * segment does not split. */
static bool split_parts(const vb_lexicon *parts, const char *seg, size_t n, char *out, size_t out_size)
{
    enum { MAXN = 16 };
    if (n == 0 || n > MAXN)
        return false;
    int best[MAXN + 1], from[MAXN + 1];
    const char *val[MAXN + 1];
    for (size_t i = 0; i <= n; i++)
        best[i] = -1;
    best[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (best[i] < 0)
            continue;
        for (size_t k = 1; i + k <= n && k <= 6; k++) {
            const char *v = vb_lexicon_get(parts, seg + i, k);
            if (v && (best[i + k] < 0 || best[i] + 1 < best[i + k])) {
                best[i + k] = best[i] + 1;
                from[i + k] = (int)i;
                val[i + k] = v;
            }
        }
    }
    if (best[n] < 0)
        return false;
    /* collect backwards, then write forwards */
    const char *seq[MAXN];
    int k = 0;
    for (size_t i = n; i > 0; i = (size_t)from[i])
        seq[k++] = val[i];
    size_t o = 0;
    out[0] = 0;
    while (k-- > 0) {
        size_t l = strlen(seq[k]);
        if (o + l + 1 > out_size)
            return false;
        memcpy(out + o, seq[k], l + 1);
        o += l;
    }
    return true;
}

/* The official symbol: register number, then the code with its segments
 * restored (lexicon header.codes; letters of the original such as Đ;
 * parts of issuer codes) and a hyphen OCR lost after the type code put
 * back ("/KHKTDNC" in a Kế hoạch -> "/KH-KTĐNC"). */
static char *restore_number(header_state *st, vb_document *doc, const number_match *n, const char *type_code,
                            bool type_sure)
{
    const vb_text *t = &doc->text;
    char buf[256];
    size_t o = 0;
    /* "II" read for 11: the pattern's group onum says the letters are
     * digits */
    for (size_t i = n->num_s; i < n->num_e && o + 1 < sizeof buf; i++)
        buf[o++] = n->ocr ? ocr_digit(t->fold[i]) : t->fold[i];
    /* segments of the code: separators [/-], letters and digits between */
    size_t i = n->code_s;
    int alpha_seen = 0;
    while (i < n->code_e) {
        char c = t->fold[i];
        if (is_space(c)) {
            i++;
            continue;
        }
        if (c == '/' || c == '-') {
            if (o + 2 < sizeof buf)
                buf[o++] = c;
            i++;
            continue;
        }
        size_t s = i;
        while (i < n->code_e && t->fold[i] != '/' && t->fold[i] != '-' && !is_space(t->fold[i]))
            i++;
        const char *seg = t->fold + s;
        size_t len = i - s;
        bool alpha = false;
        for (size_t k = 0; k < len; k++)
            if (seg[k] >= 'a' && seg[k] <= 'z')
                alpha = true;
        char tmp[96];
        const char *rest = NULL;
        const char *v = vb_lexicon_get(st->codes, seg, len);
        /* A type code glued to the issuer code by OCR: split it off when
         * the document's type says which code it is. */
        if (!v && alpha && alpha_seen == 0 && type_code && o > 0 && buf[o - 1] == '/' &&
            i >= n->code_e) {
            char *tc = vb_fold_utf8(type_code, strlen(type_code));
            size_t tl = strlen(tc);
            if (tl < len && len - tl >= 2 && !memcmp(seg, tc, tl)) {
                size_t w = strlen(type_code);
                if (o + w + 2 < sizeof buf) {
                    memcpy(buf + o, type_code, w);
                    o += w;
                    buf[o++] = '-';
                    seg += tl;
                    len -= tl;
                    alpha_seen++;
                    v = vb_lexicon_get(st->codes, seg, len);
                }
            }
            free(tc);
        }
        /* One letter of the type code misread ("21/CL-TTg" under the type
         * line CHỈ THỊ): the type line says which code it is.  Not a code
         * of its own (KT, NC: parts of issuers' codes) and same length. */
        if (!v && alpha && alpha_seen == 0 && type_code && type_sure && len >= 2 &&
            !vb_lexicon_get(st->code_types, seg, len) && !vb_lexicon_get(st->code_parts, seg, len)) {
            char *tc = vb_fold_utf8(type_code, strlen(type_code));
            size_t tl = strlen(tc), diff = 0;
            for (size_t k = 0; tl == len && k < len; k++)
                diff += seg[k] != tc[k];
            if (tl == len && diff == 1 && (seg[0] == tc[0] || seg[len - 1] == tc[len - 1]))
                v = type_code;
            free(tc);
        }
        if (!v) {
            char *orig = vb_clean_fold_range(&doc->arena, t, (size_t)(seg - t->fold), (size_t)(seg - t->fold) + len);
            bool non_ascii = false;
            for (const char *p = orig; *p; p++)
                if ((unsigned char)*p >= 0x80)
                    non_ascii = true;
            if (non_ascii && strlen(orig) < sizeof tmp) {
                rest = vb_upper_utf8(&doc->arena, orig, strlen(orig));
            } else if (alpha && alpha_seen > 0 && split_parts(st->code_parts, seg, len, tmp, sizeof tmp)) {
                rest = tmp;
            } else if (len < sizeof tmp) {
                for (size_t k = 0; k < len; k++)
                    tmp[k] = (seg[k] >= 'a' && seg[k] <= 'z') ? (char)(seg[k] - 32) : seg[k];
                tmp[len] = 0;
                rest = tmp;
            }
        } else {
            rest = v;
        }
        if (rest) {
            size_t w = strlen(rest);
            if (o + w + 1 < sizeof buf) {
                memcpy(buf + o, rest, w);
                o += w;
            }
        }
        if (alpha)
            alpha_seen++;
    }
    buf[o] = 0;
    return vb_arena_strdup(&doc->arena, buf);
}

/* The first alphabetic segment of the code: the type code of state and
 * Party numbers ("/KH-UBND", "-CT/TW", "/2026/NĐ-CP"). */
static bool first_code_segment(const vb_text *t, const number_match *n, size_t *s, size_t *e)
{
    size_t i = n->code_s;
    while (i < n->code_e) {
        while (i < n->code_e && (t->fold[i] == '/' || t->fold[i] == '-' || is_space(t->fold[i])))
            i++;
        size_t b = i;
        bool alpha = false;
        while (i < n->code_e && t->fold[i] != '/' && t->fold[i] != '-' && !is_space(t->fold[i])) {
            if (t->fold[i] >= 'a' && t->fold[i] <= 'z')
                alpha = true;
            i++;
        }
        if (alpha) {
            *s = b;
            *e = i;
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------ cells */

/* Length of "<br>", "<br/>", "<br />" at fold[i] (a line break inside a
 * Markdown table cell), or 0. */
static size_t br_tag(const vb_text *t, size_t i, size_t e)
{
    const char *f = t->fold;
    if (i + 4 > e || memcmp(f + i, "<br", 3) != 0)
        return 0;
    size_t k = i + 3;
    while (k < e && k < i + 6 && (f[k] == ' ' || f[k] == '/'))
        k++;
    return k < e && f[k] == '>' ? k + 1 - i : 0;
}

/* Where the cell that starts at s ends, before e: a cell border, a
 * "<br>" or a gap of three spaces (two columns of a layout). */
static size_t cell_cut(const vb_text *t, size_t s, size_t e)
{
    for (size_t i = s; i < e; i++)
        if (vb_cell_border(t, i) || br_tag(t, i, e) ||
            (i + 3 <= e && t->fold[i] == ' ' && t->fold[i + 1] == ' ' && t->fold[i + 2] == ' '))
            return i;
    return e;
}

/* Where the last cell before `at` on the line from ls starts (ls when
 * none): after a cell border, a "<br>" or a gap of three spaces. */
static size_t cell_edge(const vb_text *t, size_t ls, size_t at)
{
    size_t edge = ls;
    for (size_t i = ls; i < at; i++) {
        size_t k = br_tag(t, i, at);
        if (k)
            edge = i + k;
        else if (vb_cell_border(t, i))
            edge = i + 1;
        else if (i + 3 <= at && !memcmp(t->fold + i, "   ", 3) && i > ls && t->fold[i - 1] != ' ')
            edge = i + 3;
    }
    return edge;
}

/* -------------------------------------------------------------- date */

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool valid_day(int y, int m, int d)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return false;
    return d <= days[m - 1] + (m == 2 && leap(y));
}

typedef struct {
    bool ok;
    size_t start, end;          /* "ngày" .. year */
    size_t place_s, place_e;    /* place_s == place_e: none */
    char *iso;
} date_match;

/* Digits of s[0,n), a space between two of them allowed ("tháng 0 8":
 * a two-digit field the layout split). */
static int parse_int(const char *s, size_t n)
{
    int v = 0, digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_space(s[i]) && i > 0 && i + 1 < n)
            continue;
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
        digits++;
    }
    return digits && digits <= 4 ? v : -1;
}

/* A day of two characters with one letter OCR made of a digit ("i7",
 * "1l", "2O"): sure only with the other one a digit. */
static int parse_ocr_day(const char *s, size_t n)
{
    if (n != 2 || !((s[0] >= '0' && s[0] <= '9') || (s[1] >= '0' && s[1] <= '9')))
        return -1;
    char a = ocr_digit(s[0]), b = ocr_digit(s[1]);
    return a && b ? (a - '0') * 10 + (b - '0') : -1;
}

/* The place before a header date: the text between the left edge (line
 * start, the end of a number or motto merged onto the line) and the
 * comma.  Capitalised words (a few lower-case ones such as "phố" in
 * "Thành phố Huế"), no digits: a citation "Nghị quyết số 17/NQ-HĐND, ngày
 * 16 tháng 12 năm 2022" or "Căn cứ Luật ..., ngày ..." has no place. */
static bool place_ok(header_state *st, vb_document *doc, size_t s, size_t e)
{
    const vb_text *t = &doc->text;
    trim(t, &s, &e);
    if (s >= e || e - s > 80)
        return false;
    for (size_t i = s; i < e; i++) {
        char c = t->fold[i];
        /* a digit OCR read for a letter inside a word ("Hà N6i") is no
         * number; one at a word's start or end is ("Khu 6", "17/NQ") */
        bool in_word = i > s && i + 1 < e && t->fold[i - 1] >= 'a' && t->fold[i - 1] <= 'z' &&
                       t->fold[i + 1] >= 'a' && t->fold[i + 1] <= 'z';
        if (((c >= '0' && c <= '9') && !in_word) || c == '/' || c == '(' || c == ')' || c == ';' || c == ':')
            return false;
    }
    char *p = vb_clean_fold_range(&doc->arena, t, s, e);
    size_t words = 0;
    for (char *w = p; *w;) {
        while (*w == ' ')
            w++;
        size_t n = strcspn(w, " ");
        if (!n)
            break;
        /* letters of the word, without the dot of "TP." */
        size_t a = 0, b = n;
        while (b > a && strchr(".,'\"-", w[b - 1]))
            b--;
        while (a < b && strchr(".,'\"-", w[a]))
            a++;
        if (b > a) {
            vb_word_shape sh = vb_word_shape_of(w + a, b - a);
            /* OCR junk inside a capitalised word ("H@i Noi"), "$" for S */
            if (sh == VB_WORD_MIXED_CHARS && ((w[a] >= 'A' && w[a] <= 'Z') || (w[a] == '$' && b - a > 1)))
                sh = VB_WORD_CAPITALISED;
            if (sh != VB_WORD_CAPITALISED && sh != VB_WORD_UPPER && sh != VB_WORD_MIXED_CASE) {
                char *f = vb_fold_utf8(w + a, b - a);
                bool ok = vb_match(doc, &st->ms.m[P_PLACE_LOWER], f, strlen(f), 0, 0) > 0;
                free(f);
                if (!ok || words == 0)
                    return false;
            }
            words++;
        }
        w += n;
    }
    return words > 0 && words <= 7;
}

/* A place OCR damaged inside its words: "$" read for a word's S ("$ơn
 * Tây"), and a place with a digit or a mark inside a word ("Ha N6i", "Ha
 * NG@i") within a few edits of a province or city of header.places is
 * written as the lexicon has it.  A clean place is returned as it is. */
static char *repair_place(header_state *st, vb_document *doc, char *place)
{
    size_t n = strlen(place);
    bool damaged = false;
    for (size_t i = 0; i < n; i++) {
        char c = place[i];
        bool word_start = i == 0 || place[i - 1] == ' ';
        if (c == '$' && word_start && i + 1 < n && place[i + 1] >= 'a' && place[i + 1] <= 'z') {
            place[i] = 'S';
            damaged = true;
        } else if (!word_start && i + 1 < n && place[i + 1] != ' ' &&
                   ((c >= '0' && c <= '9') || c == '@' || c == '&' || c == '$')) {
            damaged = true;
        }
    }
    if (!damaged)
        return place;
    char *f = vb_fold_utf8(place, n);
    size_t fl = strlen(f), cap = fl / 3 < 2 ? fl / 3 : 2, bestd = cap + 1;
    const char *best = NULL;
    bool tie = false;
    for (size_t i = 0; fl >= 5 && i < st->places->n; i++) {
        const char *k = st->places->entries[i].key;
        size_t d = vb_edit_distance_within(f, fl, k, strlen(k), cap);
        if (d < bestd) {
            bestd = d;
            best = st->places->entries[i].value;
            tie = false;
        } else if (d == bestd && best) {
            tie = true;
        }
    }
    free(f);
    return best && !tie ? vb_arena_strdup(&doc->arena, best) : place;
}

/* The line above the one at ls goes on into it: it ends in a lower-case
 * word, or it cites a document ("... số 57/2013/QĐ-TTg"). */
static bool wrapped_from_above(vb_document *doc, size_t ls)
{
    const vb_text *t = &doc->text;
    if (ls == 0)
        return false;
    size_t qs = line_start(t, ls - 1), qe = ls - 1;
    trim(t, &qs, &qe);
    if (qs >= qe)
        return false;
    size_t wb = qe;
    while (wb > qs && !is_space(t->fold[wb - 1]))
        wb--;
    if (t->fold[qe - 1] >= 'a' && t->fold[qe - 1] <= 'z' && !upper_at(doc, wb))
        return true;
    /* "số" inside the line, in lower case: a citation, not "Số:" */
    for (size_t i = qs + 1; i + 3 <= qe; i++)
        if (t->fold[i - 1] == ' ' && memcmp(t->fold + i, "so ", 3) == 0 && !upper_at(doc, i))
            return true;
    return false;
}

static date_match find_date(header_state *st, vb_document *doc, size_t from, size_t to,
                            const size_t *left_edges, size_t n_edges)
{
    const vb_text *t = &doc->text;
    date_match d = {false, 0, 0, 0, 0, NULL};
    vb_matcher *m = &st->ms.m[P_DATE];
    while (from < to && vb_next_match(doc, m, t->fold, to, &from, 0)) {
        PCRE2_SIZE *ov = vb_ovector(m);
        size_t ms = ov[0], me = ov[1];
        size_t cs = 0, ce = 0, ds = 0, de = 0, mos = 0, moe = 0, ys = 0, ye = 0;
        bool comma = vb_group(m, "comma", &cs, &ce);
        bool has_day = vb_group(m, "day", &ds, &de);
        vb_group(m, "month", &mos, &moe);
        vb_group(m, "year", &ys, &ye);
        /* "ngày" starts after the comma and white space */
        size_t ngay = comma ? ce : ms;
        while (ngay < me && (is_space(t->fold[ngay]) || t->fold[ngay] == '\n'))
            ngay++;
        /* left edge of the place */
        size_t anchor = comma ? cs : ngay;
        size_t ls = line_start(t, anchor);
        if (comma && anchor == ls && ls > 0)
            ls = line_start(t, ls - 1);     /* "Hà Nội\n, ngày" never; comma at line start: place above */
        size_t edge = cell_edge(t, ls, anchor);
        for (size_t k = 0; k < n_edges; k++)
            if (left_edges[k] > edge && left_edges[k] <= anchor)
                edge = left_edges[k];
        size_t ps = edge, pe = anchor;
        trim(t, &ps, &pe);
        while (ps < pe && is_deco(t->fold[ps]))
            ps++;
        bool place = ps < pe && place_ok(st, doc, ps, pe);
        if (!place && ps < pe) {
            /* specks of the scan before the place ("tr Giao Thủy, ngày"
             * where a star stood above it; "0124/KH-UBND n: . _ Đắk Lắk"
             * on a merged header row): up to four words of two characters
             * in lower case or with no letter, or a run of marks */
            size_t q = ps;
            for (int k = 0; k < 5 && q < pe && !place; k++) {
                /* a quote stuck to the place ("‘Dak Lak") */
                size_t r = q;
                while (r < pe && (t->fold[r] == '\'' || t->fold[r] == '"' || t->fold[r] == '`'))
                    r++;
                if (r > ps && r < pe && upper_at(doc, r) && place_ok(st, doc, r, pe)) {
                    ps = r;
                    place = true;
                    break;
                }
                size_t w = q, letters = 0;
                for (; w < pe && !is_space(t->fold[w]); w++)
                    letters += t->fold[w] >= 'a' && t->fold[w] <= 'z';
                if (w >= pe || upper_at(doc, q) || (w - q > 2 && letters))
                    break;
                q = w;
                while (q < pe && is_space(t->fold[q]))
                    q++;
            }
        }
        if (!place && ps < pe && line_end(t, pe) - ls >= LONG_LINE) {
            /* a text without line breaks: the capitalised words just
             * before the comma ("... Hạnh phc Quảng Ninh, ngy ...") */
            size_t b = pe, words = 0;
            while (b > ps && words < 4) {
                size_t we = b;
                while (we > ps && is_space(t->fold[we - 1]))
                    we--;
                size_t wb = we;
                while (wb > ps && !is_space(t->fold[wb - 1]))
                    wb--;
                if (wb == we || !upper_at(doc, wb))
                    break;
                words++;
                b = wb;
            }
            if (words && place_ok(st, doc, b, pe)) {
                ps = b;
                place = true;
            }
        }
        if (edge == ls && ls > 0 && ps < pe) {
            /* a place wrapped in a table cell: "*Hà\nNội, ngày 27 ...",
             * "*Thành\nphố Hồ Chí Minh, ngày ..." (alone, the second line
             * is no place) */
            size_t qs = line_start(t, ls - 1), qe = ls - 1;
            trim(t, &qs, &qe);
            while (qs < qe && is_deco(t->fold[qs]))
                qs++;
            char *prev = vb_clean_fold_range(&doc->arena, t, qs, qe);
            size_t pl = strlen(prev);
            if (qs < qe && pl <= 40 && !vb_mostly_upper(prev, pl, 0.9) && place_ok(st, doc, qs, pe)) {
                ps = qs;
                place = true;
            }
        }
        if (!place) {
            /* without a place the date must stand alone on its line, and
             * not end a sentence or a citation wrapped from the line above
             * ("... Quyết định số 57/2013/QĐ-TTg\nngày 14 tháng 10 năm
             * 2013", the history of a consolidated text) */
            if (ps < pe || wrapped_from_above(doc, ls))
                continue;
            ps = pe = 0;
        }
        int mo = parse_int(t->fold + mos, moe - mos);
        int y = parse_int(t->fold + ys, ye - ys);
        if (mo < 1 || mo > 12)
            continue;
        int day = has_day ? parse_int(t->fold + ds, de - ds) : -1;
        if (has_day && day < 0)
            day = parse_ocr_day(t->fold + ds, de - ds);
        d.ok = true;
        d.start = ngay;
        d.end = me;
        d.place_s = ps;
        d.place_e = pe;
        if (day > 0 && de - ds <= 3 && valid_day(y, mo, day))
            d.iso = vb_arena_printf(&doc->arena, "%04d-%02d-%02d", y, mo, day);
        else
            d.iso = vb_arena_printf(&doc->arena, "%04d-%02d", y, mo);
        return d;
    }
    return d;
}

/* --------------------------------------------------------- type line */

typedef struct {
    bool ok;
    const char *type;           /* canonical, from the lexicon */
    size_t line_s, line_e;      /* the line (or inline stretch) */
    size_t word_s, word_e;      /* the type word */
    size_t rest_s;              /* the title goes on on the type line from here; 0: no */
} type_match;

/* Letters and single spaces of fold[s,e): OCR puts '&' or digits in
 * words ("K& HOACH"). */
static size_t letters_only(const vb_text *t, size_t s, size_t e, char *out, size_t out_size,
                           size_t *map)
{
    size_t o = 0;
    bool space = false;
    for (size_t i = s; i < e && o + 2 < out_size; i++) {
        char c = t->fold[i];
        if (c >= 'a' && c <= 'z') {
            if (space && o) {
                map[o] = i;
                out[o++] = ' ';
            }
            space = false;
            map[o] = i;
            out[o++] = c;
        } else if (is_space(c) || c == '\n' || c == '-' || c == '.' || c == ':') {
            space = true;
        }
    }
    out[o] = 0;
    map[o] = e;
    return o;
}

/* Tolerance for OCR in a type word or title: none for short words. */
static size_t tolerance(size_t len)
{
    return len <= 4 ? 0 : len <= 9 ? 1 : 2;
}

static const char *type_word(header_state *st, const vb_text *t, size_t s, size_t e)
{
    char core[128];
    size_t map[128];
    if (e - s > 90)
        return NULL;
    size_t n = letters_only(t, s, e, core, sizeof core, map);
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t k = 0; n && k < st->types->n; k++) {
        const char *key = st->types->entries[k].key;
        size_t kl = strlen(key);
        size_t d = vb_edit_distance(core, n, key, kl);
        if (d <= tolerance(kl) && d < best_d) {
            best_d = d;
            best = st->types->entries[k].value;
        }
    }
    return best;
}

/* Is the character that gave fold[i] an upper-case letter? */
static bool upper_at(vb_document *doc, size_t i)
{
    return vb_orig_case(&doc->text, i) > 0;
}

/* The type word at the start of a line with the title after it on the
 * same line: "**NGHỊ ĐỊNH**Quy định về ..." (the fold has no space
 * there; the change from capitals to a capitalised word is the edge). */
static type_match type_prefix(header_state *st, vb_document *doc, size_t s, size_t e)
{
    const vb_text *t = &doc->text;
    type_match r = {false, NULL, s, e, 0, 0, 0};
    size_t best = 0;
    for (size_t k = 0; k < st->types->n; k++) {
        const char *key = st->types->entries[k].key;
        size_t kl = strlen(key);
        if (kl <= best || s + kl > e || memcmp(t->fold + s, key, kl) != 0)
            continue;
        if (s + kl == e) {
            /* the whole line is a longer type ("THÔNG TƯ LIÊN TỊCH"):
             * no title follows on it */
            best = kl;
            r.type = NULL;
            continue;
        }
        char after = t->fold[s + kl];
        /* the next line of a two-line type ("CHƯƠNG TRÌNH\nHÀNH ĐỘNG")
         * is read whole by type_line */
        if (after == '\n')
            continue;
        bool edge = !(after >= 'a' && after <= 'z') && (unsigned char)after < 0x80;
        /* "**LUẬT****CÁN BỘ, CÔNG CHỨC**": bold marks between */
        if (!edge)
            edge = t->fold_map[s + kl] > vb_fold_char_end(t, s + kl - 1);
        if (!edge && s + kl + 1 < e)
            edge = upper_at(doc, s + kl) && !upper_at(doc, s + kl + 1);
        if (!edge)
            continue;
        best = kl;
        r.type = st->types->entries[k].value;
    }
    if (!r.type || !upper_range(doc, s, s + best, 0.9))
        return (type_match){false, NULL, s, e, 0, 0, 0};
    size_t rest = s + best;
    while (rest < e && is_deco(t->fold[rest]))
        rest++;
    if (rest >= e)
        return (type_match){false, NULL, s, e, 0, 0, 0};
    r.ok = true;
    r.word_s = s;
    r.word_e = s + best;
    r.rest_s = rest;
    return r;
}

/* Is the line fold[s,e) a type line?  The type word ends the line; a
 * stamp may leave a short prefix ("DEN s&-tdt.. KE HOACH"). */
static type_match type_line(header_state *st, vb_document *doc, size_t s, size_t e)
{
    type_match pre = type_prefix(st, doc, s, e);
    if (pre.ok)
        return pre;
    const vb_text *t = &doc->text;
    type_match r = {false, NULL, s, e, 0, 0, 0};
    char core[128];
    size_t map[128];
    if (e - s > 90)
        return r;
    size_t n = letters_only(t, s, e, core, sizeof core, map);
    if (!n)
        return r;
    size_t best_d = (size_t)-1, best_len = 0;
    for (size_t k = 0; k < st->types->n; k++) {
        const char *key = st->types->entries[k].key;
        size_t kl = strlen(key);
        /* compare the key with the same number of words at the end */
        size_t words = 1;
        for (size_t i = 0; i < kl; i++)
            words += key[i] == ' ';
        size_t b = n;
        size_t seen = 0;
        while (b > 0) {
            if (core[b - 1] == ' ' && ++seen == words)
                break;
            b--;
        }
        size_t prefix = b;
        size_t d = vb_edit_distance(core + b, n - b, key, kl);
        if (d > tolerance(kl) || prefix > 16)
            continue;
        if (d < best_d || (d == best_d && kl > best_len)) {
            best_d = d;
            best_len = kl;
            r.type = st->types->entries[k].value;
            r.word_s = map[b];
            r.word_e = e;
        }
    }
    if (!r.type)
        return r;
    /* type words are in capitals */
    if (!upper_range(doc, r.word_s, r.word_e, 0.6))
        return (type_match){false, NULL, s, e, 0, 0, 0};
    r.ok = true;
    return r;
}

/* A type word inside a long line (a text with no line breaks), in
 * capitals, within `window` bytes of from. */
static type_match type_inline(header_state *st, vb_document *doc, size_t from, size_t window)
{
    const vb_text *t = &doc->text;
    type_match r = {false, NULL, 0, 0, 0, 0, 0};
    size_t end = from + window < t->fold_len ? from + window : t->fold_len;
    for (size_t i = from; i < end; i++) {
        if (i > 0 && ((t->fold[i - 1] >= 'a' && t->fold[i - 1] <= 'z') || (unsigned char)t->fold[i - 1] >= 0x80))
            continue;
        size_t best = 0;
        const char *type = NULL;
        for (size_t k = 0; k < st->types->n; k++) {
            const char *key = st->types->entries[k].key;
            size_t kl = strlen(key);
            if (i + kl > t->fold_len || memcmp(t->fold + i, key, kl) != 0)
                continue;
            char after = i + kl < t->fold_len ? t->fold[i + kl] : ' ';
            if ((after >= 'a' && after <= 'z') || (unsigned char)after >= 0x80)
                continue;
            if (kl > best) {
                best = kl;
                type = st->types->entries[k].value;
            }
        }
        if (type && upper_range(doc, i, i + best, 0.9)) {
            r.ok = true;
            r.type = type;
            r.line_s = r.word_s = i;
            r.line_e = r.word_e = i + best;
            return r;
        }
    }
    return r;
}

/* -------------------------------------------------------------- title */

/* A line of an incoming-document stamp ("ĐẾN", "Số: 1234", "Ngày:
 * 05/4", "Chuyển:"): OCR reads it among the header's lines; it is in
 * capitals or capitalised. */
static bool is_stamp(header_state *st, vb_document *doc, size_t s, size_t e)
{
    const vb_text *t = &doc->text;
    while (s < e && !t_is_alnum(t->fold[s]))
        s++;
    return s < e && upper_at(doc, s) && line_matches(st, doc, P_STAMP, s, e);
}

/* Specks of the scan around a title line: marks before its first
 * letter (".__ LÀM VIỆC", ": MỤC TIÊU", ". - THỨ XIV") and a lone mark
 * after its last word ("LÂM NGHIỆP :", "LAM NGHIEP ."): dropped, so that
 * they neither stop the title (a rule "___", a label "...:") nor hide
 * how its line ends.  Marks before a digit or a lower-case letter stay
 * ("- Căn cứ", "1."). */
static void strip_specks(vb_document *doc, size_t *s, size_t *e)
{
    const vb_text *t = &doc->text;
    size_t a = *s;
    while (a < *e && (is_space(t->fold[a]) || strchr(".:_-'`^~|,", t->fold[a])))
        a++;
    if (a > *s && a < *e && upper_at(doc, a) && !(t->fold[a] >= '0' && t->fold[a] <= '9'))
        *s = a;
    size_t b = *e;
    while (b > *s + 2 && strchr(".:_'`^~|,", t->fold[b - 1]) && is_space(t->fold[b - 2])) {
        b -= 2;
        while (b > *s && is_space(t->fold[b - 1]))
            b--;
    }
    *e = b;
}

/* Lines after the type line, up to a blank line or a line that cannot
 * belong to the title.  A blank line is crossed when the next line goes
 * on in lower case (documents exported with blank lines between lines). */
static bool find_title(header_state *st, vb_document *doc, size_t from, size_t *ts, size_t *te,
                       char **text)
{
    const vb_text *t = &doc->text;
    size_t i = from, first_s = 0, last_e = 0, lines = 0, blanks = 0, widest = 0;
    bool have = false, title_upper = false, skipped = false;
    char *joined = NULL;
    while (i < t->fold_len && lines < 6) {
        size_t e = line_end(t, i);
        size_t s = i;
        size_t next = e < t->fold_len ? e + 1 : e;
        if (blank_line(t, s, e)) {
            /* "* *" and rules are blank here too */
            if (++blanks > 4)
                break;
            i = next;
            continue;
        }
        size_t cs = s, ce = e;
        trim(t, &cs, &ce);
        size_t rs = cs, re = ce;
        strip_specks(doc, &cs, &ce);
        if (cs != rs || ce != re)
            skipped = true;
        if (line_matches(st, doc, P_TITLE_STOP, cs, ce) || line_matches(st, doc, P_AUTHORITY, cs, ce))
            break;
        if (is_stamp(st, doc, cs, ce)) {
            skipped |= have;
            i = next;
            continue;
        }
        char *orig = vb_clean_fold_range(&doc->arena, t, cs, ce);
        size_t ol = strlen(orig);
        /* "2025", "2021 - 2025": the end of a title wrapped before its year */
        bool year_line = have && line_matches(st, doc, P_TITLE_YEAR, cs, ce);
        if (have && !year_line) {
            if (blanks) {
                /* crossing a blank line: a lower-case continuation, or
                 * capitals going on a title in capitals (OCR puts blank
                 * lines between the lines of a block) */
                vb_word_shape sh = vb_word_shape_of(orig, strcspn(orig, " "));
                char prev = t->fold[last_e - 1];
                bool caps_on = title_upper && blanks <= 2 && vb_mostly_upper(orig, ol, 0.8) &&
                               prev != '.' && prev != ';' && prev != ':' && ol <= 160 &&
                               !line_matches(st, doc, P_AUTHORITY_AFTER_BLANK, cs, ce);
                /* a website repeats the title on the type line below it */
                if (ce - cs == last_e - first_s && !memcmp(t->fold + cs, t->fold + first_s, ce - cs))
                    caps_on = false;
                if (sh != VB_WORD_LOWER && !caps_on)
                    break;
            }
            /* a stamp or label line ("Chuyển:"), or a change from a title
             * in capitals to running text; a title in capitals goes on
             * through a colon that is a speck of the scan ("... NĂM:") */
            if (ol && orig[ol - 1] == ':') {
                if (!(title_upper && vb_mostly_upper(orig, ol, 0.8) && ol > 20))
                    break;
                orig[--ol] = '\0';
                skipped = true;
            }
            if (title_upper && !vb_mostly_upper(orig, ol, 0.5))
                break;
            if (!title_upper && vb_mostly_upper(orig, ol, 0.9) && ol > 12)
                break;
            /* a title in running case that OCR ran into the body (the
             * blank line under it lost): a capitalised line that opens a
             * sentence of the body ("Thực hiện", "Căn cứ", "Để"), or one
             * much longer than the title's lines after a line that ends
             * on its year ("... năm 2020"; a line ending in a word may
             * wrap: "thực hiện\nChỉ thị số 52-CT/TW ...") */
            if (!title_upper && upper_at(doc, cs)) {
                if (line_matches(st, doc, P_TITLE_BODY_LINE, cs, ce))
                    break;
                char prev = t->fold[last_e - 1];
                if (ce - cs >= 70 && (ce - cs) * 10 >= widest * 16 && prev >= '0' && prev <= '9')
                    break;
            }
            char prev = last_e > 0 ? t->fold[last_e - 1] : '\0';
            if (prev == '.' || prev == ';')
                break;
        } else if (!have) {
            if (!has_letter(t, cs, ce))
                break;
            first_s = cs;
            title_upper = vb_mostly_upper(orig, ol, 0.8);
        }
        have = true;
        last_e = ce;
        if (ce - cs > widest)
            widest = ce - cs;
        lines++;
        blanks = 0;
        joined = joined ? vb_arena_printf(&doc->arena, "%s %s", joined, orig) : orig;
        if (last_e - first_s > 600)
            break;
        i = next;
    }
    if (!have)
        return false;
    *ts = first_s;
    *te = last_e;
    /* stamp lines or specks left out: the title is its lines, not the range */
    *text = skipped ? joined : NULL;
    return true;
}

/* The title on the line of the type word (a text with no line breaks):
 * up to where the body starts. */
static bool title_inline(header_state *st, vb_document *doc, size_t from, size_t *ts, size_t *te)
{
    const vb_text *t = &doc->text;
    size_t s = from, lim = line_end(t, from);
    while (s < lim && is_space(t->fold[s]))
        s++;
    if (s >= lim)
        return false;
    size_t cap = s + 400 < lim ? s + 400 : lim;
    range b = match_at(st, doc, P_BODY_START, s, cap);
    size_t e = b.ok ? b.start : cap;
    if (!b.ok && cap < lim) {
        /* no body marker: cut at a word boundary */
        while (e > s && !is_space(t->fold[e - 1]))
            e--;
    }
    while (e > s && (is_space(t->fold[e - 1]) || t->fold[e - 1] == ','))
        e--;
    if (e <= s)
        return false;
    *ts = s;
    *te = e;
    return true;
}

/* ------------------------------------------------------------- issuer */

static void add_issuer(vb_document *doc, size_t s, size_t e)
{
    const vb_text *t = &doc->text;
    trim(t, &s, &e);
    while (s < e && is_deco(t->fold[s]))
        s++;
    while (e > s && is_deco(t->fold[e - 1]))
        e--;
    if (s >= e || !has_letter(t, s, e))
        return;
    char *c = vb_clean_fold_range(&doc->arena, t, s, e);
    for (size_t i = 0; i < doc->header.issuer.n; i++)
        if (!strcmp(doc->header.issuer.v[i], c))
            return;
    *VB_PUSH(doc->header.issuer) = c;
}

/* Odd number of "**" on the input line: a bold run goes on to the next
 * line (a wrapped cell "**ỦY BAN NHÂN\nDÂN**"). */
static bool bold_open(const vb_text *t, size_t s, size_t e)
{
    size_t a = t->fold_map[s], b = t->fold_map[e];
    int n = 0;
    for (size_t i = a; i + 1 < b; i++)
        if (t->utf8[i] == '*' && t->utf8[i + 1] == '*') {
            n++;
            i++;
        }
    return n % 2 == 1;
}

/* Issuer lines: lines in capitals just above the first anchor (up to
 * eight, not above `floor`), and the left column of merged lines. */
static size_t find_issuer(header_state *st, vb_document *doc, size_t floor, size_t anchor_line,
                          size_t left_to[], size_t n_left)
{
    const vb_text *t = &doc->text;
    size_t starts[8], ends[8], k = 0;
    size_t i = anchor_line;
    while (i > floor && k < 8) {
        size_t e = i - 1;                   /* the '\n' before line i */
        size_t s = line_start(t, e);
        if (s < floor)
            break;
        i = s;
        if (blank_line(t, s, e) || !has_letter(t, s, e))
            continue;
        size_t cs = s, ce = e;
        trim(t, &cs, &ce);
        if (ce - cs > 100 || !upper_range(doc, cs, ce, 0.7) ||
            find_motto(st, doc, P_NATION, cs, ce).ok || find_motto(st, doc, P_MOTTO, cs, ce).ok)
            break;
        starts[k] = cs;
        ends[k] = ce;
        k++;
    }
    size_t top = k ? line_start(t, starts[k - 1]) : anchor_line;
    /* in document order, bold runs joined */
    while (k > 0) {
        k--;
        size_t s = starts[k], e = ends[k];
        while (k > 0 && bold_open(t, s, e)) {
            k--;
            e = ends[k];
        }
        add_issuer(doc, s, e);
    }
    for (size_t j = 0; j < n_left; j++) {
        size_t e = left_to[j];
        size_t s = line_start(t, e);
        if (e > s && upper_range(doc, s, e, 0.7))
            add_issuer(doc, s, e);
    }
    return top;
}

/* --------------------------------------------------------------- run */

/* fold[s,e) is exactly the type word `type` (the letters, words apart by
 * any space or decoration), no OCR shape of it. */
static bool is_type_word(const vb_text *t, size_t s, size_t e, const char *type)
{
    char *want = vb_fold_utf8(type, strlen(type));
    const char *w = want;
    bool gap = false, ok = true;
    for (size_t i = s; i < e && ok; i++) {
        char c = t->fold[i];
        if (c >= 'a' && c <= 'z') {
            if (gap && *w == ' ')
                w++;
            ok = *w == c;
            w++;
            gap = false;
        } else {
            gap = true;
        }
    }
    ok = ok && !*w;
    free(want);
    return ok;
}

static size_t min_nz(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* The type line from `from` on: the rest of from's line (a type word
 * merged after the date), then the next lines up to the body.  A line of
 * a text without line breaks is searched within. */
static type_match find_type(header_state *st, vb_document *doc, size_t from, size_t zone_e, bool *long_line)
{
    const vb_text *t = &doc->text;
    type_match type = {false, NULL, 0, 0, 0, 0, 0};
    *long_line = line_end(t, from) - line_start(t, from) >= LONG_LINE;
    if (*long_line)
        return type_inline(st, doc, from, 200);
    size_t rest_s = from, rest_e = line_end(t, from);
    trim(t, &rest_s, &rest_e);
    while (rest_s < rest_e && is_deco(t->fold[rest_s]))
        rest_s++;
    if (rest_s < rest_e && rest_s > line_start(t, from))
        type = type_line(st, doc, rest_s, rest_e);
    size_t i = rest_e < t->fold_len ? line_end(t, from) + 1 : t->fold_len;
    for (int nonblank = 0; !type.ok && i < zone_e && nonblank < 14;) {
        size_t e = line_end(t, i);
        if (!blank_line(t, i, e)) {
            size_t cs = i, ce = e;
            trim(t, &cs, &ce);
            nonblank++;
            type = type_line(st, doc, cs, ce);
            if (!type.ok && line_matches(st, doc, P_TITLE_STOP, cs, ce))
                break;
            if (type.ok && !type.rest_s && e < t->fold_len) {
                /* a longer type goes on on the next line ("CHƯƠNG TRÌNH
                 * / HÀNH ĐỘNG", "NGHỊ QUYẾT / LIÊN TỊCH") */
                size_t ns = e + 1, ne = line_end(t, ns), nce = ne;
                trim(t, &ns, &nce);
                if (ns < nce && nce - cs <= 60) {
                    type_match two = type_line(st, doc, cs, nce);
                    if (two.ok && !two.rest_s && two.word_s <= type.word_s && two.word_e >= nce &&
                        upper_range(doc, ns, nce, 0.8)) {
                        type = two;
                        type.line_e = nce;
                        e = ne;
                    }
                }
            }
            if (!type.ok && e < t->fold_len) {
                /* a type word wrapped in its cell: "**QUYẾT\nĐỊNH**" */
                size_t ne = line_end(t, e + 1);
                size_t ns = e + 1, nce = ne;
                trim(t, &ns, &nce);
                if (ns < nce && nce - cs <= 40) {
                    type = type_line(st, doc, cs, nce);
                    if (type.ok && type.word_s < e && type.rest_s == 0) {
                        type.line_e = nce;
                        e = ne;
                    } else {
                        type.ok = false;
                    }
                }
            }
        }
        i = e < t->fold_len ? e + 1 : e;
    }
    return type;
}

static void run_text(header_state *st, vb_document *doc)
{
    const vb_text *t = &doc->text;
    vb_header *h = &doc->header;
    h->fold_end = 0;
    if (!t->fold_len)
        return;

    size_t limit = min_nz(t->fold_len, ANCHOR_LIMIT);
    size_t from = 0;

    /* anchors */
    range nation = find_motto(st, doc, P_NATION, from, limit);
    range motto = find_motto(st, doc, P_MOTTO, from, limit);
    range party = find_motto(st, doc, P_PARTY, from, limit);
    number_match num = find_number(st, doc, from, limit);
    /* a motto far below the number is a form's in an annex ("Mẫu số 01"
     * after the signature of a short text), not the header's */
    range *mottos[] = {&nation, &motto, &party};
    for (size_t k = 0; num.ok && k < 3; k++) {
        size_t lines = 0;
        for (size_t i = num.end; mottos[k]->ok && i < mottos[k]->start && lines <= MOTTO_BELOW_NUMBER; i++)
            lines += t->fold[i] == '\n';
        if (mottos[k]->ok && mottos[k]->start > num.end && lines > MOTTO_BELOW_NUMBER)
            mottos[k]->ok = false;
    }
    size_t anchor = (size_t)-1;
    if (nation.ok)
        anchor = nation.start;
    if (motto.ok && motto.start < anchor)
        anchor = motto.start;
    if (party.ok && party.start < anchor)
        anchor = party.start;
    if (num.ok && num.start < anchor)
        anchor = num.start;
    /* A text that opens with its type line, nothing above it ("THÔNG TƯ",
     * then the title: a website's copy of the body without the header
     * table), has its header there, not at the motto of a form in an
     * annex further down. */
    type_match top_type = {false, NULL, 0, 0, 0, 0, 0};
    size_t first = 0;
    while (first < t->fold_len && blank_line(t, first, line_end(t, first)))
        first = line_end(t, first) + 1;
    if (first < t->fold_len && first < anchor) {
        size_t cs = first, ce = line_end(t, first);
        trim(t, &cs, &ce);
        while (cs < ce && is_deco(t->fold[cs]))
            cs++;
        while (ce > cs && is_deco(t->fold[ce - 1]))
            ce--;
        if (ce - cs <= 40) {
            top_type = type_line(st, doc, cs, ce);
            top_type.ok = top_type.ok && top_type.word_s == cs && is_type_word(t, cs, ce, top_type.type);
        }
        if (top_type.ok)
            anchor = first;
    }
    /* the date anchors only when nothing else does (its own check is the
     * place before it) */
    size_t edges[4], n_edges = 0;
    if (anchor == (size_t)-1) {
        date_match d0 = find_date(st, doc, from, min_nz(limit, from + ZONE_BYTES), NULL, 0);
        if (!d0.ok)
            return;
        anchor = d0.start;
    }
    /* a banner above the header: its lines are no issuer (the site's
     * trailer at the end has banner lines too, hence only above) */
    from = banner_end(st, doc, anchor);
    size_t zone_s = line_start(t, anchor);
    size_t zone_e = zone_s;
    for (int l = 0; l < ZONE_LINES && zone_e < t->fold_len; l++)
        zone_e = line_end(t, zone_e) + 1;
    zone_e = min_nz(zone_e, min_nz(t->fold_len, zone_s + ZONE_BYTES));
    if (line_end(t, zone_s) - zone_s >= LONG_LINE)
        zone_e = min_nz(t->fold_len, anchor + ZONE_BYTES);

    /* elements outside the zone belong to the body, and so does all
     * below a type line that opens the text */
    if (top_type.ok)
        zone_e = first;
    if (nation.ok && nation.start >= zone_e)
        nation.ok = false;
    if (motto.ok && motto.start >= zone_e)
        motto.ok = false;
    if (party.ok && party.start >= zone_e)
        party.ok = false;
    if (num.ok && num.start >= zone_e)
        num.ok = false;

    /* left edges of the place: what the date's line may hold before it */
    if (num.ok)
        edges[n_edges++] = num.end;
    if (nation.ok)
        edges[n_edges++] = nation.end;
    if (motto.ok)
        edges[n_edges++] = motto.end;
    if (party.ok)
        edges[n_edges++] = party.end;
    date_match date = find_date(st, doc, zone_s, zone_e, edges, n_edges);

    /* the type line comes after the mottos, the date and the number; a
     * number below the type line is a citation in the title or preamble */
    size_t base = zone_s;
    range heads0[] = {nation, motto, party};
    for (size_t k = 0; k < 3; k++)
        if (heads0[k].ok && heads0[k].end > base)
            base = heads0[k].end;
    if (date.ok && date.end > base) {
        /* a date far below the other anchors is in the body */
        size_t top = num.ok && num.end > base ? num.end : base, lines = 0;
        for (size_t i = top; i < date.start; i++)
            lines += t->fold[i] == '\n';
        if (lines <= 12)
            base = date.end;
    }
    bool long_line = false;
    type_match type = top_type.ok ? top_type : find_type(st, doc, base, zone_e, &long_line);
    if (num.ok && type.ok && num.start >= type.line_s)
        num.ok = false;
    if (num.ok && num.end > base)
        type = find_type(st, doc, num.end, zone_e, &long_line);
    if (date.ok && type.ok && date.start > type.line_s)
        date.ok = false;

    /* title */
    size_t title_s = 0, title_e = 0;
    char *title_text = NULL;
    bool title = false;
    if (type.ok) {
        if (long_line)
            title = title_inline(st, doc, type.word_e, &title_s, &title_e);
        else if (type.rest_s)
            title = find_title(st, doc, type.rest_s, &title_s, &title_e, &title_text);
        else
            title = find_title(st, doc, line_end(t, type.line_e) < t->fold_len ? line_end(t, type.line_e) + 1
                                                                             : t->fold_len,
                               &title_s, &title_e, &title_text);
    }

    /* V/v subject: the title of a Công văn */
    range vv = {false, 0, 0};
    size_t vv_s = 0, vv_e = 0;
    char *vv_text = NULL;
    if (!type.ok) {
        vv = match_at(st, doc, P_VV, zone_s, zone_e);
        if (vv.ok) {
            vv_s = vv.end;
            /* up to the date line, a blank line or "Kính gửi"; "V/v" may
             * stand alone with the subject below it.  Each line gives its
             * left cell only: the other column (the date, the motto) may
             * stand beside it */
            size_t le = line_end(t, vv.end);
            vv_e = cell_cut(t, vv_s, le);
            bool empty = blank_line(t, vv_s, vv_e);
            if (!empty)
                vv_text = vb_clean_fold_range(&doc->arena, t, vv_s, vv_e);
            for (int l = 0; l < 5; l++) {
                size_t ns = le + 1;
                if (ns >= t->fold_len)
                    break;
                size_t ne = line_end(t, ns);
                /* one blank line a converter or OCR put inside the subject
                 * is crossed (the line after it must go on in lower case) */
                if (!empty && blank_line(t, ns, ne) && ne < t->fold_len) {
                    size_t qs = ne + 1, qe = line_end(t, qs);
                    trim(t, &qs, &qe);
                    if (qs < qe && t->fold[qs] >= 'a' && t->fold[qs] <= 'z' && vb_orig_case(t, qs) < 0) {
                        ns = ne + 1;
                        ne = line_end(t, ns);
                    }
                }
                size_t cs = ns, ce = ne;
                trim(t, &cs, &ce);
                while (cs < ce && t->fold[cs] == ' ')
                    cs++;
                ce = cell_cut(t, cs, ce);
                trim(t, &cs, &ce);
                if (cs >= ce || blank_line(t, cs, ce) || (date.ok && date.start < ce && date.end > cs) ||
                    line_matches(st, doc, P_TITLE_STOP, cs, ce))
                    break;
                char *c = vb_clean_fold_range(&doc->arena, t, cs, ce);
                /* a line that goes on the subject starts in lower case
                 * or with a number ("2025" wrapped in a narrow cell) */
                vb_word_shape sh = vb_word_shape_of(c, strcspn(c, " "));
                if (!empty && sh != VB_WORD_LOWER && !(sh == VB_WORD_OTHER && c[0] >= '0' && c[0] <= '9'))
                    break;
                if (empty)
                    vv_s = cs;
                empty = false;
                vv_text = vv_text ? vb_arena_printf(&doc->arena, "%s %s", vv_text, c) : c;
                vv_e = ce;
                le = ne;
            }
            if (date.ok && date.start > vv_s && date.start < vv_e) {
                vv_e = line_start(t, date.start);
                vv_text = NULL;
            }
            trim(t, &vv_s, &vv_e);
            if (vv_s >= vv_e)
                vv.ok = false;
        }
    }

    /* values */
    if (type.ok) {
        h->type = vb_arena_strdup(&doc->arena, type.type);
    } else if (vv.ok) {
        h->type = vb_arena_strdup(&doc->arena, "Công văn");
    } else if (num.ok) {
        size_t s, e;
        if (first_code_segment(t, &num, &s, &e)) {
            const char *v = vb_lexicon_get(st->code_types, t->fold + s, e - s);
            if (v)
                h->type = vb_arena_strdup(&doc->arena, v);
        }
    }
    const char *type_code = NULL;
    if (h->type) {
        char *k = vb_fold_utf8(h->type, strlen(h->type));
        type_code = vb_lexicon_get(st->type_codes, k, strlen(k));
        free(k);
        if (type_code)
            h->type_code = vb_arena_strdup(&doc->arena, type_code);
    }
    if (num.ok) {
        h->number = restore_number(st, doc, &num, type_code, type.ok);
        h->number_span = vb_span_from_fold(t, num.num_s < num.code_s ? num.num_s : num.code_s, num.code_e);
    }
    if (date.ok) {
        h->date.iso = date.iso;
        h->date.text = vb_clean_fold_range(&doc->arena, t, date.start, date.end);
        h->date.span = vb_span_from_fold(t, date.start, date.end);
        if (date.place_s < date.place_e)
            h->place = repair_place(st, doc, vb_clean_fold_range(&doc->arena, t, date.place_s, date.place_e));
    }
    if (title) {
        h->title = title_text ? title_text : vb_clean_fold_range(&doc->arena, t, title_s, title_e);
        h->title_span = vb_span_from_fold(t, title_s, title_e);
    } else if (vv.ok) {
        h->title = vv_text ? vv_text : vb_clean_fold_range(&doc->arena, t, vv_s, vv_e);
        h->title_span = vb_span_from_fold(t, vv_s, vv_e);
    }

    /* issuer: above the first anchor, and left columns of merged lines */
    size_t left[4], n_left = 0;
    range heads[] = {nation, motto, party};
    for (size_t k = 0; k < 3; k++)
        if (heads[k].ok && heads[k].start > line_start(t, heads[k].start) &&
            (!num.ok || line_start(t, num.start) != line_start(t, heads[k].start) || num.start > heads[k].start))
            left[n_left++] = heads[k].start;
    if (num.ok && num.start > line_start(t, num.start))
        left[n_left++] = num.start;
    size_t block_s = find_issuer(st, doc, from, zone_s, left, n_left);

    /* the block */
    size_t end = 0;
    if (num.ok && num.end > end)
        end = num.end;
    if (date.ok && date.end > end)
        end = date.end;
    if (nation.ok && nation.end > end)
        end = nation.end;
    if (motto.ok && motto.end > end)
        end = motto.end;
    if (party.ok && party.end > end)
        end = party.end;
    if (type.ok && type.word_e > end)
        end = type.word_e;
    if (title && title_e > end)
        end = title_e;
    if (vv.ok && vv_e > end)
        end = vv_e;
    h->span = vb_span_from_fold(t, block_s, end);
    h->fold_end = end;
}


/* ----------------------------------------------- tables read by column */

/* A header laid out as a table that a converter wrote as text (a pandoc
 * grid table "+----+----+" with "| a | b |" rows, or a multiline table
 * between dashed rules) puts the lines of the two columns side by side,
 * and a cell's text wraps over several rows: "*Đông Anh, ngày 10 tháng 4
 * |" with "| V/v triển khai ... | năm 2025*" below it.  Such a table near
 * the top is read again column by column: a copy of the text in which
 * each cell's lines follow each other, the stage run on it, the values
 * kept and the spans mapped back to the input. */

#define TABLE_SEARCH_LINES 60
#define TABLE_TAIL_BYTES 8000
#define TABLE_MAX_LINES 40
/* Dashes of a multiline table's rule per column: shorter runs are the
 * rules drawn under the issuer and the motto. */
#define RULE_MIN_DASHES 12
#define MAX_COLS 8

typedef struct {
    size_t virt, orig, len;     /* a run of the copy taken from utf8[orig, orig+len) */
} run_map;

typedef struct {
    char *buf;
    size_t len, cap;
    VB_VEC(run_map) map;
} vtext;

static void vput(vtext *v, const char *s, size_t n, bool from_text, size_t orig)
{
    if (v->len + n + 1 > v->cap) {
        v->cap = (v->len + n + 1) * 2;
        v->buf = vb_xrealloc(v->buf, v->cap);
    }
    memcpy(v->buf + v->len, s, n);
    if (from_text && n) {
        run_map *r = VB_PUSH(v->map);
        r->virt = v->len;
        r->orig = orig;
        r->len = n;
    }
    v->len += n;
    v->buf[v->len] = 0;
}

/* The utf8 offset of the copy's offset `off`: inside a run, or the end of
 * the run before it. */
static size_t vmap(const vtext *v, size_t off)
{
    size_t lo = 0, hi = v->map.n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (v->map.v[mid].virt <= off)
            lo = mid;
        else
            hi = mid;
    }
    if (!v->map.n)
        return 0;
    const run_map *r = &v->map.v[lo];
    return r->orig + (off - r->virt < r->len ? off - r->virt : r->len);
}

static size_t uline_end(const char *u, size_t n, size_t i)
{
    const char *nl = i < n ? memchr(u + i, '\n', n - i) : NULL;
    return nl ? (size_t)(nl - u) : n;
}

/* Byte offset in utf8[ls,le) of display column `col` (combining marks
 * take no column): le when the line is shorter. */
static size_t col_offset(const char *u, size_t ls, size_t le, size_t col)
{
    size_t c = 0, i = ls;
    while (i < le && c < col) {
        unsigned char b = (unsigned char)u[i];
        size_t k = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        bool mark = b == 0xCC || (b == 0xCD && i + 1 < le && (unsigned char)u[i + 1] < 0xB0);
        if (!mark)
            c++;
        i += k;
    }
    return i < le ? i : le;
}

static size_t display_col(const char *u, size_t ls, size_t at)
{
    size_t c = 0;
    for (size_t i = ls; i < at; i++) {
        unsigned char b = (unsigned char)u[i];
        if ((b & 0xC0) == 0x80)
            continue;
        if (b == 0xCC || (b == 0xCD && i + 1 < at && (unsigned char)u[i + 1] < 0xB0))
            continue;
        c++;
    }
    return c;
}

/* Column starts of a rule line: a grid border ("+---+---+": the '+'s)
 * or a multiline table's dashed rule ("------ ------": the dash runs).
 * Returns the number of columns (0: not a rule), *grid which kind. */
static size_t rule_cols(const char *u, size_t ls, size_t le, size_t cols[], bool *grid)
{
    size_t i = ls;
    while (i < le && u[i] == ' ')
        i++;
    if (i >= le)
        return 0;
    if (u[i] == '+') {
        size_t n = 0;
        for (size_t k = i; k < le; k++) {
            char c = u[k];
            if (c == '+') {
                if (n < MAX_COLS + 1)
                    cols[n++] = display_col(u, ls, k);
            } else if (c != '-' && c != '=' && c != ':' && c != '\r') {
                return 0;
            }
        }
        *grid = true;
        return n >= 3 ? n - 1 : 0;
    }
    size_t n = 0;
    for (size_t k = i; k < le;) {
        if (u[k] == '-') {
            size_t b = k;
            while (k < le && u[k] == '-')
                k++;
            if (k - b < RULE_MIN_DASHES)
                return 0;
            if (n < MAX_COLS)
                cols[n++] = display_col(u, ls, b);
        } else if (u[k] == ' ' || u[k] == '\r') {
            k++;
        } else {
            return 0;
        }
    }
    *grid = false;
    return n >= 2 ? n : 0;
}

/* Appends the cells of one row block (lines [bs, be) of the table) column
 * by column, a blank line after each cell. */
static void put_block(vtext *v, const char *u, size_t n, size_t bs, size_t be, const size_t cols[],
                      size_t ncols, bool grid)
{
    for (size_t c = 0; c < ncols; c++) {
        bool any = false;
        for (size_t ls = bs; ls < be;) {
            size_t le = uline_end(u, n, ls);
            size_t a, b;
            if (grid) {
                a = col_offset(u, ls, le, cols[c] + 1);
                b = col_offset(u, ls, le, cols[c + 1]);
            } else {
                a = col_offset(u, ls, le, cols[c]);
                b = c + 1 < ncols ? col_offset(u, ls, le, cols[c + 1]) : le;
            }
            while (b > a && (u[b - 1] == ' ' || u[b - 1] == '\r'))
                b--;
            if (b > a) {
                vput(v, u + a, b - a, true, a);
                any = true;
            }
            vput(v, "\n", 1, false, 0);
            ls = le < n ? le + 1 : n;
        }
        if (any)
            vput(v, "\n", 1, false, 0);
    }
}

/* The copy of the text's top with the first table near it read column
 * by column; false when there is no such table.  *table_end: utf8
 * offset where the table ends; *tail_virt: where the text after it
 * starts in the copy. */
static bool linearize_table(const vb_text *t, vtext *v, size_t *table_start, size_t *table_end,
                            size_t *tail_virt)
{
    const char *u = t->utf8;
    size_t n = t->utf8_len;
    size_t cols[MAX_COLS + 1], ncols = 0, ts = 0;
    bool grid = false;
    size_t ls = 0;
    for (int l = 0; l < TABLE_SEARCH_LINES && ls < n; l++) {
        size_t le = uline_end(u, n, ls);
        ncols = rule_cols(u, ls, le, cols, &grid);
        if (ncols) {
            ts = ls;
            break;
        }
        ls = le < n ? le + 1 : n;
    }
    if (!ncols)
        return false;
    vput(v, u, ts, true, 0);
    size_t le = uline_end(u, n, ts);
    size_t i = le < n ? le + 1 : n, bs = i, end = n;
    bool closed = grid;
    for (int l = 0; i < n; l++) {
        le = uline_end(u, n, i);
        size_t k = i;
        while (k < le && u[k] == ' ')
            k++;
        size_t c2[MAX_COLS + 1];
        bool g2;
        bool rule = rule_cols(u, i, le, c2, &g2) && g2 == grid;
        bool blank = k >= le || (k + 1 == le && u[k] == '\r');
        if (grid && !rule && (k >= le || u[k] != '|')) {
            end = i;
            break;
        }
        /* a header table is short: dashed lines far apart are no table */
        if (!grid && l > TABLE_MAX_LINES)
            break;
        if (rule || (!grid && blank)) {
            put_block(v, u, n, bs, i, cols, ncols, grid);
            bs = le < n ? le + 1 : n;
            if (!grid && rule) {
                /* the closing rule of a multiline table */
                end = bs;
                closed = true;
                break;
            }
        }
        i = le < n ? le + 1 : n;
    }
    if (!closed)
        return false;
    *table_start = ts;
    *table_end = end;
    *tail_virt = v->len;
    size_t tail = n - end < TABLE_TAIL_BYTES ? n - end : TABLE_TAIL_BYTES;
    /* whole lines only */
    while (end + tail < n && tail > 0 && u[end + tail - 1] != '\n')
        tail--;
    vput(v, u + end, tail, true, end);
    return true;
}

/* Is u[i,e) an HTML tag ("<td>", "</p>", "<br />")?  Returns its length
 * or 0; *block tells a tag that breaks the line (a cell, a paragraph). */
static size_t html_tag(const char *u, size_t i, size_t e, bool *block)
{
    if (i + 2 >= e || u[i] != '<')
        return 0;
    size_t k = i + 1;
    if (u[k] == '/')
        k++;
    size_t ns = k;
    while (k < e && ((u[k] >= 'a' && u[k] <= 'z') || (u[k] >= 'A' && u[k] <= 'Z') || (u[k] >= '0' && u[k] <= '9')))
        k++;
    if (k == ns || k - ns > 10)
        return 0;
    size_t nl = k - ns;
    static const char *const blocks[] = {"br", "p", "td", "th", "tr", "div", "table", "tbody", "li", "h1", "h2", "h3"};
    *block = false;
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
        if (strlen(blocks[b]) == nl && !strncasecmp(u + ns, blocks[b], nl))
            *block = true;
    while (k < e && k < i + 300 && u[k] != '>' && u[k] != '<')
        k++;
    return k < e && u[k] == '>' ? k + 1 - i : 0;
}

/* The copy of the text's top with the cells of an HTML table (pandoc's
 * GitHub Markdown of a .docx: "<td><p><strong>ỦY BAN NHÂN DÂN</strong></p>")
 * on lines of their own and the tags left out; false when the top has
 * no table cell. */
static bool linearize_html(const vb_text *t, vtext *v, size_t *table_start, size_t *table_end,
                           size_t *tail_virt)
{
    const char *u = t->utf8;
    size_t n = t->utf8_len, ls = 0, first = n;
    for (int l = 0; l < TABLE_SEARCH_LINES && ls < n && first == n; l++) {
        size_t le = uline_end(u, n, ls);
        for (size_t i = ls; i + 3 < le; i++)
            if (u[i] == '<' && (u[i + 1] == 't' || u[i + 1] == 'T') &&
                (u[i + 2] == 'd' || u[i + 2] == 'D' || u[i + 2] == 'h' || u[i + 2] == 'H')) {
                first = ls;
                break;
            }
        ls = le < n ? le + 1 : n;
    }
    if (first == n)
        return false;
    size_t end = first + 3 * TABLE_TAIL_BYTES < n ? first + 3 * TABLE_TAIL_BYTES : n;
    while (end < n && u[end - 1] != '\n')
        end++;
    size_t run = 0;
    for (size_t i = 0; i < end;) {
        bool block = false;
        size_t k = html_tag(u, i, end, &block);
        if (k) {
            vput(v, u + run, i - run, true, run);
            if (block)
                vput(v, "\n", 1, false, 0);
            i += k;
            run = i;
        } else {
            i++;
        }
    }
    vput(v, u + run, end - run, true, run);
    *table_start = first;
    *table_end = end;
    /* the copy keeps the text's order: every offset maps back as it is */
    *tail_virt = 0;
    return true;
}

/* fold offset of the first character at or after utf8 offset `off`. */
static size_t fold_at_utf8(const vb_text *t, size_t off)
{
    size_t lo = 0, hi = t->fold_len;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->fold_map[mid] < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static vb_span map_span(const vb_text *t, const vtext *v, vb_span s)
{
    if (s.end <= s.start)
        return (vb_span){vb_utf8_to_input(t, vmap(v, s.start)), vb_utf8_to_input(t, vmap(v, s.start))};
    size_t a = vmap(v, s.start), b = vmap(v, s.end - 1) + 1;
    if (b < a) {
        size_t x = a;
        a = b - 1;
        b = x + 1;
    }
    return (vb_span){vb_utf8_to_input(t, a), vb_utf8_to_input(t, b)};
}

static char *keep(vb_document *doc, const char *s)
{
    return s ? vb_arena_strdup(&doc->arena, s) : NULL;
}

/* The header read from the table's copy, when it finds more there. */
static bool run_table(header_state *st, vb_document *doc)
{
    const vb_text *t = &doc->text;
    vtext v = {0};
    size_t table_start = 0, table_end = 0, tail_virt = 0;
    if (!linearize_table(t, &v, &table_start, &table_end, &tail_virt) &&
        (v.len = 0, v.map.n = 0, !linearize_html(t, &v, &table_start, &table_end, &tail_virt))) {
        free(v.buf);
        free(v.map.v);
        return false;
    }
    vb_document vd;
    memset(&vd, 0, sizeof vd);
    const char *err = NULL;
    bool ok = vb_text_decode(&vd.text, v.buf, v.len, &err);
    if (ok) {
        vb_text_fold(&vd.text);
        run_text(st, &vd);
        vb_header *h = &doc->header, *g = &vd.header;
        /* the copy is taken when its header has more of the values */
        int found_g = !!g->date.iso + !!g->title + !!g->place + !!g->number + !!g->type;
        int found_h = !!h->date.iso + !!h->title + !!h->place + !!h->number + !!h->type;
        /* ... or as many, the text's own reading having found its date
         * or number inside the table (where the columns mixed) */
        size_t in_s = vb_utf8_to_input(t, table_start), in_e = vb_utf8_to_input(t, table_end);
        bool inside = (h->date.iso && h->date.span.start >= in_s && h->date.span.start < in_e) ||
                      (h->number && h->number_span.start >= in_s && h->number_span.start < in_e);
        ok = found_g > found_h || (found_g == found_h && inside);
        if (ok) {
            h->issuer.n = 0;
            for (size_t i = 0; i < g->issuer.n; i++)
                *VB_PUSH(h->issuer) = keep(doc, g->issuer.v[i]);
            h->number = keep(doc, g->number);
            h->number_span = map_span(t, &v, g->number_span);
            h->place = keep(doc, g->place);
            h->date.iso = keep(doc, g->date.iso);
            h->date.text = keep(doc, g->date.text);
            h->date.span = map_span(t, &v, g->date.span);
            h->type = keep(doc, g->type);
            h->type_code = keep(doc, g->type_code);
            h->title = keep(doc, g->title);
            h->title_span = map_span(t, &v, g->title_span);
            h->span = map_span(t, &v, g->span);
            size_t fe = vd.text.fold_map[g->fold_end < vd.text.fold_len ? g->fold_end : vd.text.fold_len];
            size_t orig = fe < tail_virt ? table_end : vmap(&v, fe);
            h->fold_end = fold_at_utf8(t, orig);
            if (h->span.end < vb_utf8_to_input(t, t->fold_map[h->fold_end]))
                h->span.end = vb_utf8_to_input(t, t->fold_map[h->fold_end]);
        }
    }
    free(vd.header.issuer.v);
    free(vd.warnings.v);
    vb_text_release(&vd.text);
    vb_arena_free(&vd.arena);
    free(v.buf);
    free(v.map.v);
    return ok;
}

static void run(void *state, vb_document *doc)
{
    header_state *st = state;
    run_text(st, doc);
    run_table(st, doc);
}

const vb_stage vb_stage_header = {"header", init, run, fini};
