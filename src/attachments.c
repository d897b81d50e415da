/*
 * attachments.c - stages "attachments" and "attachment-spans": the
 * documents a text carries after its own signature (doc->attachments).
 *
 * A decision issues a plan or a regulation "ban hành kèm theo", a cover
 * letter carries Phụ lục 1, 2, 3, a regulation ends with its forms.  Each
 * starts with a heading line:
 *   - a type line in capitals ("KẾ HOẠCH", "QUY CHẾ LÀM VIỆC …") with a
 *     "(Ban hành) kèm theo …" line under it: a document issued with the
 *     main one ("issued"; the closing stage looks for the main closing
 *     before the first of these, and when the signature block was lost
 *     the main document ends there); "PHỤ LỤC I" with such a line too;
 *   - "PHỤ LỤC I", "Mẫu số 01", "Biểu số 02";
 *   - a heading in capitals that names an annex by its content ("DANH
 *     SÁCH …", "BIỂU MẪU …"), or a type line under a header block of its
 *     own ("BÁO CÁO" under the motto): only as the first thing after the
 *     closing or with a "kèm theo" line, since a plan may have such
 *     sub-headings and an appendix such forms.
 * A run of form headings a few lines apart is a list of forms (an annex's
 * table of contents), not the forms themselves.  An attachment that opens
 * with its own header (issuer, motto, number) starts there.
 *
 * The first stage runs before the closing stage and records every
 * heading after the header as a candidate.  The second runs after it and
 * keeps those at or after the closing's start: the main closing ends where
 * the first one starts, each runs to the next, the last to the end of the
 * input, so that preamble, body sections, closing and attachments tile the
 * input.  The sections stage builds each attachment's tree after the
 * body's (ids "A1/I.1").
 *
 * Patterns and the type lexicon: grammars/attachments.vbg; the mottos are
 * the header's (header.motto_*), the number and date lines too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "vb_internal.h"

enum {
    P_DOC_TYPE,
    P_ATTACHED_BY,
    P_ISSUED_WITH,
    P_ANNEX,
    P_FORM,
    P_LIST,
    P_NATION,
    P_MOTTO,
    P_PARTY,
    P_NUMBER,
    P_DATE,
};

static const char *const pattern_names[] = {
    "attachments.doc_type", "attachments.attached_by", "attachments.issued_with",
    "attachments.annex",    "attachments.form",        "attachments.list",
    "header.motto_nation",  "header.motto_motto",      "header.motto_party",
    "header.number",        "header.date",             NULL,
};

typedef struct {
    vb_matchers ms;
    const vb_lexicon *types;
} att_state;

/* Lines under a heading where its title and "kèm theo" line may stand. */
#define TITLE_LINES 6
/* A title found without a "kèm theo" line: at most this many lines. */
#define PLAIN_TITLE_LINES 3
/* Longest heading line (a title on the heading line included). */
#define HEADING_MAX 200
/* A heading this short may go on on the next line ("Mẫu số" / "01."). */
#define BROKEN_MAX 12
/* A line at least this long that ends in a word wraps a sentence. */
#define OPEN_LINE_MIN 60
/* Form headings this many non-blank lines apart make a list of forms. */
#define LIST_GAP 4
/* Lines above a heading that may be its own header block. */
#define OWN_HEADER_LINES 8
/* Lines in capitals above the motto in that block (the issuer). */
#define ISSUER_LINES 3
/* Lines of body a document issued with the main one needs before it. */
#define BODY_BEFORE 2

static void *init(const vb_grammar *g, char *err, size_t err_size)
{
    att_state *st = vb_xcalloc(1, sizeof *st);
    if (!vb_matchers_init(&st->ms, g, "attachments", pattern_names, err, err_size)) {
        free(st);
        return NULL;
    }
    if (!(st->types = vb_require_lexicon(g, "attachments.types", "attachments", err, err_size))) {
        vb_matchers_fini(&st->ms);
        free(st);
        return NULL;
    }
    return st;
}

static void fini(void *state)
{
    att_state *st = state;
    if (!st)
        return;
    vb_matchers_fini(&st->ms);
    free(st);
}

/* A non-blank line of the fold: [ls, le) the line, [a, b) its text. */
typedef struct {
    size_t ls, le, a, b;
} fline;
typedef VB_VEC(fline) fline_vec;

static bool upper_run(const vb_text *t, size_t a, size_t b, double share)
{
    size_t up, lo;
    vb_case_counts(t, t->fold, a, b, &up, &lo);
    return up >= 2 && (double)up >= share * (double)(up + lo);
}

static size_t input_of_fold(const vb_text *t, size_t f)
{
    return vb_utf8_to_input(t, f ? vb_fold_char_end(t, f - 1) : 0);
}

/* Pattern k anchored at fold offset a, over fold[a, b). */
static bool match_at(vb_document *doc, att_state *S, int k, size_t a, size_t b)
{
    return vb_match(doc, &S->ms.m[k], doc->text.fold + a, b - a, 0, 0) > 0;
}

/* Group `name` of the last match of pattern k, as fold offsets (the
 * subject started at `base`); false when unset or empty. */
static bool group(att_state *S, int k, const char *name, size_t base, size_t *s, size_t *e)
{
    if (!vb_group(&S->ms.m[k], name, s, e) || *e <= *s)
        return false;
    *s += base;
    *e += base;
    return true;
}

/* The type as written for the folded words fold[a, b) (runs of white
 * space as one). */
static const char *type_of(att_state *S, const vb_text *t, size_t a, size_t b)
{
    char key[64];
    size_t n = 0;
    for (size_t i = a; i < b && n + 1 < sizeof key; i++) {
        if (vb_is_space(t->fold[i])) {
            if (n && key[n - 1] != ' ')
                key[n++] = ' ';
        } else {
            key[n++] = t->fold[i];
        }
    }
    return vb_lexicon_get(S->types, key, n);
}

static bool is_motto(vb_document *doc, att_state *S, const fline *l)
{
    static const int mottos[] = {P_NATION, P_MOTTO, P_PARTY};
    for (size_t k = 0; k < sizeof mottos / sizeof mottos[0]; k++)
        if (vb_match(doc, &S->ms.m[mottos[k]], doc->text.fold + l->a, l->b - l->a, 0, 0) > 0)
            return true;
    return false;
}

/* A motto on one of the lines [from, to) of L. */
static bool motto_in(vb_document *doc, att_state *S, const fline_vec *L, size_t from, size_t to)
{
    for (size_t k = from; k < to && k < L->n; k++)
        if (is_motto(doc, S, &L->v[k]))
            return true;
    return false;
}

/* A line of a header block: motto, issuer in capitals, number, place and
 * date, a rule (of a pandoc grid table too). */
static bool is_rule(const char *f, const fline *l)
{
    size_t rule = 0;
    for (size_t i = l->a; i < l->b; i++)
        rule += f[i] == '-' || f[i] == '_' || f[i] == '=' || f[i] == '.' || f[i] == '+' || vb_is_space(f[i]);
    return rule == l->b - l->a;
}

static bool header_like(vb_document *doc, att_state *S, const fline *l)
{
    const char *f = doc->text.fold;
    if (is_rule(f, l))
        return true;
    if (is_motto(doc, S, l))
        return true;
    if (vb_match(doc, &S->ms.m[P_NUMBER], f + l->a, l->b - l->a, 0, 0) > 0 ||
        vb_match(doc, &S->ms.m[P_DATE], f + l->a, l->b - l->a, 0, 0) > 0)
        return l->b - l->a < 120;
    return l->b - l->a < 80 && upper_run(&doc->text, l->a, l->b, 0.8);
}

/* Where an attachment whose heading is line i starts: at its own header
 * block above the heading when it has one (a motto among the lines just
 * above, issuer lines in capitals over it), else at the heading.  Not
 * before line `lo`. */
static size_t own_header_start(vb_document *doc, att_state *S, const fline_vec *L, size_t i, size_t lo)
{
    size_t start = i;
    bool motto = false, last_rule = false;
    size_t above_motto = 0;
    for (size_t j = i; j-- > lo && i - j <= OWN_HEADER_LINES;) {
        const fline *l = &L->v[j];
        if (!header_like(doc, S, l))
            break;
        if (is_motto(doc, S, l)) {
            motto = true;
            above_motto = 0;
            start = j;
            continue;
        }
        /* number and date lines under the motto go with it; issuer
         * lines above it, a few, and the rules of their table */
        if (motto && ++above_motto > ISSUER_LINES)
            break;
        if (motto && is_rule(doc->text.fold, l)) {
            /* two rules in a row: the one above closes what stands
             * before (the signature's table) */
            if (last_rule)
                break;
            last_rule = true;
            if (l->le + 1 == L->v[j + 1].ls)
                start = j;
            continue;
        }
        last_rule = false;
        if (motto)
            start = j;
    }
    return motto ? start : i;
}

/* The first "số N/CODE" of the line l and the next one, as written
 * without spaces; NULL when none. */
static char *issued_with(vb_document *doc, att_state *S, const fline_vec *L, size_t l)
{
    const vb_text *t = &doc->text;
    size_t a = L->v[l].a, b = l + 1 < L->n ? L->v[l + 1].b : L->v[l].b;
    vb_matcher *m = &S->ms.m[P_ISSUED_WITH];
    if (vb_match(doc, m, t->fold + a, b - a, 0, 0) <= 0)
        return NULL;
    size_t s, e;
    if (!group(S, P_ISSUED_WITH, "num", a, &s, &e))
        return NULL;
    char *w = vb_clean_fold_range(&doc->arena, t, s, e);
    size_t o = 0;
    for (size_t i = 0; w[i]; i++)
        if (w[i] != ' ')
            w[o++] = w[i];
    w[o] = 0;
    return w;
}

/* Joins the cleaned text of lines [from, to) of L, after fold offset
 * `at` on the first. */
static char *title_of(vb_document *doc, const fline_vec *L, size_t from, size_t to, size_t at)
{
    char *out = NULL;
    for (size_t k = from; k < to; k++) {
        size_t a = k == from && at > L->v[k].a ? at : L->v[k].a;
        if (a >= L->v[k].b)
            continue;
        char *s = vb_clean_fold_range(&doc->arena, &doc->text, a, L->v[k].b);
        if (!*s)
            continue;
        out = out ? vb_arena_printf(&doc->arena, "%s %s", out, s) : s;
    }
    if (out) {
        /* a bracket or colon left at the edges by the Markdown */
        size_t n = strlen(out);
        while (n && (out[n - 1] == ':' || out[n - 1] == ' '))
            out[--n] = 0;
    }
    return out && *out ? out : NULL;
}

/* A line of L[from, to) opens with an item number ("1.", "a)"): a short
 * form's fields, where a list of forms has only their titles. */
static bool numbered_between(const char *f, const fline_vec *L, size_t from, size_t to)
{
    for (size_t k = from; k < to && k < L->n; k++) {
        size_t a = L->v[k].a, b = L->v[k].b;
        if (a + 1 < b && ((f[a] >= '0' && f[a] <= '9') || (f[a] >= 'a' && f[a] <= 'z' && f[a + 1] == ')')))
            return true;
    }
    return false;
}

enum { K_ISSUED = 2, K_HEADING = 1, K_NAMED = 0 };

/* The candidate whose heading is line i, or false.  *next gets the first
 * line after its heading block (title, "kèm theo" line). */
static bool heading_at(vb_document *doc, att_state *S, const fline_vec *L, size_t i, vb_attachment *c,
                       int *kind, size_t *next)
{
    const vb_text *t = &doc->text;
    const fline *l = &L->v[i];
    if (l->b - l->a > HEADING_MAX)
        return false;
    memset(c, 0, sizeof *c);
    *next = i + 1;
    size_t ts = 0, te = 0, s, e;
    bool typed = match_at(doc, S, P_DOC_TYPE, l->a, l->b) && group(S, P_DOC_TYPE, "type", l->a, &ts, &te) &&
                 upper_run(t, ts, te, 0.8);
    size_t os, oe;
    bool own_only = typed && group(S, P_DOC_TYPE, "own", l->a, &os, &oe);
    typed &= !own_only;
    /* the "kèm theo" line under the heading, if any */
    size_t by = (size_t)-1;
    for (size_t q = i + 1; typed && q < L->n && q <= i + TITLE_LINES; q++)
        if (match_at(doc, S, P_ATTACHED_BY, L->v[q].a, L->v[q].b)) {
            by = q;
            break;
        }
    typed &= by != (size_t)-1;
    int k = -1;
    size_t hb = l->b;
    static const int heads[] = {P_ANNEX, P_FORM, P_LIST};
    for (size_t h = 0; !typed && h < sizeof heads / sizeof heads[0] && k < 0; h++) {
        if (match_at(doc, S, heads[h], l->a, l->b))
            k = heads[h];
        else if (l->b - l->a <= BROKEN_MAX && i + 1 < L->n &&
                 match_at(doc, S, heads[h], l->a, L->v[i + 1].b)) {
            /* "Mẫu số" / "01. Sổ báo cáo …": the heading goes on */
            k = heads[h];
            hb = L->v[i + 1].b;
            *next = i + 2;
        }
    }
    /* a type line under a header block of its own (motto, number) is
     * another document even without a "kèm theo" line */
    bool own_header = false;
    if (!typed && k < 0 && by == (size_t)-1 && ts < te && match_at(doc, S, P_DOC_TYPE, l->a, l->b) &&
        upper_run(t, ts, te, 0.8) && own_header_start(doc, S, L, i, 0) != i) {
        own_header = true;
        k = P_DOC_TYPE;
    }
    if (!typed && k < 0)
        return false;
    for (size_t q = i + 1; !typed && by == (size_t)-1 && q < L->n && q <= i + TITLE_LINES; q++)
        if (match_at(doc, S, P_ATTACHED_BY, L->v[q].a, L->v[q].b))
            by = q;
    if (typed) {
        size_t title_at = l->b;
        if (vb_group(&S->ms.m[P_DOC_TYPE], "title", &s, &e))
            title_at = l->a + s;
        c->type = type_of(S, t, ts, te);
        c->title = title_of(doc, L, i, by, title_at);
        c->issued_with = issued_with(doc, S, L, by);
        *kind = K_ISSUED;
        c->typed = true;
        *next = by + 1;
        return c->type != NULL;
    }
    if (k < 0 || !group(S, k, "type", l->a, &ts, &te))
        return false;
    /* a wrapped sentence goes on at the line start ("… theo Mẫu số 02
     * tại" / "Phụ lục X ban hành …"): the line above is full and open */
    if (i > 0 && L->v[i - 1].le + 1 == l->ls) {
        const fline *p = &L->v[i - 1];
        char last = doc->text.fold[p->b - 1];
        if (p->b - p->a >= OPEN_LINE_MIN && ((last >= 'a' && last <= 'z') || last == ','))
            return false;
    }
    if ((k == P_LIST || own_header) && !upper_run(t, l->a, l->b, 0.8))
        return false;
    c->type = type_of(S, t, ts, te);
    if (!c->type)
        return false;
    if (group(S, k, "num", l->a, &s, &e)) {
        char *w = vb_clean_fold_range(&doc->arena, t, s, e);
        size_t o = 0;
        for (size_t q = 0; w[q]; q++)
            if (w[q] != ' ' || (o && w[o - 1] != '/' && w[q + 1] != '/'))
                w[o++] = w[q];
        w[o] = 0;
        c->number = w;
    }
    size_t title_at = hb;
    if (vb_group(&S->ms.m[k], "title", &s, &e))
        title_at = l->a + s;
    size_t first = *next - 1;   /* the heading's last line */
    if (title_at < hb) {
        c->title = title_of(doc, L, first, first + 1, title_at);
    } else if (own_header) {
        /* the title runs to the first blank line or numbered part */
        size_t to = *next;
        while (to < L->n && to < *next + PLAIN_TITLE_LINES && L->v[to].ls == L->v[to - 1].le + 1 &&
               !numbered_between(t->fold, L, to, to + 1))
            to++;
        c->title = title_of(doc, L, *next, to, 0);
        *next = to;
    } else if (by != (size_t)-1 && by > *next - 1) {
        if (!motto_in(doc, S, L, *next, by + 1))
            c->title = title_of(doc, L, *next, by, 0);
    } else {
        /* lines in capitals under it, up to a numbered part; with a
         * motto just below they are the form's own header, no title */
        size_t to = *next;
        while (to < L->n && to < *next + PLAIN_TITLE_LINES && upper_run(t, L->v[to].a, L->v[to].b, 0.8) &&
               !match_at(doc, S, P_ATTACHED_BY, L->v[to].a, L->v[to].b))
            to++;
        if (!motto_in(doc, S, L, *next, to + 2))
            c->title = title_of(doc, L, *next, to, 0);
        if (by == (size_t)-1)
            *next = to;
    }
    if (by != (size_t)-1) {
        c->issued_with = issued_with(doc, S, L, by);
        *next = by + 1;
    }
    /* a heading that says only what the annex holds, or a document under
     * its own header: an attachment right after the closing, else a part
     * of the annex before it (a form of a report in an appendix); an
     * appendix that says what it goes with ends the main document as a
     * plan issued with it does (its signature block may be lost) */
    *kind = (k == P_LIST && by == (size_t)-1) || own_header ? K_NAMED
            : k == P_ANNEX && by != (size_t)-1 ? K_ISSUED
                                               : K_HEADING;
    return true;
}

/* The line after the first BODY_BEFORE lines of running text (not
 * header lines), or L->n: a document issued "kèm theo" with nothing but a
 * header above it is the text's own header (a plan crawled without its
 * decision).  Asked once per text, so a text of nothing but such
 * headings costs one pass. */
static size_t body_line(vb_document *doc, att_state *S, const fline_vec *L)
{
    size_t n = 0;
    for (size_t k = 0; k < L->n; k++)
        if (!header_like(doc, S, &L->v[k]) && ++n == BODY_BEFORE)
            return k + 1;
    return L->n;
}

/* ------------------------------------------------------ stage 1: headings */

static void run_heads(void *state, vb_document *doc)
{
    att_state *S = state;
    const vb_text *t = &doc->text;
    const char *f = t->fold;
    size_t n = t->fold_len;
    doc->attachments.n = 0;
    size_t body = doc->header.fold_end <= n ? doc->header.fold_end : 0;

    fline_vec L = {0};
    for (size_t ls = body; ls < n;) {
        const char *nl = memchr(f + ls, '\n', n - ls);
        size_t le = nl ? (size_t)(nl - f) : n;
        size_t a = ls, b = le;
        while (a < b && (vb_is_space(f[a]) || f[a] == '>'))
            a++;
        while (b > a && vb_is_space(f[b - 1]))
            b--;
        if (a < b) {
            fline *x = VB_PUSH(L);
            x->ls = ls;
            x->le = le;
            x->a = a;
            x->b = b;
        }
        ls = le + 1;
    }
    VB_VEC(size_t) line_of = {0};   /* heading line of each candidate */
    VB_VEC(int) kinds = {0};
    size_t lo = 0;                  /* no own header block above this line */
    size_t text_from = (size_t)-1;  /* the first line after some running text */
    for (size_t i = 0; i < L.n;) {
        vb_attachment c;
        int kind;
        size_t next;
        if (!heading_at(doc, S, &L, i, &c, &kind, &next)) {
            i++;
            continue;
        }
        if (kind == K_ISSUED && text_from == (size_t)-1)
            text_from = body_line(doc, S, &L);
        if (kind == K_ISSUED && i < text_from) {
            i = next;
            continue;
        }
        size_t start = own_header_start(doc, S, &L, i, lo);
        c.fold_start = L.v[start].ls;
        c.heading_fold = L.v[i].ls;
        c.issued = kind == K_ISSUED;
        c.named_only = kind == K_NAMED;
        *VB_PUSH(doc->attachments) = c;
        *VB_PUSH(line_of) = i;
        *VB_PUSH(kinds) = kind;
        lo = next;
        i = next;
    }
    /* a form heading with the next one a few lines below and only a
     * title between is an entry of a list of the forms, not a form */
    size_t keep = 0;
    for (size_t k = 0; k < doc->attachments.n; k++) {
        vb_attachment *c = &doc->attachments.v[k];
        bool listed = k + 1 < doc->attachments.n && kinds.v[k] != K_ISSUED && kinds.v[k + 1] != K_ISSUED &&
                      line_of.v[k + 1] - line_of.v[k] <= LIST_GAP &&
                      c->type == doc->attachments.v[k + 1].type &&
                      !numbered_between(f, &L, line_of.v[k] + 1, line_of.v[k + 1]);
        if (!listed)
            doc->attachments.v[keep++] = *c;
    }
    doc->attachments.n = keep;
    free(L.v);
    free(line_of.v);
    free(kinds.v);
}

/* ------------------------------------------------- stage 2: what is kept */

static void *init_spans(const vb_grammar *g, char *err, size_t err_size)
{
    (void)g;
    (void)err;
    (void)err_size;
    return vb_xcalloc(1, 1);
}

static void fini_spans(void *state)
{
    free(state);
}

static void run_spans(void *state, vb_document *doc)
{
    (void)state;
    const vb_text *t = &doc->text;
    size_t cs = doc->body_fold_end <= t->fold_len ? doc->body_fold_end : t->fold_len;
    size_t keep = 0;
    for (size_t k = 0; k < doc->attachments.n; k++) {
        vb_attachment c = doc->attachments.v[k];
        /* its own header block may reach above the closing's start (a
         * motto the closing took for its own); its heading may not */
        if (c.heading_fold < cs)
            continue;
        if (c.fold_start < cs)
            c.fold_start = cs;
        if (c.named_only && keep)
            continue;
        doc->attachments.v[keep++] = c;
    }
    doc->attachments.n = keep;
    for (size_t k = 0; k < keep; k++) {
        vb_attachment *c = &doc->attachments.v[k];
        c->n = (int)k + 1;
        c->fold_end = k + 1 < keep ? doc->attachments.v[k + 1].fold_start : t->fold_len;
        c->span.start = input_of_fold(t, c->fold_start);
        c->span.end = k + 1 < keep ? input_of_fold(t, c->fold_end) : t->input_len;
    }
    if (keep)
        doc->closing.span.end = doc->attachments.v[0].span.start;
}

const vb_stage vb_stage_attachments = {"attachments", init, run_heads, fini};
const vb_stage vb_stage_attachment_spans = {"attachment-spans", init_spans, run_spans, fini_spans};
