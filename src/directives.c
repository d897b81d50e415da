/*
 * directives.c - stage "directives": every document the text cites by its
 * number ("Chỉ thị số 34-CT/TW ngày 07/4/2014 của Bộ Chính trị về ...").
 *
 * Owns doc->directives: one record per distinct number (the official
 * symbol, OCR damage repaired), in the order of first citation, with its
 * type, type and issuer codes, year, date, issuer, subject and every
 * mention.  Gives the role "citation" to the doc->dates records that are
 * issue dates of cited documents.
 *
 * What a citation looks like is in grammars/directives.vbg; the patterns
 * and their groups this file reads:
 *   directives.cite         type (with a (*MARK) naming its key), num, code,
 *                           form; starts with \G
 *   directives.type_before  type (with its (*MARK)); must end at \z
 *   directives.list_next    (no group); must end at \z
 *   directives.short        type (with its (*MARK)), num; starts with \G
 *   directives.date         date (anchored: starts with \G)
 *   directives.issuer       issuer (anchored)
 *   directives.subject      subject | subject2 | subject3 (anchored)
 *   directives.exclude      text that is not the document
 *   directives.term_code    term (anchored): a Quốc hội code, OCR damaged
 * and the lexicons directives.types, directives.type_codes,
 * directives.code_types, directives.codes, directives.ocr_letters,
 * directives.letters, directives.ocr_digits, directives.slashes and
 * directives.issuer_types.
 * This file only takes the number apart and puts the official letters
 * back; every word list lives in the grammar.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocr_digits.h"
#include "vb_internal.h"

enum { P_CITE, P_TYPE_BEFORE, P_LIST_NEXT, P_SHORT, P_DATE, P_ISSUER, P_SUBJECT, P_EXCLUDE, P_ISSUER_NEXT,
       P_TERM_CODE };
static const char *const pattern_names[] = {
    "directives.cite", "directives.type_before", "directives.list_next", "directives.short",
    "directives.date", "directives.issuer", "directives.subject", "directives.exclude",
    "directives.issuer_next", "directives.term_code", NULL,
};

/* How far back a type word may stand from "số" ("Luật Bầu cử đại biểu
 * Quốc hội và đại biểu Hội đồng nhân dân số 85/2015/QH13"). */
#define TYPE_BEFORE_WINDOW 160
#define MAX_SEGS 8
/* A body's name longer than this (fold bytes) is prose the stops missed:
 * no issuer.  A subject is cut at a word boundary near this length. */
#define MAX_ISSUER 160
#define MAX_SUBJECT 400
/* How far past its start an issuer or a subject is looked for.  Their
 * patterns run to a clause end; in a text without one, each citation's
 * would run to the end of the text (quadratic, with match-limit hits).
 * Far beyond MAX_ISSUER and MAX_SUBJECT (and within the JIT stack: a
 * longer window sends these patterns to the interpreter, 20x slower); a
 * quote running further is body text, not a subject. */
#define DETAILS_WINDOW 1024
/* How far before its marker a directives.exclude match with group "back"
 * reaches (grammars/directives.vbg). */
#define EXCLUDE_BACK 300

typedef struct {
    vb_matchers ms;
    const vb_lexicon *types, *type_codes, *code_types, *codes, *ocr_letters, *letters;
    const vb_lexicon *ocr_digits, *slashes, *issuer_types, *ocr_capitals, *register_digits;
} directives_state;


/* One segment of a number's code: "KH", "UBND", "2017". */
typedef struct {
    size_t s, e;            /* fold range */
    char key[24];           /* folded, look-alike letters replaced */
    char text[48];          /* UTF-8 with look-alikes replaced, lower case */
    bool lookalike;
    char sep;               /* '/', '-' or ' ' (OCR lost the hyphen) */
    bool spaced;            /* white space around its separator */
    bool broken;            /* its separator ends a line ("05/KH-BCA-" / "V01") */
    bool alpha;
    char fixed[24];         /* official form read from OCR damage ("QHI4" -> "QH14"), or "" */
} seg;

static void *init(const vb_grammar *g, char *err, size_t err_size)
{
    directives_state *st = vb_xcalloc(1, sizeof *st);
    if (!vb_matchers_init(&st->ms, g, "directives", pattern_names, err, err_size)) {
        free(st);
        return NULL;
    }
    static const char *const lex[] = {"directives.types", "directives.type_codes",
                                      "directives.code_types", "directives.codes",
                                      "directives.ocr_letters", "directives.letters",
                                      "directives.ocr_digits", "directives.slashes",
                                      "directives.issuer_types", "directives.ocr_capitals",
                                      "directives.register_digits"};
    const vb_lexicon **const dst[] = {&st->types, &st->type_codes, &st->code_types, &st->codes,
                                      &st->ocr_letters, &st->letters, &st->ocr_digits,
                                      &st->slashes, &st->issuer_types, &st->ocr_capitals,
                                      &st->register_digits};
    if (!vb_require_lexicons(g, "directives", lex, dst, sizeof lex / sizeof lex[0], err, err_size)) {
        vb_matchers_fini(&st->ms);
        free(st);
        return NULL;
    }
    return st;
}

static void fini(void *state)
{
    directives_state *st = state;
    if (!st)
        return;
    vb_matchers_fini(&st->ms);
    free(st);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* vb_match anchored at `start`, for the patterns that follow a number
 * (directives.date, .issuer, .subject, .list_next).  Each alternative
 * starts with \G, so they are anchored as written and their JIT code can
 * run them: PCRE2_ANCHORED at match time needs the interpreter, several
 * times slower.  The JIT stack (32 KiB) is smaller than the interpreter's
 * limits, so when the JIT gives up (long subjects), the interpreter
 * decides, with vb_match's warning if it gives up too. */
static int match_at(vb_document *doc, vb_matcher *m, const char *subject, size_t len,
                    size_t start)
{
    if (m->pat->jit) {
        int rc = pcre2_jit_match(m->pat->code, (PCRE2_SPTR)subject, len, start, 0, m->md, m->mc);
        if (rc >= 0)
            return rc > 0 ? rc : 1;
        if (rc == PCRE2_ERROR_NOMATCH)
            return 0;
    }
    return vb_match(doc, m, subject, len, start, PCRE2_ANCHORED);
}

/* The next match of directives.cite or directives.short (anchored by
 * their \G) at or after pos: what an unanchored scan would find, with
 * PCRE2 tried only where a citation may start.  Every citation (short
 * ones too) holds its register number, and the "Mẫu", type word and "số"
 * before it hold letters, digits, white space, bytes >= 0x80 and "_&@):"
 * only, and "-" in a company's register ("số ABC-SB014/25-HC"), never
 * other ASCII punctuation.  So a
 * match starts at a digit, or at a word start with a digit after it
 * before any such punctuation.  (Tried at every letter, the type words
 * were a quarter of the run time.) */
/* What scan_at_starts stops at, per byte: 1 a digit, 2 ASCII punctuation
 * other than "_&@):-" (ispunct in the C locale; a table, as this loop
 * looks at every byte of every text). */
static const unsigned char stop_kind[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
    ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['!'] = 2, ['"'] = 2, ['#'] = 2, ['$'] = 2, ['%'] = 2, ['\''] = 2, ['('] = 2,
    ['*'] = 2, ['+'] = 2, [','] = 2, ['.'] = 2, ['/'] = 2, [';'] = 2,
    ['<'] = 2, ['='] = 2, ['>'] = 2, ['?'] = 2, ['['] = 2, ['\\'] = 2, [']'] = 2,
    ['^'] = 2, ['`'] = 2, ['{'] = 2, ['|'] = 2, ['}'] = 2, ['~'] = 2,
};

static bool scan_at_starts(vb_document *doc, vb_matcher *m, const char *f, size_t len, size_t pos)
{
    for (size_t i = pos; i < len;) {
        /* the next digit or punctuation, at q: a start in [i, q] needs a
         * digit there (each byte is looked at once: a match found goes
         * past q, where the next call starts) */
        size_t q = i;
        while (q < len && !stop_kind[(unsigned char)f[q]])
            q++;
        if (q == len)
            return false;
        if (f[q] >= '0' && f[q] <= '9') {
            for (size_t s = i; s <= q; s++) {
                unsigned char c = (unsigned char)f[s];
                bool digit = c >= '0' && c <= '9';
                bool word = c >= 'a' && c <= 'z' && (s == 0 || f[s - 1] < 'a' || f[s - 1] > 'z');
                if ((digit || word) && vb_match(doc, m, f, len, s, 0) > 0)
                    return true;
            }
        }
        i = q + 1;
    }
    return false;
}

/* The type named by the (*MARK) of the last match, or NULL. */
static const char *type_of_mark(const directives_state *st, vb_matcher *m)
{
    PCRE2_SPTR mark = pcre2_get_mark(m->md);
    if (!mark)
        return NULL;
    return vb_lexicon_get(st->types, (const char *)mark, strlen((const char *)mark));
}

/* Calls fn on every spelling of folded segment s[0,n) that the OCR letter
 * substitutions of directives.ocr_letters and directives.ocr_capitals give (every subset of the
 * substitutable positions, at most 2^6), the segment itself first; stops
 * at the first non-NULL answer. */
static const char *each_ocr_variant(const directives_state *st, const char *s, size_t n,
                                    const char *(*fn)(const void *, const char *, size_t),
                                    const void *arg)
{
    const char *v = n <= 16 ? fn(arg, s, n) : NULL;
    if (v || n == 0 || n > 16)
        return v;
    size_t pos[6];
    const char *rep[6];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 6; i++) {
        const char *r = vb_lexicon_get(st->ocr_letters, s + i, 1);
        if (!r)
            r = vb_lexicon_get(st->ocr_capitals, s + i, 1);
        if (r) {
            char *fr = vb_fold_utf8(r, strlen(r));
            if (strlen(fr) == 1) {
                pos[k] = i;
                rep[k] = fr[0] >= 'a' && fr[0] <= 'z' ? &"abcdefghijklmnopqrstuvwxyz"[fr[0] - 'a'] : NULL;
                if (rep[k])
                    k++;
            }
            free(fr);
        }
    }
    char buf[17];
    for (unsigned mask = 1; mask < (1u << k); mask++) {
        memcpy(buf, s, n);
        for (size_t j = 0; j < k; j++)
            if (mask & (1u << j))
                buf[pos[j]] = rep[j][0];
        if ((v = fn(arg, buf, n)))
            return v;
    }
    return NULL;
}

static const char *lexicon_fn(const void *lx, const char *s, size_t n)
{
    return vb_lexicon_get(lx, s, n);
}

/* Looks a folded code segment up in directives.codes, as written or with
 * OCR letters replaced (HPND -> HĐND, Qb -> QĐ). */
static const char *lookup_code(const directives_state *st, const char *s, size_t n)
{
    return each_ocr_variant(st, s, n, lexicon_fn, st->codes);
}

/* Calls fn on folded segment s[0,n) with one character that OCR may have
 * added left out, each place in turn ("QĐĐ", "TTEG", "CT1"); stops at the
 * first non-NULL answer.  Only for segments of three
 * characters or more: the reading keeps two at least. */
static const char *each_deletion(const char *s, size_t n,
                                 const char *(*fn)(const void *, const char *, size_t),
                                 const void *arg)
{
    char buf[17];
    if (n < 3 || n > 16)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        /* what OCR adds: a digit or mark, a letter read twice, a vowel
         * inside (codes are initials, mostly consonants: "ĐCKS" is no
         * "ĐCS" with a K added) */
        bool added = (s[i] < 'a' || s[i] > 'z') || (i > 0 && s[i - 1] == s[i]) ||
                     (i > 0 && strchr("aeiouy", s[i]));
        if (!added)
            continue;
        memcpy(buf, s, i);
        memcpy(buf + i, s + i + 1, n - i - 1);
        const char *v = fn(arg, buf, n - 1);
        if (v)
            return v;
    }
    return NULL;
}

static const char *equal_fn(const void *folded, const char *s, size_t n)
{
    const char *f = folded;
    return strlen(f) == n && !memcmp(f, s, n) ? f : NULL;
}

/* Folded equality of a code segment with an official code, OCR letters
 * allowed ("qb" and "QĐ", "cp" and "CĐ" are equal). */
static bool code_equal(const directives_state *st, const char *s, size_t n, const char *official)
{
    char *f = vb_fold_utf8(official, strlen(official));
    bool eq = each_ocr_variant(st, s, n, equal_fn, f) != NULL;
    free(f);
    return eq;
}

/* The code of `type` that segment s..n stands for (from the "|" list in
 * directives.type_codes), or NULL. */
static const char *type_code_for(directives_state *st, vb_arena *a, const char *type,
                                 const char *s, size_t n)
{
    char *ft = vb_fold_utf8(type, strlen(type));
    const char *list = vb_lexicon_get(st->type_codes, ft, strlen(ft));
    free(ft);
    if (!list)
        return NULL;
    for (const char *p = list; *p;) {
        const char *q = strchr(p, '|');
        size_t l = q ? (size_t)(q - p) : strlen(p);
        char *code = vb_arena_strndup(a, p, l);
        if (code_equal(st, s, n, code))
            return code;
        p += l + (q ? 1 : 0);
    }
    return NULL;
}

static bool type_has_codes(directives_state *st, const char *type)
{
    char *ft = vb_fold_utf8(type, strlen(type));
    bool r = vb_lexicon_get(st->type_codes, ft, strlen(ft)) != NULL;
    free(ft);
    return r;
}

/* Fills the key and text of a segment: look-alike letters of
 * directives.letters ("Ð") replaced by the letter they stand for. */
static void seg_key(const directives_state *st, const char *f, seg *g)
{
    size_t k = 0, t = 0;
    g->lookalike = false;
    for (size_t i = g->s; i < g->e;) {
        const char *v = NULL;
        size_t w = 1;
        for (w = 3; w >= 1 && !v; w--)
            if (i + w <= g->e)
                v = vb_lexicon_get(st->letters, f + i, w);
        w++;
        if (v) {
            char *fv = vb_fold_utf8(v, strlen(v));
            size_t fl = strlen(fv), vl = strlen(v);
            if (k + fl < sizeof g->key)
                memcpy(g->key + k, fv, fl), k += fl;
            if (t + vl < sizeof g->text)
                memcpy(g->text + t, v, vl), t += vl;
            free(fv);
            g->lookalike = true;
            i += w;
        } else {
            if (k + 1 < sizeof g->key)
                g->key[k++] = f[i];
            if (t + 1 < sizeof g->text)
                g->text[t++] = f[i];
            i++;
        }
    }
    g->key[k] = 0;
    g->text[t] = 0;
}

/* The byte length of a slash or of one of its look-alikes (lexicon
 * directives.slashes: "⁄" U+2044) at fold[i], or 0. */
static size_t slash_at(const directives_state *st, const char *f, size_t i, size_t b)
{
    if (f[i] == '/')
        return 1;
    if ((unsigned char)f[i] < 0x80)
        return 0;
    for (size_t w = 2; w <= 4 && i + w <= b; w++)
        if (vb_lexicon_get(st->slashes, f + i, w))
            return w;
    return 0;
}

/* Splits fold[a,b) into code segments. */
static size_t split_segs(const directives_state *st, const char *f, size_t a, size_t b,
                         seg *out, size_t max)
{
    size_t n = 0;
    char sep = 0;
    /* white space before and after the separator, a line break anywhere,
     * a line break after the separator */
    bool before = false, after = false, brk = false, brk_after = false;
    for (size_t i = a; i < b;) {
        char c = f[i];
        if (is_space(c)) {
            if (sep)
                after = true;
            else
                before = true;
            if (c == '\n') {
                brk = true;
                brk_after = sep != 0;
            }
            i++;
            continue;
        }
        size_t sl = slash_at(st, f, i, b);
        if (sl || c == '-') {
            sep = sl ? '/' : c;
            i += sl ? sl : 1;
            continue;
        }
        size_t s = i;
        bool alpha = false;
        while (i < b && !is_space(f[i]) && f[i] != '-' && !slash_at(st, f, i, b)) {
            if ((f[i] >= 'a' && f[i] <= 'z') || (unsigned char)f[i] >= 0x80)
                alpha = true;
            i++;
        }
        if (n < max) {
            out[n].s = s;
            out[n].e = i;
            out[n].sep = sep ? sep : ' ';
            /* "98/KH-UBND - các", "08/HD HDTDKT", "12\n- Tổ chức",
             * "NĐ-CP /Tổng": the segment may be prose (C checks it is a
             * code: "84- KL/TW", "354 /Qb-UBND") */
            out[n].spaced = !sep || before || after || brk;
            out[n].broken = brk_after && !before;
            out[n].alpha = alpha;
            out[n].fixed[0] = 0;
            seg_key(st, f, &out[n]);
            n++;
        }
        sep = 0;
        before = after = brk = brk_after = false;
    }
    return n;
}

/* True when the input letters of fold[a,b) start with two capitals (an
 * issuer code; "ngày" or "các" after a spaced separator is prose). */
static bool upper_in_input(vb_document *doc, size_t a, size_t b)
{
    char *s = vb_clean_fold_range(&doc->arena, &doc->text, a, b);
    vb_case_count cc = vb_case_count_of(s, strlen(s));
    if (cc.upper < 2)
        return false;
    return vb_mostly_upper(s, strlen(s), 0.6);
}

/* A word glued to the end of a code ("NĐ-CPngày", "QĐ-TTgcủa"): the
 * length of the code part, or 0 when nothing is glued.  The code is the
 * longest prefix that is a known code, else the run of capitals. */
static size_t glued_code_length(directives_state *st, vb_document *doc, const seg *g)
{
    size_t n = g->e - g->s;
    if (g->lookalike || n < 3 || lookup_code(st, g->key, strlen(g->key)))
        return 0;
    /* the glued part is a word in lower case, two letters or more ("HCTb"
     * is an OCR "HCTĐ", not "HCT" + "b") */
    for (size_t l = n - 2; l >= 2; l--)
        if (vb_orig_case(&doc->text, g->s + l) < 0 && lookup_code(st, doc->text.fold + g->s, l))
            return l;
    size_t up = 0;
    while (up < n && vb_orig_case(&doc->text, g->s + up) > 0)
        up++;
    if (up < 2 || up + 2 > n || vb_orig_case(&doc->text, g->s + up) >= 0)
        return 0;
    return up;
}

/* The official form of one non-type segment. */
static const char *restore_seg(directives_state *st, vb_document *doc, const seg *g)
{
    if (g->fixed[0])
        return vb_arena_strdup(&doc->arena, g->fixed);
    const char *f = g->key;
    size_t n = strlen(g->key);
    const char *v = lookup_code(st, f, n);
    if (v)
        return v;
    /* a known code of three letters or more with one character OCR added
     * ("TTEG" for TTg), in a code written in capitals */
    if (n >= 4 && !g->lookalike && upper_in_input(doc, g->s, g->e) &&
        (v = each_deletion(f, n, lexicon_fn, st->codes)))
        return v;
    if (g->lookalike)
        return vb_upper_utf8(&doc->arena, g->text, strlen(g->text));
    /* a lower-case OCR letter among capitals ("HCTb") is the letter
     * directives.ocr_letters says it stands for */
    if (n >= 2 && n < 16 && upper_in_input(doc, g->s, g->e)) {
        char out[64];
        size_t o = 0;
        bool changed = false;
        for (size_t i = 0; i < n && o + 4 < sizeof out; i++) {
            const char *r = vb_orig_case(&doc->text, g->s + i) < 0
                                ? vb_lexicon_get(st->ocr_letters, f + i, 1) : NULL;
            if (r) {
                char *u = vb_upper_utf8(&doc->arena, r, strlen(r));
                size_t l = strlen(u);
                if (o + l < sizeof out) {
                    memcpy(out + o, u, l);
                    o += l;
                }
                changed = true;
            } else {
                out[o++] = (char)toupper((unsigned char)f[i]);
            }
        }
        out[o] = 0;
        if (changed)
            return vb_arena_strdup(&doc->arena, out);
    }
    char *orig = vb_clean_fold_range(&doc->arena, &doc->text, g->s, g->e);
    for (const char *p = orig; *p; p++)
        if ((unsigned char)*p >= 0x80)
            return vb_upper_utf8(&doc->arena, orig, strlen(orig));
    char *u = vb_arena_strndup(&doc->arena, f, n);
    for (char *p = u; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}

typedef struct {
    char *number;
    const char *type;
    const char *type_code;
    char *issuer_code;
    int year;
} symbol;

bool vb_read_ocr_digits(const vb_lexicon *ocr_digits, const char *s, size_t n, char *out,
                        size_t out_size)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ')
            continue;
        const char *d = s[i] >= '0' && s[i] <= '9' ? s + i : vb_lexicon_get(ocr_digits, s + i, 1);
        if (!d || *d < '0' || *d > '9' || o + 1 >= out_size)
            return false;
        out[o++] = *d;
    }
    out[o] = 0;
    return o > 0;
}

static bool read_ocr_digits(const directives_state *st, const char *s, size_t n, char *out,
                            size_t out_size)
{
    return vb_read_ocr_digits(st->ocr_digits, s, n, out, out_size);
}

/* A code whose digits OCR damaged, at segment i ("QHI4", "QH1 4": the
 * segment "4" after the space joins it): directives.term_code decides
 * where it is and which part holds the digits.  Returns the new number of
 * segments. */
static size_t repair_term_code(directives_state *st, vb_document *doc, seg *g, size_t i, size_t n,
                               size_t code_e)
{
    vb_matcher *m = &st->ms.m[P_TERM_CODE];
    const char *f = doc->text.fold;
    size_t ts, te, t2s, t2e;
    if (match_at(doc, m, f, code_e, g[i].s) <= 0)
        return n;
    size_t me = vb_ovector(m)[1];
    char digits[8];
    if (vb_group(m, "term", &ts, &te)) {
        if (ts < g[i].s || ts - g[i].s + 8 > sizeof g[i].fixed ||
            !read_ocr_digits(st, f + ts, te - ts, digits, sizeof digits))
            return n;
    } else if (vb_group(m, "t1", &ts, &te) && vb_group(m, "t2", &t2s, &t2e)) {
        /* each digit read twice: the first and the last are the term */
        if (ts < g[i].s || ts - g[i].s + 8 > sizeof g[i].fixed ||
            !read_ocr_digits(st, f + ts, te - ts, digits, sizeof digits) ||
            !read_ocr_digits(st, f + t2s, t2e - t2s, digits + 1, sizeof digits - 1))
            return n;
    } else {
        return n;
    }
    size_t l = 0;
    for (size_t j = g[i].s; j < ts; j++)
        if (f[j] != ' ')
            g[i].fixed[l++] = (char)toupper((unsigned char)f[j]);
    snprintf(g[i].fixed + l, sizeof g[i].fixed - l, "%s", digits);
    g[i].e = me;
    size_t k = i + 1;
    while (k < n && g[k].s < me)
        k++;
    memmove(&g[i + 1], &g[k], (n - k) * sizeof *g);
    return n - (k - i - 1);
}

/* The register number as written in the official symbol: "66.7", "30a",
 * a company's letters in capitals ("ABC-SB014"); a digit that OCR read as
 * a letter before the others ("I 25", "l25", "O5": directives.ocr_digits)
 * is put back, a space OCR put after the first digit ("1 25") dropped. */
static char *register_text(directives_state *st, vb_document *doc, size_t num_s, size_t num_e)
{
    const char *f = doc->text.fold;
    size_t p = num_s;
    while (p < num_e && f[p] >= 'a' && f[p] <= 'z')
        p++;
    char *r = vb_arena_alloc(&doc->arena, num_e - num_s + 1);
    size_t o = 0, i = num_s;
    char d[4];
    if (p == num_s + 1 && read_ocr_digits(st, f + num_s, 1, d, sizeof d)) {
        r[o++] = d[0];
        i = p;
    } else if (p > num_s) {
        char *orig = vb_clean_fold_range(&doc->arena, &doc->text, num_s, num_e);
        return vb_upper_utf8(&doc->arena, orig, strlen(orig));
    }
    for (; i < num_e; i++) {
        /* a digit OCR read as a letter, last before a hyphen ("0S-CT/TW":
         * the grammar allows it only there, after "số") */
        const char *dg = i > num_s && i + 1 == num_e && f[num_e] == '-' &&
                                 f[i - 1] >= '0' && f[i - 1] <= '9'
                             ? vb_lexicon_get(st->register_digits, f + i, 1) : NULL;
        if (dg)
            r[o++] = dg[0];
        else if (f[i] != ' ')
            r[o++] = f[i];
    }
    r[o] = 0;
    return r;
}

/* Whether folded s[0,n) is a type code: one of `type` when a type word
 * names the citation, else any (lexicon directives.code_types). */
static bool is_type_code(directives_state *st, vb_arena *a, const char *type, const char *s, size_t n)
{
    if (type)
        return type_code_for(st, a, type, s, n) != NULL;
    const char *off = lookup_code(st, s, n);
    char *up = NULL;
    if (!off) {
        up = vb_arena_strndup(a, s, n);
        for (char *p = up; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        off = up;
    }
    char *fo = vb_fold_utf8(off, strlen(off));
    bool r = vb_lexicon_get(st->code_types, fo, strlen(fo)) != NULL;
    free(fo);
    return r;
}

/* Takes the number apart and writes the official symbol.  False when
 * what is left after dropping prose segments is no document number. */
static bool read_symbol(directives_state *st, vb_document *doc, size_t num_s, size_t num_e,
                        size_t code_s, size_t code_e, const char *type,
                        symbol *out, size_t *end)
{
    const char *f = doc->text.fold;
    seg g[MAX_SEGS];
    size_t n = split_segs(st, f, code_s, code_e, g, MAX_SEGS);
    for (size_t i = 0; i < n; i++)
        if (g[i].alpha)
            n = repair_term_code(st, doc, g, i, n, code_e);
    /* a code OCR split by a space before the next separator ("N Đ-CP"):
     * one code when the parts make one, else no reading is sure */
    for (size_t i = 1; i < n; i++) {
        if (g[i].sep != ' ' || !g[i].alpha || !g[i - 1].alpha || g[i - 1].fixed[0] ||
            g[i].e >= code_e || (f[g[i].e] != '/' && f[g[i].e] != '-' && !slash_at(st, f, g[i].e, code_e)))
            continue;
        char joined[24];
        int l = snprintf(joined, sizeof joined, "%s%s", g[i - 1].key, g[i].key);
        if (l <= 0 || (size_t)l >= sizeof joined)
            return false;
        if (!lookup_code(st, joined, (size_t)l) && !is_type_code(st, &doc->arena, type, joined, (size_t)l) &&
            !is_type_code(st, &doc->arena, NULL, joined, (size_t)l))
            return false;
        size_t fl = 0;
        for (size_t j = g[i - 1].s; j < g[i].e && fl + 1 < sizeof g[i - 1].fixed; j++)
            if (f[j] != ' ')
                g[i - 1].fixed[fl++] = f[j];
        g[i - 1].fixed[fl] = 0;
        const char *off = lookup_code(st, g[i - 1].fixed, fl);
        if (!off)
            off = type ? type_code_for(st, &doc->arena, type, g[i - 1].fixed, fl) : NULL;
        if (off)
            snprintf(g[i - 1].fixed, sizeof g[i - 1].fixed, "%s", off);
        else
            for (size_t j = 0; j < fl; j++)
                g[i - 1].fixed[j] = (char)toupper((unsigned char)g[i - 1].fixed[j]);
        snprintf(g[i - 1].key, sizeof g[i - 1].key, "%s", joined);
        g[i - 1].e = g[i].e;
        memmove(&g[i], &g[i + 1], (n - i - 1) * sizeof *g);
        n--;
        i--;
    }
    /* a segment after a spaced separator must be a code in capitals; one
     * after a separator that ends its line goes on with the symbol when it
     * has a digit and no small letter ("05/KH-BCA-" / "V01", not "A. MỤC
     * ĐÍCH") */
    for (size_t i = 0; i < n; i++) {
        /* a word in small letters glued by a hyphen to a code in capitals
         * ("34-KL/TW-ngày 18": OCR lost the space) is prose */
        if (i > 0 && !g[i].spaced && g[i].alpha && !g[i].fixed[0] && g[i - 1].alpha &&
            !lookup_code(st, g[i].key, strlen(g[i].key)) && upper_in_input(doc, g[i - 1].s, g[i - 1].e)) {
            char *t = vb_clean_fold_range(&doc->arena, &doc->text, g[i].s, g[i].e);
            vb_case_count cc = vb_case_count_of(t, strlen(t));
            if (cc.upper == 0 && cc.lower >= 2) {
                n = i;
                break;
            }
        }
        if (g[i].spaced && g[i].alpha && !g[i].fixed[0] &&
            !lookup_code(st, g[i].key, strlen(g[i].key)) &&
            !upper_in_input(doc, g[i].s, g[i].e)) {
            char *t = vb_clean_fold_range(&doc->arena, &doc->text, g[i].s, g[i].e);
            vb_case_count cc = vb_case_count_of(t, strlen(t));
            bool digit = false;
            for (size_t j = g[i].s; j < g[i].e; j++)
                digit = digit || (f[j] >= '0' && f[j] <= '9');
            if (g[i].broken && digit && cc.upper >= 1 && cc.lower == 0)
                continue;
            n = i;
            break;
        }
    }
    /* a year glued to the type code ("49/2025TT-BCT"): the slash is put
     * back when the letters are a type code in capitals; other capitals
     * after a type word are kept as written ("Công văn số 07/2025BQL-KT":
     * one record, no guess); else this is no number ("tháng 3/2025của") */
    if (n > 0 && n < MAX_SEGS && g[0].sep == '/' && g[0].alpha && g[0].e - g[0].s > 4 &&
        !g[0].lookalike) {
        const char *y = f + g[0].s;
        bool digits4 = true;
        for (size_t i = 0; i < 4; i++)
            digits4 = digits4 && y[i] >= '0' && y[i] <= '9';
        if (digits4 && y[4] >= 'a' && y[4] <= 'z') {
            if (!upper_in_input(doc, g[0].s + 4, g[0].e))
                return false;
            bool sure = is_type_code(st, &doc->arena, type, y + 4, g[0].e - g[0].s - 4);
            if (!sure && !type)
                return false;
            memmove(&g[1], &g[0], n * sizeof *g);
            n++;
            g[0].e = g[0].s + 4;
            g[0].alpha = false;
            g[1].s = g[0].e;
            g[1].sep = sure ? '/' : 0;
            g[1].spaced = g[1].broken = false;
            seg_key(st, f, &g[0]);
            seg_key(st, f, &g[1]);
        }
    }
    if (n > 0 && g[n - 1].alpha) {
        size_t l = glued_code_length(st, doc, &g[n - 1]);
        if (l) {
            g[n - 1].e = g[n - 1].s + l;
            seg_key(st, f, &g[n - 1]);
        }
    }
    size_t k = 0;
    int year = 0;
    /* a company's short year ("ABC-SB014/25-HC": only after "số", see
     * directives.cite) is no code */
    bool short_year = false;
    char yb[8];
    if (n > 0 && g[0].sep == '/' && g[0].e - g[0].s == 4 && !g[0].fixed[0] &&
        read_ocr_digits(st, g[0].key, strlen(g[0].key), yb, sizeof yb) &&
        (!strncmp(yb, "19", 2) || !strncmp(yb, "20", 2))) {
        year = atoi(yb);
        memcpy(g[0].fixed, yb, sizeof yb);
        g[0].alpha = false;
        k = 1;
    } else if (n > 1 && !g[0].alpha && g[0].sep == '/' && g[0].e - g[0].s <= 2) {
        short_year = true;
        k = 1;
    }
    size_t nalpha = 0;
    for (size_t i = k; i < n; i++) {
        if (!g[i].alpha && !(i > k && g[i].e - g[i].s <= 3))
            n = i;      /* digits only: not a code (a date, a count) */
        else
            nalpha++;
    }
    /* a number without a code, "Quyết định số 12/2023" (directives.cite
     * takes it only after a type word and "số") */
    if (nalpha == 0 && year && type && n == 1) {
        char *reg = register_text(st, doc, num_s, num_e);
        /* a company's letters name their code: without one, they are a
         * glued word ("số ngày12/2023") */
        if (reg[0] < '0' || reg[0] > '9')
            return false;
        size_t l = strlen(reg) + 8;
        out->number = vb_arena_alloc(&doc->arena, l);
        snprintf(out->number, l, "%s/%04d", reg, year);
        out->type = type;
        out->type_code = NULL;
        out->issuer_code = NULL;
        out->year = year;
        *end = g[0].e;
        return true;
    }
    if (nalpha == 0 || (year == 0 && nalpha < 2 && !type))
        return false;
    if (year == 0 && nalpha < 2 && g[k].sep != '/' && !short_year)
        return false;
    *end = g[n - 1].e;

    /* a type code glued to the issuer code ("27/2016/TTBLĐTBXH" in a
     * Thông tư): split it off when the type word names it */
    if (type && k + 1 == n && g[k].alpha && n < MAX_SEGS &&
        !type_code_for(st, &doc->arena, type, g[k].key, strlen(g[k].key))) {
        for (size_t l = 1; l + 2 <= strlen(g[k].key) && g[k].s + l < g[k].e; l++) {
            if (!type_code_for(st, &doc->arena, type, g[k].key, l) || g[k].lookalike)
                continue;
            memmove(&g[k + 1], &g[k], (n - k) * sizeof *g);
            n++;
            g[k].e = g[k].s + l;
            g[k + 1].s = g[k].e;
            g[k + 1].sep = '-';
            g[k + 1].spaced = false;
            seg_key(st, f, &g[k]);
            seg_key(st, f, &g[k + 1]);
            nalpha++;
            break;
        }
    }
    /* the type code: first segment after the register number (or year) */
    const char *tc = NULL;
    const char *s0 = g[k].key;
    size_t l0 = strlen(g[k].key);
    if (type)
        tc = type_code_for(st, &doc->arena, type, s0, l0);
    /* the type word makes the code sure: a character OCR added to it
     * ("QĐĐ", "CT1" in a Chỉ thị) is left out */
    if (type && !tc && l0 >= 3 && l0 < 16 && g[k].alpha &&
        upper_in_input(doc, g[k].s, g[k].e)) {
        char del[16];
        for (size_t i = 0; i < l0 && !tc; i++) {
            memcpy(del, s0, i);
            memcpy(del + i, s0 + i + 1, l0 - i - 1);
            tc = type_code_for(st, &doc->arena, type, del, l0 - 1);
        }
    }
    if (!tc && (!type || !type_has_codes(st, type))) {
        const char *off = lookup_code(st, s0, l0);
        char *up = NULL;
        if (!off) {
            up = vb_arena_strndup(&doc->arena, s0, l0);
            for (char *p = up; *p; p++)
                *p = (char)toupper((unsigned char)*p);
            off = up;
        }
        char *fo = vb_fold_utf8(off, strlen(off));
        /* code_types keys are folded: QĐ and QĐi differ, so look up by
         * the official spelling's fold and check it names this code */
        const char *ty = vb_lexicon_get(st->code_types, fo, strlen(fo));
        free(fo);
        /* a generic type word ("văn bản số 213-KL/TW") has no code of its
         * own: the type code names the type */
        if (ty && (nalpha >= 2 || year)) {
            tc = off;
            type = ty;
        }
    }
    char buf[256];
    size_t o = 0;
    o += (size_t)snprintf(buf + o, sizeof buf - o, "%s", register_text(st, doc, num_s, num_e));
    char icode[160];
    size_t io = 0;
    icode[0] = 0;
    for (size_t i = 0; i < n && o + 2 < sizeof buf; i++) {
        char sep = g[i].sep == ' ' ? '-' : g[i].sep;
        const char *v;
        if (i == k && tc)
            v = tc;
        else if (!g[i].alpha && g[i].fixed[0])
            v = g[i].fixed;
        else if (!g[i].alpha)
            v = vb_arena_strndup(&doc->arena, f + g[i].s, g[i].e - g[i].s);
        else
            v = restore_seg(st, doc, &g[i]);
        /* sep 0: a code glued to the year, kept as written */
        const char sep_s[2] = {sep, 0};
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", sep_s, v);
        if (i >= k && !(i == k && tc) && io + 2 < sizeof icode)
            io += (size_t)snprintf(icode + io, sizeof icode - io, "%s%s", io ? sep_s : "", v);
    }
    if (o >= sizeof buf)
        return false;
    out->number = vb_arena_strdup(&doc->arena, buf);
    out->type = type;
    out->type_code = tc;
    out->issuer_code = io ? vb_arena_strdup(&doc->arena, icode) : NULL;
    out->year = year;
    return true;
}

/* Folded key of a number for "same number" tests: letters and digits,
 * lower case, no diacritics; "-" and "/" count as one separator (texts
 * write "102/2025/NQLT-UBTVQH15" and "102/2025/NQLT/UBTVQH15"), and none
 * stands between a year and a code. */
static char *number_key(const char *number)
{
    char *f = vb_fold_utf8(number, strlen(number));
    size_t o = 0;
    for (size_t i = 0; f[i]; i++) {
        if (is_space(f[i]))
            continue;
        /* the separator after a year, which a text may leave out
         * ("07/2025BQL-KT" and "07/2025/BQL-KT" are one number) */
        if ((f[i] == '/' || f[i] == '-') && o >= 5 && f[o - 5] == '/' && isdigit((unsigned char)f[o - 4]) &&
            isdigit((unsigned char)f[o - 3]) && isdigit((unsigned char)f[o - 2]) &&
            isdigit((unsigned char)f[o - 1]) && f[i + 1] >= 'a' && f[i + 1] <= 'z')
            continue;
        f[o++] = f[i] == '-' ? '/' : f[i];
    }
    f[o] = 0;
    return f;
}

/* Drops the separators of a number_key in place. */
static void drop_separators(char *key)
{
    size_t o = 0;
    for (size_t i = 0; key[i]; i++)
        if (key[i] != '/')
            key[o++] = key[i];
    key[o] = 0;
}

/* Trims white space and trailing punctuation from a fold range. */
static void trim_range(const char *f, size_t *a, size_t *b)
{
    while (*a < *b && (is_space(f[*a]) || f[*a] == ','))
        (*a)++;
    while (*b > *a && (is_space(f[*b - 1]) || strchr(",.;:-", f[*b - 1])))
        (*b)--;
}

typedef struct {
    const char *type;
    char *date;
    char *issuer;
    char *subject;
    size_t tail;        /* fold offset where the citation ends */
    size_t end;         /* the same after its subject too */
} details;

/* Bodies are joined by "và" to another name in capitals ("Bộ trưởng Bộ
 * Tài chính và Bộ trưởng Bộ Nội vụ"); "và" before a word in lower case
 * goes on with the sentence ("Chính phủ và chịu trách nhiệm ..."), so the
 * name ends there, as it does before a "và" that ends it.  Text without
 * letter case (all lower or all upper) is left alone. */
static size_t cut_at_lower_and(const vb_text *t, size_t a, size_t b)
{
    for (size_t i = a + 1; i + 2 <= b; i++) {
        if (is_space(t->fold[i - 1]) && t->fold[i] == 'v' && t->fold[i + 1] == 'a' &&
            (i + 2 == b || is_space(t->fold[i + 2]))) {
            size_t w = i + 2;
            while (w < b && is_space(t->fold[w]))
                w++;
            /* a trailing "và" (the name stopped at the verb after it) */
            if (w == b || (vb_orig_case(t, w) < 0 && vb_orig_case(t, a) > 0))
                return i - 1;
        }
    }
    return b;
}

/* fold[a,b) only joins two citations of a list: white space, commas and
 * "và" ("Chỉ thị số 31-CT/TU ngày 06/6/2023, Kế hoạch số ..."). */
static bool list_joint(const char *f, size_t a, size_t b)
{
    char last = 0;      /* the last mark before i */
    for (size_t i = a; i < b; i++) {
        if (is_space(f[i]))
            continue;
        /* a full stop after a comma is an OCR speck (", ."), no end */
        if (f[i] == ',' || (f[i] == '.' && last == ',')) {
            last = f[i];
            continue;
        }
        last = f[i];
        if (f[i] == 'v' && i + 1 < b && f[i + 1] == 'a' && (i == a || !isalpha((unsigned char)f[i - 1])) &&
            (i + 2 == b || !isalpha((unsigned char)f[i + 2]))) {
            i++;
            continue;
        }
        return false;
    }
    return true;
}

/* How many bodies the issuer of a joint document names: the parts of its
 * issuer code when the type code says "liên tịch" (NQLT, TTLT: the code
 * "UBTVQH15-CP-ĐCTUBTWMTTQVN" names three), else 1 (in "UBND-ĐT" the part
 * after the dash is a department of the one issuer). */
static size_t joint_issuers(const symbol *sy)
{
    if (!sy->type_code || !sy->issuer_code)
        return 1;
    size_t n = strlen(sy->type_code);
    if (n < 3 || strcmp(sy->type_code + n - 2, "LT"))
        return 1;
    size_t k = 1;
    for (const char *c = sy->issuer_code; *c; c++)
        k += *c == '-';
    return k;
}

/* Date, issuer and subject after the number at fold offset `at`; the
 * issuer names up to `bodies` bodies, separated by commas. */
/* The end of the window an issuer or subject starting at pos is read in. */
static size_t details_end(size_t len, size_t pos)
{
    return len - pos > DETAILS_WINDOW ? pos + DETAILS_WINDOW : len;
}

static void read_details(directives_state *st, vb_document *doc, size_t at, size_t bodies,
                         details *d)
{
    const char *f = doc->text.fold;
    size_t len = doc->text.fold_len;
    size_t a, b;
    d->date = d->issuer = d->subject = NULL;
    d->tail = at;
    for (int pass = 0; pass < 2; pass++) {
        vb_matcher *m = &st->ms.m[P_DATE];
        if (!d->date && match_at(doc, m, f, len, d->tail) > 0 &&
            vb_group(m, "date", &a, &b)) {
            int di = vb_date_in(doc, a, b);
            if (di >= 0) {
                vb_date *dt = &doc->dates.v[di];
                d->date = dt->iso;
                if (!dt->role || !strcmp(dt->role, "other") || !strcmp(dt->role, "event"))
                    dt->role = "citation";
                d->tail = vb_ovector(m)[1];
            }
        }
        if (pass == 1 || d->issuer)
            break;
        m = &st->ms.m[P_ISSUER];
        if (match_at(doc, m, f, details_end(len, d->tail), d->tail) > 0 && vb_group(m, "issuer", &a, &b)) {
            vb_matcher *next = &st->ms.m[P_ISSUER_NEXT];
            size_t na, nb;
            for (size_t k = 1; k < bodies && match_at(doc, next, f, details_end(len, b), b) > 0 &&
                               vb_group(next, "issuer", &na, &nb) && vb_orig_case(&doc->text, na) >= 0;
                 k++)
                b = nb;
            b = cut_at_lower_and(&doc->text, a, b);
            trim_range(f, &a, &b);
            if (b > a && b - a <= MAX_ISSUER) {
                d->issuer = vb_clean_fold_range(&doc->arena, &doc->text, a, b);
                d->tail = b;
            }
        }
        if (!d->issuer)
            break;
    }
    d->end = d->tail;
    vb_matcher *m = &st->ms.m[P_SUBJECT];
    if (match_at(doc, m, f, details_end(len, d->tail), d->tail) > 0) {
        static const char *const names[] = {"subject", "subject2", "subject3"};
        for (size_t i = 0; i < 3; i++)
            if (vb_group(m, names[i], &a, &b)) {
                if (b - a > MAX_SUBJECT) {
                    b = a + MAX_SUBJECT;
                    while (b > a && !is_space(f[b]))
                        b--;
                }
                size_t me = vb_ovector(m)[1];
                trim_range(f, &a, &b);
                if (b > a) {
                    d->subject = vb_clean_fold_range(&doc->arena, &doc->text, a, b);
                    d->end = me;
                }
                break;
            }
    }
}

/* The first type word of the clause that ends with "số" at `num_s`: the
 * name between them may hold other type words ("Luật Ban hành văn bản
 * quy phạm pháp luật số 64/2025/QH15"). */
static const char *type_before(directives_state *st, vb_document *doc, size_t num_s)
{
    vb_matcher *m = &st->ms.m[P_TYPE_BEFORE];
    size_t from = num_s > TYPE_BEFORE_WINDOW ? num_s - TYPE_BEFORE_WINDOW : 0;
    if (vb_match(doc, m, doc->text.fold, num_s, from, 0) > 0)
        return type_of_mark(st, m);
    return NULL;
}

/* Whether `type` is one of the "|" list. */
static bool in_type_list(const char *list, const char *type)
{
    size_t tl = strlen(type);
    for (const char *p = list; *p;) {
        const char *q = strchr(p, '|');
        size_t l = q ? (size_t)(q - p) : strlen(p);
        if (l == tl && !memcmp(p, type, l))
            return true;
        p += l + (q ? 1 : 0);
    }
    return false;
}

/* The "|" list of types an issuer code decides (lexicon
 * directives.issuer_types: "QH14" is a Luật or a Nghị quyết), or NULL. */
static const char *issuer_type_list(const directives_state *st, const char *issuer_code)
{
    size_t l = strlen(issuer_code), d = l;
    while (d > 0 && issuer_code[d - 1] >= '0' && issuer_code[d - 1] <= '9')
        d--;
    if (d == l || d == 0)
        return NULL;
    char *fk = vb_fold_utf8(issuer_code, d);
    const char *list = vb_lexicon_get(st->issuer_types, fk, strlen(fk));
    free(fk);
    return list;
}

/* The type of a number whose issuer code decides it: `type` when it is
 * one of the code's types, else the nearest type word of the clause
 * before "số" that is, else none (a later mention may name it; a record
 * left without one gets the first of the list: see run).  Other codes
 * keep `type`. */
static const char *type_by_issuer(directives_state *st, vb_document *doc, size_t num_s,
                                  const char *issuer_code, const char *type)
{
    const char *list = issuer_type_list(st, issuer_code);
    if (!list || (type && in_type_list(list, type)))
        return type;
    vb_matcher *m = &st->ms.m[P_TYPE_BEFORE];
    const char *near = NULL;
    size_t from = num_s > TYPE_BEFORE_WINDOW ? num_s - TYPE_BEFORE_WINDOW : 0;
    /* every match ends at num_s (\z): the next one starts one past this
     * one's start, and the last found is the nearest type word */
    for (size_t pos = from; pos < num_s && vb_next_match(doc, m, doc->text.fold, num_s, &pos, 0);) {
        const char *t = type_of_mark(st, m);
        if (t && in_type_list(list, t))
            near = t;
        pos = vb_ovector(m)[0] + 1;
    }
    return near;
}

static size_t str_hash(const char *s, size_t h)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

#define HASH_SEED ((size_t)1469598103934665603u)
#define NO_RECORD ((size_t)-1)

/* number_key of each record of doc->directives, made once (a key per
 * record per citation was a malloc per comparison), and an index from
 * key to records: a scan of every record per citation made a text of
 * distinct citations quadratic.  slot[] is open addressing over the
 * keys (record index + 1 of the first record of a key; 0 empty); next[]
 * chains the records of one key in index order (one per type at most,
 * see find_record).  Owns its strings. */
typedef struct {
    char **v;
    size_t *next;
    size_t n, cap;
    size_t *slot;
    size_t slots, used;
} record_keys;

/* The slot of key: the one holding it, or the empty one it goes in. */
static size_t key_slot(const record_keys *keys, const char *key)
{
    size_t mask = keys->slots - 1;
    for (size_t h = str_hash(key, HASH_SEED) & mask;; h = (h + 1) & mask)
        if (!keys->slot[h] || !strcmp(keys->v[keys->slot[h] - 1], key))
            return h;
}

/* Indexes the records added since the last call. */
static void index_records(vb_document *doc, record_keys *keys)
{
    for (size_t i = keys->n; i < doc->directives.n; i++) {
        if (keys->n == keys->cap) {
            keys->cap = keys->cap ? 2 * keys->cap : 16;
            keys->v = vb_xrealloc(keys->v, keys->cap * sizeof *keys->v);
            keys->next = vb_xrealloc(keys->next, keys->cap * sizeof *keys->next);
        }
        if (2 * (keys->used + 1) > keys->slots) {
            size_t slots = keys->slots ? 2 * keys->slots : 64;
            size_t *old = keys->slot, n_old = keys->slots;
            keys->slot = vb_xcalloc(slots, sizeof *keys->slot);
            keys->slots = slots;
            for (size_t k = 0; k < n_old; k++)
                if (old[k])
                    keys->slot[key_slot(keys, keys->v[old[k] - 1])] = old[k];
            free(old);
        }
        keys->v[i] = number_key(doc->directives.v[i].number);
        keys->next[i] = NO_RECORD;
        keys->n = i + 1;
        size_t h = key_slot(keys, keys->v[i]);
        if (!keys->slot[h]) {
            keys->slot[h] = i + 1;
            keys->used++;
            continue;
        }
        size_t j = keys->slot[h] - 1;
        while (keys->next[j] != NO_RECORD)
            j = keys->next[j];
        keys->next[j] = i;
    }
}

/* The record of number key `key` (of type `type` too, when given: a
 * number without a code, "số 02/2018", names one document per type).
 * The first in record order, as only records are added meanwhile. */
static vb_directive *find_record(vb_document *doc, record_keys *keys, const char *key,
                                 const char *type)
{
    index_records(doc, keys);
    if (!keys->slots)
        return NULL;
    size_t h = key_slot(keys, key);
    if (!keys->slot[h])
        return NULL;
    for (size_t i = keys->slot[h] - 1; i != NO_RECORD; i = keys->next[i])
        if (!type || (doc->directives.v[i].type && !strcmp(doc->directives.v[i].type, type)))
            return &doc->directives.v[i];
    return NULL;
}

/* Whether sp overlaps one of the first n mentions of d.  Those are in
 * text order and do not overlap each other (each scan moves past its
 * match), so a binary search finds the one that could: a number cited
 * thousands of times must not make the stage quadratic. */
static bool has_mention(const vb_directive *d, size_t n, vb_span sp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->mentions.v[mid].span.end <= sp.start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && d->mentions.v[lo].span.start < sp.end;
}

static void add_mention(vb_directive *d, vb_span sp)
{
    vb_mention *mn = VB_PUSH(d->mentions);
    mn->span = sp;
    mn->section = -1;
}

/* Numeric value of a register number ("08" = 8); -1 for one a short
 * mention cannot name ("66.7", "30a", "ABC-SB014"). */
static long register_value(const char *s)
{
    char *e;
    long v = strtol(s, &e, 10);
    return e == s || *e == '.' || (*e != '/' && *e != '-' && *e) ? -1 : v;
}

/* A number without a code ("12/2023", from "Quyết định số 12/2023"). */
static bool codeless(const vb_directive *d)
{
    const char *sl = strchr(d->number, '/');
    return d->year && !d->type_code && !d->issuer_code && sl && !strchr(sl + 1, '/') &&
           !strchr(sl + 1, '-') && strlen(sl + 1) == 4;
}

static int mention_cmp(const void *a, const void *b)
{
    const vb_mention *x = a, *y = b;
    return x->span.start < y->span.start ? -1 : x->span.start > y->span.start;
}

/* The slot of slot[] (open addressing, record index + 1, 0 empty) of
 * the records of year `year` and the register number of `number` (up to
 * its first slash, which it has): the one holding them, or the empty one
 * they go in. */
static size_t register_slot(const vb_document *doc, const size_t *slot, size_t slots, int year,
                            const char *number)
{
    size_t rl = (size_t)(strchr(number, '/') - number);
    size_t h = HASH_SEED ^ (size_t)(unsigned)year * 0x9E3779B97F4A7C15u;
    for (size_t k = 0; k < rl; k++)
        h = (h ^ (unsigned char)number[k]) * 1099511628211u;
    for (h &= slots - 1;; h = (h + 1) & (slots - 1)) {
        if (!slot[h])
            return h;
        const vb_directive *c = &doc->directives.v[slot[h] - 1];
        if (c->year == year && !strncmp(c->number, number, rl) && c->number[rl] == '/')
            return h;
    }
}

/* "Thông tư số 02/2018" after (or before) "Thông tư số 02/2018/TT-TANDTC"
 * (a text names it so once it has cited it in full): the short number is
 * a mention of the one record of the same type, register number and year;
 * it stays a record of its own when no record, or several, fit. */
static void merge_codeless(vb_document *doc)
{
    size_t n = doc->directives.n;
    /* the record each one goes into (itself when it stays) */
    size_t *into = vb_xmalloc((n + 1) * sizeof *into);
    /* the records with a code by year and register number (the number
     * before its first slash), chained in record order: a scan of every
     * record per codeless one made many of them quadratic */
    size_t slots = 64;
    while (slots < 2 * n)
        slots *= 2;
    size_t *slot = vb_xcalloc(slots, sizeof *slot), *next = vb_xmalloc((n + 1) * sizeof *next);
    bool *is_codeless = vb_xmalloc((n + 1) * sizeof *is_codeless);
    for (size_t j = 0; j < n; j++) {
        const vb_directive *c = &doc->directives.v[j];
        is_codeless[j] = codeless(c);
        next[j] = NO_RECORD;
        if (is_codeless[j] || !strchr(c->number, '/'))
            continue;
        size_t h = register_slot(doc, slot, slots, c->year, c->number);
        if (!slot[h]) {
            slot[h] = j + 1;
            continue;
        }
        size_t k = slot[h] - 1;
        while (next[k] != NO_RECORD)
            k = next[k];
        next[k] = j;
    }
    for (size_t i = 0; i < n; i++) {
        vb_directive *r = &doc->directives.v[i];
        into[i] = i;
        if (!is_codeless[i])
            continue;
        size_t hit = i;
        int hits = 0;
        size_t h = register_slot(doc, slot, slots, r->year, r->number);
        for (size_t j = slot[h] ? slot[h] - 1 : NO_RECORD; j != NO_RECORD; j = next[j]) {
            const vb_directive *c = &doc->directives.v[j];
            if (r->type && c->type && strcmp(r->type, c->type))
                continue;
            hit = j;
            hits++;
        }
        if (hits == 1)
            into[i] = hit;
    }
    free(slot);
    free(next);
    free(is_codeless);
    for (size_t i = 0; i < n; i++) {
        if (into[i] == i)
            continue;
        vb_directive *r = &doc->directives.v[i], *h = &doc->directives.v[into[i]];
        size_t n0 = h->mentions.n;
        for (size_t k = 0; k < r->mentions.n; k++)
            if (!has_mention(h, n0, r->mentions.v[k].span))
                add_mention(h, r->mentions.v[k].span);
        qsort(h->mentions.v, h->mentions.n, sizeof *h->mentions.v, mention_cmp);
        if (!h->type)
            h->type = r->type;
        if (!h->date)
            h->date = r->date;
        free(r->mentions.v);
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (into[i] == i)
            doc->directives.v[o++] = doc->directives.v[i];
    doc->directives.n = o;
    free(into);
}

/* The records by type and register value, for short mentions ("Quyết
 * định 12"): a scan of every record per mention made a text of many
 * citations and mentions quadratic.  Open addressing; each slot holds the
 * first record of its (type, value) and how many records have it. */
typedef struct {
    struct short_slot {
        size_t first, count; /* first is record index + 1; 0 empty */
    } *slot;
    long *value;
    size_t slots;
} short_index;

static size_t short_hash(const char *type, long v)
{
    return str_hash(type, HASH_SEED ^ (size_t)v * 0x9E3779B97F4A7C15u);
}

/* The slot of (type, v): the one holding it, or the empty one it goes in. */
static size_t short_slot_of(const short_index *sh, const vb_document *doc, const char *type, long v)
{
    size_t mask = sh->slots - 1;
    for (size_t h = short_hash(type, v) & mask;; h = (h + 1) & mask) {
        size_t r = sh->slot[h].first;
        if (!r || (sh->value[r - 1] == v && !strcmp(doc->directives.v[r - 1].type, type)))
            return h;
    }
}

static void short_index_make(short_index *sh, const vb_document *doc)
{
    size_t n = doc->directives.n;
    sh->slots = 64;
    while (sh->slots < 2 * n)
        sh->slots *= 2;
    sh->slot = vb_xcalloc(sh->slots, sizeof *sh->slot);
    sh->value = vb_xmalloc((n + 1) * sizeof *sh->value);
    for (size_t i = 0; i < n; i++) {
        const vb_directive *d = &doc->directives.v[i];
        sh->value[i] = register_value(d->number);
        if (!d->type)
            continue;
        struct short_slot *s = &sh->slot[short_slot_of(sh, doc, d->type, sh->value[i])];
        if (!s->first)
            s->first = i + 1;
        s->count++;
    }
}

/* The one record of type `type` and register value v; NO_RECORD when
 * none or several have them. */
static size_t short_find(const short_index *sh, const vb_document *doc, const char *type, long v)
{
    const struct short_slot *s = &sh->slot[short_slot_of(sh, doc, type, v)];
    return s->count == 1 ? s->first - 1 : NO_RECORD;
}

static void run_short(directives_state *st, vb_document *doc, const vb_fold_ranges *ex)
{
    vb_matcher *m = &st->ms.m[P_SHORT];
    const char *f = doc->text.fold;
    size_t len = doc->text.fold_len;
    /* a short mention only links to a record with a type: with none, the
     * scan (a type word tried at each letter of the text) is spared */
    size_t typed = 0;
    while (typed < doc->directives.n && !doc->directives.v[typed].type)
        typed++;
    if (typed == doc->directives.n)
        return;
    /* the full citations of each record, in text order; the short
     * mentions added below come after them, in text order too */
    size_t *cited = vb_xmalloc((doc->directives.n + 1) * sizeof *cited);
    for (size_t i = 0; i < doc->directives.n; i++)
        cited[i] = doc->directives.v[i].mentions.n;
    short_index sh;
    short_index_make(&sh, doc);
    for (size_t pos = 0; pos < len && scan_at_starts(doc, m, f, len, pos);) {
        PCRE2_SIZE *ov = vb_ovector(m);
        size_t ms = ov[0], me = ov[1];
        pos = me > ms ? me : ms + 1;
        size_t a, b;
        const char *type = type_of_mark(st, m);
        if (!type || !vb_group(m, "num", &a, &b) || vb_in_ranges(ex, a))
            continue;
        long v = strtol(f + a, NULL, 10);
        size_t hit = short_find(&sh, doc, type, v);
        if (hit == NO_RECORD)
            continue;
        vb_directive *d = &doc->directives.v[hit];
        vb_span sp = vb_span_from_fold(&doc->text, ms, me);
        if (!has_mention(d, cited[hit], sp))
            add_mention(d, sp);
    }
    free(sh.slot);
    free(sh.value);
    free(cited);
}

static void run(void *state, vb_document *doc)
{
    directives_state *st = state;
    const char *f = doc->text.fold;
    size_t len = doc->text.fold_len;

    vb_fold_ranges ex = {0};
    vb_match_ranges(doc, &st->ms.m[P_EXCLUDE], EXCLUDE_BACK, &ex);

    /* the document's own number; without one in the header, the number
     * the plan or regulation it issues says it is issued with (not an
     * annex's: a consolidated text's annex names the consolidated one) */
    const vb_attachment *issued = doc->attachments.n && doc->attachments.v[0].issued ? &doc->attachments.v[0] : NULL;
    char *own = doc->header.number ? number_key(doc->header.number)
                : issued && issued->issued_with ? number_key(issued->issued_with)
                                                : NULL;
    /* the header may keep a slash OCR or the writer lost ("07/2025CV-BQL")
     * that the citation puts back: compared without separators */
    if (own)
        drop_separators(own);
    const vb_span hn = doc->header.number_span;

    /* the type word of the last citation and where that citation ended,
     * for the next numbers of a list it introduces */
    const char *list_type = NULL;
    size_t list_end = 0;
    /* Citations of a list that have no issuer of their own yet, waiting
     * for the one the list ends with: "Chỉ thị số 31-CT/TU ngày ..., Kế
     * hoạch số 134-KH/TU ngày ... của Ban Thường vụ Tỉnh ủy".  It is
     * theirs when their issuer code is the same (both "TU"); record
     * indexes, as the records may move. */
    enum { MAX_PENDING = 8 };
    size_t pending[MAX_PENDING], n_pending = 0, pending_end = 0;
    record_keys keys = {0};
    vb_matcher *m = &st->ms.m[P_CITE];
    for (size_t pos = 0; pos < len && scan_at_starts(doc, m, f, len, pos);) {
        PCRE2_SIZE *ov = vb_ovector(m);
        size_t ms = ov[0], me = ov[1];
        pos = me > ms ? me : ms + 1;
        size_t num_s, num_e, code_s, code_e, a, b;
        if (vb_group(m, "form", &a, &b) || !vb_group(m, "num", &num_s, &num_e) ||
            !vb_group(m, "code", &code_s, &code_e))
            continue;
        if (vb_in_ranges(&ex, num_s))
            continue;
        bool typed = vb_group(m, "type", &a, &b);
        const char *type = typed ? type_of_mark(st, m) : NULL;
        if (!type && list_type && list_end <= num_s &&
            match_at(doc, &st->ms.m[P_LIST_NEXT], f, num_s, list_end) > 0)
            type = list_type;
        symbol sy;
        size_t sym_end;
        const char *far = NULL;
        if (!read_symbol(st, doc, num_s, num_e, code_s, code_e, type, &sy, &sym_end)) {
            if (type || !(far = type_before(st, doc, num_s)) ||
                !read_symbol(st, doc, num_s, num_e, code_s, code_e, far, &sy, &sym_end))
                continue;
        }
        /* a type word further back names only a number without a type code */
        if (!sy.type && !sy.type_code && (far || (far = type_before(st, doc, num_s))))
            sy.type = far;
        if (!sy.type_code && sy.issuer_code)
            sy.type = type_by_issuer(st, doc, num_s, sy.issuer_code, sy.type);
        /* a symbol cut short (prose after a spaced hyphen): scan on from its end */
        if (sym_end < me)
            pos = sym_end;
        vb_span sp = vb_span_from_fold(&doc->text, typed ? ms : num_s, sym_end);
        if (hn.end > hn.start && sp.start < hn.end && hn.start < sp.end)
            continue;
        char *key = number_key(sy.number);
        /* the document's own number, wherever it stands (an annex "ban
         * hành kèm theo Quyết định số ...", a trailer): its date is no
         * citation either */
        char *bare_key = vb_arena_strdup(&doc->arena, key);
        drop_separators(bare_key);
        if (own && !strcmp(bare_key, own)) {
            free(key);
            list_type = NULL;
            continue;
        }
        details d;
        read_details(st, doc, sym_end, joint_issuers(&sy), &d);
        /* a list goes on after a subject too ("các Nghị quyết: số 55/2010/QH12
         * về ...; số 28/2016/QH14 về ...") */
        list_type = sy.type;
        list_end = d.end;
        bool bare = !sy.type_code && !sy.issuer_code && sy.year && sy.type &&
                    !strchr(strchr(sy.number, '/') + 1, '/');
        vb_directive *r = find_record(doc, &keys, key, bare ? sy.type : NULL);
        free(key);
        if (!r) {
            r = VB_PUSH(doc->directives);
            memset(r, 0, sizeof *r);
            r->number = sy.number;
            r->type_code = sy.type_code ? vb_arena_strdup(&doc->arena, sy.type_code) : NULL;
            r->issuer_code = sy.issuer_code;
            r->year = sy.year;
        }
        if (!r->type && sy.type)
            r->type = vb_arena_strdup(&doc->arena, sy.type);
        if (!r->date && d.date)
            r->date = d.date;
        if ((!r->issuer || r->issuer_shared) && d.issuer) {
            r->issuer = d.issuer;
            r->issuer_shared = false;
        }
        if (!r->subject && d.subject)
            r->subject = d.subject;
        if (!has_mention(r, r->mentions.n, sp))
            add_mention(r, sp);

        size_t start = typed ? ms : num_s;
        if (n_pending && !(pending_end <= start && list_joint(f, pending_end, start)))
            n_pending = 0;
        if (d.issuer) {
            for (size_t i = 0; i < n_pending; i++) {
                vb_directive *p = &doc->directives.v[pending[i]];
                if (!p->issuer && p->issuer_code && r->issuer_code &&
                    !strcmp(p->issuer_code, r->issuer_code)) {
                    p->issuer = d.issuer;
                    p->issuer_shared = true;
                }
            }
            n_pending = 0;
        } else if (!d.subject && n_pending < MAX_PENDING) {
            pending[n_pending++] = (size_t)(r - doc->directives.v);
            pending_end = d.tail;
        } else {
            n_pending = 0;
        }
    }
    merge_codeless(doc);
    for (size_t i = 0; i < doc->directives.n; i++) {
        vb_directive *r = &doc->directives.v[i];
        const char *list = r->type || r->type_code || !r->issuer_code ? NULL : issuer_type_list(st, r->issuer_code);
        if (list) {
            const char *bar = strchr(list, '|');
            r->type = bar ? vb_arena_strndup(&doc->arena, list, (size_t)(bar - list))
                          : vb_arena_strdup(&doc->arena, list);
        }
    }
    run_short(st, doc, &ex);
    for (size_t i = 0; i < keys.n; i++)
        free(keys.v[i]);
    free(keys.v);
    free(keys.next);
    free(keys.slot);
    free(own);
    free(ex.v);
}

const vb_stage vb_stage_directives = {"directives", init, run, fini};
