/*
 * movements.c - stage "movements": named emulation movements and
 * campaigns, the quoted names that "phong trào (thi đua)", "cuộc vận
 * động" or "đợt thi đua" introduce, alone or as a list.
 *
 * Owns doc->movements: one record per distinct name (name as written,
 * kind, every mention's span).  What an introducer, a list and a quoted
 * name look like is in grammars/movements.vbg:
 *   movements.intro  groups phong_trao | cuoc_van_dong | dot_thi_dua (the
 *                    kind); the match ends before the first opening quote
 *   movements.block  a word between the kind group and that quote that
 *                    makes the quote no name (chủ đề, về, ...)
 *   movements.name   group name; anchored at an opening quote
 *   movements.next   anchored after a closing quote; ends before the next
 *                    opening quote of the same list
 * This file reads the names, checks the quote's direction in the input
 * (the fold cannot tell “ from ”) and merges the mentions of one name,
 * OCR variants included.
 */
#include <stdlib.h>
#include <string.h>

#include "vb_internal.h"

enum { P_INTRO, P_BLOCK, P_NAME, P_NEXT };
static const char *const pattern_names[] = {
    "movements.intro", "movements.block", "movements.name", "movements.next", NULL,
};

/* Kinds are the names of the groups of movements.intro; the first set
 * one wins. */
static const char *const kinds[] = {"phong_trao", "cuoc_van_dong", "dot_thi_dua", NULL};

/* Beyond this many records, mentions are merged only when their folded
 * names are equal: the fuzzy comparison is quadratic in the records (a
 * plan names a few dozen movements at most). */
#define FUZZY_MAX_RECORDS 64

typedef struct {
    vb_matchers ms;
} movements_state;

static void *init(const vb_grammar *g, char *err, size_t err_size)
{
    movements_state *st = vb_xcalloc(1, sizeof *st);
    if (!vb_matchers_init(&st->ms, g, "movements", pattern_names, err, err_size)) {
        free(st);
        return NULL;
    }
    return st;
}

static void fini(void *state)
{
    movements_state *st = state;
    if (!st)
        return;
    vb_matchers_fini(&st->ms);
    free(st);
}

/* The input character behind fold[i], as UTF-8 bytes at *p (n of them). */
static const unsigned char *source_char(const vb_text *t, size_t i, size_t *n)
{
    size_t a = t->fold_map[i];
    size_t b = vb_fold_char_end(t, i);
    *n = b - a;
    return (const unsigned char *)t->utf8 + a;
}

static bool is_char(const unsigned char *p, size_t n, const char *utf8)
{
    return n == strlen(utf8) && memcmp(p, utf8, n) == 0;
}

/* Typographic quotes say which way they face; the fold made them all "
 * or '.  A closing one (” ’ ™ ») cannot open a name, an opening one (“ ‘
 * „ «) cannot close it, unless where it stands says the OCR turned it: a
 * ” between a space and a letter opens, a “ between a letter and a space
 * or a mark closes ("”Dân vận khéo“ và"). */
static bool faces_left(const vb_text *t, size_t i)
{
    size_t n;
    const unsigned char *p = source_char(t, i, &n);
    return is_char(p, n, "\xe2\x80\x9d") || is_char(p, n, "\xe2\x80\x99") ||
           is_char(p, n, "\xe2\x84\xa2") || is_char(p, n, "\xc2\xbb");
}

static bool faces_right(const vb_text *t, size_t i)
{
    size_t n;
    const unsigned char *p = source_char(t, i, &n);
    return is_char(p, n, "\xe2\x80\x9c") || is_char(p, n, "\xe2\x80\x98") ||
           is_char(p, n, "\xe2\x80\x9e") || is_char(p, n, "\xc2\xab");
}

static bool fold_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

/* A letter or digit at fold[i] (the fold keeps some letters as UTF-8). */
static bool word_char(const char *fold, size_t len, size_t i)
{
    if (i >= len)
        return false;
    unsigned char c = (unsigned char)fold[i];
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* ------------------------------------------------------- name matching */

/* Code points of a folded string (ASCII, with the non-ASCII characters
 * the fold keeps as UTF-8), so that an OCR "¢" counts as one edit.
 * Returns the count; *out is malloc'ed, caller frees. */
static size_t code_points(const char *s, size_t n, uint32_t **out)
{
    uint32_t *cp = vb_xmalloc((n + 1) * sizeof *cp);
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
        uint32_t v = c;
        for (size_t j = 1; j < len && i + j < n; j++)
            v = v << 8 | (unsigned char)s[i + j];
        cp[k++] = v;
        i += len;
    }
    *out = cp;
    return k;
}

/* Edit distance in code points, at any length: shape.c's vb_edit_distance
 * counts bytes and gives up past 96, while names run to 300 characters and
 * an OCR-damaged letter must cost one edit, not two or three. */
static size_t levenshtein(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t *prev = vb_xmalloc((nb + 1) * sizeof *prev);
    size_t *cur = vb_xmalloc((nb + 1) * sizeof *cur);
    for (size_t j = 0; j <= nb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= na; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        size_t *tmp = prev;
        prev = cur;
        cur = tmp;
    }
    size_t d = prev[nb];
    free(prev);
    free(cur);
    return d;
}

/* Words of a folded name: runs of code points between spaces, without
 * the punctuation at their ends. */
typedef struct {
    size_t start, len;
} word;

static bool is_punct(uint32_t c)
{
    return c == ',' || c == '.' || c == ';' || c == ':' || c == '-' || c == '(' || c == ')' ||
           c == '"' || c == '\'' || c == '!' || c == '?';
}

static size_t split_words(const uint32_t *s, size_t n, word *w)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && (s[i] == ' ' || is_punct(s[i])))
            i++;
        size_t a = i;
        while (i < n && s[i] != ' ')
            i++;
        size_t b = i;
        while (b > a && is_punct(s[b - 1]))
            b--;
        if (b > a)
            w[k++] = (word){a, b - a};
    }
    return k;
}

/* True when the first k words of two names are the same words up to OCR
 * damage: no word is replaced by another (at most one edit, or half of
 * the word). */
static bool words_alike(const uint32_t *ca, const word *wa, const uint32_t *cb, const word *wb, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        size_t wl = wa[i].len > wb[i].len ? wa[i].len : wb[i].len;
        size_t wd = levenshtein(ca + wa[i].start, wa[i].len, cb + wb[i].start, wb[i].len);
        if (wd > 1 && wd * 2 > wl)
            return false;
    }
    return true;
}

typedef enum { DIFFERENT, SAME, PREFIX_OF_NEW } likeness;

/* Two folded names are one movement when OCR damage is all that sets them
 * apart: few edits in all (at most a fifth, the scorer's tolerance), and,
 * word by word, no word replaced by another ("Cả nước chung sức ..." and
 * "Cả huyện chung sức ..." are two movements a few letters apart).  Names
 * whose word count differs must be closer still (a tenth), or the shorter
 * must be the start of the longer cut by a page break or a stray OCR
 * quote, at least four fifths of it (PREFIX_OF_NEW when the known name a
 * is that start). */
static likeness same_movement(const char *a, size_t na, const char *b, size_t nb)
{
    uint32_t *ca, *cb;
    size_t la = code_points(a, na, &ca), lb = code_points(b, nb, &cb);
    size_t longer = la > lb ? la : lb, shorter = la > lb ? lb : la;
    likeness same = DIFFERENT;
    if (shorter * 5 >= longer * 4) {
        word *wa = vb_xmalloc((la + 1) * sizeof *wa);
        word *wb = vb_xmalloc((lb + 1) * sizeof *wb);
        size_t ka = split_words(ca, la, wa), kb = split_words(cb, lb, wb);
        size_t d = levenshtein(ca, la, cb, lb);
        if (ka == kb) {
            if (d * 5 <= longer && words_alike(ca, wa, cb, wb, ka))
                same = SAME;
        } else if (d * 10 <= longer) {
            same = SAME;
        } else if (ka >= 3 && kb >= 3) {
            /* the longer name cut after as many words as the shorter has */
            bool a_short = ka < kb;
            size_t k = a_short ? ka : kb;
            const word *wl = a_short ? wb : wa;
            size_t plen = wl[k - 1].start + wl[k - 1].len;
            size_t slen = a_short ? la : lb;
            size_t dp = a_short ? levenshtein(ca, la, cb, plen) : levenshtein(ca, plen, cb, lb);
            size_t m = slen > plen ? slen : plen;
            if (dp * 5 <= m && words_alike(ca, wa, cb, wb, k))
                same = a_short ? PREFIX_OF_NEW : SAME;
        }
        free(wa);
        free(wb);
    }
    free(ca);
    free(cb);
    return same;
}

/* The folded key of a name: white space runs to one space, quotes and
 * trailing punctuation trimmed.  Lives in the arena. */
static char *name_key(vb_arena *arena, const char *name)
{
    char *f = vb_fold_utf8(name, strlen(name));
    size_t n = 0;
    bool space = false;
    for (const char *p = f; *p; p++) {
        if (fold_space(*p)) {
            space = n > 0;
            continue;
        }
        if (space)
            f[n++] = ' ';
        space = false;
        f[n++] = *p;
    }
    while (n > 0 && strchr(".,;:\"' ", f[n - 1]))
        n--;
    size_t s = 0;
    while (s < n && (f[s] == '"' || f[s] == '\''))
        s++;
    char *key = vb_arena_strndup(arena, f + s, n - s);
    free(f);
    return key;
}

/* --------------------------------------------------------------- stage */

/* The folded keys of the records (parallel to doc->movements) and a hash
 * set over them: a list of many thousand names stays linear. */
typedef struct {
    VB_VEC(char *) keys;
    size_t *slots;              /* record index + 1, 0 = empty */
    size_t nslots;              /* a power of two, or 0 */
} names;

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* Index of the record with this key, or (size_t)-1. */
static size_t names_find(const names *nm, const char *key)
{
    if (!nm->nslots)
        return (size_t)-1;
    for (size_t i = hash_str(key) & (nm->nslots - 1);; i = (i + 1) & (nm->nslots - 1)) {
        if (!nm->slots[i])
            return (size_t)-1;
        if (!strcmp(nm->keys.v[nm->slots[i] - 1], key))
            return nm->slots[i] - 1;
    }
}

/* Rebuilds the set from nm->keys with n slots (a power of two). */
static void names_fill(names *nm, size_t n)
{
    free(nm->slots);
    nm->slots = vb_xcalloc(n, sizeof *nm->slots);
    nm->nslots = n;
    for (size_t r = 0; r < nm->keys.n; r++) {
        size_t i = hash_str(nm->keys.v[r]) & (n - 1);
        while (nm->slots[i])
            i = (i + 1) & (n - 1);
        nm->slots[i] = r + 1;
    }
}

/* After a key changed in place. */
static void names_rehash(names *nm)
{
    if (nm->nslots)
        names_fill(nm, nm->nslots);
}

/* Adds record rec, whose key is nm->keys.v[rec] (the last one). */
static void names_put(names *nm, size_t rec)
{
    if (2 * (nm->keys.n + 1) > nm->nslots) {
        names_fill(nm, nm->nslots ? 2 * nm->nslots : 64);
        return;     /* the fill placed rec too */
    }
    size_t i = hash_str(nm->keys.v[rec]) & (nm->nslots - 1);
    while (nm->slots[i])
        i = (i + 1) & (nm->nslots - 1);
    nm->slots[i] = rec + 1;
}

static void add_mention(vb_document *doc, names *nm, const char *kind, size_t fa, size_t fb)
{
    const char *fold = doc->text.fold;
    while (fa < fb && fold_space(fold[fa]))
        fa++;
    /* punctuation of the sentence caught inside the quotes: “... quyết
     * thắng.”, “...”; (an ellipsis stays) */
    while (fb > fa && (fold_space(fold[fb - 1]) || strchr(",;:", fold[fb - 1]) ||
                       (fold[fb - 1] == '.' && (fb - 1 == fa || fold[fb - 2] != '.'))))
        fb--;
    bool letter = false;
    for (size_t i = fa; i < fb && !letter; i++)
        letter = (fold[i] >= 'a' && fold[i] <= 'z') || (fold[i] >= '0' && fold[i] <= '9');
    if (!letter)
        return;
    char *name = vb_clean_fold_range(&doc->arena, &doc->text, fa, fb);
    char *key = name_key(&doc->arena, name);
    size_t klen = strlen(key);
    size_t hit = names_find(nm, key);
    if (hit == (size_t)-1)
        hit = doc->movements.n;
    if (hit == doc->movements.n && doc->movements.n <= FUZZY_MAX_RECORDS) {
        for (size_t i = 0; i < doc->movements.n && hit == doc->movements.n; i++) {
            likeness l = same_movement(nm->keys.v[i], strlen(nm->keys.v[i]), key, klen);
            if (l == DIFFERENT)
                continue;
            hit = i;
            if (l == PREFIX_OF_NEW) {
                /* the record was named by a cut mention: take the whole name */
                doc->movements.v[i].name = name;
                nm->keys.v[i] = key;
                names_rehash(nm);
            }
        }
    }
    if (hit == doc->movements.n) {
        vb_movement *m = VB_PUSH(doc->movements);
        memset(m, 0, sizeof *m);
        m->name = name;
        m->kind = kind;
        *VB_PUSH(nm->keys) = key;
        names_put(nm, hit);
    }
    vb_mention *mt = VB_PUSH(doc->movements.v[hit].mentions);
    mt->span = vb_span_from_fold(&doc->text, fa, fb);
    mt->section = -1;
}

/* The kind group that is set, and where it ends. */
static const char *kind_of(vb_matcher *m, size_t *end)
{
    size_t a;
    for (size_t k = 0; kinds[k]; k++)
        if (vb_group(m, kinds[k], &a, end))
            return kinds[k];
    *end = vb_ovector(m)[1];
    return kinds[0];
}

static void run(void *state, vb_document *doc)
{
    movements_state *st = state;
    const vb_text *t = &doc->text;
    const char *fold = t->fold;
    size_t len = t->fold_len;
    vb_matcher *intro = &st->ms.m[P_INTRO], *block = &st->ms.m[P_BLOCK];
    vb_matcher *name = &st->ms.m[P_NAME], *next = &st->ms.m[P_NEXT];
    names nm = {0};
    for (size_t pos = 0; pos < len && vb_next_match(doc, intro, fold, len, &pos, 0);) {
        PCRE2_SIZE *ov = vb_ovector(intro);
        size_t q = ov[1];
        size_t kind_end;
        const char *kind = kind_of(intro, &kind_end);
        /* a blocked quote may still belong to a later introducer in
         * between ("phong trào ... và cuộc vận động “...”"): go on from
         * the end of this one */
        if (vb_match(doc, block, fold, q, kind_end, 0) > 0) {
            pos = kind_end > ov[0] ? kind_end : ov[0] + 1;
            continue;
        }
        /* the names of the list, each anchored where the last one ended */
        while (q < len && !(faces_left(t, q) && !word_char(fold, len, q + 1)) &&
               vb_match(doc, name, fold, len, q, PCRE2_ANCHORED) > 0) {
            size_t na, nb;
            size_t end = vb_ovector(name)[1];
            if (!vb_group(name, "name", &na, &nb) ||
                (faces_right(t, end - 1) && (fold_space(fold[end - 2]) || word_char(fold, len, end))))
                break;
            add_mention(doc, &nm, kind, na, nb);
            pos = end;
            if (vb_match(doc, next, fold, len, end, PCRE2_ANCHORED) <= 0)
                break;
            q = vb_ovector(next)[1];
        }
    }
    free(nm.keys.v);
    free(nm.slots);
}

const vb_stage vb_stage_movements = {"movements", init, run, fini};
