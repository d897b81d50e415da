/*
 * sections.c - stage "sections": the section tree of the body and the
 * preamble.  Owns doc->sections and doc->preamble.
 *
 * Lines come from lines.c.  Every line that starts like an item number
 * (one pattern per numbering level of grammars/sections.vbg) offers one
 * reading per level it matches: "11." is arabic 11 or an OCR'd II.  The
 * outline keeps a stack of the open sections; a reading is taken when it
 * continues the sequence somewhere on the stack (next sibling, first
 * child, or first item of a deeper level), the innermost fit first.  A
 * number that fits nowhere (a wrapped line starting with "2.", a year) is
 * body text.  OCR numerals are read as the sequence expects them: "I1."
 * after "I." is II (numerals.h).  Some readings are words before they
 * are numbers: a roman "vị." that lost its diacritic, a number opening a
 * line in mid-sentence, a lower-case "mục 35" (wrapped_word and the run
 * loop).
 *
 * OCR damage is read by the sequence too, so that one damaged number
 * does not lose everything numbered under it: a number with stray marks,
 * a comma or colon for its dot, a letter for its digit ("T.", "Điều l.")
 * or a title glued to it is a damaged reading, taken only on a title-like
 * line and only as the number the sequence wants; a clean title may skip
 * one number OCR lost, or open its level at 2 when the first was lost.
 * Capital letters (A. PHẦN CHUNG) are a level above the roman parts, on
 * title lines only.
 *
 * Then each section gets its heading (a title on the numbered line, a bold
 * run-in label, or null for a numbered paragraph: one that ends a
 * sentence, announces what follows, ends in an open word like "của", or
 * runs on after a bold number), its role from the heading lexicon, and
 * its span.  Spans tile the body: the preamble runs
 * from 0 to the first section, every section runs to the start of the next
 * section that is not its descendant, the last ones to the closing, which
 * the closing stage found before this one ran.  Each attachment after the
 * closing (attachments.c) gets a tree of its own in the same pass: a new
 * outline where it starts, ids prefixed "A1/", its last sections ending
 * where it ends.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "lines.h"
#include "numerals.h"
#include "vb_internal.h"

#define MAX_LEVELS 12           /* numbering levels a grammar may define */
#define MAX_PATH 6              /* components of a dotted number 1.2.3.4.5.6 */
#define MAX_DEPTH 16            /* open sections on the outline stack */
#define MAX_ALPHA 32            /* letters of an alphabet */
#define ID_MAX 160              /* bytes of a section id */

typedef enum { RD_ROMAN, RD_NUMBER, RD_PATH, RD_LETTER, RD_CAPITAL } reader;

typedef struct {
    const char *name;           /* the level's name (lexicon key) */
    int rank;
    reader rd;
    bool continues;
    bool arabic;                /* numbers are digits: an l or i is an OCR'd 1 */
    long start_max;
} level_def;

typedef struct {
    vb_matchers ms;             /* one per level, then split, bullet */
    level_def lv[MAX_LEVELS];
    size_t nlv;
    size_t m_split, m_bullet, m_lead_in, m_topic, m_table_head;
    const vb_lexicon *roles, *ordinals, *open_words, *ocr_digits;
    int32_t alpha[2][MAX_ALPHA];
    size_t nalpha[2];
    long title_max_words, caps_max_words, named_max_outside, heading_max_chars;
    long colon_title_max_words;    /* a title ending in ':' alone in its paragraph */
    long word_title_max_words;     /* titles after Điều, Chương, Phần */
    long role_max_lead_words;      /* words before a role word in a heading */
    long lead_max_lines, lead_max_blank, roman_gap;
    unsigned short_first_pct;
    vb_lines_limits ll;
} state;

/* ------------------------------------------------------------- grammar */

static long limit(const vb_lexicon *lx, const char *key, long dflt)
{
    const char *v = vb_lexicon_get(lx, key, strlen(key));
    if (!v)
        return dflt;
    char *end;
    long n = strtol(v, &end, 10);
    return end == v || n < 0 ? dflt : n;
}

static bool parse_level(level_def *d, const char *name, const char *val)
{
    char rd[16] = "";
    int used = 0;
    d->name = name;
    if (sscanf(val, "%d %15s%n", &d->rank, rd, &used) != 2)
        return false;
    if (!strcmp(rd, "roman"))
        d->rd = RD_ROMAN;
    else if (!strcmp(rd, "number"))
        d->rd = RD_NUMBER;
    else if (!strcmp(rd, "path"))
        d->rd = RD_PATH;
    else if (!strcmp(rd, "letter"))
        d->rd = RD_LETTER;
    else if (!strcmp(rd, "capital"))
        d->rd = RD_CAPITAL;
    else
        return false;
    for (const char *p = val + used; *p;) {
        while (*p == ' ')
            p++;
        if (!strncmp(p, "continues", 9))
            d->continues = true;
        else if (!strncmp(p, "arabic", 6))
            d->arabic = true;
        else if (!strncmp(p, "start=", 6))
            d->start_max = strtol(p + 6, NULL, 10);
        else if (*p)
            return false;
        while (*p && *p != ' ')
            p++;
    }
    return true;
}

static size_t parse_alphabet(int32_t *out, const char *s)
{
    size_t n = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (*p && n < MAX_ALPHA) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
        if (k <= 0)
            break;
        if (cp != ' ')
            out[n++] = utf8proc_tolower(cp);
        p += k;
    }
    return n;
}

static void fini(void *st);

static void *init(const vb_grammar *g, char *err, size_t err_size)
{
    state *S = vb_xcalloc(1, sizeof *S);
    const vb_lexicon *levels = vb_grammar_lexicon(g, "sections.levels");
    const vb_lexicon *alpha = vb_grammar_lexicon(g, "sections.alphabets");
    if (!levels || !levels->n || !alpha) {
        snprintf(err, err_size, "%s:%d: missing lexicon sections.levels or sections.alphabets (needed by stage sections)",
                 g->end_file, g->end_line);
        free(S);
        return NULL;
    }
    if (levels->n > MAX_LEVELS) {
        snprintf(err, err_size, "%s:%d: sections.levels: more than %d levels", g->end_file,
                 levels->entries[MAX_LEVELS].line, MAX_LEVELS);
        free(S);
        return NULL;
    }
    char **names = vb_xcalloc(levels->n + 6, sizeof *names);
    for (size_t i = 0; i < levels->n; i++) {
        if (!parse_level(&S->lv[i], levels->entries[i].key, levels->entries[i].value)) {
            snprintf(err, err_size, "%s:%d: sections.levels: expected 'NAME = RANK READER [continues] [arabic] [start=N]'",
                     g->end_file, levels->entries[i].line);
            for (size_t k = 0; k < i; k++)
                free(names[k]);
            free(names);
            free(S);
            return NULL;
        }
        size_t nl = strlen(levels->entries[i].key) + 32;
        names[i] = vb_xmalloc(nl);
        snprintf(names[i], nl, "sections.level.%s", levels->entries[i].key);
    }
    S->nlv = levels->n;
    S->m_split = S->nlv;
    S->m_bullet = S->nlv + 1;
    S->m_lead_in = S->nlv + 2;
    S->m_topic = S->nlv + 3;
    S->m_table_head = S->nlv + 4;
    names[S->nlv] = (char *)"sections.split";
    names[S->nlv + 1] = (char *)"sections.bullet";
    names[S->nlv + 2] = (char *)"sections.lead_in";
    names[S->nlv + 3] = (char *)"sections.topic_lead";
    names[S->nlv + 4] = (char *)"sections.table_head";
    names[S->nlv + 5] = NULL;
    bool ok = vb_matchers_init(&S->ms, g, "sections", (const char *const *)names, err, err_size);
    for (size_t i = 0; i < S->nlv; i++)
        free(names[i]);
    free(names);
    if (!ok) {
        free(S);
        return NULL;
    }
    const char *vi = vb_lexicon_get(alpha, "vietnamese", 10);
    const char *la = vb_lexicon_get(alpha, "latin", 5);
    S->nalpha[0] = vi ? parse_alphabet(S->alpha[0], vi) : 0;
    S->nalpha[1] = la ? parse_alphabet(S->alpha[1], la) : 0;
    S->roles = vb_grammar_lexicon(g, "sections.roles");
    S->ordinals = vb_grammar_lexicon(g, "sections.ordinals");
    S->ocr_digits = vb_grammar_lexicon(g, "sections.ocr_digits");
    S->open_words = vb_grammar_lexicon(g, "sections.open_words");
    const vb_lexicon *lim = vb_grammar_lexicon(g, "sections.limits");
    S->title_max_words = limit(lim, "title_max_words", 20);
    S->word_title_max_words = limit(lim, "word_title_max_words", 60);
    S->role_max_lead_words = limit(lim, "role_max_lead_words", 8);
    S->caps_max_words = limit(lim, "caps_max_words", 40);
    S->colon_title_max_words = limit(lim, "colon_title_max_words", 30);
    S->named_max_outside = limit(lim, "named_max_outside_words", 8);
    S->heading_max_chars = limit(lim, "heading_max_chars", 300);
    S->lead_max_lines = limit(lim, "lead_max_lines", 6);
    S->lead_max_blank = limit(lim, "lead_max_blank", 3);
    S->roman_gap = limit(lim, "roman_gap", 1);
    S->ll.long_pct = (unsigned)limit(lim, "long_line_pct", 75);
    S->ll.wrapped_min_lines = (size_t)limit(lim, "wrapped_min_lines", 2);
    S->ll.unbroken_avg = (size_t)limit(lim, "unbroken_avg_line", 600);
    S->ll.unbroken_max_lines = (size_t)limit(lim, "unbroken_max_lines", 3);
    S->ll.split_min = (size_t)limit(lim, "split_min", 160);
    S->ll.split_always = (size_t)limit(lim, "split_always", 6000);
    S->short_first_pct = (unsigned)limit(lim, "short_first_pct", 55);
    S->ll.table_max_lines = (size_t)limit(lim, "table_max_lines", 400);
    S->ll.table_head = &S->ms.m[S->m_table_head];
    return S;
}

static void fini(void *st)
{
    state *S = st;
    if (!S)
        return;
    vb_matchers_fini(&S->ms);
    free(S);
}

/* ------------------------------------------------------------- numbers */

/* One way to read the number of a line. */
typedef struct {
    int lv;
    size_t tok, tok_end, rest;  /* view offsets */
    int n;                      /* components (path), else 1 */
    long c[MAX_PATH];           /* the value(s); 0 = unreadable */
    bool ocr;                   /* roman written with OCR look-alikes (1, l) */
    bool ocr_digit;             /* one of them is the digit 1 */
    bool caps;                  /* the line is an upper-case title */
    bool roman_tok;             /* a number reader saw a roman numeral */
    char norm[8];               /* the numeral with look-alikes replaced */
    int32_t letter;             /* letter as printed, lower case */
    int32_t letter_orig;        /* letter as printed */
    bool damaged;               /* OCR marks: stray marks before it, ',' ':' '-'
                                 * or '..' for the dot, a letter for a digit,
                                 * glued to its title */
    bool headlike;              /* the line looks like a title: short, no
                                 * final stop, a capital after the number */
    bool lead_i;                /* a "1." title that the next title shows to be I. */
    bool upper;                 /* the text after the number opens in upper case */
    bool word_above;            /* its level's word alone on the line above
                                 * ("**Điều" / "1. Phạm vi") */
    size_t word;                /* view offset where its match starts */
} reading;

/* A roman numeral, with OCR look-alikes (1, l, |) noted. */
static bool read_roman(reading *r, const char *t, size_t len)
{
    vb_roman rm;
    if (!vb_roman_read(t, len, &rm))
        return false;
    r->ocr = rm.ocr;
    r->ocr_digit = rm.ocr_digit;
    memcpy(r->norm, rm.norm, sizeof r->norm);
    r->c[0] = rm.value;
    /* a numeral that is no numeral ("iiii") may still be an OCR'd one */
    return r->c[0] > 0 || r->ocr;
}

/* Does the number carry OCR damage?  Marks before it on its line, a
 * separator other than '.' or ')' (the grammar allows ',' ':' '-' '..'
 * '}' for it), a comma inside a path, or a title glued to it.  Levels
 * named by a word (Điều 1:, Chương I -) have their own separators. */
static bool damaged_number(const vb_document *doc, const char *v, const reading *r, bool roman)
{
    size_t ls = r->tok;
    while (ls > 0 && v[ls - 1] != '\n')
        ls--;
    for (size_t i = ls; i < r->tok; i++)
        if (v[i] != ' ' && v[i] != '\t')
            return true;
    size_t dots = 0;
    for (size_t i = r->tok; i < r->tok_end; i++)
        if (v[i] == ',')
            return true;
    for (size_t i = r->tok_end; i < r->rest; i++) {
        if (v[i] == '.')
            dots++;
        else if (v[i] != ' ' && v[i] != '\t' && v[i] != ')')
            return true;
    }
    if (dots > 1)
        return true;
    /* "II THÀNH PHẦN": a roman part that lost its dot */
    if (roman && r->rest > r->tok_end && !dots && v[r->rest - 1] == ' ')
        return true;
    /* glued: "I.MỤC" */
    if (r->rest < doc->text.fold_len && r->rest > r->tok_end && v[r->rest - 1] != ' ' &&
        v[r->rest - 1] != '\t' && isalpha((unsigned char)v[r->rest]))
        return true;
    return false;
}

/* The same for a level named by a word, whose own separators are '.',
 * ':' and '-': a comma ("Điều 2, Đối tượng") or a glued title. */
static bool word_number_damaged(const vb_document *doc, const char *v, const reading *r)
{
    for (size_t i = r->tok_end; i < r->rest; i++)
        if (v[i] == ',')
            return true;
    return r->rest < doc->text.fold_len && r->rest > r->tok_end && v[r->rest - 1] == '.' &&
           isalpha((unsigned char)v[r->rest]);
}

/* Reads the token; false when it cannot be a number of this level. */
static bool read_token(const state *S, const vb_document *doc, const char *v, reading *r)
{
    size_t len = r->tok_end - r->tok;
    const char *t = v + r->tok;
    const level_def *d = &S->lv[r->lv];
    r->n = 1;
    if (!len)
        return false;
    if (d->rd != RD_NUMBER)
        r->damaged = damaged_number(doc, v, r, d->rd == RD_ROMAN);
    else
        r->damaged = word_number_damaged(doc, v, r);
    bool digits = true, romanish = len < sizeof r->norm;
    for (size_t i = 0; i < len; i++) {
        digits &= isdigit((unsigned char)t[i]) != 0;
        romanish &= strchr("ivxl1", t[i]) != NULL;
    }
    switch (d->rd) {
    case RD_PATH: {
        int n = 0;
        long cur = 0;
        bool any = false;
        /* "T." for "1.": a letter OCR prints for the digit */
        if (!isdigit((unsigned char)t[0])) {
            const char *o = S->ocr_digits ? vb_lexicon_get(S->ocr_digits, t, len) : NULL;
            r->c[0] = o ? strtol(o, NULL, 10) : 0;
            r->damaged = true;
            return r->c[0] > 0;
        }
        for (size_t i = 0; i <= len; i++) {
            if (i == len || t[i] == '.' || t[i] == ',') {
                if (!any || n >= MAX_PATH)
                    return false;
                r->c[n++] = cur;
                cur = 0;
                any = false;
            } else if (isdigit((unsigned char)t[i])) {
                cur = cur * 10 + (t[i] - '0');
                any = true;
                if (cur > 999)
                    return false;
            } else {
                return false;
            }
        }
        r->n = n;
        return true;
    }
    case RD_LETTER:
    case RD_CAPITAL: {
        if (len != 1)
            return false;
        size_t u = doc->text.fold_map[r->tok];
        utf8proc_int32_t cp;
        if (utf8proc_iterate((const utf8proc_uint8_t *)doc->text.utf8 + u,
                             (utf8proc_ssize_t)(doc->text.utf8_len - u), &cp) <= 0)
            return false;
        r->letter_orig = cp;
        r->letter = utf8proc_tolower(cp);
        /* a capital part is printed in capitals ("A. PHẦN CHUNG"), never
         * damaged, and not the letter a fold made of "Đ" or "Ă" */
        if (d->rd == RD_CAPITAL)
            return cp >= 'A' && cp <= 'Z' && !r->damaged;
        return true;
    }
    case RD_NUMBER:
        if (d->arabic && !digits) {
            /* "Điều l." "Điều 1l.": OCR letters for the digit 1 */
            long n = 0;
            for (size_t i = 0; i < len; i++)
                n = n * 10 + (isdigit((unsigned char)t[i]) ? t[i] - '0' : 1);
            r->c[0] = n;
            r->damaged = true;
            return n > 0;
        }
        if (digits) {
            long n = 0;
            for (size_t i = 0; i < len && n < 100000; i++)
                n = n * 10 + (t[i] - '0');
            r->c[0] = n;
            return n > 0;
        }
        if (!romanish) {
            const char *o = vb_lexicon_get(S->ordinals, t, len);
            r->c[0] = o ? strtol(o, NULL, 10) : 0;
            return r->c[0] > 0;
        }
        r->roman_tok = true;
        return read_roman(r, t, len);
    case RD_ROMAN: {
        /* "|I." at a line start: the fold made the | a space */
        size_t u = r->tok ? doc->text.fold_map[r->tok - 1] : 0;
        if (r->tok && v[r->tok - 1] == ' ' && doc->text.utf8[u] == '|' && len + 1 < sizeof r->norm) {
            char buf[sizeof r->norm];
            buf[0] = '|';
            memcpy(buf + 1, t, len);
            return read_roman(r, buf, len + 1);
        }
        return len < sizeof r->norm && read_roman(r, t, len);
    }
    }
    return false;
}

static size_t count_pairs(const char *s, size_t a, size_t b);

/* What the line says about reading r: headlike (a title after the number:
 * a capital letter, no final stop, a title's length, not a full-width
 * line that wraps on), and whether it may
 * be read at all: a damaged number needs a title or item after it that
 * starts like one (not "1, 2, 3" in a sentence), a capital part a title
 * in capitals or in bold ("A. PHẦN CHUNG", "**A. Danh mục …"; not the
 * initial of "A. Nguyễn Văn An"). */
static bool line_allows(const state *S, const vb_document *doc, const vb_lines *L, size_t li, reading *r)
{
    const char *v = L->view;
    const vb_line *ln = &L->v.v[li];
    const vb_text *t = &doc->text;
    size_t a = r->rest;
    while (a < ln->text_end && (v[a] == ' ' || v[a] == '\t'))
        a++;
    bool alpha = a < ln->text_end && isalpha((unsigned char)v[a]);
    bool upper = alpha && vb_orig_case(t, a) > 0;
    /* "**2:**" / "Thời gian …": the title on the next line */
    if (a >= ln->text_end && li + 1 < L->v.n) {
        const vb_line *nx = &L->v.v[li + 1];
        alpha = upper = !(nx->flags & (VB_LINE_BLANK | VB_LINE_LOWER | VB_LINE_BULLET)) && nx->text < nx->text_end &&
                        isalpha((unsigned char)v[nx->text]);
    }
    size_t words = 0;
    for (size_t i = a; i < ln->text_end; i++)
        words += v[i] != ' ' && (i == a || v[i - 1] == ' ');
    bool caps = (ln->flags & VB_LINE_CAPS) != 0;
    /* a full-width line whose sentence goes on in lower case on the next
     * (not a next item "c) Đối tượng …") */
    const vb_line *nx = li + 1 < L->v.n ? &L->v.v[li + 1] : NULL;
    bool wraps = (ln->flags & VB_LINE_LONG) && nx && (nx->flags & VB_LINE_LOWER) &&
                 !(nx->text + 1 < nx->text_end && v[nx->text + 1] == ')');
    r->upper = upper;
    r->headlike = upper && !(ln->flags & VB_LINE_STOP) && !wraps &&
                  (long)words <= (caps ? S->caps_max_words : S->title_max_words);
    const level_def *d = &S->lv[r->lv];
    if (r->damaged) {
        if (!(d->rd == RD_LETTER ? alpha : upper))
            return false;
        /* "Phụ lục" / "I, Phụ lục II": a damaged roman is a title in
         * capitals; and no number with a comma or colon goes on a
         * sentence the line above leaves open at full width */
        if (d->rd == RD_ROMAN && !caps)
            return false;
        bool comma = false;
        for (size_t i = r->tok; i < r->rest; i++)
            comma |= v[i] == ',' || v[i] == ':' || v[i] == '-';
        const vb_line *p = li ? &L->v.v[li - 1] : NULL;
        if (comma && p && (p->flags & VB_LINE_LONG) &&
            !(p->flags & (VB_LINE_BLANK | VB_LINE_STOP | VB_LINE_CAPS | VB_LINE_TABLE)))
            return false;
    }
    /* "A. Nguyễn Văn An": an upper-case letter with a dot before a name
     * (two capitalised words) is an initial unless it opens a title, as a
     * capital part does; "A. Kết quả đạt được" is an item */
    bool initial = false;
    if (d->rd == RD_LETTER && r->letter_orig != r->letter && r->tok_end < r->rest && v[r->tok_end] == '.' &&
        upper && !caps) {
        size_t b = a;
        while (b < ln->text_end && v[b] != ' ')
            b++;
        while (b < ln->text_end && v[b] == ' ')
            b++;
        initial = b < ln->text_end && isalpha((unsigned char)v[b]) && vb_orig_case(t, b) > 0;
    }
    if (d->rd == RD_CAPITAL || initial) {
        size_t u_line = ln->start ? vb_fold_char_end(t, ln->start - 1) : 0;
        bool bold = count_pairs(t->utf8, u_line, t->fold_map[r->tok]) % 2 == 1;
        /* "A." alone, its title in capitals on the next line */
        bool next_caps = a >= ln->text_end && li + 1 < L->v.n && (L->v.v[li + 1].flags & VB_LINE_CAPS);
        return (upper || initial) && (caps || bold || next_caps);
    }
    return true;
}

/* ------------------------------------------------------------- outline */

typedef struct {
    int lv;
    int sec;                    /* index in doc->sections */
    int n;
    long c[MAX_PATH];
    int32_t letter;             /* the letter this item stands for (đ for a bare d) */
} frame;

typedef struct {
    frame st[MAX_DEPTH];
    int n;
    long last[MAX_LEVELS];      /* last value taken per level (path: first component) */
} outline;

typedef struct {
    int keep;                   /* frames kept: the new one's parent is st[keep-1] */
    int depth;                  /* frames between the fit and the top: 0 = innermost */
    frame f;
} fit;

static int alpha_index(const state *S, int a, int32_t cp)
{
    for (size_t i = 0; i < S->nalpha[a]; i++)
        if (S->alpha[a][i] == cp)
            return (int)i;
    return -1;
}

/* Does letter `next` follow `prev` (with up to `gap` letters skipped)?
 * *as is the letter it stands for. */
static bool letter_follows(const state *S, int32_t prev, int32_t next, long gap, int32_t *as)
{
    for (int a = 0; a < 2; a++) {
        int i = alpha_index(S, a, prev);
        for (long k = 1; i >= 0 && k <= gap + 1 && (size_t)i + (size_t)k < S->nalpha[a]; k++)
            if (S->alpha[a][i + k] == next) {
                *as = next;
                return true;
            }
    }
    /* a d) where đ) is due: đ that lost its bar (OCR, no diacritics) */
    if (prev == 'd' && next == 'd' && alpha_index(S, 0, 0x111) >= 0) {
        *as = 0x111;
        return true;
    }
    return false;
}

static bool is_first(const state *S, const outline *O, const reading *r, bool cont)
{
    const level_def *d = &S->lv[r->lv];
    long last = O->last[r->lv];
    /* the first item lost to OCR: a clean title numbered 2 ("Điều 2.",
     * "2. Giải pháp", "b) Kiểm tra") opens the level inside an open item */
    if (cont && r->headlike && !r->damaged && !r->ocr && S->roman_gap > 0) {
        if ((d->rd == RD_LETTER || d->rd == RD_CAPITAL) && S->nalpha[0] > 1 && r->letter == S->alpha[0][1])
            return true;
        if (d->rd != RD_LETTER && d->rd != RD_CAPITAL && r->c[0] == 2 && r->n == 1 &&
            (d->rd == RD_PATH || !d->continues || last == 0))
            return true;
    }
    switch (d->rd) {
    case RD_PATH:
        if (r->c[0] == 1 || (cont && d->continues && last > 0 && r->c[0] == last + 1))
            return r->n == 1 || (r->n == 2 && r->c[1] == 1);
        return false;
    case RD_LETTER:
    case RD_CAPITAL:
        return S->nalpha[0] && r->letter == S->alpha[0][0];
    case RD_ROMAN:
    case RD_NUMBER:
        /* an OCR'd numeral starts nothing, but for "l." (I): "1." is arabic */
        if (r->ocr)
            return d->rd == RD_ROMAN && !strcmp(r->norm, "i") && !r->ocr_digit;
        return r->c[0] == 1 || (cont && d->continues && last > 0 && r->c[0] == last + 1);
    }
    return false;
}

static bool eq_prefix(const long *a, const long *b, int k)
{
    for (int i = 0; i < k; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* A path reading against the path frame st[i] and the numbers it
 * implies above it (2.1 written without a 2. line implies 2). */
static bool path_fit(const outline *O, int i, const reading *r, long gap, fit *out)
{
    const frame *f = &O->st[i];
    int M = f->n, L = r->n;
    int kmin = i > 0 && O->st[i - 1].lv == f->lv ? O->st[i - 1].n + 1 : 1;
    /* a clean number of a title may skip one OCR lost ("1." "2-" "3.") */
    long g = r->damaged || !r->headlike ? 0 : gap;
    for (int k = M; k >= kmin; k--) {
        bool sib = L == k && eq_prefix(r->c, f->c, k - 1) && r->c[k - 1] > f->c[k - 1] &&
                   r->c[k - 1] <= f->c[k - 1] + 1 + g;
        bool child = k == M && L == M + 1 && eq_prefix(r->c, f->c, M) && r->c[M] == 1;
        bool implied = L == k + 1 && eq_prefix(r->c, f->c, k - 1) && r->c[k - 1] == f->c[k - 1] + 1 &&
                       r->c[k] == 1;
        if (sib || child || implied) {
            out->keep = child ? i + 1 : i;
            return true;
        }
    }
    return false;
}

static bool sibling_fit(const state *S, const frame *f, const reading *r, frame *nf)
{
    const level_def *d = &S->lv[r->lv];
    /* a letter lost to OCR ("c)" read as "e)" or not at all) leaves a gap
     * the next clean letter in a title-like line goes on over */
    if (d->rd == RD_LETTER || d->rd == RD_CAPITAL)
        return letter_follows(S, f->letter, r->letter, r->damaged || !r->headlike ? 0 : 1, &nf->letter);
    long want = f->c[0] + 1;
    if (d->rd == RD_ROMAN || (d->rd == RD_NUMBER && r->roman_tok)) {
        if (r->ocr) {
            /* OCR numerals read as the sequence expects: I1 = II, I1II = III */
            vb_roman rm = {r->c[0], r->ocr, r->ocr_digit, {0}};
            memcpy(rm.norm, r->norm, sizeof rm.norm);
            if (vb_roman_means(&rm, want)) {
                nf->c[0] = want;
                return true;
            }
            if (!r->c[0])
                return false;
            /* a damaged numeral of a title that reads as one already
             * passed ("HI." after "IV."): the one the sequence wants */
            if (r->c[0] < want && r->caps && !r->damaged && want <= VB_ROMAN_MAX) {
                nf->c[0] = want;
                return true;
            }
            /* "111." after "I.": III, with II skipped like a canonical one */
        }
    }
    /* a comma or a stray mark: only the number the sequence wants (or a
     * title numbered like the one before it, below) */
    if (r->damaged && !(d->rd == RD_ROMAN && !r->ocr && r->caps && r->c[0] == f->c[0])) {
        if (r->c[0] != want)
            return false;
        nf->c[0] = want;
        return true;
    }
    /* a part numbered like the one before it ("IV. PHÂN CÔNG …", "IV. TỔ
     * CHỨC THỰC HIỆN"): a typo for the next one when it is a title too */
    if (d->rd == RD_ROMAN && !r->ocr && r->caps && r->c[0] == f->c[0] && want <= VB_ROMAN_MAX) {
        nf->c[0] = want;
        return true;
    }
    if (r->c[0] >= want && r->c[0] <= want + S->roman_gap && (d->rd != RD_PATH)) {
        /* a skipped number goes on for numerals and articles, not letters */
        if (r->c[0] > want && d->rd == RD_NUMBER && !r->roman_tok && S->lv[r->lv].continues == false)
            return false;
        nf->c[0] = r->c[0];
        return true;
    }
    return false;
}

/* Where on the stack does reading r fit?  Innermost first. */
static bool find_fit(const state *S, const outline *O, const reading *r, fit *out)
{
    const level_def *d = &S->lv[r->lv];
    bool passed_same = false;
    memset(out, 0, sizeof *out);
    out->f.lv = r->lv;
    out->f.n = r->n;
    memcpy(out->f.c, r->c, sizeof r->c);
    out->f.letter = r->letter;
    for (int i = O->n - 1; i >= 0; i--) {
        const frame *f = &O->st[i];
        out->depth = O->n - 1 - i;
        if (f->lv == r->lv) {
            if (d->rd == RD_PATH) {
                if (path_fit(O, i, r, S->roman_gap, out))
                    return true;
                passed_same = true;
                continue;
            }
            if (sibling_fit(S, f, r, &out->f)) {
                out->keep = i;
                return true;
            }
            return false;       /* a level appears once on a path */
        }
        if (!passed_same && S->lv[f->lv].rank < d->rank && is_first(S, O, r, true)) {
            out->keep = i + 1;
            return true;
        }
    }
    out->depth = O->n;
    if (r->ocr && !is_first(S, O, r, false))
        return false;
    if (O->n == 0) {
        /* the first item: numbering starts at 1 (or as allowed) */
        if (is_first(S, O, r, false) || (d->start_max && r->c[0] > 0 && r->c[0] <= d->start_max &&
                                         d->rd != RD_PATH && d->rd != RD_LETTER && !r->damaged)) {
            out->keep = 0;
            return true;
        }
        return false;
    }
    /* a level above everything open starts a new outline (what came
     * before was a numbered list in the preamble) */
    if (!passed_same && d->rank < S->lv[O->st[0].lv].rank && is_first(S, O, r, false) && !r->damaged &&
        d->rd != RD_CAPITAL) {
        out->keep = 0;
        return true;
    }
    return false;
}

/* The raw line ends a bold run: "Tổ chức thực hiện**" closes a title. */
static bool ends_bold(const vb_text *t, const vb_line *ln)
{
    if (ln->text_end <= ln->text)
        return false;
    size_t u = vb_fold_char_end(t, ln->text_end - 1);
    while (u < t->utf8_len && (t->utf8[u] == ' ' || t->utf8[u] == '\t'))
        u++;
    return u + 1 < t->utf8_len && t->utf8[u] == '*' && t->utf8[u + 1] == '*';
}

/* A number at a line start that is a word of the sentence the line above
 * leaves open: "đơn" / "vị. Kinh phí …" folds to a roman "vi.", an
 * upper-case "ĐƠN" / "VI." in text without diacritics looks the same, and
 * "có thêm" / "2. 500 hộ …" is a wrapped figure.  A roman token whose
 * diacritic the fold dropped is a word (no numeral has one); a number is
 * one when the line above is a full-width wrapped line that ends no
 * sentence (and is no numbered title itself) while the numbered line is
 * no upper-case title, and, for arabic numbers and letters (whose items
 * often lack a final stop), the text after it starts with a figure or a
 * lower-case word.  Levels named by a word (Điều, Chương, Phần) have
 * their own guard in the grammar. */
static bool wrapped_word(const vb_document *doc, const vb_lines *L, const unsigned char *mark, size_t li,
                         const reading *r, bool roman, long max_lines)
{
    const vb_text *t = &doc->text;
    size_t u = t->fold_map[r->tok], ue = vb_fold_char_end(t, r->tok_end - 1);
    for (size_t i = u; roman && i < ue; i++)
        if ((unsigned char)t->utf8[i] >= 0x80)
            return true;
    const vb_line *v = L->v.v;
    unsigned closed = VB_LINE_BLANK | VB_LINE_STOP | VB_LINE_CAPS | VB_LINE_TABLE | VB_LINE_VEND | VB_LINE_NOISE;
    if (li == 0 || (v[li].flags & VB_LINE_CAPS))
        return false;
    /* an item goes on in words that start a sentence; a figure or a
     * lower-case word after "2." says the line goes on with one */
    if (!roman) {
        size_t a = r->rest;
        bool lower = a < v[li].text_end && isalpha((unsigned char)L->view[a]) && vb_orig_case(t, a) < 0;
        if (!lower && !(a < v[li].text_end && isdigit((unsigned char)L->view[a])))
            return false;
    }
    /* the paragraph the line above ends: it is open when it wraps full
     * width without ending a sentence or a bold title */
    size_t p = li - 1;
    if (!(v[p].flags & VB_LINE_LONG) || (v[p].flags & closed) || ends_bold(t, &v[p]))
        return false;
    for (long n = 1; p > 0 && !mark[p] && (v[p - 1].flags & VB_LINE_LONG) && !(v[p - 1].flags & closed); n++) {
        if (n > max_lines)
            return true;    /* too long for a title: running text */
        p--;
    }
    /* a numbered title that wraps ("Điều 31. Báo cáo … ở nước ngoài" /
     * "của doanh nghiệp …"), also after a short first line, closes */
    if (mark[p] || (p > 0 && mark[p - 1] && (v[p].flags & VB_LINE_LOWER)))
        return false;
    return true;
}

/* ------------------------------------------------------------ headings */

static bool is_word_byte(char c)
{
    return c != ' ' && c != '\t' && c != '\n';
}

/* view[i] (in [a,b)) is a quote mark: '"', or a single quote that opens
 * (after a space, before a letter) or closes (after a letter, before a
 * space or punctuation) a name typed in single quotes ('Dân vận khéo'). */
static bool quote_at(const char *v, size_t i, size_t a, size_t b)
{
    if (v[i] == '"')
        return true;
    if (v[i] != '\'')
        return false;
    bool space_before = i == a || v[i - 1] == ' ' || v[i - 1] == '\n' || v[i - 1] == '(';
    bool space_after = i + 1 >= b || (v[i + 1] && strchr(" \n.,;:)!?", v[i + 1]));
    if (space_before && !space_after)
        return isalnum((unsigned char)v[i + 1]) || (unsigned char)v[i + 1] >= 0x80;
    return !space_before && space_after;
}

/* Words of view[a,b) (runs holding a letter or digit); with quotes: words
 * outside "…" pairs and letters inside them. */
static void count_words(const char *v, size_t a, size_t b, size_t *words, size_t *outside,
                        size_t *quoted_letters, size_t *letters)
{
    size_t w = 0, o = 0, ql = 0, l = 0;
    bool inq = false;
    for (size_t i = a; i < b;) {
        if (!is_word_byte(v[i])) {
            i++;
            continue;
        }
        bool alnum = false, started_in = inq;
        while (i < b && is_word_byte(v[i])) {
            char c = v[i];
            if (quote_at(v, i, a, b))
                inq = !inq;
            else if (isalnum((unsigned char)c) || (unsigned char)c >= 0x80) {
                alnum = true;
                l++;
                if (inq)
                    ql++;
            }
            i++;
        }
        if (alnum) {
            w++;
            if (!started_in && !inq)
                o++;
        }
    }
    *words = w;
    *outside = o;
    *quoted_letters = ql;
    *letters = l;
}

/* Words of view[a,b) inside brackets: "(các Ban quản lý rừng …)" glosses
 * a title and does not make it a paragraph. */
static size_t bracket_words(const char *v, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t i = a; i < b; i++) {
        if (v[i] != '(')
            continue;
        size_t j = i + 1;
        while (j < b && v[j] != ')' && v[j] != '(')
            j++;
        if (j >= b || v[j] != ')')
            continue;
        size_t w, o, ql, l;
        count_words(v, i + 1, j, &w, &o, &ql, &l);
        n += w;
        i = j;
    }
    return n;
}

/* A sentence ends inside view[a,b) and more text follows it. */
static bool inner_stop(const vb_text *t, const char *v, size_t a, size_t b)
{
    for (size_t i = a; i + 2 < b; i++) {
        char c = v[i];
        if (v[i + 1] != ' ')
            continue;
        if (c == ';' || c == '!' || c == '?')
            return true;
        if (c != '.')
            continue;
        /* "nay. Tổ chức", "năm 2024. Nơi": a word of 4+ letters or
         * digits, then a capital; not "TP. Hồ" */
        size_t s = i, n = 0;
        while (s > a && isalnum((unsigned char)v[s - 1]))
            s--, n++;
        size_t j = i + 1;
        while (j < b && v[j] == ' ')
            j++;
        if (n >= 4 && j < b && isalpha((unsigned char)v[j]) && vb_orig_case(t, j) > 0)
            return true;
    }
    return false;
}

/* A colon with text after it: a run-in label ("Nhiệm vụ: Tham mưu …"). */
static bool inner_colon(const char *v, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (v[i] == ':') {
            for (size_t j = i + 1; j < b; j++)
                if (isalnum((unsigned char)v[j]))
                    return true;
        }
    return false;
}

/* "Phong trào thi đua “…”." : a few words, then names in quotes to the
 * end.  Such a title may end with a full stop. */
static bool named_title(const state *S, const char *v, size_t a, size_t b)
{
    size_t e = b;
    while (e > a && (v[e - 1] == '.' || v[e - 1] == ' '))
        e--;
    if (e <= a || !quote_at(v, e - 1, a, b) || b - a > (size_t)S->heading_max_chars * 2)
        return false;
    size_t q = a;
    while (q < e - 1 && !quote_at(v, q, a, b))
        q++;
    if (q >= e - 1)
        return false;
    size_t w, o, ql, l;
    count_words(v, a, q, &w, &o, &ql, &l);
    return w >= 1 && (long)w <= S->named_max_outside;
}

/* Trims a heading: trailing scan junk and the colon of a label. */
static char *tidy(vb_arena *a, char *h)
{
    if (!h)
        return NULL;
    size_t n = strlen(h);
    while (n && strchr(" :|-_,;\t", h[n - 1]))
        n--;
    h[n] = 0;
    (void)a;
    return n ? h : NULL;
}

typedef struct {
    state *S;                   /* per thread: its matchers are used */
    vb_document *doc;
    const vb_lines *L;
    const unsigned char *mark;  /* per line: 1 looks numbered, 2 is a section */
    bool short_first;           /* vb_lines_short_first */
} hctx;

/* The line after li that holds text, skipping at most max_blank blank
 * lines; returns L->v.n when there is none. */
static size_t next_text_line(const vb_lines *L, size_t li, long max_blank, size_t *blanks)
{
    size_t j = li + 1, b = 0;
    while (j < L->v.n && (L->v.v[j].flags & VB_LINE_BLANK)) {
        j++;
        b++;
    }
    *blanks = b;
    if (j >= L->v.n || (long)b > max_blank)
        return L->v.n;
    return j;
}

/* Same, for a wrapped lead: scan junk and page numbers between two
 * lines of a title count as blank lines. */
static size_t next_lead_line(const hctx *H, size_t li, size_t *blanks)
{
    const vb_lines *L = H->L;
    size_t j = li + 1, b = 0;
    while (j < L->v.n && !H->mark[j] && (L->v.v[j].flags & (VB_LINE_BLANK | VB_LINE_NOISE))) {
        j++;
        b++;
    }
    *blanks = b;
    if (j >= L->v.n || (long)b > H->S->lead_max_blank)
        return L->v.n;
    return j;
}

static size_t count_pairs(const char *s, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t i = a; i + 1 < b; i++)
        if (s[i] == '*' && s[i + 1] == '*') {
            n++;
            i++;
        }
    return n;
}

/* A heading set in bold: "**I. MỤC" / "ĐÍCH, YÊU CẦU**", "**3. Thời gian**: …". */
static char *bold_heading(const hctx *H, const vb_line *ln, const reading *r, vb_span *hs)
{
    const vb_text *t = &H->doc->text;
    size_t u_line = ln->start ? vb_fold_char_end(t, ln->start - 1) : 0;
    size_t u_tok = t->fold_map[r->tok];
    size_t u_tokend = vb_fold_char_end(t, r->tok_end - 1);
    size_t u_rest = r->rest < t->fold_len ? t->fold_map[r->rest] : t->utf8_len;
    if (u_rest < u_tokend)
        u_rest = u_tokend;
    if ((count_pairs(t->utf8, u_line, u_tok) + count_pairs(t->utf8, u_tokend, u_rest)) % 2 == 0)
        return NULL;
    size_t cap = (size_t)H->S->heading_max_chars * 4, lines = 0;
    size_t end = u_rest + cap < t->utf8_len ? u_rest + cap : t->utf8_len;
    bool blank = false;
    for (size_t i = u_rest; i + 1 < end; i++) {
        char c = t->utf8[i];
        if (c == '\n') {
            if (blank || ++lines > (size_t)H->S->lead_max_lines)
                return NULL;
            blank = true;
            continue;
        }
        if (c != ' ' && c != '\t' && c != '\r')
            blank = false;
        if (c == '*' && t->utf8[i + 1] == '*') {
            char *h = vb_clean_text(&H->doc->arena, t, u_rest, i);
            bool letter = false;
            for (const char *p = h; *p && !letter; p++)
                letter = isalpha((unsigned char)*p) || (unsigned char)*p >= 0x80;
            if (!letter || (long)strlen(h) > H->S->heading_max_chars * 3)
                return NULL;
            hs->start = vb_utf8_to_input(t, u_rest);
            hs->end = vb_utf8_to_input(t, i);
            return h;
        }
    }
    return NULL;
}

/* Upper-case words at the start of a line that lost its breaks: "I. MỤC
 * ĐÍCH, YÊU CẦU - Bảo đảm …" -> "MỤC ĐÍCH, YÊU CẦU"; numbers among
 * them ("NỘI DUNG THI ĐUA NĂM 2022") belong to the title. */
static size_t caps_run(const hctx *H, size_t a, size_t b, size_t *words)
{
    const char *v = H->L->view;
    size_t end = a, n = 0;
    for (size_t i = a; i < b;) {
        while (i < b && v[i] == ' ')
            i++;
        size_t s = i;
        while (i < b && v[i] != ' ')
            i++;
        if (s == i)
            break;
        size_t up, lo;
        vb_case_counts(&H->doc->text, v, s, i, &up, &lo);
        size_t d = s;
        while (d < i && v[d] >= '0' && v[d] <= '9')
            d++;
        if (n && d == i) {          /* a year in the title: "… NĂM 2022" */
            end = i;
            continue;
        }
        if (lo || !up) {
            /* the run ends well only where a new sentence or item starts */
            if (lo && vb_orig_case(&H->doc->text, s) < 0)
                return 0;
            break;
        }
        end = i;
        n++;
    }
    *words = n;
    return n >= 2 ? end : 0;
}

/* The title ends in a word that leaves the sentence open ("Công bố kèm
 * theo", "… vai trò của các"): a wrapped paragraph, no title.  The word
 * is compared as written, lower case: "để" leaves a sentence open, the
 * "đê" of a dike does not (sections.open_words: folded key, written
 * value). */
static bool ends_open(const state *S, const char *h)
{
    if (!S->open_words || !h)
        return false;
    size_t n = strlen(h);
    while (n && strchr(" :,;-", h[n - 1]))
        n--;
    size_t b = n;
    while (b && h[b - 1] != ' ')
        b--;
    if (b == n || n - b > 16)
        return false;
    char *f = vb_fold_utf8(h + b, n - b);
    const char *v = vb_lexicon_get(S->open_words, f, strlen(f));
    free(f);
    if (!v)
        return false;
    /* lower case the word as written, letter by letter */
    char w[80];
    size_t o = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)h + b, *e = (const utf8proc_uint8_t *)h + n;
    while (p < e && o + 4 < sizeof w) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, e - p, &cp);
        if (k <= 0)
            return false;
        o += (size_t)utf8proc_encode_char(utf8proc_tolower(cp), (utf8proc_uint8_t *)w + o);
        p += k;
    }
    w[o] = 0;
    char *nfc = (char *)utf8proc_NFC((const utf8proc_uint8_t *)w);
    bool open = nfc && !strcmp(nfc, v);
    free(nfc);
    return open;
}

static char *plain_heading(const hctx *H, size_t li, const reading *r, vb_span *hs)
{
    const state *S = H->S;
    const vb_lines *L = H->L;
    const char *v = L->view;
    const vb_line *ln = &L->v.v[li];
    const vb_text *t = &H->doc->text;
    size_t a = r->rest, b = ln->text_end;
    if (a >= b)
        return NULL;

    size_t k = li, nlines = 1;
    bool cut = false;
    if (ln->flags & (VB_LINE_VSTART | VB_LINE_VEND)) {
        /* text that lost its breaks: an upper-case title, or the words
         * up to the first bullet dash */
        size_t w;
        size_t e = caps_run(H, a, b, &w);
        if (e) {
            *hs = vb_span_from_fold(t, a, e);
            return vb_clean_fold_range(&H->doc->arena, t, a, e);
        }
        for (size_t i = a; i + 3 < b; i++)
            if (v[i] == ' ' && v[i + 1] == '-' && v[i + 2] == ' ' && vb_orig_case(t, i + 3) > 0) {
                b = i;
                break;
            }
    } else {
        /* the lead: the text after the number up to the end of its first
         * sentence or title, across wrapped lines */
        while (!(L->v.v[k].flags & VB_LINE_STOP) && !(L->v.v[k].flags & VB_LINE_VEND)) {
            const vb_line *cur = &L->v.v[k];
            size_t blanks;
            size_t j = next_lead_line(H, k, &blanks);
            if (j >= L->v.n || H->mark[j] || (L->v.v[j].flags & (VB_LINE_BULLET | VB_LINE_TABLE | VB_LINE_VSTART)))
                break;
            const vb_line *nx = &L->v.v[j];
            bool open_quote = false;
            long open_brackets = 0;
            for (size_t i = a; i < cur->text_end; i++) {
                open_quote ^= quote_at(v, i, a, cur->text_end);
                open_brackets += v[i] == '(' ? 1 : v[i] == ')' ? -1 : 0;
            }
            /* "(các" / "Ban quản lý …)", "các sở, ban, ngành," / "UBND
             * các xã": an open bracket or a final comma leaves the title
             * open, whatever the case of the next line */
            size_t ce = cur->text_end;
            while (ce > cur->text && v[ce - 1] == ' ')
                ce--;
            bool open_end = open_brackets > 0 || (ce > cur->text && v[ce - 1] == ',');
            bool cont;
            if (blanks)
                cont = open_quote || ((nx->flags & VB_LINE_LOWER) && (cur->flags & VB_LINE_LONG));
            else
                cont = (nx->flags & VB_LINE_LOWER) || (cur->flags & VB_LINE_LONG) || open_quote || open_end ||
                       (H->short_first && k == li && !(cur->flags & VB_LINE_CAPS)) ||
                       ((cur->flags & VB_LINE_CAPS) && (nx->flags & VB_LINE_CAPS) && !(nx->flags & VB_LINE_LONG));
            if (!cont)
                break;
            if ((long)++nlines > S->lead_max_lines) {
                cut = true;
                break;
            }
            k = j;
            b = nx->text_end;
        }
    }
    if (cut)
        return NULL;

    size_t w, outside, ql, letters;
    count_words(v, a, b, &w, &outside, &ql, &letters);
    size_t e = b;
    bool bracket = false;
    while (e > a && (v[e - 1] == '"' || v[e - 1] == '\'' || v[e - 1] == ')')) {
        bracket |= v[e - 1] == ')';
        e--;
    }
    /* "(các Ban …, lâm nghiệp…)": the ellipsis of a list in brackets
     * ends no sentence */
    if (bracket && e >= a + 3 && !memcmp(v + e - 3, "...", 3))
        e -= 3;
    char last = e > a ? v[e - 1] : 0;
    size_t up, lo;
    vb_case_counts(t, v, a, b, &up, &lo);
    bool caps = up >= 2 && lo * 5 <= up;
    /* the lead is alone in its paragraph: a blank line, a bullet or the
     * next item follows it, not more of its sentence */
    bool alone = false;
    if (!(ln->flags & (VB_LINE_VSTART | VB_LINE_VEND))) {
        size_t nb;
        size_t j = next_text_line(L, k, 0, &nb);
        alone = j >= L->v.n || H->mark[j] || (L->v.v[j].flags & VB_LINE_BULLET) ||
                (k + 1 < L->v.n && (L->v.v[k + 1].flags & VB_LINE_BLANK));
    }
    bool ok;
    if (last == '.' || last == ';' || last == '!' || last == '?' || last == ',') {
        /* a title that names something in quotes may end with a stop */
        ok = last == '.' && named_title(S, v, a, b) && !inner_stop(t, v, a, b - 1);
    } else {
        /* after "Điều 3." a title may run long ("Danh mục … do Bộ Công
         * an chủ trì soạn thảo"): the word says it is one */
        long max = caps ? S->caps_max_words : S->title_max_words;
        if (S->lv[r->lv].rd == RD_NUMBER && max < S->word_title_max_words)
            max = S->word_title_max_words;
        /* "2. Về kiến nghị … chính quyền địa phương 02 cấp:" alone in its
         * paragraph (a blank line, a bullet or the next item follows):
         * a topic ("Về …", "Đối với …") named before a colon is a title
         * though it runs longer; a long clause that ends in a colon
         * ("… có trách nhiệm:") stays a sentence */
        if (last == ':' && alone && max < S->colon_title_max_words &&
            vb_match(H->doc, &H->S->ms.m[S->m_topic], v, b, a, PCRE2_ANCHORED) > 0)
            max = S->colon_title_max_words;
        /* a gloss in brackets does not lengthen a title alone in its
         * paragraph; a sentence that ends in a colon keeps its length
         * ("Sở … chủ trì, phối hợp với Văn phòng UBND tỉnh (Trung tâm
         * …):") */
        size_t nw = last == ':' || !alone ? w : w - bracket_words(v, a, b);
        ok = (long)nw <= max && !inner_stop(t, v, a, b) &&
             !inner_colon(v, a, last == ':' ? e - 1 : b) &&
             !vb_match(H->doc, &H->S->ms.m[S->m_lead_in], v, b, a, 0);
    }
    if (!ok)
        return NULL;
    char *h = vb_clean_fold_range(&H->doc->arena, t, a, b);
    if (ends_open(S, h))
        return NULL;
    *hs = vb_span_from_fold(t, a, b);
    return h;
}

/* The number stands alone ("Chương I"): the title is on the next line. */
static char *next_line_heading(const hctx *H, size_t li, vb_span *hs)
{
    const state *S = H->S;
    const vb_lines *L = H->L;
    size_t blanks;
    size_t j = next_text_line(L, li, S->lead_max_blank, &blanks);
    if (j >= L->v.n || H->mark[j] || (L->v.v[j].flags & VB_LINE_BULLET))
        return NULL;
    const vb_line *ln = &L->v.v[j];
    size_t w, o, ql, l;
    count_words(L->view, ln->text, ln->text_end, &w, &o, &ql, &l);
    bool caps = (ln->flags & VB_LINE_CAPS) != 0;
    if ((ln->flags & VB_LINE_STOP) && !caps)
        return NULL;
    if ((long)w > (caps ? S->caps_max_words : S->title_max_words))
        return NULL;
    size_t b = ln->text_end;
    for (size_t k = j, n = 1; caps && (long)n < S->lead_max_lines; n++) {
        size_t nb;
        size_t m = next_text_line(L, k, 0, &nb);
        if (m >= L->v.n || H->mark[m] || !(L->v.v[m].flags & VB_LINE_CAPS) ||
            (L->v.v[m].flags & VB_LINE_BULLET))
            break;
        k = m;
        b = L->v.v[m].text_end;
    }
    *hs = vb_span_from_fold(&H->doc->text, ln->text, b);
    return vb_clean_fold_range(&H->doc->arena, &H->doc->text, ln->text, b);
}

/* The role of a heading: the lexicon key found earliest in it (whole
 * words, punctuation dropped, a word may have lost one letter), the
 * longer one on a tie, within the first words of the heading. */
/* Heading word h (hl bytes) is key word k (kl bytes), or k with one
 * letter lost: damaged text drops letters ("ĐCH" for "ĐÍCH", "YU" for
 * "YÊU"), never adds them. */
static bool word_is(const char *h, size_t hl, const char *k, size_t kl)
{
    if (hl == kl)
        return !memcmp(h, k, kl);
    if (kl < 3 || hl + 1 != kl)
        return false;
    size_t i = 0;
    while (i < hl && h[i] == k[i])
        i++;
    return !memcmp(h + i, k + i + 1, hl - i);
}

/* The key's words from heading word w on (words: start offsets of the
 * nw words of f, each ended by ' ' or NUL).  One word may have lost a
 * letter when another of 3+ letters is whole ("muc dch", "yu cau"; not
 * "bo co" for "bao cao"). */
static bool words_match(const char *f, const size_t *words, size_t nw, size_t w, const char *key)
{
    size_t whole = 0, damaged = 0;
    for (const char *k = key; *k; w++) {
        while (*k == ' ')
            k++;
        if (!*k)
            break;
        if (w >= nw)
            return false;
        size_t kl = strcspn(k, " ");
        const char *h = f + words[w];
        size_t hl = strcspn(h, " ");
        if (!word_is(h, hl, k, kl))
            return false;
        if (hl == kl)
            whole += kl >= 3;
        else
            damaged++;
        k += kl;
    }
    return damaged == 0 || (damaged == 1 && whole > 0);
}

static const char *role_of(const state *S, const char *heading, long max_lead)
{
    if (!heading || !S->roles)
        return NULL;
    char *f = vb_fold_utf8(heading, strlen(heading));
    size_t n = 0;
    for (size_t i = 0; f[i]; i++) {
        char c = isalnum((unsigned char)f[i]) ? f[i] : ' ';
        if (c == ' ' && (n == 0 || f[n - 1] == ' '))
            continue;
        f[n++] = c;
    }
    f[n] = 0;
    /* the role word leads the heading ("Các nhiệm vụ …"); one deep inside
     * a long title ("… cho mục đích sản xuất") names something else */
    size_t words[64], nw = 0;
    for (size_t i = 0; f[i] && nw < 64; i++)
        if (f[i] != ' ' && (i == 0 || f[i - 1] == ' '))
            words[nw++] = i;
    const char *best = NULL;
    size_t best_len = 0;
    for (size_t w = 0; w < nw && (long)w <= max_lead && !best; w++)
        for (size_t e = 0; e < S->roles->n; e++) {
            const char *key = S->roles->entries[e].key;
            size_t kl = strlen(key);
            if (kl > best_len && words_match(f, words, nw, w, key)) {
                best = S->roles->entries[e].value;
                best_len = kl;
            }
        }
    free(f);
    return best;
}

/* Only the number is bold and the text after it goes on on the next line
 * ("**Điều 1.** Công bố kèm theo" / "Quyết định này …"): a label that runs
 * into its paragraph, no title.  ("**Điều 2.** Tổ chức thực hiện" over
 * "1. Giao …" is a title, and so is one that opens with a heading word.) */
static bool bold_number_only(const hctx *H, size_t li, const reading *r)
{
    const vb_text *t = &H->doc->text;
    const vb_line *ln = &H->L->v.v[li];
    if (li + 1 >= H->L->v.n || H->mark[li + 1] || (H->L->v.v[li + 1].flags & VB_LINE_BLANK))
        return false;
    size_t u_line = ln->start ? vb_fold_char_end(t, ln->start - 1) : 0;
    size_t u_tok = t->fold_map[r->tok];
    size_t u_tokend = vb_fold_char_end(t, r->tok_end - 1);
    size_t u_rest = r->rest < t->fold_len ? t->fold_map[r->rest] : t->utf8_len;
    return u_rest > u_tokend && count_pairs(t->utf8, u_line, u_tok) % 2 == 1 &&
           count_pairs(t->utf8, u_tokend, u_rest) % 2 == 1;
}

static char *heading_of(const hctx *H, size_t li, const reading *r, vb_span *hs)
{
    const vb_line *ln = &H->L->v.v[li];
    char *h = bold_heading(H, ln, r, hs);
    if (!h && r->rest >= ln->text_end)
        h = next_line_heading(H, li, hs);
    else if (!h) {
        vb_span keep = *hs;
        h = plain_heading(H, li, r, hs);
        /* unless it opens with a heading word ("**1.** Kinh phí thực hiện") */
        if (h && bold_number_only(H, li, r) && !(ln->flags & VB_LINE_CAPS) && !role_of(H->S, h, 0)) {
            h = NULL;
            *hs = keep;
        }
    }
    return tidy(&H->doc->arena, h);
}

/* ---------------------------------------------------------------- run */

/* The ids given so far: open addressing over arena strings. */
typedef struct {
    const char **v;
    size_t cap, n;
} idset;

static size_t id_hash(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* Adds id; false when it was there already. */
static bool idset_add(idset *S, const char *id)
{
    if (2 * (S->n + 1) > S->cap) {
        size_t cap = S->cap ? S->cap * 2 : 64;
        const char **v = vb_xcalloc(cap, sizeof *v);
        for (size_t i = 0; i < S->cap; i++)
            if (S->v[i])
                for (size_t h = id_hash(S->v[i]) & (cap - 1);; h = (h + 1) & (cap - 1))
                    if (!v[h]) {
                        v[h] = S->v[i];
                        break;
                    }
        free(S->v);
        S->v = v;
        S->cap = cap;
    }
    for (size_t h = id_hash(id) & (S->cap - 1);; h = (h + 1) & (S->cap - 1)) {
        if (!S->v[h]) {
            S->v[h] = id;
            S->n++;
            return true;
        }
        if (!strcmp(S->v[h], id))
            return false;
    }
}

/* The innermost fit wins, a clean number over an OCR'd numeral ("l."
 * is I) over a damaged number ("l." is no 1. there); a capital
 * part that continues its sequence over the letter item the same line
 * could be ("B. NỘI DUNG" after "a) …" under "A. …"), and an article
 * whose word a converter put on the line above ("**Điều" / "3. Hiệu
 * lực") over the item 3 its number's line also reads as. */
static int reading_score(const state *S, const reading *r, const fit *f)
{
    if (S->lv[r->lv].rd == RD_CAPITAL || r->lead_i || r->word_above)
        return -1;
    return f->depth * 4 + (r->damaged ? 2 : 0) + (r->ocr ? 1 : 0);
}

static int cmp_reading(const void *x, const void *y)
{
    const reading *a = x, *b = y;
    if (a->tok != b->tok)
        return a->tok < b->tok ? -1 : 1;
    return a->lv - b->lv;
}

/* Number as written in an id: the path below the parent's, the canonical
 * numeral, the printed letter. */
static void segment(const state *S, const reading *r, const frame *nf, const frame *parent, char *buf,
                    size_t cap)
{
    const level_def *d = &S->lv[r->lv];
    buf[0] = 0;
    if (d->rd == RD_PATH) {
        int from = parent && parent->lv == r->lv ? parent->n : 0;
        size_t o = 0;
        for (int i = from; i < nf->n && o < cap; i++)
            o += (size_t)snprintf(buf + o, cap - o, i > from ? ".%ld" : "%ld", nf->c[i]);
    } else if (d->rd == RD_CAPITAL) {
        snprintf(buf, cap, "%c", (char)r->letter_orig);
    } else if (d->rd == RD_LETTER) {
        /* a bare d standing for đ is written đ: ids stay unique */
        int32_t cp = nf->letter == 0x111 && r->letter == 'd' ? (r->letter_orig == 'D' ? 0x110 : 0x111)
                                                             : r->letter_orig;
        utf8proc_uint8_t u[8];
        utf8proc_ssize_t k = utf8proc_encode_char(cp, u);
        snprintf(buf, cap, "%.*s", (int)k, (const char *)u);
    } else if (d->rd == RD_ROMAN || r->roman_tok) {
        char s[8];
        vb_roman_str(nf->c[0], s);
        for (size_t i = 0; s[i]; i++)
            s[i] = (char)toupper((unsigned char)s[i]);
        snprintf(buf, cap, "%s", s);
    } else {
        snprintf(buf, cap, "%ld", nf->c[0]);
    }
}

static size_t input_of_view(const vb_text *t, size_t fold_off)
{
    return vb_utf8_to_input(t, fold_off ? vb_fold_char_end(t, fold_off - 1) : 0);
}

/* The number the sequence's next item of level lv says: does the next
 * line read at that level in the same tree, with a number read as written
 * (a roman part on a title in capitals, an item number opening a
 * paragraph in upper case), stand for `want`?  The first such line
 * decides; readings are in text order. */
static bool next_means(const state *S, const vb_document *doc, const vb_lines *L, const reading *rd, size_t n,
                       size_t from, size_t range_end, int lv, long want)
{
    const level_def *d = &S->lv[lv];
    for (size_t k = from; k < n; k++) {
        const reading *r = &rd[k];
        if (r->lv != lv)
            continue;
        const vb_line *ln = &L->v.v[vb_lines_find(L, r->tok)];
        if (ln->start >= range_end)
            break;
        /* a witness is a number read as written */
        if (r->damaged)
            continue;
        if (ln->flags & VB_LINE_TABLE)
            continue;
        if (d->rd == RD_ROMAN) {
            if (!(ln->flags & VB_LINE_CAPS))
                continue;
            vb_roman rm = {r->c[0], r->ocr, r->ocr_digit, {0}};
            memcpy(rm.norm, r->norm, sizeof rm.norm);
            /* a clean part numbered like the wanted one before it is read
             * as the next (sibling_fit): "IH." (II) then "II." (III) */
            if (r->ocr)
                continue;
            return r->c[0] == want || r->c[0] == want - 1;
        }
        if (r->n != 1)
            continue;
        size_t a = r->rest;
        while (a < ln->text_end && (L->view[a] == ' ' || L->view[a] == '\t'))
            a++;
        if (a >= ln->text_end || !isalpha((unsigned char)L->view[a]) || vb_orig_case(&doc->text, a) <= 0)
            continue;
        return r->c[0] == want;
    }
    return false;
}

/* One decimal digit apart: what OCR makes of a digit (5 read as 9 or 6,
 * 1 as 4 or 7), or one digit lost or added ("1" for "10"). */
static bool digits_near(long a, long b)
{
    char x[24], y[24];
    snprintf(x, sizeof x, "%ld", a);
    snprintf(y, sizeof y, "%ld", b);
    return vb_edit_distance(x, strlen(x), y, strlen(y)) <= 1;
}

/* A number that fits nowhere, read by the sequence around it: a part or
 * item whose number OCR misread ("9." for 5., "4. Mục đích" for 1., "1L."
 * for I.) is the number the sequence wants when the next number of its
 * level is the one after that; a clean item number one past the wanted
 * one ("11." after "9." when "10:°" was lost) stands when the next one
 * follows it.  Only a roman part on a title in capitals, or an item
 * opening a paragraph in upper case. */
static bool sequence_fit(const state *S, const vb_document *doc, const vb_lines *L, const outline *O,
                         const reading *rd, size_t n, size_t from, size_t range_end, const reading *r, fit *out)
{
    const level_def *d = &S->lv[r->lv];
    if (d->rd == RD_ROMAN ? !r->caps : (d->rd != RD_PATH || r->n != 1 || !r->upper))
        return false;
    long want = 1;
    int keep = 0, i;
    for (i = O->n - 1; i >= 0; i--) {
        const frame *f = &O->st[i];
        if (f->lv == r->lv && f->n == 1) {
            want = f->c[0] + 1;
            keep = i;
            break;
        }
        if (f->lv != r->lv && S->lv[f->lv].rank < d->rank) {
            keep = i + 1;
            break;
        }
    }
    if (d->rd == RD_ROMAN && want > VB_ROMAN_MAX)
        return false;
    /* a damaged number never closes the whole outline */
    if (i < 0 && O->n > 0 && r->damaged)
        return false;
    memset(out, 0, sizeof *out);
    out->keep = keep;
    out->depth = O->n - keep;
    out->f.lv = r->lv;
    out->f.n = 1;
    out->f.letter = r->letter;
    if (!r->damaged && !r->ocr && r->c[0] == want + 1 && d->rd == RD_PATH && want > 1 &&
        next_means(S, doc, L, rd, n, from, range_end, r->lv, want + 2)) {
        out->f.c[0] = want + 1;
        return true;
    }
    if (d->rd == RD_PATH && !digits_near(r->c[0], want))
        return false;
    /* a numeral one stroke from the wanted one ("1L" for I, "IH" for II),
     * not another word in capitals ("VI, ĐỐI TƯỢNG" wrapped from a title) */
    if (d->rd == RD_ROMAN) {
        char exp[8];
        /* a clean numeral out of place ("II." before "I.") is no misreading */
        if (!r->ocr && !r->damaged)
            return false;
        vb_roman_str(want, exp);
        if (vb_edit_distance(r->norm, strlen(r->norm), exp, strlen(exp)) > 1)
            return false;
    }
    if (!next_means(S, doc, L, rd, n, from, range_end, r->lv, want + 1))
        return false;
    out->f.c[0] = want;
    return true;
}

/* "1. MỤC ĐÍCH" opening the outline in capitals is arabic 1, or a roman I
 * that OCR read as a digit: the next title in capitals decides.  A "2."
 * there says arabic; a roman II ("II.", "I1.", "11.", "H.") says I.
 * Only titles of the same tree (body or attachment) before range_end
 * count; readings are in text order. */
static bool one_is_roman(const state *S, const vb_lines *L, const reading *rd, size_t n, size_t from,
                         size_t range_end)
{
    for (size_t k = from; k < n; k++) {
        const reading *r = &rd[k];
        const level_def *d = &S->lv[r->lv];
        if (d->rd != RD_ROMAN && d->rd != RD_PATH)
            continue;
        const vb_line *ln = &L->v.v[vb_lines_find(L, r->tok)];
        if (ln->start >= range_end)
            break;
        if (!(ln->flags & VB_LINE_CAPS))
            continue;
        if (d->rd == RD_PATH && r->n == 1 && r->c[0] == 2 && !r->damaged)
            return false;
        if (d->rd == RD_ROMAN) {
            vb_roman rm = {r->c[0], r->ocr, r->ocr_digit, {0}};
            memcpy(rm.norm, r->norm, sizeof rm.norm);
            if (vb_roman_means(&rm, 2))
                return true;
        }
    }
    return false;
}

/* A stretch of text with a tree of its own: the body, or an attachment
 * (ids prefixed "A1/"). */
typedef struct {
    size_t lo, hi;              /* fold range */
    size_t in_end;              /* input offset where it ends */
    int attachment;             /* 0 = the body */
} tree_range;

/* The body between the header and the closing, then each attachment. */
static size_t tree_ranges(const vb_document *doc, tree_range **out)
{
    const vb_text *t = &doc->text;
    size_t closing_start = doc->closing.span.start;
    if (closing_start > t->input_len || (closing_start == 0 && doc->closing.span.end == 0))
        closing_start = t->input_len;
    size_t body_end = doc->body_fold_end && doc->body_fold_end <= t->fold_len ? doc->body_fold_end
                                                                             : t->fold_len;
    size_t body_start = doc->header.fold_end <= t->fold_len ? doc->header.fold_end : 0;
    tree_range *R = vb_xcalloc(doc->attachments.n + 1, sizeof *R);
    R[0] = (tree_range){body_start, body_end, closing_start, 0};
    for (size_t k = 0; k < doc->attachments.n; k++) {
        const vb_attachment *a = &doc->attachments.v[k];
        R[k + 1] = (tree_range){a->fold_start, a->fold_end, a->span.end, a->n};
    }
    *out = R;
    return doc->attachments.n + 1;
}

static void run(void *st, vb_document *doc)
{
    state *S = st;
    const vb_text *t = &doc->text;
    tree_range *R;
    size_t nr = tree_ranges(doc, &R), cur = 0;
    size_t closing_start = R[0].in_end;

    vb_lines L;
    vb_lines_build(&L, doc, &S->ms.m[S->m_split], &S->ms.m[S->m_bullet], &S->ll);

    /* every reading of every line */
    VB_VEC(reading) rd = {0};
    for (size_t k = 0; k < S->nlv; k++) {
        vb_matcher *m = &S->ms.m[k];
        for (size_t pos = 0; pos < L.len && vb_next_match(doc, m, L.view, L.len, &pos, 0);) {
            PCRE2_SIZE *ov = vb_ovector(m);
            size_t ns, ne, rs, re;
            if (vb_group(m, "num", &ns, &ne) && vb_group(m, "rest", &rs, &re)) {
                reading *r = VB_PUSH(rd);
                memset(r, 0, sizeof *r);
                r->lv = (int)k;
                r->tok = ns;
                r->tok_end = ne;
                r->rest = rs;
                r->word = ov[0];
                r->word_above = memchr(L.view + ov[0], '\n', ns - ov[0]) != NULL;
                if (!read_token(S, doc, L.view, r))
                    rd.n--;
            }
            /* one number per line: go on at the next line */
            const char *nlp = memchr(L.view + ov[0], '\n', L.len - ov[0]);
            if (!nlp)
                break;
            pos = (size_t)(nlp - L.view) + 1;
        }
    }
    if (rd.n > 1)
        qsort(rd.v, rd.n, sizeof *rd.v, cmp_reading);

    unsigned char *mark = vb_xcalloc(L.v.n + 1, 1);
    VB_VEC(size_t) sec_line = {0};      /* line of each section */
    VB_VEC(size_t) sec_reading = {0};
    outline O;
    memset(&O, 0, sizeof O);
    idset ids = {0};
    for (size_t i = 0; i < rd.n;) {
        size_t j = i;
        while (j < rd.n && rd.v[j].tok == rd.v[i].tok)
            j++;
        size_t li = vb_lines_find(&L, rd.v[i].tok);
        const vb_line *ln = &L.v.v[li];
        size_t in_start = input_of_view(t, ln->start);
        /* the range the line is in; a new range starts a new outline */
        size_t was = cur;
        while (cur < nr && (ln->start >= R[cur].hi || in_start >= R[cur].in_end))
            cur++;
        if (cur != was)
            memset(&O, 0, sizeof O);
        if (cur >= nr || ln->start < R[cur].lo || (ln->flags & VB_LINE_TABLE)) {
            mark[li] = 1;
            i = j;
            continue;
        }
        int best = -1, bseq = 0;
        fit bf, f;
        for (size_t k = i; k < j; k++) {
            /* "Điều", "Mục", "Chương" open a line in capitals; "danh" /
             * "mục 35 thủ tục" is a wrapped word */
            if (S->lv[rd.v[k].lv].rd == RD_NUMBER && vb_orig_case(t, ln->text) < 0)
                continue;
            if (S->lv[rd.v[k].lv].rd != RD_NUMBER &&
                wrapped_word(doc, &L, mark, li, &rd.v[k], S->lv[rd.v[k].lv].rd == RD_ROMAN, S->lead_max_lines))
                continue;
            if (!line_allows(S, doc, &L, li, &rd.v[k]))
                continue;
            /* a line that looks numbered (1: ends a title above it) */
            mark[li] = 1;
            rd.v[k].caps = (ln->flags & VB_LINE_CAPS) != 0;
            if (O.n == 0 && S->lv[rd.v[k].lv].rd == RD_ROMAN && rd.v[k].ocr_digit && rd.v[k].caps &&
                !strcmp(rd.v[k].norm, "i") && one_is_roman(S, &L, rd.v, rd.n, j, R[cur].hi)) {
                rd.v[k].lead_i = true;
                rd.v[k].ocr = rd.v[k].ocr_digit = false;
            }
            /* a reading the sequence around it decides only when no
             * reading of the line fits as written */
            int seq = 0;
            if (!find_fit(S, &O, &rd.v[k], &f)) {
                if (!sequence_fit(S, doc, &L, &O, rd.v, rd.n, j, R[cur].hi, &rd.v[k], &f))
                    continue;
                seq = 1000;
            }
            /* on a tie the level named by a word: "**Điều" / "1. Phạm vi"
             * is an article, its number's line also an item 1. */
            int sk = reading_score(S, &rd.v[k], &f) + seq, sb = best < 0 ? 0 : reading_score(S, &rd.v[best], &bf) + bseq;
            if (best < 0 || sk < sb ||
                (sk == sb && S->lv[rd.v[k].lv].rd == RD_NUMBER && S->lv[rd.v[best].lv].rd != RD_NUMBER)) {
                best = (int)k;
                bf = f;
                bseq = seq;
            }
        }
        if (best >= 0 && bf.keep < MAX_DEPTH) {
            const reading *r = &rd.v[best];
            const frame *parent = bf.keep > 0 ? &O.st[bf.keep - 1] : NULL;
            char seg[ID_MAX / 2];
            segment(S, r, &bf.f, parent, seg, sizeof seg);
            char *id = parent ? vb_arena_printf(&doc->arena, "%s.%s", doc->sections.v[parent->sec].id, seg)
                              : R[cur].attachment ? vb_arena_printf(&doc->arena, "A%d/%s", R[cur].attachment, seg)
                                                   : vb_arena_strdup(&doc->arena, seg);
            /* an id given twice means the outline went astray (an annex
             * numbered like the body): the line stays body text */
            if (!idset_add(&ids, id)) {
                i = j;
                continue;
            }
            vb_section *s = VB_PUSH(doc->sections);
            memset(s, 0, sizeof *s);
            s->parent = parent ? parent->sec : -1;
            s->level = bf.keep + 1;
            s->attachment = R[cur].attachment;
            s->id = id;
            if (S->lv[r->lv].rd == RD_PATH) {
                char full[ID_MAX / 2];
                segment(S, r, &bf.f, NULL, full, sizeof full);
                s->number = vb_arena_strdup(&doc->arena, full);
                s->kind = r->n > 1 ? "dotted" : S->lv[r->lv].name;
            } else {
                s->number = vb_arena_strdup(&doc->arena, seg);
                s->kind = S->lv[r->lv].name;
            }
            /* the section starts at its level's word on the line above */
            size_t fs = r->word_above ? L.v.v[vb_lines_find(&L, r->word)].start : ln->start;
            s->fold_start = fs;
            s->span.start = r->word_above ? input_of_view(t, fs) : in_start;
            bf.f.sec = (int)(doc->sections.n - 1);
            O.n = bf.keep;
            O.st[O.n++] = bf.f;
            O.last[r->lv] = bf.f.c[0];
            mark[li] = 2;
            *VB_PUSH(sec_line) = li;
            *VB_PUSH(sec_reading) = (size_t)best;
        }
        i = j;
    }

    /* headings and roles, now that every section line is known */
    hctx H = {S, doc, &L, mark, vb_lines_short_first(&L, mark, S->short_first_pct)};
    for (size_t k = 0; k < doc->sections.n; k++) {
        vb_section *s = &doc->sections.v[k];
        const reading *r = &rd.v[sec_reading.v[k]];
        const vb_line *ln = &L.v.v[sec_line.v[k]];
        s->heading_span = vb_span_from_fold(t, ln->text, ln->text_end);
        s->heading = heading_of(&H, sec_line.v[k], r, &s->heading_span);
        s->role = role_of(S, s->heading, S->role_max_lead_words);
    }

    /* spans: a section ends where the next one at its level or above
     * starts; what is still open ends where its range ends (the body at
     * the closing, an attachment at the next one) */
    int open[MAX_DEPTH + 1];
    int nopen = 0;
    for (size_t k = 0; k <= doc->sections.n; k++) {
        vb_section *s = k < doc->sections.n ? &doc->sections.v[k] : NULL;
        while (nopen > 0 && (!s || doc->sections.v[open[nopen - 1]].attachment != s->attachment ||
                             doc->sections.v[open[nopen - 1]].level >= s->level)) {
            vb_section *o = &doc->sections.v[open[--nopen]];
            bool same = s && o->attachment == s->attachment;
            const tree_range *r = &R[o->attachment];     /* R[n] is attachment n */
            o->span.end = same ? s->span.start : r->in_end;
            o->fold_end = same ? s->fold_start : r->hi;
        }
        if (s && nopen <= MAX_DEPTH)
            open[nopen++] = (int)k;
    }
    doc->preamble.start = 0;
    doc->preamble.end = doc->sections.n && !doc->sections.v[0].attachment ? doc->sections.v[0].span.start
                                                                          : closing_start;

    free(ids.v);
    free(mark);
    free(sec_line.v);
    free(sec_reading.v);
    free(rd.v);
    free(R);
    vb_lines_free(&L);
}

const vb_stage vb_stage_sections = {"sections", init, run, fini};
