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
};

static const char *const pattern_names[] = {
    "header.banner",     "header.motto_nation", "header.motto_motto", "header.motto_party",
    "header.number",     "header.date",         "header.vv",          "header.title_stop",
    "header.authority",  "header.body_start",   "header.place_lower", NULL,
};

typedef struct {
    vb_matchers ms;
    const vb_lexicon *types, *type_codes, *code_types, *codes, *code_parts;
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
                                      "header.codes", "header.code_parts"};
    const vb_lexicon **const dst[] = {&st->types, &st->type_codes, &st->code_types, &st->codes,
                                      &st->code_parts};
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

typedef struct {
    bool ok;
    size_t start, end;          /* the whole match */
    size_t num_s, num_e;        /* register number, num_s == num_e when blank */
    size_t code_s, code_e;
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
    /* "số 94/2025/QH15" opening a wrapped line of the body */
    if (!colon && !upper_at(doc, so_start))
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
    number_match n = {false, 0, 0, 0, 0, 0, 0};
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
static char *restore_number(header_state *st, vb_document *doc, const number_match *n, const char *type_code)
{
    const vb_text *t = &doc->text;
    char buf[256];
    size_t o = 0;
    for (size_t i = n->num_s; i < n->num_e && o + 1 < sizeof buf; i++)
        buf[o++] = t->fold[i];
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

static int parse_int(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return n ? v : -1;
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
        if ((c >= '0' && c <= '9') || c == '/' || c == '(' || c == ')' || c == ';' || c == ':')
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
        size_t edge = ls;
        for (size_t k = 0; k < n_edges; k++)
            if (left_edges[k] > edge && left_edges[k] <= anchor)
                edge = left_edges[k];
        size_t ps = edge, pe = anchor;
        trim(t, &ps, &pe);
        while (ps < pe && is_deco(t->fold[ps]))
            ps++;
        bool place = ps < pe && place_ok(st, doc, ps, pe);
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
        d.ok = true;
        d.start = ngay;
        d.end = me;
        d.place_s = ps;
        d.place_e = pe;
        if (day > 0 && de - ds <= 2 && valid_day(y, mo, day))
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

/* Lines after the type line, up to a blank line or a line that cannot
 * belong to the title.  A blank line is crossed when the next line goes
 * on in lower case (documents exported with blank lines between lines). */
static bool find_title(header_state *st, vb_document *doc, size_t from, size_t *ts, size_t *te)
{
    const vb_text *t = &doc->text;
    size_t i = from, first_s = 0, last_e = 0, lines = 0, blanks = 0;
    bool have = false, title_upper = false;
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
        if (line_matches(st, doc, P_TITLE_STOP, cs, ce) || line_matches(st, doc, P_AUTHORITY, cs, ce))
            break;
        char *orig = vb_clean_fold_range(&doc->arena, t, cs, ce);
        size_t ol = strlen(orig);
        if (have) {
            if (blanks) {
                /* crossing a blank line: only a lower-case continuation */
                vb_word_shape sh = vb_word_shape_of(orig, strcspn(orig, " "));
                if (sh != VB_WORD_LOWER)
                    break;
            }
            /* a stamp or label line ("Chuyển:"), or a change from a title
             * in capitals to running text */
            if (ol && orig[ol - 1] == ':')
                break;
            if (title_upper && !vb_mostly_upper(orig, ol, 0.5))
                break;
            if (!title_upper && vb_mostly_upper(orig, ol, 0.9) && ol > 12)
                break;
            char prev = last_e > 0 ? t->fold[last_e - 1] : '\0';
            if (prev == '.' || prev == ';')
                break;
        } else {
            if (!has_letter(t, cs, ce))
                break;
            first_s = cs;
            title_upper = vb_mostly_upper(orig, ol, 0.8);
        }
        have = true;
        last_e = ce;
        lines++;
        blanks = 0;
        if (last_e - first_s > 600)
            break;
        i = next;
    }
    if (!have)
        return false;
    *ts = first_s;
    *te = last_e;
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

static void run(void *state, vb_document *doc)
{
    header_state *st = state;
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
    bool title = false;
    if (type.ok) {
        if (long_line)
            title = title_inline(st, doc, type.word_e, &title_s, &title_e);
        else if (type.rest_s)
            title = find_title(st, doc, type.rest_s, &title_s, &title_e);
        else
            title = find_title(st, doc, line_end(t, type.line_e) < t->fold_len ? line_end(t, type.line_e) + 1
                                                                             : t->fold_len,
                               &title_s, &title_e);
    }

    /* V/v subject: the title of a Công văn */
    range vv = {false, 0, 0};
    size_t vv_s = 0, vv_e = 0;
    if (!type.ok) {
        vv = match_at(st, doc, P_VV, zone_s, zone_e);
        if (vv.ok) {
            vv_s = vv.end;
            /* up to the date line, a blank line or "Kính gửi"; "V/v" may
             * stand alone with the subject below it */
            size_t i = vv.end;
            vv_e = line_end(t, i);
            bool empty = blank_line(t, vv_s, vv_e);
            for (int l = 0; l < 3; l++) {
                size_t ns = vv_e + 1;
                if (ns >= t->fold_len)
                    break;
                size_t ne = line_end(t, ns);
                if (blank_line(t, ns, ne) || (date.ok && date.start < ne && date.end > ns) ||
                    line_matches(st, doc, P_TITLE_STOP, ns, ne))
                    break;
                size_t cs = ns, ce = ne;
                trim(t, &cs, &ce);
                char *c = vb_clean_fold_range(&doc->arena, t, cs, ce);
                if (!empty && vb_word_shape_of(c, strcspn(c, " ")) != VB_WORD_LOWER)
                    break;
                if (empty)
                    vv_s = cs;
                empty = false;
                vv_e = ne;
            }
            if (date.ok && date.start > vv_s && date.start < vv_e)
                vv_e = line_start(t, date.start);
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
        h->number = restore_number(st, doc, &num, type_code);
        h->number_span = vb_span_from_fold(t, num.num_s < num.code_s ? num.num_s : num.code_s, num.code_e);
    }
    if (date.ok) {
        h->date.iso = date.iso;
        h->date.text = vb_clean_fold_range(&doc->arena, t, date.start, date.end);
        h->date.span = vb_span_from_fold(t, date.start, date.end);
        if (date.place_s < date.place_e)
            h->place = vb_clean_fold_range(&doc->arena, t, date.place_s, date.place_e);
    }
    if (title) {
        h->title = vb_clean_fold_range(&doc->arena, t, title_s, title_e);
        h->title_span = vb_span_from_fold(t, title_s, title_e);
    } else if (vv.ok) {
        h->title = vb_clean_fold_range(&doc->arena, t, vv_s, vv_e);
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

const vb_stage vb_stage_header = {"header", init, run, fini};
