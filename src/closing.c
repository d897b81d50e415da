/*
 * closing.c - stage "closing": where the closing starts (doc->closing.span,
 * doc->body_fold_end), the recipients under "Nơi nhận" and the signer
 * (capacity, title, name).
 *
 * Where it starts.  Anchors are lines that open a closing: "Nơi nhận:"
 * (OCR "Noi nhgn"), a signing authority in capitals ("TM. ỦY BAN NHÂN
 * DÂN", "KT. CHỦ TỊCH", "T/M", also inside a line where OCR merged the
 * two columns), and, weaker, a signer's title alone on its line ("CHỦ
 * TỊCH") with a name just below it.  Anchors a few lines apart make one
 * cluster, a candidate closing.  A body may hold such words too, and
 * annexes hold forms with their own "Nơi nhận" and titles, so the closing
 * is the last cluster, unless the clusters after a signed one are forms
 * (blanks to fill in, no name) or come after an annex heading ("PHỤ
 * LỤC", "Mẫu số").  Only clusters before the first document issued with
 * this one count ("KẾ HOẠCH (Ban hành kèm theo Quyết định ...)", found by
 * the attachments stage): the closings after it are the attached
 * document's; when none stands before it (the signature block was lost)
 * the closing is empty and starts there.  The closing runs to the end of
 * the input; the attachment-spans stage ends it where the first
 * attachment starts.
 *
 * What it holds.  The closing's lines are cut into segments: a run of 4+
 * spaces or a ";" that ends a recipient separates the two columns that
 * OCR put on one line, and a text with no line breaks is cut where
 * closing.split says.  Each segment is then a recipient (a bullet after
 * "Nơi nhận"), a capacity, a title, a name, or noise.  The name is the
 * first name-shaped segment after the last capacity or title; failing
 * that, the last name-shaped segment that starts with a family name.
 * Names and titles broken over two lines (Markdown bold runs, table
 * cells) are joined.
 *
 * Patterns and the title lexicon: grammars/closing.vbg.  Strings are "as
 * written" (vb_clean_fold_range, NFC) and live in the document's arena.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "vb_internal.h"

enum {
    P_HEAD,
    P_HEAD_INLINE,
    P_CAPACITY,
    P_CAPACITY_INLINE,
    P_SPLIT,
    P_BULLET,
    P_ARCHIVE,
    P_RANK,
    P_NOT_NAME,
    P_STOP,
    P_ANNEX,
    P_FORM,
};

static const char *const pattern_names[] = {
    "closing.recipients_head", "closing.recipients_inline", "closing.capacity",
    "closing.capacity_inline", "closing.split",             "closing.bullet",
    "closing.archive",         "closing.rank",              "closing.not_name",
    "closing.stop",            "closing.annex",             "closing.form",
    NULL,
};

typedef struct {
    vb_matchers ms;
    const vb_lexicon *titles, *surnames;
} closing_state;

/* Anchors at most this many non-blank lines apart belong to one closing
 * (a recipients list is rarely longer). */
#define CLUSTER_GAP 30
/* A title line alone opens a closing only with a name this close below. */
#define TITLE_NAME_LINES 6
/* Longest line that can be a title or a name on its own. */
#define SHORT_LINE 80
/* A line this long is a text that lost its line breaks. */
#define LONG_LINE 400
#define MAX_NAME_WORDS 6
/* Closings tried from the last one back when the last ones are forms. */
#define MAX_TRIALS 200

static void *init(const vb_grammar *g, char *err, size_t err_size)
{
    closing_state *st = vb_xcalloc(1, sizeof *st);
    if (!vb_matchers_init(&st->ms, g, "closing", pattern_names, err, err_size)) {
        free(st);
        return NULL;
    }
    if (!(st->titles = vb_require_lexicon(g, "closing.titles", "closing", err, err_size)) ||
        !(st->surnames = vb_require_lexicon(g, "closing.surnames", "closing", err, err_size))) {
        vb_matchers_fini(&st->ms);
        free(st);
        return NULL;
    }
    return st;
}

static void fini(void *state)
{
    closing_state *st = state;
    if (!st)
        return;
    vb_matchers_fini(&st->ms);
    free(st);
}

/* ----------------------------------------------------------- helpers */

/* Length of an HTML tag at f[i] ("<br>", "<br />", "<td>", "</p>",
 * "<strong>"), 0 when none: a Markdown table's line break in a cell, or
 * the markup of an HTML table that pandoc's GitHub Markdown keeps. */
static size_t html_tag(const char *f, size_t i, size_t b)
{
    if (i + 2 >= b || f[i] != '<')
        return 0;
    size_t k = i + 1 + (f[i + 1] == '/');
    if (k >= b || f[k] < 'a' || f[k] > 'z')
        return 0;
    while (k < b && k < i + 80 && f[k] != '>' && f[k] != '<' && f[k] != '\n')
        k++;
    return k < b && f[k] == '>' ? k + 1 - i : 0;
}

/* "./." (the end of a body) in f[a,b)? */
static bool has_end_mark(const char *f, size_t a, size_t b)
{
    for (size_t i = a; i + 3 <= b; i++)
        if (f[i] == '.' && f[i + 1] == '/' && f[i + 2] == '.')
            return true;
    return false;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (unsigned char)c >= 0x80;
}

/* Trims white space off [*a, *b) (table pipes are already gone from the
 * fold). */
static void trim(const char *f, size_t *a, size_t *b)
{
    while (*a < *b && vb_is_space(f[*a]))
        (*a)++;
    while (*b > *a && vb_is_space(f[*b - 1]))
        (*b)--;
}

/* Runs pattern k anchored at the start of f[a,b) (patterns of this stage
 * start with \A, so the subject must begin at a). */
static bool match_at(vb_document *doc, closing_state *S, int k, size_t a, size_t b)
{
    return vb_match(doc, &S->ms.m[k], doc->text.fold + a, b - a, 0, 0) > 0;
}

/* Share of upper-case letters in fold[a,b) (by their original). */
static bool upper_run(const vb_text *t, size_t a, size_t b, double share)
{
    size_t up, lo;
    vb_case_counts(t, t->fold, a, b, &up, &lo);
    return up >= 2 && (double)up >= share * (double)(up + lo);
}

/* The input offset where a closing starting at fold offset `f` begins:
 * what the fold dropped before it (Markdown marks) goes with it. */
static size_t input_of_fold(const vb_text *t, size_t f)
{
    return vb_utf8_to_input(t, f ? vb_fold_char_end(t, f - 1) : 0);
}

/* ----------------------------------------------------------- words */

typedef enum { W_OTHER, W_LOWER, W_CAP, W_UPPER } wshape;

typedef struct {
    size_t a, b;
    wshape shape;
} word;

/* The shape of the word fold[a,b) from the case of its original letters.
 * Trailing "." or "," are allowed; digits and other marks make W_OTHER. */
static wshape word_shape(const vb_text *t, size_t a, size_t b)
{
    while (b > a && (t->fold[b - 1] == '.' || t->fold[b - 1] == ',' || t->fold[b - 1] == ';'))
        b--;
    if (a >= b)
        return W_OTHER;
    size_t up = 0, lo = 0, letters = 0, digits = 0;
    int first = 0;
    for (size_t i = a; i < b; i++) {
        char c = t->fold[i];
        /* OCR reads a letter as a digit now and then ("H6a" = Hòa) */
        if (c >= '0' && c <= '9' && i > a && ++digits == 1)
            continue;
        if (!is_alpha(c))
            return W_OTHER;
        if ((unsigned char)c >= 0x80)
            continue;       /* a letter the fold kept as it was: no case known */
        int k = vb_orig_case(t, i);
        if (letters++ == 0)
            first = k;
        if (k > 0)
            up++;
        else if (k < 0)
            lo++;
    }
    if (!letters)
        return W_OTHER;
    if (up == letters && letters >= 2)
        return W_UPPER;
    if (first > 0 && up == 1)
        return W_CAP;
    if (up == 0)
        return W_LOWER;
    return W_OTHER;
}

/* The words of fold[a,b), at most max of them in w; the count stops at
 * max + 1 ("more than max"). */
static size_t split_words(const vb_text *t, size_t a, size_t b, word *w, size_t max)
{
    size_t n = 0;
    for (size_t i = a; i < b && n <= max;) {
        while (i < b && vb_is_space(t->fold[i]))
            i++;
        if (i >= b)
            break;
        size_t s = i;
        while (i < b && !vb_is_space(t->fold[i]))
            i++;
        if (n < max) {
            w[n].a = s;
            w[n].b = i;
            w[n].shape = word_shape(t, s, i);
        }
        n++;
    }
    return n;
}

/* ----------------------------------------------------------- titles */

/* Longest title of the lexicon that fold[a,b) starts with (whole words);
 * returns its length or 0. */
static size_t title_prefix(const closing_state *S, const char *f, size_t a, size_t b,
                           const char **value)
{
    size_t best = 0;
    for (size_t i = 0; i < S->titles->n; i++) {
        const char *k = S->titles->entries[i].key;
        size_t kl = strlen(k);
        if (kl <= best || kl > b - a || memcmp(f + a, k, kl) != 0)
            continue;
        if (a + kl < b && is_alpha(f[a + kl]))
            continue;
        best = kl;
        if (value)
            *value = S->titles->entries[i].value;
    }
    return best;
}

/* A title of a signer in capitals filling fold[a,b) (it may go on with
 * the body it heads: "CHỦ TỊCH QUỐC HỘI"), or an OCR shape of one within
 * a few edits ("CHfJ TICH").  *fuzzy gets the lexicon's spelling when the
 * text is too damaged to be kept as written. */
static bool is_title(const closing_state *S, const vb_text *t, size_t a, size_t b,
                     const char **fuzzy)
{
    *fuzzy = NULL;
    while (a < b && !is_alpha(t->fold[a]))
        a++;
    while (b > a && !is_alpha(t->fold[b - 1]))
        b--;
    if (a >= b || b - a > SHORT_LINE || !upper_run(t, a, b, 0.7))
        return false;
    size_t kl = title_prefix(S, t->fold, a, b, NULL);
    if (kl)
        return true;
    /* "PHÓ ..." in capitals: a deputy of whatever head the lexicon lacks
     * ("PHÓ TRƯỞNG THUẾ TỈNH"), unless an OCR shape of a known title */
    bool deputy = b - a > 6 && memcmp(t->fold + a, "pho ", 4) == 0;
    if (b - a > 30)
        return deputy;
    size_t allow = (b - a) / 4;
    if (allow < 1)
        allow = 1;
    /* the first title at the least distance, among those within `allow`
     * (a farther one is never kept) */
    size_t bestd = allow + 1;
    const char *bestv = NULL;
    for (size_t i = 0; i < S->titles->n && bestd > 0; i++) {
        const char *k = S->titles->entries[i].key;
        size_t d = vb_edit_distance_within(t->fold + a, b - a, k, strlen(k), bestd - 1);
        if (d < bestd) {
            bestd = d;
            bestv = S->titles->entries[i].value;
        }
    }
    if (bestv && bestd <= allow && b - a >= 5) {
        *fuzzy = bestv;
        return true;
    }
    return deputy;
}

/* ------------------------------------------------------------ names */

/* A person's name filling fold[a,b): 2 to 6 capitalised words (or words in
 * capitals when `upper_ok`: those must start with a family name, and so
 * must any name when `need_surname`), no digits or marks, none of the
 * words of bodies and labels, not a title.  A rank before it ("Đại tá", "TS.") and
 * a note after it in brackets ("(đã ký)") and scan junk at its edges
 * are left out.  On success the name's range is [*na, *nb). */
static bool is_name(vb_document *doc, closing_state *S, size_t a, size_t b, bool upper_ok,
                    bool need_surname, size_t *na, size_t *nb)
{
    const vb_text *t = &doc->text;
    trim(t->fold, &a, &b);
    while (a < b && (t->fold[a] == '.' || t->fold[a] == ',' || t->fold[a] == '-' ||
                     t->fold[a] == '_' || t->fold[a] == '>' || vb_is_space(t->fold[a])))
        a++;
    if (a >= b || b - a > 2 * SHORT_LINE)
        return false;
    if (match_at(doc, S, P_RANK, a, b))
        a += vb_ovector(&S->ms.m[P_RANK])[1];
    const char *par = a < b ? memchr(t->fold + a, '(', b - a) : NULL;
    if (par)
        b = (size_t)(par - t->fold);
    trim(t->fold, &a, &b);
    if (a >= b || b - a > SHORT_LINE)
        return false;
    /* scan junk at the edges: words with no letter ("Nguyễn Văn A ~") */
    for (bool cut = true; cut && a < b;) {
        cut = false;
        size_t e = a;
        while (e < b && !vb_is_space(t->fold[e]))
            e++;
        size_t k = a;
        while (k < e && !(t->fold[k] >= 'a' && t->fold[k] <= 'z'))
            k++;
        /* a lone lower-case letter: a table rule or speck read as "l" */
        if (k + 1 == e && e < b && vb_orig_case(t, k) < 0 && vb_is_space(t->fold[e]))
            k = e;
        if (k == e && e < b) {
            a = e;
            trim(t->fold, &a, &b);
            cut = true;
        }
        size_t s2 = b;
        while (s2 > a && !vb_is_space(t->fold[s2 - 1]))
            s2--;
        k = s2;
        while (k < b && !(t->fold[k] >= 'a' && t->fold[k] <= 'z'))
            k++;
        if (k == b && s2 > a) {
            b = s2;
            trim(t->fold, &a, &b);
            cut = true;
        }
    }
    while (b > a && (t->fold[b - 1] == '.' || t->fold[b - 1] == ',' || t->fold[b - 1] == ';'))
        b--;
    if (a >= b)
        return false;
    word w[MAX_NAME_WORDS + 1];
    size_t n = split_words(t, a, b, w, MAX_NAME_WORDS + 1);
    if (n < 2 || n > MAX_NAME_WORDS)
        return false;
    size_t up = 0, with_digit = 0;
    for (size_t i = a; i < b; i++)
        with_digit += t->fold[i] >= '0' && t->fold[i] <= '9';
    if (with_digit > 1)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (w[i].shape == W_UPPER)
            up++;
        else if (w[i].shape != W_CAP)
            return false;
    }
    if (up && (!upper_ok || up != n))
        return false;
    /* "PHỤ\nLỤC II": a roman numeral is no part of a name */
    for (size_t i = 0; up && i < n; i++) {
        size_t k = w[i].a;
        while (k < w[i].b && strchr("ivxlc", t->fold[k]))
            k++;
        if (k == w[i].b)
            return false;
    }
    const char *sur = vb_lexicon_get(S->surnames, t->fold + w[0].a, w[0].b - w[0].a);
    if ((up || need_surname) && !sur)
        return false;
    if (up) {
        /* in capitals the diacritics tell "TRƯƠNG" from "TRƯỞNG" */
        char *orig = vb_clean_fold_range(&doc->arena, t, w[0].a, w[0].b);
        bool ascii = true;
        for (const char *c = orig; *c; c++)
            ascii &= (unsigned char)*c < 0x80;
        if (!ascii && strcmp(orig, vb_upper_utf8(&doc->arena, sur, strlen(sur))) != 0)
            return false;
    }
    if (vb_match(doc, &S->ms.m[P_NOT_NAME], t->fold + a, b - a, 0, 0) > 0)
        return false;
    const char *fz;
    if (title_prefix(S, t->fold, a, b, NULL) || (up && is_title(S, t, a, b, &fz)))
        return false;
    *na = a;
    *nb = b;
    return true;
}

/* ----------------------------------------------------------- anchors */

typedef struct {
    size_t pos;         /* fold offset where the closing would start */
    size_t nb;          /* index of its line among non-blank lines */
    int strong;
} anchor;

/* The capacity inside fold[ls,le) at p ("TM. ỦY BAN" in a merged line) is
 * real when its letters and what follows are in capitals. */
static bool capacity_in_caps(const vb_text *t, size_t p, size_t le)
{
    size_t e = p + 24 < le ? p + 24 : le;
    return upper_run(t, p, e, 0.8);
}

/* A line opens a closing?  0 no, 1 weak (a title alone), 2 strong.
 * *pos gets where the closing starts (the line start, or inside the line
 * after the body's end for texts that lost their breaks). */
static int anchor_of_line(vb_document *doc, closing_state *S, size_t ls, size_t le, size_t *pos)
{
    const vb_text *t = &doc->text;
    const char *f = t->fold;
    *pos = ls;
    size_t a = ls, b = le;
    trim(f, &a, &b);
    if (a >= b)
        return 0;
    /* a line of an HTML table ("<td><p><strong>KT. CHỦ TỊCH</strong>"):
     * its first text between tags */
    size_t ts = ls, te = le;
    if (html_tag(f, a, b)) {
        for (size_t k; a < b && (k = html_tag(f, a, b));) {
            a += k;
            trim(f, &a, &b);
        }
        for (size_t i = a; i < b; i++)
            if (html_tag(f, i, b)) {
                b = i;
                break;
            }
        trim(f, &a, &b);
        if (a >= b)
            return 0;
        ts = a;
        te = b;
    }
    if (b - a > LONG_LINE) {
        /* a text with no line breaks: "… thực hiện./. Nơi nhận: …" */
        vb_matcher *m = &S->ms.m[P_HEAD_INLINE];
        size_t last = (size_t)-1;
        for (size_t p = a; p < b && vb_next_match(doc, m, f, b, &p, 0);) {
            size_t hs, he;
            if (vb_group(m, "head", &hs, &he))
                last = hs;
        }
        vb_matcher *c = &S->ms.m[P_CAPACITY_INLINE];
        for (size_t p = a; p < b && vb_next_match(doc, c, f, b, &p, 0);) {
            size_t s = vb_ovector(c)[0];
            /* only right after the end of the body */
            if (capacity_in_caps(t, s, b) && has_end_mark(f, s > a + 8 ? s - 8 : a, s) &&
                (last == (size_t)-1 || s > last))
                last = s;
        }
        if (last != (size_t)-1) {
            *pos = last;
            return 2;
        }
        return 0;
    }
    if (vb_match(doc, &S->ms.m[P_HEAD], f + ts, te - ts, 0, 0) > 0)
        return 2;
    if (match_at(doc, S, P_CAPACITY, a, b)) {
        size_t bs, be;
        vb_matcher *m = &S->ms.m[P_CAPACITY];
        if (vb_group(m, "body", &bs, &be)) {
            bs += a;
            be += a;
            if (upper_run(t, a, be, 0.8) && be > bs + 2)
                return 2;
        }
    }
    vb_matcher *c = &S->ms.m[P_CAPACITY_INLINE];
    for (size_t p = a; p < b && vb_next_match(doc, c, f, b, &p, 0);) {
        size_t s = vb_ovector(c)[0];
        if (capacity_in_caps(t, s, b)) {
            /* after the body's last sentence on the same line the closing
             * starts at the capacity; after a recipient, at the line */
            if (has_end_mark(f, a, s))
                *pos = s;
            return 2;
        }
    }
    const char *fz;
    if (b - a <= SHORT_LINE && is_title(S, t, a, b, &fz))
        return 1;
    return 0;
}

/* Where each cluster of anchors starts (the closings a text may hold:
 * its own, and forms in its annexes), in text order, and for each whether
 * an annex heading stands between it and the cluster before. */
typedef struct {
    size_t pos;
    bool annex_before;
} cluster;
typedef VB_VEC(cluster) cluster_vec;

static void find_clusters(vb_document *doc, closing_state *S, size_t body, cluster_vec *out)
{
    const vb_text *t = &doc->text;
    const char *f = t->fold;
    size_t n = t->fold_len;
    VB_VEC(anchor) an = {0};
    VB_VEC(size_t) starts = {0};     /* non-blank line starts, for the title check */
    VB_VEC(size_t) annex = {0};      /* non-blank line numbers of annex headings */
    size_t nb = 0;
    bool late_header = doc->header.span.start > t->input_len / 2;
    for (size_t ls = 0; ls < n;) {
        const char *nl = memchr(f + ls, '\n', n - ls);
        size_t le = nl ? (size_t)(nl - f) : n;
        size_t a = ls, b = le;
        trim(f, &a, &b);
        if (a < b) {
            size_t pos;
            int k = anchor_of_line(doc, S, ls, le, &pos);
            /* the header's own lines are no closing (but a header found in
             * the second half of the text, after them, is a form's) */
            if (k && pos < body &&
                (!late_header || input_of_fold(t, pos) >= doc->header.span.start))
                k = 0;
            if (k) {
                anchor *x = VB_PUSH(an);
                x->pos = pos;
                x->nb = nb;
                x->strong = k == 2;
            } else if (match_at(doc, S, P_ANNEX, a, b)) {
                *VB_PUSH(annex) = nb;
            }
            *VB_PUSH(starts) = ls;
            nb++;
        }
        ls = le + 1;
    }
    bool strong = false;
    for (size_t i = 0; i < an.n; i++)
        strong |= an.v[i].strong;
    {
        /* a title line alone counts with a name just below it (in a
         * decision, "BỘ TRƯỞNG BỘ ..." heads the preamble, "Căn cứ ..."
         * follows) */
        size_t keep = 0;
        for (size_t i = 0; i < an.n; i++) {
            bool ok = an.v[i].strong;
            for (size_t k = an.v[i].nb + 1; !ok && k < starts.n && k <= an.v[i].nb + TITLE_NAME_LINES; k++) {
                size_t ls = starts.v[k];
                const char *nl = memchr(f + ls, '\n', n - ls);
                size_t le = nl ? (size_t)(nl - f) : n, na, nbb;
                if (le - ls > SHORT_LINE)
                    break;      /* running text: the title line was a heading */
                ok = is_name(doc, S, ls, le, true, false, &na, &nbb);
            }
            if (ok)
                an.v[keep++] = an.v[i];
        }
        an.n = keep;
    }
    /* clusters: strong anchors with what stands close before them; a
     * weak anchor alone after the last strong one makes none */
    size_t ai = 0, xi = 0;
    size_t prev_end = 0;
    bool have_prev = false;
    while (ai < an.n) {
        size_t first = ai, last = ai;
        while (last + 1 < an.n && an.v[last + 1].nb - an.v[last].nb <= CLUSTER_GAP)
            last++;
        bool has_strong = !strong;
        for (size_t i = first; i <= last; i++)
            has_strong |= an.v[i].strong;
        ai = last + 1;
        if (!has_strong)
            continue;
        bool ax = false;
        while (xi < annex.n && annex.v[xi] < an.v[first].nb) {
            ax |= have_prev && annex.v[xi] > prev_end;
            xi++;
        }
        cluster *c = VB_PUSH(*out);
        c->pos = an.v[first].pos;
        c->annex_before = ax;
        prev_end = an.v[last].nb;
        have_prev = true;
    }
    free(an.v);
    free(starts.v);
    free(annex.v);
}

/* ---------------------------------------------------------- the block */

typedef struct {
    vb_document *doc;
    closing_state *S;
    int mode;                   /* 0 before "Nơi nhận", 1 in the list, 2 after it */
    bool open_recipient;        /* the last recipient did not end with ";" */
    bool stop;
    bool form;                  /* blanks to fill in: a template */
    bool lone_bullet;           /* the last segment was a bullet alone */
    size_t nseg;
    bool sig_seen;              /* a capacity or title since the last name */
    bool cap_open;              /* the last segment was a capacity: its body may go on */
    bool cap_empty;             /* ... with nothing after "TL." yet */
    size_t pend_a, pend_b;      /* a single capitalised word after the title */
    bool name_open;             /* the name's bold run goes on: "**Lê Tấn\nCận**" */
    size_t lw_a, lw_b;          /* a word in capitals alone on the line above */
    char *lw_cap;               /* the capacity before that word was added to it */
    bool title_open;            /* the title ended in a comma */
    char *title;
    char *name;                 /* first name after a capacity or title */
    char *fallback;             /* last name-shaped segment */
    VB_VEC(char *) capacity;
    size_t nrecipient_lines;    /* bullet lines read as recipients so far */
} block;

static void segment(block *B, size_t a, size_t b, bool right);
static void capacity(block *B, size_t a, size_t b, size_t body);

static void add_recipient(block *B, size_t a, size_t b)
{
    const char *f = B->doc->text.fold;
    trim(f, &a, &b);
    bool ended = b > a && f[b - 1] == ';';
    while (b > a && (f[b - 1] == ';' || f[b - 1] == '.' || f[b - 1] == ',' || vb_is_space(f[b - 1])))
        b--;
    size_t letters = 0;
    for (size_t i = a; i < b; i++)
        letters += is_alpha(f[i]);
    if (letters < 2)
        return;
    *VB_PUSH(B->doc->closing.recipients) = vb_clean_fold_range(&B->doc->arena, &B->doc->text, a, b);
    B->open_recipient = !ended;
}

/* A capacity segment: "TM. ỦY BAN NHÂN DÂN", or with title and name on
 * the same line when the text lost its breaks ("TM. ỦY BAN NHÂN DÂN CHỦ
 * TỊCH Nguyễn Văn A"). */
static void capacity(block *B, size_t a, size_t b, size_t body)
{
    const vb_text *t = &B->doc->text;
    size_t cap_end = b;
    word w[64];
    size_t n = split_words(t, body, b, w, 64);
    /* the recipients column glued after it in a text with no line breaks
     * ("TM. UY BAN NHAN DAN - Ban TDKT Tinh; ..."): a bullet before a
     * word that is not in capitals */
    for (size_t i = 1; i + 1 < n && i < 64; i++) {
        if (w[i].b - w[i].a == 1 && (t->fold[w[i].a] == '-' || t->fold[w[i].a] == '+') &&
            (w[i + 1].shape == W_CAP || w[i + 1].shape == W_LOWER)) {
            size_t rest = w[i].a;
            capacity(B, a, rest, body);
            segment(B, rest, b, false);
            return;
        }
    }
    /* a trailing name */
    if (n <= 64) {
        size_t k = n;
        while (k > 0 && w[k - 1].shape == W_CAP)
            k--;
        size_t na, nb;
        if (n - k >= 2 && is_name(B->doc, B->S, w[k].a, b, false, false, &na, &nb)) {
            cap_end = w[k].a;
            if (!B->name)
                B->name = vb_clean_fold_range(&B->doc->arena, t, na, nb);
        }
        /* a title glued to the body when the line break was lost ("TM.
         * ỦY BAN THƯỜNG VỤ QUỐC HỘICHỦ TỊCH") */
        if (k > 1 && cap_end == b) {
            size_t e = w[k - 1].b;
            for (size_t i = 0; i < B->S->titles->n; i++) {
                const char *key = B->S->titles->entries[i].key;
                size_t kl = strlen(key);
                if (kl + 1 < e - w[0].a && memcmp(t->fold + e - kl, key, kl) == 0 &&
                    is_alpha(t->fold[e - kl - 1]) && !vb_is_space(t->fold[e - kl])) {
                    B->title = vb_clean_fold_range(&B->doc->arena, t, e - kl, e);
                    cap_end = e - kl;
                    k = 0;
                    break;
                }
            }
        }
        /* a title after the body's first word ("KT. CHỦ TỊCH PHÓ CHỦ TỊCH") */
        for (size_t i = 1; i < k; i++) {
            const char *v = NULL;
            if (w[i].a >= cap_end)
                break;
            size_t kl = title_prefix(B->S, t->fold, w[i].a, cap_end, &v);
            if (kl) {
                B->title = vb_clean_fold_range(&B->doc->arena, t, w[i].a, cap_end);
                cap_end = w[i].a;
                break;
            }
        }
    }
    trim(t->fold, &a, &cap_end);
    *VB_PUSH(B->capacity) = vb_clean_fold_range(&B->doc->arena, t, a, cap_end);
    B->sig_seen = !B->name;
    B->cap_open = cap_end == b;
    size_t ba = body, bb = cap_end;
    trim(t->fold, &ba, &bb);
    B->cap_empty = ba >= bb;
}

/* An odd number of "**" in the input behind fold[a,b): a bold run that
 * goes on to the next line. */
static bool bold_open(const vb_text *t, size_t a, size_t b)
{
    if (a >= b)
        return false;
    size_t ua = t->fold_map[a], ub = vb_fold_char_end(t, b - 1);
    /* the marks the fold dropped at the edges of the line */
    while (ua > 0 && t->utf8[ua - 1] == '*')
        ua--;
    while (ub < t->utf8_len && t->utf8[ub] == '*')
        ub++;
    size_t marks = 0;
    for (size_t i = ua; i + 1 < ub; i++)
        if (t->utf8[i] == '*' && t->utf8[i + 1] == '*') {
            marks++;
            i++;
        }
    return marks % 2 == 1;
}

/* Where a signer's title in capitals ends a recipient's line fold[a,b)
 * (the right column read onto the same row by OCR): the start of the
 * title, or b.  The recipient before it must have running text. */
static size_t title_tail(block *B, size_t a, size_t b)
{
    const vb_text *t = &B->doc->text;
    size_t e = b;
    while (e > a && (t->fold[e - 1] == ';' || t->fold[e - 1] == ',' || vb_is_space(t->fold[e - 1])))
        e--;
    word w[24];
    size_t n = split_words(t, a, e, w, 24);
    if (n < 3 || n > 24)
        return b;
    for (size_t i = 2; i < n; i++) {
        size_t kl = title_prefix(B->S, t->fold, w[i].a, e, NULL);
        if (kl != e - w[i].a || !upper_run(t, w[i].a, e, 0.9))
            continue;
        size_t up, lo;
        vb_case_counts(t, t->fold, a, w[i].a, &up, &lo);
        return lo >= 3 ? w[i].a : b;
    }
    return b;
}

static void name_found(block *B, size_t na, size_t nb)
{
    char *s = vb_clean_fold_range(&B->doc->arena, &B->doc->text, na, nb);
    if (B->sig_seen && !B->name) {
        B->name = s;
        B->name_open = bold_open(&B->doc->text, na, nb);
    }
    B->fallback = s;
}

/* One piece of a segment: fold[a,b), one column.  `*right` when it is
 * the right column of a merged line (it cannot be a recipient then).
 * Returns where what is left of the piece starts (b: nothing), with
 * *right set for it: a loop in segment() goes on there, so that a long
 * line costs no deep recursion.  Patterns look at a bounded window. */
static size_t piece(block *B, size_t a, size_t b, bool *rightp)
{
    vb_document *doc = B->doc;
    closing_state *S = B->S;
    const vb_text *t = &doc->text;
    const char *f = t->fold;
    bool right = *rightp;
    trim(f, &a, &b);
    /* a hard line break of pandoc's Markdown ("**KT. CHỦ TỊCH**\") */
    size_t end = b;
    while (b > a && f[b - 1] == '\\')
        b--;
    trim(f, &a, &b);
    if (a >= b || B->stop)
        return end;
    size_t wb = b - a > LONG_LINE ? a + LONG_LINE : b;
    /* blanks after the signer's name belong to what follows (an annex) */
    if (!B->form && !B->name && vb_match(doc, &S->ms.m[P_FORM], f + a, wb - a, 0, 0) > 0)
        B->form = true;
    if (match_at(doc, S, P_STOP, a, wb)) {
        B->stop = true;
        return b;
    }
    vb_matcher *hm = &S->ms.m[P_HEAD];
    if (vb_match(doc, hm, f + a, wb - a, 0, 0) > 0) {
        size_t he = a + vb_ovector(hm)[1];
        B->mode = 1;
        B->open_recipient = false;
        *rightp = false;
        return he;
    }
    bool first = B->nseg++ == 0;
    bool lone = B->lone_bullet;
    B->lone_bullet = false;
    if (B->mode == 1 && !right && b - a == 1 && (f[a] == '-' || f[a] == '+')) {
        /* a bullet alone on its line, the recipient on the next */
        B->lone_bullet = true;
        return b;
    }
    if (lone && B->mode == 1 && !right && !match_at(doc, S, P_ARCHIVE, a, wb)) {
        const char *semi = memchr(f + a, ';', b - a);
        size_t re = semi ? (size_t)(semi - f) + 1 : b;
        add_recipient(B, a, re);
        *rightp = true;
        return re;
    }
    if (match_at(doc, S, P_BULLET, a, wb)) {
        size_t be = a + vb_ovector(&S->ms.m[P_BULLET])[1];
        /* a list with its "Nơi nhận:" lost opens the closing */
        if (first && B->mode == 0)
            B->mode = 1;
        const char *semi = memchr(f + be, ';', b - be);
        size_t re = semi ? (size_t)(semi - f) + 1 : b;
        if (match_at(doc, S, P_ARCHIVE, a, wb)) {
            /* "- Lưu: VT, PNV." ends the list; it is not a recipient.  A
             * text with no line breaks goes on after its full stop. */
            if (B->mode == 1)
                B->mode = 2;
            B->open_recipient = false;
            if (!semi)
                for (size_t i = be; i + 1 < b; i++)
                    if (f[i] == '.' && vb_is_space(f[i + 1])) {
                        re = i + 1;
                        break;
                    }
        } else if (B->mode == 1 && !right) {
            /* two columns read row by row (OCR): the signer's title at the
             * end of a recipient's line ("- Ban Thi đua - Khen thưởng
             * Trung ương PHÓ CHỦ TỊCH"), or the signer's name as the next
             * "recipient" of a line cut at "; -" ("- Thường trực Đảng
             * ủy; - Lan Thị Vân") */
            size_t cut = title_tail(B, be, re);
            size_t na, nb;
            if (cut < re) {
                add_recipient(B, be, cut);
                B->open_recipient = true;
                B->title = vb_clean_fold_range(&doc->arena, t, cut, re);
                B->sig_seen = true;
            } else if (B->sig_seen && B->title && !B->name && !semi && B->nrecipient_lines &&
                       is_name(doc, S, be, re, false, true, &na, &nb)) {
                name_found(B, na, nb);
            } else {
                add_recipient(B, be, re);
            }
            B->nrecipient_lines++;
        }
        *rightp = true;
        return re;
    }
    /* the body of a capacity wrapped to the next line ("TM. ỦY BAN NHÂN /
     * DÂN", "TL. / CỤC TRƯỞNG"); a title there is the signer's own unless
     * the capacity had no body yet */
    bool cap_open = B->cap_open, cap_empty = B->cap_empty;
    B->cap_open = B->cap_empty = false;
    /* a word in capitals alone on the line above and this line make a
     * title ("PHÓ\nCHỦ NHIỆM", "THỨ\nTRƯỞNG THƯỜNG TRỰC"): undo its
     * taking as part of the capacity */
    size_t lw_a = B->lw_a, lw_b = B->lw_b;
    char *lw_cap = B->lw_cap;
    B->lw_a = B->lw_b = 0;
    B->lw_cap = NULL;
    const char *fz0;
    if (lw_b && !right && b - a <= SHORT_LINE && upper_run(t, a, b, 0.7)) {
        char buf[2 * SHORT_LINE];
        size_t n1 = lw_b - lw_a;
        if (n1 + 1 + (b - a) < sizeof buf) {
            memcpy(buf, f + lw_a, n1);
            buf[n1] = ' ';
            memcpy(buf + n1 + 1, f + a, b - a);
            size_t kl = title_prefix(S, buf, 0, n1 + 1 + (b - a), NULL);
            if (kl > n1 || (n1 == 3 && memcmp(buf, "pho", 3) == 0)) {
                if (lw_cap)
                    B->capacity.v[B->capacity.n - 1] = lw_cap;
                B->title = vb_clean_fold_range(&doc->arena, t, lw_a, b);
                B->title_open = false;
                B->sig_seen = true;
                return b;
            }
        }
    }
    bool lone_word = !right && b - a <= 12 && upper_run(t, a, b, 0.8);
    for (size_t i = a; lone_word && i < b; i++)
        lone_word = !vb_is_space(f[i]);
    /* a title that ends in a comma goes on ("TRƯỞNG BAN CHÍNH SÁCH,\nTHUẾ
     * QUỐC TẾ") */
    bool title_open = B->title_open;
    B->title_open = false;
    if (title_open && B->title && !right && b - a <= SHORT_LINE && upper_run(t, a, b, 0.8) &&
        !match_at(doc, S, P_CAPACITY, a, b)) {
        B->title = vb_arena_printf(&doc->arena, "%s %s", B->title, vb_clean_fold_range(&doc->arena, t, a, b));
        B->title_open = f[b - 1] == ',';
        return b;
    }
    if (cap_open && B->capacity.n) {
        /* "KT. BỘ TRƯỞNG," goes on: "CHỦ NHIỆM" is the head's title */
        const char *c = B->capacity.v[B->capacity.n - 1];
        size_t cl = strlen(c);
        cap_empty |= cl && c[cl - 1] == ',';
    }
    if (cap_open && B->capacity.n && !right && b - a <= SHORT_LINE && upper_run(t, a, b, 0.8) &&
        !match_at(doc, S, P_CAPACITY, a, b) && (cap_empty || !is_title(S, t, a, b, &fz0))) {
        size_t na0, nb0;
        if (!is_name(doc, S, a, b, true, true, &na0, &nb0)) {
            char **c = &B->capacity.v[B->capacity.n - 1];
            /* the signer's title after the body on the same line ("VỀ HQ
             * PHÓ TRƯỞNG BAN") */
            size_t cut = b;
            word w[16];
            size_t nw = split_words(t, a, b, w, 16);
            for (size_t i = 1; i < nw && i < 16 && !cap_empty; i++)
                if (title_prefix(S, f, w[i].a, b, NULL) ||
                    (b - w[i].a > 6 && memcmp(f + w[i].a, "pho ", 4) == 0)) {
                    cut = w[i].a;
                    break;
                }
            if (lone_word)
                B->lw_cap = *c;
            if (cut > a) {
                size_t ce = cut;
                trim(f, &a, &ce);
                *c = vb_arena_printf(&doc->arena, "%s %s", *c, vb_clean_fold_range(&doc->arena, t, a, ce));
            }
            if (cut < b) {
                B->title = vb_clean_fold_range(&doc->arena, t, cut, b);
                B->title_open = f[b - 1] == ',';
                B->sig_seen = true;
                return b;
            }
            B->cap_open = true;
            if (lone_word) {
                B->lw_a = a;
                B->lw_b = b;
            }
            return b;
        }
    }
    /* the signature */
    if (match_at(doc, S, P_CAPACITY, a, wb)) {
        vb_matcher *m = &S->ms.m[P_CAPACITY];
        size_t bs, be;
        /* in capitals; a name after it on the same line (a table cell
         * read as one line) is not */
        if (vb_group(m, "body", &bs, &be) &&
            (upper_run(t, a, a + be, 0.7) || (be <= 2 * SHORT_LINE && capacity_in_caps(t, a, a + be)))) {
            capacity(B, a, b, a + bs);
            return b;
        }
    }
    const char *fz;
    if (is_title(S, t, a, b, &fz)) {
        /* specks of the scan before it ("; CHỦ TỊCH") are no part of it */
        size_t ta = a;
        while (ta < b && !is_alpha(f[ta]))
            ta++;
        B->title = fz ? vb_upper_utf8(&doc->arena, fz, strlen(fz))
                      : vb_clean_fold_range(&doc->arena, t, ta, b);
        B->title_open = f[b - 1] == ',';
        B->sig_seen = true;
        return b;
    }
    /* a title then a name on one line: "CHỦ TỊCH Nguyễn Văn A" */
    const char *v;
    size_t kl = title_prefix(S, f, a, b, &v);
    if (kl && upper_run(t, a, a + kl, 0.7)) {
        size_t na, nb;
        if (is_name(doc, S, a + kl, b, false, false, &na, &nb)) {
            B->title = vb_clean_fold_range(&doc->arena, t, a, a + kl);
            B->sig_seen = true;
            name_found(B, na, nb);
            return b;
        }
    }
    size_t na, nb;
    /* the rest of a bold name broken over two lines ("**Lê Tấn\nCận**") */
    bool name_open = B->name_open;
    B->name_open = false;
    if (name_open && B->name && !right && b - a <= SHORT_LINE) {
        word w1[3];
        size_t nw = split_words(t, a, b, w1, 3);
        if (nw >= 1 && nw <= 2 && w1[0].shape == W_CAP && (nw == 1 || w1[1].shape == W_CAP) &&
            vb_match(doc, &S->ms.m[P_NOT_NAME], f + a, b - a, 0, 0) <= 0) {
            B->name = vb_arena_printf(&doc->arena, "%s %s", B->name,
                                      vb_clean_fold_range(&doc->arena, t, a, b));
            B->fallback = B->name;
            return b;
        }
    }
    /* a name broken over two lines ("**Phùng\nThị Hồng Hà**"): the
     * single word above goes first */
    bool any_name = B->pend_b && B->sig_seen && !B->name &&
                    is_name(doc, S, B->pend_a, b, true, false, &na, &nb);
    if (!any_name)
        any_name = is_name(doc, S, a, b, B->sig_seen, !B->sig_seen, &na, &nb);
    B->pend_a = B->pend_b = 0;
    if (any_name) {
        name_found(B, na, nb);
        return b;
    }
    if (B->sig_seen && !B->name && !right && b - a <= SHORT_LINE) {
        word w1[2];
        if (split_words(t, a, b, w1, 2) == 1 && w1[0].shape == W_CAP) {
            B->pend_a = a;
            B->pend_b = b;
        }
    }
    /* a recipient that went on to the next line */
    if (B->mode == 1 && B->open_recipient && !right && doc->closing.recipients.n &&
        vb_orig_case(t, a) <= 0) {
        char **last = &doc->closing.recipients.v[doc->closing.recipients.n - 1];
        size_t e = b;
        /* its end, then the right column read onto the same row ("(b/c);
         * Đào Mỹ"): what follows the ";" is read on its own */
        const char *semi = memchr(f + a, ';', b - a);
        if (semi && (size_t)(semi - f) + 1 < b) {
            e = (size_t)(semi - f);
            *last = vb_arena_printf(&doc->arena, "%s %s", *last, vb_clean_fold_range(&doc->arena, t, a, e));
            B->open_recipient = false;
            *rightp = true;
            return e + 1;
        }
        while (e > a && (f[e - 1] == ';' || f[e - 1] == '.'))
            e--;
        *last = vb_arena_printf(&doc->arena, "%s %s", *last,
                                vb_clean_fold_range(&doc->arena, t, a, e));
        B->open_recipient = f[b - 1] != ';';
    }
    return b;
}

/* A column of a segment, fold[a,b): cut at "<br>" (or any tag of an
 * HTML table) into the lines it stands for, each read piece by piece. */
static void column(block *B, size_t a, size_t b, bool right)
{
    const char *f = B->doc->text.fold;
    size_t s = a;
    while (s < b && !B->stop) {
        size_t e = s, br = 0;
        while (e < b && !(br = html_tag(f, e, b)))
            e++;
        bool r = right;
        for (size_t p = s; p < e && !B->stop;) {
            size_t rest = piece(B, p, e, &r);
            if (rest <= p)
                break;
            p = rest;
        }
        s = e + br;
    }
}

/* One segment of the block: fold[a,b), cut into columns where a run of
 * 4+ spaces, a table's cell border or a tab separates them, each column
 * read piece by piece. */
static void segment(block *B, size_t a, size_t b, bool right)
{
    const vb_text *t = &B->doc->text;
    const char *f = t->fold;
    trim(f, &a, &b);
    size_t s = a;
    while (s < b && !B->stop) {
        size_t i = s + 1, e = b;
        for (; i < b; i++) {
            if (i + 4 <= b && vb_is_space(f[i]) && vb_is_space(f[i + 1]) && vb_is_space(f[i + 2]) &&
                vb_is_space(f[i + 3])) {
                e = i;
                break;
            }
            if (f[i] == ' ' && vb_cell_border(t, i)) {
                e = i;
                break;
            }
        }
        column(B, s, e, right);
        s = e;
        while (s < b && vb_is_space(f[s]))
            s++;
        right = true;
    }
}

/* Cuts a long line (a text with no line breaks) where closing.split says
 * and hands the pieces to segment(). */
static void line(block *B, size_t a, size_t b)
{
    vb_document *doc = B->doc;
    const char *f = doc->text.fold;
    vb_matcher *m = &B->S->ms.m[P_SPLIT];
    size_t s = a;
    for (size_t p = a; p < b && !B->stop && vb_next_match(doc, m, f, b, &p, 0);) {
        PCRE2_SIZE *ov = vb_ovector(m);
        size_t cut = ov[0], next = ov[1];
        /* the ";" stays with the recipient it ends */
        if (f[cut] == ';')
            cut++;
        if (cut > s)
            segment(B, s, cut, false);
        s = next > cut ? next : cut;
    }
    if (s < b)
        segment(B, s, b, false);
}

/* Reads the closing in fold[cs, n) into B and the document's
 * recipients. */
static void parse(vb_document *doc, closing_state *S, size_t cs, size_t n, block *B)
{
    const char *f = doc->text.fold;
    free(B->capacity.v);
    memset(B, 0, sizeof *B);
    B->doc = doc;
    B->S = S;
    doc->closing.recipients.n = 0;
    for (size_t ls = cs; ls < n && !B->stop;) {
        const char *nl = memchr(f + ls, '\n', n - ls);
        size_t le = nl ? (size_t)(nl - f) : n;
        line(B, ls, le);
        ls = le + 1;
    }
}

static void run(void *state, vb_document *doc)
{
    closing_state *S = state;
    const vb_text *t = &doc->text;
    doc->closing.span.start = doc->closing.span.end = t->input_len;
    doc->body_fold_end = t->fold_len;

    size_t body = doc->header.fold_end <= t->fold_len ? doc->header.fold_end : 0;
    cluster_vec cl = {0};
    find_clusters(doc, S, body, &cl);
    /* the closings from the first document issued with this one on are
     * that document's */
    size_t issued = t->fold_len;
    for (size_t i = 0; i < doc->attachments.n; i++)
        if (doc->attachments.v[i].issued) {
            issued = doc->attachments.v[i].fold_start;
            break;
        }
    while (cl.n && cl.v[cl.n - 1].pos >= issued)
        cl.n--;
    if (!cl.n) {
        free(cl.v);
        doc->body_fold_end = issued;
        doc->closing.span.start = issued < t->fold_len ? input_of_fold(t, issued) : t->input_len;
        return;
    }
    /* the last closing, unless it is a form (in an annex, with no name or
     * with blanks to fill in) after a signed one */
    block B;
    memset(&B, 0, sizeof B);
    size_t pick = cl.n - 1;
    bool later_forms = true, annex_after = false;
    for (size_t c = cl.n; c-- > 0 && c + MAX_TRIALS >= cl.n;) {
        parse(doc, S, cl.v[c].pos, c + 1 < cl.n ? cl.v[c + 1].pos : issued, &B);
        bool named = (B.name || B.fallback) && !B.form;
        if (named && (c == cl.n - 1 || annex_after || later_forms)) {
            pick = c;
            break;
        }
        later_forms &= B.form;
        annex_after |= cl.v[c].annex_before;
    }
    size_t cs = cl.v[pick].pos;
    size_t n_cl = cl.n, next_pos = pick + 1 < cl.n ? cl.v[pick + 1].pos : issued;
    free(cl.v);
    parse(doc, S, cs, pick + 1 < n_cl ? next_pos : issued, &B);
    doc->body_fold_end = cs;
    doc->closing.span.start = input_of_fold(t, cs);
    doc->closing.signer_title = B.title;
    doc->closing.signer_name = B.name ? B.name : B.fallback;
    if (B.capacity.n) {
        char *c = B.capacity.v[0];
        for (size_t i = 1; i < B.capacity.n; i++)
            c = vb_arena_printf(&doc->arena, "%s %s", c, B.capacity.v[i]);
        doc->closing.signer_capacity = c;
    }
    free(B.capacity.v);
}

const vb_stage vb_stage_closing = {"closing", init, run, fini};
