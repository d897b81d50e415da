/*
 * lines.c - the line table of the section stage: a view of the fold with
 * virtual breaks for text that lost its own, and the shape of every line
 * (see lines.h).  Owns nothing of the document; the section stage frees
 * the table when it is done.
 */
#include <stdlib.h>
#include <string.h>

#include "lines.h"

/* Widths above this count as this in the wrap-width histogram: no line
 * of wrapped text is that wide, so the exact value does not matter. */
#define WIDTH_CAP 4096

void vb_case_counts(const vb_text *t, const char *view, size_t a, size_t b, size_t *upper,
                    size_t *lower)
{
    size_t up = 0, lo = 0;
    if (b > t->fold_len)
        b = t->fold_len;
    for (size_t i = a; i < b; i++) {
        char c = view[i];
        if (c < 'a' || c > 'z')
            continue;
        int k = t->fold_case[i];
        up += k > 0;
        lo += k < 0;
    }
    *upper = up;
    *lower = lo;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* The previous word (before view[pos], a space) is written in capitals:
 * "… THỰC HIỆN 1. Ban …" has lost the break after a heading.  A year or
 * other number after that word belongs to the heading ("… THI ĐUA NĂM
 * 2022 1. Phong trào …"). */
static bool caps_word_before(const vb_text *t, const char *v, size_t pos)
{
    size_t e = pos;
    for (int word = 0; word < 2; word++) {
        while (e > 0 && is_space(v[e - 1]))
            e--;
        size_t s = e;
        bool digits = true;
        while (s > 0 && !is_space(v[s - 1]) && v[s - 1] != '\n') {
            s--;
            digits = digits && v[s] >= '0' && v[s] <= '9';
        }
        if (digits && s < e && !word) {
            e = s;
            continue;
        }
        size_t up, lo;
        vb_case_counts(t, v, s, e, &up, &lo);
        return up >= 2 && lo == 0;
    }
    return false;
}

/* "2.1" or "2.1." follows the space at pos: a dotted number is rare
 * enough in running text to split on it after any word. */
static bool dotted_after(const char *v, size_t len, size_t pos)
{
    size_t i = pos + 1;
    size_t d = 0;
    while (i < len && v[i] >= '0' && v[i] <= '9')
        i++, d++;
    return d > 0 && i + 1 < len && v[i] == '.' && v[i + 1] >= '0' && v[i + 1] <= '9';
}

/* "a) " and a capital follow the space at pos, after a word that is not
 * "điểm": "… hội nghị hiệp thương a) Ban Thường trực …" opens a list of
 * points run in after a title; "tại điểm a) Khoản 1" cites one. */
static bool first_point_after(const vb_text *t, const char *v, size_t len, size_t pos)
{
    size_t i = pos + 1;
    if (i + 4 >= len || v[i] != 'a' || v[i + 1] != ')' || !is_space(v[i + 2]))
        return false;
    size_t j = i + 2;
    while (j < len && is_space(v[j]))
        j++;
    if (j >= len || vb_orig_case(t, j) <= 0)
        return false;
    size_t e = pos;
    while (e > 0 && is_space(v[e - 1]))
        e--;
    return !(e >= 4 && !memcmp(v + e - 4, "diem", 4) && (e == 4 || is_space(v[e - 5]) || v[e - 5] == '\n'));
}

static void split_line(vb_document *doc, char *v, size_t a, size_t b, vb_matcher *split)
{
    size_t pos = a;
    while (pos < b && vb_next_match(doc, split, v, b, &pos, 0)) {
        PCRE2_SIZE *ov = vb_ovector(split);
        size_t s, e;
        bool ok = false;
        if (vb_group(split, "stop", &s, &e))
            ok = true;
        else if (vb_group(split, "word", &s, &e))
            ok = caps_word_before(&doc->text, v, s) || dotted_after(v, b, s) ||
                 first_point_after(&doc->text, v, b, s);
        else
            s = ov[0], e = ov[1];
        if (ok && e == s + 1)
            v[s] = '\n';
    }
}

/* Upper-case roman numbers after the ends of sentences in view[a,b):
 * "… như sau: I. MỤC ĐÍCH … hiệu quả. II. NỘI DUNG …" is an outline run
 * together on one line, not a paragraph that cites a number. */
static size_t run_in_romans(vb_document *doc, const char *v, size_t a, size_t b, vb_matcher *split,
                            size_t enough)
{
    size_t n = 0;
    for (size_t pos = a; n < enough && pos < b && vb_next_match(doc, split, v, b, &pos, 0);) {
        size_t s, e;
        if (vb_group(split, "stop", &s, &e)) {
            size_t i = e;
            while (i < b && (v[i] == 'i' || v[i] == 'v' || v[i] == 'x'))
                i++;
            if (i > e && i < b && v[i] == '.' && vb_orig_case(&doc->text, e) > 0)
                n++;
        }
    }
    return n;
}

size_t vb_lines_find(const vb_lines *L, size_t off)
{
    size_t lo = 0, hi = L->v.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (L->v.v[mid].start <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? lo - 1 : 0;
}

/* utf8 offset where view line starting at `start` begins in the text,
 * including marks the fold dropped ("**", "#"). */
static size_t line_utf8_start(const vb_text *t, size_t start)
{
    return start ? vb_fold_char_end(t, start - 1) : 0;
}

static void shape(vb_lines *L, const vb_text *t, vb_line *ln)
{
    const char *v = L->view;
    size_t a = ln->start, b = ln->end;
    while (a < b && is_space(v[a]))
        a++;
    while (b > a && is_space(v[b - 1]))
        b--;
    ln->text = a;
    ln->text_end = b;
    if (ln->start > 0 && t->fold[ln->start - 1] != '\n')
        ln->flags |= VB_LINE_VSTART;
    if (ln->end < L->len && t->fold[ln->end] != '\n')
        ln->flags |= VB_LINE_VEND;
    /* the fold drops '*' and turns '|' into a space: look at the text */
    size_t u = line_utf8_start(t, ln->start), ue = a < t->fold_len ? t->fold_map[a] : t->utf8_len;
    while (u < ue && (t->utf8[u] == ' ' || t->utf8[u] == '\t'))
        u++;
    /* a table row has cells; a lone | at a line start is an OCR'd I */
    size_t ul = ln->end < t->fold_len ? t->fold_map[ln->end] : t->utf8_len;
    if (u < ul && t->utf8[u] == '|' && memchr(t->utf8 + u + 1, '|', ul - u - 1))
        ln->flags |= VB_LINE_TABLE;
    if (u + 1 < t->utf8_len && t->utf8[u] == '*' && (t->utf8[u + 1] == ' ' || t->utf8[u + 1] == '\t'))
        ln->flags |= VB_LINE_BULLET;
    if (a == b) {
        ln->flags |= VB_LINE_BLANK;
        return;
    }
    size_t alnum = 0;
    for (size_t i = a; i < b && alnum < 3; i++)
        alnum += (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9');
    if (alnum < 3)
        ln->flags |= VB_LINE_NOISE;
    size_t e = b;
    while (e > a && (v[e - 1] == '"' || v[e - 1] == '\'' || v[e - 1] == ')' || v[e - 1] == ']'))
        e--;
    if (e > a && strchr(".;:!?", v[e - 1]))
        ln->flags |= VB_LINE_STOP;
    if (v[a] >= 'a' && v[a] <= 'z' && vb_orig_case(t, a) < 0)
        ln->flags |= VB_LINE_LOWER;
    size_t up, lo;
    vb_case_counts(t, v, a, b, &up, &lo);
    if (up >= 2 && lo * 5 <= up)
        ln->flags |= VB_LINE_CAPS;
}

/* A rule of a table a converter drew: pandoc's "+-----+----+" (grid),
 * "-----  ------" (simple: dash runs with gaps, *grouped) or a solid run
 * of dashes (the frame of a multiline table), Markdown's "|---|".  */
static bool rule_line(const char *v, const vb_line *ln, bool *grouped)
{
    size_t dashes = 0, runs = 0;
    bool in = false;
    for (size_t i = ln->text; i < ln->text_end; i++) {
        char c = v[i];
        if (c == '-' || c == '=') {
            dashes++;
            runs += !in;
            in = true;
        } else if (c == ' ' || c == '\t' || c == '+' || c == ':' || c == '|') {
            in = false;
        } else {
            return false;
        }
    }
    *grouped = runs >= 2;
    return dashes >= 3;
}

/* The line holds a number alone ("1", "2.") or a number and a tab: a cell
 * of the TT column of a table flattened to text. */
static bool number_cell(const char *v, const vb_line *ln, bool *item)
{
    size_t i = ln->text;
    while (i < ln->text_end && v[i] >= '0' && v[i] <= '9')
        i++;
    *item = false;
    if (i == ln->text || i - ln->text > 3)
        return false;
    if (i < ln->text_end && (v[i] == '.' || v[i] == ')'))
        i++;
    if (i == ln->text_end || v[i] == '\t')
        return true;
    /* "3. Kinh phí": an item with its text; the table is over ("10
     * triệu" is a cell) */
    *item = v[i] == ' ' && (v[i - 1] == '.' || v[i - 1] == ')');
    return false;
}

/* Tables without '|' rows: pandoc's grid, simple and multiline tables
 * and a table flattened to one cell per line under a TT/STT header.  Their
 * numbered rows are no items of the outline. */
static void mark_tables(vb_lines *L, vb_document *doc, const vb_lines_limits *lim)
{
    vb_line *v = L->v.v;
    size_t n = L->v.n;
    for (size_t i = 0; i < n; i++) {
        bool grouped;
        if ((v[i].flags & VB_LINE_BLANK) || !rule_line(L->view, &v[i], &grouped))
            continue;
        if (!grouped) {
            /* a multiline table: a solid rule, a header, a grouped rule,
             * rows, a solid rule; a lone solid rule is a separator */
            size_t j = i + 1;
            bool inner = false, g;
            for (; j < n && j - i <= lim->table_max_lines; j++)
                if (!(v[j].flags & VB_LINE_BLANK) && rule_line(L->view, &v[j], &g)) {
                    if (!g)
                        break;
                    inner = true;
                }
            if (j < n && j - i <= lim->table_max_lines && inner) {
                for (size_t k = i; k <= j; k++)
                    v[k].flags |= VB_LINE_TABLE;
                i = j;
            }
            continue;
        }
        /* a simple table: the header above the rule, the rows below it
         * to a blank line */
        v[i].flags |= VB_LINE_TABLE;
        if (i > 0 && !(v[i - 1].flags & VB_LINE_BLANK))
            v[i - 1].flags |= VB_LINE_TABLE;
        for (size_t j = i + 1; j < n && !(v[j].flags & VB_LINE_BLANK); j++)
            v[j].flags |= VB_LINE_TABLE;
    }
    if (!lim->table_head)
        return;
    bool in = false;
    size_t blanks = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].flags & VB_LINE_BLANK) {
            if (++blanks >= 2)
                in = false;
            continue;
        }
        blanks = 0;
        if (vb_match(doc, lim->table_head, L->view, v[i].text_end, v[i].start, PCRE2_ANCHORED) > 0) {
            in = true;
            v[i].flags |= VB_LINE_TABLE;
            continue;
        }
        bool item = false;
        if (in && number_cell(L->view, &v[i], &item))
            v[i].flags |= VB_LINE_TABLE;
        else if (item)
            in = false;
    }
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

bool vb_lines_short_first(const vb_lines *L, const unsigned char *numbered, unsigned pct)
{
    VB_VEC(size_t) r = {0};
    const vb_line *v = L->v.v;
    for (size_t i = 0; i + 2 < L->v.n; i++) {
        if ((v[i].flags & VB_LINE_BLANK) || (i > 0 && !(v[i - 1].flags & VB_LINE_BLANK)))
            continue;
        /* plain paragraphs only: a title line before its body is short
         * by nature ("Điều 1. Phạm vi điều chỉnh") */
        if ((v[i].flags & (VB_LINE_CAPS | VB_LINE_BULLET | VB_LINE_STOP)) || numbered[i])
            continue;
        /* the second line goes on with the sentence: a wrap, not a title */
        if (!(v[i + 1].flags & VB_LINE_LOWER) || (v[i + 2].flags & VB_LINE_BLANK))
            continue;
        size_t w1 = v[i].text_end - v[i].text, w2 = v[i + 1].text_end - v[i + 1].text;
        if (w2 >= 40)
            *VB_PUSH(r) = w1 * 100 / w2;
    }
    bool yes = false;
    if (r.n >= 3) {
        qsort(r.v, r.n, sizeof *r.v, cmp_size);
        yes = r.v[r.n / 2] < pct;
    }
    free(r.v);
    return yes;
}

void vb_lines_build(vb_lines *L, vb_document *doc, vb_matcher *split, vb_matcher *bullet,
                    const vb_lines_limits *lim)
{
    const vb_text *t = &doc->text;
    memset(L, 0, sizeof *L);
    L->len = t->fold_len;
    L->view = vb_xmalloc(L->len + 1);
    memcpy(L->view, t->fold, L->len);
    L->view[L->len] = 0;

    /* lines holding text: blank lines and a final newline say nothing
     * about whether the text kept its breaks (a one-line document ends
     * with one) */
    size_t nl = 0;
    bool text = false;
    for (size_t i = 0; i < L->len; i++) {
        if (L->view[i] == '\n') {
            nl += text;
            text = false;
        } else if (!is_space(L->view[i])) {
            text = true;
        }
    }
    nl += text;
    /* a text of a few lines cannot show that it kept its breaks */
    bool unbroken = nl && (L->len / nl > lim->unbroken_avg || nl <= lim->unbroken_max_lines);
    size_t split_above = unbroken ? lim->split_min : lim->split_always;
    for (size_t a = 0; a < L->len;) {
        const char *nlp = memchr(L->view + a, '\n', L->len - a);
        size_t b = nlp ? (size_t)(nlp - L->view) : L->len;
        if (b - a > split_above ||
            (b - a > lim->split_min && run_in_romans(doc, L->view, a, b, split, 2) >= 2))
            split_line(doc, L->view, a, b, split);
        a = b + 1;
    }

    size_t *hist = vb_xcalloc(WIDTH_CAP + 1, sizeof *hist);
    size_t counted = 0;
    for (size_t a = 0;;) {
        const char *nlp = memchr(L->view + a, '\n', L->len - a);
        size_t b = nlp ? (size_t)(nlp - L->view) : L->len;
        vb_line *ln = VB_PUSH(L->v);
        memset(ln, 0, sizeof *ln);
        ln->start = a;
        ln->end = b;
        shape(L, t, ln);
        if (!(ln->flags & VB_LINE_BLANK)) {
            size_t w = ln->text_end - ln->text;
            hist[w > WIDTH_CAP ? WIDTH_CAP : w]++;
            counted++;
        }
        if (!nlp)
            break;
        a = b + 1;
    }
    /* the width that 90% of the lines stay within: the wrap column of
     * hard-wrapped text, a paragraph's length in unwrapped text */
    size_t want = counted - counted / 10, seen = 0;
    L->wrap = WIDTH_CAP;
    for (size_t w = 0; w <= WIDTH_CAP && counted; w++) {
        seen += hist[w];
        if (seen >= want) {
            L->wrap = w;
            break;
        }
    }
    free(hist);
    /* text that was never hard-wrapped (a line per paragraph, or a few
     * short lines) has no wrap width: a line as wide as the widest says
     * nothing there.  Hard wrapping shows in lines that go on with a
     * sentence in lower case. */
    size_t lower = 0;
    for (size_t i = 1; i < L->v.n; i++)
        lower += (L->v.v[i].flags & VB_LINE_LOWER) && !(L->v.v[i - 1].flags & (VB_LINE_BLANK | VB_LINE_STOP));
    if (lower < lim->wrapped_min_lines)
        L->wrap = WIDTH_CAP;
    size_t full = L->wrap * lim->long_pct / 100;
    for (size_t i = 0; i < L->v.n; i++) {
        vb_line *ln = &L->v.v[i];
        if (!(ln->flags & VB_LINE_BLANK) && ln->text_end - ln->text >= full && full > 0)
            ln->flags |= VB_LINE_LONG;
    }

    mark_tables(L, doc, lim);

    for (size_t pos = 0; pos < L->len && vb_next_match(doc, bullet, L->view, L->len, &pos, 0);) {
        PCRE2_SIZE *ov = vb_ovector(bullet);
        L->v.v[vb_lines_find(L, ov[0])].flags |= VB_LINE_BULLET;
        /* one bullet per line: go on at the next line */
        const char *nlp = memchr(L->view + ov[0], '\n', L->len - ov[0]);
        if (!nlp)
            break;
        pos = (size_t)(nlp - L->view) + 1;
    }
}

void vb_lines_free(vb_lines *L)
{
    free(L->view);
    free(L->v.v);
    memset(L, 0, sizeof *L);
}
