/*
 * util.c - memory (aborting allocators, the per-document arena, growable
 * arrays), warnings, section lookup and the PCRE2 matcher helpers every
 * stage uses.
 *
 * OOM policy: allocation failure aborts.  Extraction code then has no NULL
 * checks, and a half-built document never escapes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vb_internal.h"

void *vb_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("vanban: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *vb_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fputs("vanban: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *vb_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("vanban: out of memory\n", stderr);
        abort();
    }
    return q;
}

void *vb_vec_grow(void *v, size_t *cap, size_t elem, size_t need)
{
    size_t c = *cap ? *cap : 8;
    while (c < need)
        c *= 2;
    v = vb_xrealloc(v, c * elem);
    memset((char *)v + *cap * elem, 0, (c - *cap) * elem);
    *cap = c;
    return v;
}

/* ---------------------------------------------------------------- arena */

struct vb_arena_block {
    vb_arena_block *next;
    size_t used, size;
    max_align_t data[];
};

/* Blocks are small so that a small document costs little; big requests
 * get a block of their own. */
#define ARENA_BLOCK_SIZE 8192

void *vb_arena_alloc(vb_arena *a, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    vb_arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t bs = size > ARENA_BLOCK_SIZE ? size : ARENA_BLOCK_SIZE;
        b = vb_xmalloc(sizeof *b + bs);
        b->size = bs;
        b->used = 0;
        if (size > ARENA_BLOCK_SIZE && a->head) {
            /* keep filling the current block: put the big one behind it */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *vb_arena_strndup(vb_arena *a, const char *s, size_t n)
{
    char *p = vb_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *vb_arena_strdup(vb_arena *a, const char *s)
{
    return s ? vb_arena_strndup(a, s, strlen(s)) : NULL;
}

char *vb_arena_printf(vb_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return vb_arena_strdup(a, "");
    char *p = vb_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void vb_arena_free(vb_arena *a)
{
    vb_arena_block *b = a->head;
    while (b) {
        vb_arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
}

/* ------------------------------------------------------------- warnings */

/* A document with garbage input could produce millions of warnings; the
 * output keeps the first ones and counts the rest in one final warning. */
#define MAX_WARNINGS 64

void vb_doc_warn(vb_document *doc, const char *code, size_t input_offset,
                 const char *fmt, ...)
{
    if (doc->warnings.n > MAX_WARNINGS)
        return;
    vb_warning *w = VB_PUSH(doc->warnings);
    w->code = code;
    w->offset = input_offset;
    if (doc->warnings.n > MAX_WARNINGS) {
        w->code = "too-many-warnings";
        w->message = vb_arena_strdup(&doc->arena, "further warnings suppressed");
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    w->message = vb_arena_strdup(&doc->arena, buf);
}

size_t vb_document_warning_count(const vb_document *doc)
{
    return doc ? doc->warnings.n : 0;
}

int vb_doc_section_at(const vb_document *doc, size_t off)
{
    /* Sections are in document order and nested; the innermost holding
     * `off` is the last one that starts at or before it and still holds it. */
    size_t lo = 0, hi = doc->sections.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (doc->sections.v[mid].span.start <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (int i = (int)lo - 1; i >= 0; i = doc->sections.v[i].parent) {
        const vb_section *s = &doc->sections.v[i];
        if (off >= s->span.start && off < s->span.end)
            return i;
    }
    return -1;
}

/* ------------------------------------------------------------- matchers */

/* Limits against catastrophic backtracking on hostile input; hitting one
 * is a warning for that rule, never a crash. */
#define VB_MATCH_LIMIT 2000000u
#define VB_DEPTH_LIMIT 10000u
#define VB_HEAP_LIMIT_KIB 65536u


const vb_lexicon *vb_require_lexicon(const vb_grammar *g, const char *name, const char *stage,
                                     char *err, size_t err_size)
{
    const vb_lexicon *lx = vb_grammar_lexicon(g, name);
    if (!lx) {
        snprintf(err, err_size, "%s:%d: missing lexicon '%s' (needed by stage %s)", g->end_file,
                 g->end_line, name, stage);
    } else if (!lx->n) {
        /* an empty list would make the stage find nothing, silently */
        snprintf(err, err_size, "%s:%d: lexicon '%s' is empty (needed by stage %s)", lx->file,
                 lx->line, name, stage);
        lx = NULL;
    }
    return lx;
}

bool vb_require_lexicons(const vb_grammar *g, const char *stage, const char *const *names,
                         const vb_lexicon **const *out, size_t n, char *err, size_t err_size)
{
    for (size_t i = 0; i < n; i++)
        if (!(*out[i] = vb_require_lexicon(g, names[i], stage, err, err_size)))
            return false;
    return true;
}

bool vb_matchers_init(vb_matchers *ms, const vb_grammar *g, const char *stage,
                      const char *const *names, char *err, size_t err_size)
{
    size_t n = 0;
    while (names[n])
        n++;
    ms->m = vb_xcalloc(n, sizeof *ms->m);
    ms->n = n;
    for (size_t i = 0; i < n; i++) {
        int k = vb_grammar_pattern_index(g, names[i]);
        if (k < 0) {
            snprintf(err, err_size, "%s:%d: missing pattern '%s' (needed by stage %s)",
                     g->end_file, g->end_line, names[i], stage);
            vb_matchers_fini(ms);
            return false;
        }
        ms->m[i].pat = &g->patterns[k];
        ms->m[i].md = pcre2_match_data_create_from_pattern(g->patterns[k].code, NULL);
        ms->m[i].mc = pcre2_match_context_create(NULL);
        if (!ms->m[i].md || !ms->m[i].mc) {
            fputs("vanban: out of memory\n", stderr);
            abort();
        }
        pcre2_set_match_limit(ms->m[i].mc, VB_MATCH_LIMIT);
        pcre2_set_depth_limit(ms->m[i].mc, VB_DEPTH_LIMIT);
        pcre2_set_heap_limit(ms->m[i].mc, VB_HEAP_LIMIT_KIB);
    }
    return true;
}

void vb_matchers_fini(vb_matchers *ms)
{
    for (size_t i = 0; i < ms->n; i++) {
        pcre2_match_data_free(ms->m[i].md);   /* both accept NULL */
        pcre2_match_context_free(ms->m[i].mc);
    }
    free(ms->m);
    ms->m = NULL;
    ms->n = 0;
}

static int raw_match(vb_matcher *m, const char *subject, size_t len, size_t start, uint32_t options)
{
    if (m->pat->jit && !(options & PCRE2_ANCHORED))
        return pcre2_jit_match(m->pat->code, (PCRE2_SPTR)subject, len, start, options, m->md, m->mc);
    return pcre2_match(m->pat->code, (PCRE2_SPTR)subject, len, start, options, m->md, m->mc);
}

/* One warning per run of hits of a pattern: a pattern that hits the
 * limit at many places would otherwise fill the document's warnings. */
static void warn_limit(vb_document *doc, vb_matcher *m, const char *subject, size_t at, int rc)
{
    if (!doc)
        return;
    char head[160];
    snprintf(head, sizeof head, "pattern %s (grammar line %d): ", m->pat->name, m->pat->line);
    if (doc->warnings.n) {
        const vb_warning *w = &doc->warnings.v[doc->warnings.n - 1];
        if (!strcmp(w->code, "match-limit") && !strncmp(w->message, head, strlen(head)))
            return;
    }
    /* the subject may be a slice of the fold (subject + at is in it) */
    size_t f = subject >= doc->text.fold && subject <= doc->text.fold + doc->text.fold_len
                   ? (size_t)(subject - doc->text.fold) + at
                   : 0;
    size_t u = f < doc->text.fold_len ? doc->text.fold_map[f] : doc->text.utf8_len;
    PCRE2_UCHAR msg[120];
    pcre2_get_error_message(rc, msg, sizeof msg);
    vb_doc_warn(doc, "match-limit", vb_utf8_to_input(&doc->text, u), "%s%s; matching goes on after it",
                head, (const char *)msg);
}

int vb_match(vb_document *doc, vb_matcher *m, const char *subject, size_t len,
             size_t start, uint32_t options)
{
    int rc = raw_match(m, subject, len, start, options);
    if (rc > 0)
        return rc;
    if (rc == 0)
        return 1;
    if (rc != PCRE2_ERROR_NOMATCH)
        warn_limit(doc, m, subject, start, rc);
    return 0;
}

bool vb_next_match(vb_document *doc, vb_matcher *m, const char *subject, size_t len, size_t *pos,
                   uint32_t options)
{
    /* Positions below `proven` cannot start a match (an anchored attempt
     * there failed); `window` is how many positions the next walk tries
     * before an unanchored search again: it doubles, so a limit hit far
     * from *pos costs a linear walk plus a logarithmic number of
     * searches. */
    size_t window = 64;
    while (*pos <= len) {
        int rc = raw_match(m, subject, len, *pos, options);
        if (rc == PCRE2_ERROR_NOMATCH) {
            *pos = len + 1;
            return false;
        }
        if (rc >= 0)
            break;
        if (options & PCRE2_ANCHORED) {
            warn_limit(doc, m, subject, *pos, rc);
            *pos = len + 1;
            return false;
        }
        /* The limit counts per start position: find the one that hit it,
         * trying each anchored from *pos; a match found on the way is the
         * leftmost one. */
        size_t q = *pos, stop = len - *pos > window ? *pos + window : len;
        for (; q <= stop; q++) {
            rc = raw_match(m, subject, len, q, options | PCRE2_ANCHORED);
            if (rc != PCRE2_ERROR_NOMATCH)
                break;
        }
        if (q <= stop && rc >= 0)
            break;
        if (q <= stop) {
            warn_limit(doc, m, subject, q, rc);
            *pos = q + 1;
        } else {
            *pos = q;
            window *= 2;
        }
    }
    if (*pos > len)
        return false;
    PCRE2_SIZE *ov = vb_ovector(m);
    /* past the match, and past its start when it is empty (or ends
     * before it starts, with \K in a lookahead) */
    *pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
    return true;
}

bool vb_group(vb_matcher *m, const char *name, size_t *start, size_t *end)
{
    int n = pcre2_substring_number_from_name(m->pat->code, (PCRE2_SPTR)name);
    if (n < 0)
        return false;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    if ((uint32_t)n >= pcre2_get_ovector_count(m->md) || ov[2 * n] == PCRE2_UNSET)
        return false;
    *start = ov[2 * n];
    *end = ov[2 * n + 1];
    return true;
}

/* Whether the input line of fold offset i is a Markdown heading ("#
 * title", "  ## title"): the fold drops those marks, so the utf8 view is
 * read. */
static bool md_heading_line(const vb_text *t, size_t i)
{
    while (i > 0 && t->fold[i - 1] != '\n')
        i--;
    size_t u = t->fold_map[i];
    while (u > 0 && t->utf8[u - 1] != '\n')
        u--;
    while (u < t->utf8_len && (t->utf8[u] == ' ' || t->utf8[u] == '\t' || t->utf8[u] == '>'))
        u++;
    return u < t->utf8_len && t->utf8[u] == '#';
}

void vb_match_ranges(vb_document *doc, vb_matcher *m, size_t back, vb_fold_ranges *out)
{
    const char *fold = doc->text.fold;
    size_t len = doc->text.fold_len;
    for (size_t pos = 0, at = 0; vb_next_match(doc, m, fold, len, &pos, 0); at = pos) {
        PCRE2_SIZE *ov = vb_ovector(m);
        size_t ha, hb;
        if (vb_group(m, "mdhead", &ha, &hb) && !md_heading_line(&doc->text, ha)) {
            pos = ov[0] + 1;
            continue;
        }
        vb_fold_range *r = VB_PUSH(*out);
        r->start = ov[0];
        r->end = ov[1];
        size_t ba, bb;
        if (back && vb_group(m, "back", &ba, &bb)) {
            /* not before where this scan resumed, so ranges stay apart */
            size_t lo = ba > back ? ba - back : 0;
            if (lo < at)
                lo = at;
            size_t s = ba;
            while (s > lo && fold[s - 1] != '\n')
                s--;
            r->start = s;
        }
    }
}

bool vb_in_ranges(const vb_fold_ranges *r, size_t pos)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->v[mid].end <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->n && r->v[lo].start <= pos;
}
