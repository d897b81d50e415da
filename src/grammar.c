/*
 * grammar.c - loads grammar files (format: grammars/README.md), compiles
 * and JIT-compiles every pattern once, and answers look-ups by name.
 *
 * File format (EBNF; a line is one statement):
 *
 *   file      = { line } ;
 *   line      = blank | comment | define | pattern | lexicon | file-mark ;
 *   comment   = "#" { any } ;
 *   define    = "define" name regex ;        (* macro: {{name}} in later regexes *)
 *   pattern   = "pattern" name regex ;       (* compiled over the folded view *)
 *   regex     = rest-of-line { continuation } ;
 *   continuation = [ ws ] "+" [ " " ] rest-of-line ;   (* text appended verbatim *)
 *   lexicon   = "lexicon" name NL { entry NL } "end" ;
 *   entry     = key "=" value ;              (* key folded before use *)
 *   file-mark = "@file" path ;               (* built-in grammar: restart line count *)
 *
 * Names are
 * [a-z0-9_.-]+.  Patterns match the folded view (lower case ASCII,
 * diacritics removed), so they are compiled without PCRE2_UTF.
 *
 * Errors are reported as "file:line: message" and loading stops at the
 * first one.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vb_internal.h"

extern const char vb_default_grammar[];     /* grammar_default.c, generated */
extern const size_t vb_default_grammar_len;

typedef struct {
    char *name;
    char *value;
} macro;

typedef struct {
    const char *file;
    int line;
    char *err;
    size_t err_size;
    VB_VEC(macro) macros;
    VB_VEC(vb_pattern) patterns;
    VB_VEC(vb_lexicon) lexicons;
    VB_VEC(vb_lex_entry) entries;     /* of the open lexicon */
    char *open_lexicon;
    int open_lexicon_line;
    /* statement being continued by "+" lines */
    int cont_kind;                    /* 0 none, 1 define, 2 pattern */
    char *cont_name;
    char *cont_text;
    int cont_line;
    char file_buf[256];
} loader;

static bool fail(loader *L, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(loader *L, int line, const char *fmt, ...)
{
    if (!L->err || !L->err_size)
        return false;
    int n = snprintf(L->err, L->err_size, "%s:%d: ", L->file, line);
    if (n < 0 || (size_t)n >= L->err_size)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->err + n, L->err_size - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static char *xstrndup(const char *s, size_t n)
{
    char *p = vb_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static bool valid_name(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_' ||
              s[i] == '.' || s[i] == '-'))
            return false;
    return true;
}

/* Expands {{name}} macros; returns NULL (and fails) on an unknown one or
 * when the result would pass VB_GRAMMAR_MAX_EXPANSION. */
static char *expand(loader *L, const char *name, const char *src, int line)
{
    size_t cap = strlen(src) + 1, n = 0;
    char *out = vb_xmalloc(cap);
    for (const char *p = src; *p;) {
        if (p[0] == '{' && p[1] == '{') {
            const char *e = strstr(p + 2, "}}");
            if (!e) {
                free(out);
                fail(L, line, "unterminated macro reference '{{' (write \\{ for a literal brace)");
                return NULL;
            }
            size_t nl = (size_t)(e - (p + 2));
            const char *val = NULL;
            for (size_t i = 0; i < L->macros.n; i++)
                if (strlen(L->macros.v[i].name) == nl && !memcmp(L->macros.v[i].name, p + 2, nl))
                    val = L->macros.v[i].value;
            if (!val) {
                free(out);
                fail(L, line, "unknown macro '{{%.*s}}' (define it before use)", (int)nl, p + 2);
                return NULL;
            }
            size_t vl = strlen(val);
            if (n + vl > VB_GRAMMAR_MAX_EXPANSION) {
                free(out);
                fail(L, line, "'%s' expands to more than %zu KiB (macros inside macros?)", name,
                     VB_GRAMMAR_MAX_EXPANSION >> 10);
                return NULL;
            }
            if (n + vl + 1 > cap) {
                cap = (n + vl + 1) * 2;
                out = vb_xrealloc(out, cap);
            }
            memcpy(out + n, val, vl);
            n += vl;
            p = e + 2;
            continue;
        }
        if (n + 1 > VB_GRAMMAR_MAX_EXPANSION) {
            free(out);
            fail(L, line, "'%s' is longer than %zu KiB", name, VB_GRAMMAR_MAX_EXPANSION >> 10);
            return NULL;
        }
        if (n + 2 > cap) {
            cap *= 2;
            out = vb_xrealloc(out, cap);
        }
        out[n++] = *p++;
    }
    out[n] = 0;
    return out;
}

static int find_pattern(loader *L, const char *name)
{
    for (size_t i = 0; i < L->patterns.n; i++)
        if (!strcmp(L->patterns.v[i].name, name))
            return (int)i;
    return -1;
}

static bool finish_statement(loader *L)
{
    if (!L->cont_kind)
        return true;
    int kind = L->cont_kind;
    L->cont_kind = 0;
    char *name = L->cont_name, *text = L->cont_text;
    L->cont_name = L->cont_text = NULL;
    bool ok = true;
    char *re = expand(L, name, text, L->cont_line);
    if (!re) {
        ok = false;
    } else if (kind == 2 && !re[0]) {
        /* "pattern x" with its text forgotten would match everywhere */
        ok = fail(L, L->cont_line, "pattern '%s' is empty (write (?:) for one that matches the empty string)",
                  name);
    } else if (kind == 1) {
        macro *m = VB_PUSH(L->macros);
        m->name = name;
        m->value = re;
        name = re = NULL;
    } else {
        int errcode;
        PCRE2_SIZE erroff;
        pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &errcode, &erroff, NULL);
        if (!code) {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(errcode, msg, sizeof msg);
            size_t from = erroff > 20 ? erroff - 20 : 0;
            ok = fail(L, L->cont_line, "pattern '%s': %s at offset %zu, near \"%.40s\"", name,
                      (const char *)msg, (size_t)erroff, re + from);
        } else {
            int existing = find_pattern(L, name);
            vb_pattern *p;
            if (existing >= 0) {
                p = &L->patterns.v[existing];
                pcre2_code_free(p->code);
                free(p->name);
                free(p->source);
            } else {
                p = VB_PUSH(L->patterns);
            }
            p->name = name;
            p->source = re;
            p->line = L->cont_line;
            p->code = code;
            /* JIT when the machine allows it; the interpreter is the
             * fallback (e.g. SELinux forbidding executable memory).
             * VANBAN_NO_JIT=1 asks for the interpreter: valgrind cannot
             * follow JIT code (false "uninitialised" reports), so the
             * valgrind test setup sets it. */
            const char *no_jit = getenv("VANBAN_NO_JIT");
            p->jit = !(no_jit && *no_jit && strcmp(no_jit, "0")) &&
                     pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
            if (p->jit) {
                size_t jsz = 0;
                pcre2_pattern_info(code, PCRE2_INFO_JITSIZE, &jsz);
                p->jit = jsz > 0;
            }
            name = re = NULL;
        }
    }
    free(name);
    free(re);
    free(text);
    return ok;
}

static bool finish_lexicon(loader *L)
{
    vb_lexicon *lx = VB_PUSH(L->lexicons);
    lx->name = L->open_lexicon;
    lx->entries = L->entries.v;
    lx->n = L->entries.n;
    lx->file = xstrndup(L->file, strlen(L->file));
    lx->line = L->open_lexicon_line;
    L->open_lexicon = NULL;
    L->entries.v = NULL;
    L->entries.n = L->entries.cap = 0;
    return true;
}

static bool load_line(loader *L, const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < n && s[i] == '+' && !L->open_lexicon) {
        if (!L->cont_kind)
            return fail(L, L->line, "'+' continues nothing (it must follow a define or pattern line)");
        size_t k = i + 1;
        if (k < n && s[k] == ' ')
            k++;
        size_t old = strlen(L->cont_text);
        L->cont_text = vb_xrealloc(L->cont_text, old + (n - k) + 1);
        memcpy(L->cont_text + old, s + k, n - k);
        L->cont_text[old + n - k] = 0;
        return true;
    }
    if (i == n || s[i] == '#')
        return true;
    if (!finish_statement(L))
        return false;
    const char *w = s + i;
    size_t wl = 0;
    while (i + wl < n && s[i + wl] != ' ' && s[i + wl] != '\t')
        wl++;
    size_t j = i + wl;
    while (j < n && (s[j] == ' ' || s[j] == '\t'))
        j++;

    bool is_file_mark = wl == 5 && !memcmp(w, "@file", 5);
    if (L->open_lexicon && is_file_mark)
        /* said in the file that left it open, before switching */
        return fail(L, L->open_lexicon_line, "lexicon '%s' is not closed with 'end' (before @file)",
                    L->open_lexicon);
    if (L->open_lexicon) {
        if (wl == 3 && !memcmp(w, "end", 3) && j == n)
            return finish_lexicon(L);
        const char *eq = memchr(s + i, '=', n - i);
        if (!eq)
            return fail(L, L->line, "lexicon '%s': entry without '=' (write: key = value; close with 'end')",
                        L->open_lexicon);
        size_t kb = i, ke = (size_t)(eq - s);
        while (ke > kb && (s[ke - 1] == ' ' || s[ke - 1] == '\t'))
            ke--;
        size_t vb = (size_t)(eq - s) + 1;
        while (vb < n && (s[vb] == ' ' || s[vb] == '\t'))
            vb++;
        if (ke == kb)
            return fail(L, L->line, "lexicon '%s': empty key", L->open_lexicon);
        char *key = vb_fold_utf8(s + kb, ke - kb);
        for (size_t e = 0; e < L->entries.n; e++)
            if (!strcmp(L->entries.v[e].key, key)) {
                int first = L->entries.v[e].line;
                free(key);
                return fail(L, L->line, "lexicon '%s': key '%.*s' already given on line %d",
                            L->open_lexicon, (int)(ke - kb), s + kb, first);
            }
        vb_lex_entry *en = VB_PUSH(L->entries);
        en->key = key;
        en->value = xstrndup(s + vb, n - vb);
        en->line = L->line;
        return true;
    }

    if (is_file_mark) {
        snprintf(L->file_buf, sizeof L->file_buf, "%.*s", (int)(n - j), s + j);
        L->file = L->file_buf;
        L->line = 0;
        return true;
    }
    bool is_define = wl == 6 && !memcmp(w, "define", 6);
    bool is_pattern = wl == 7 && !memcmp(w, "pattern", 7);
    bool is_lexicon = wl == 7 && !memcmp(w, "lexicon", 7);
    if (!is_define && !is_pattern && !is_lexicon)
        return fail(L, L->line, "unknown statement '%.*s' (expected define, pattern, lexicon or a # comment)",
                    (int)wl, w);
    size_t nb = j, ne = j;
    while (ne < n && s[ne] != ' ' && s[ne] != '\t')
        ne++;
    if (!valid_name(s + nb, ne - nb))
        return fail(L, L->line, "%.*s: missing or bad name '%.*s' (use a-z, 0-9, _ . -)", (int)wl, w,
                    (int)(ne - nb), s + nb);
    char *name = xstrndup(s + nb, ne - nb);
    size_t rb = ne;
    while (rb < n && (s[rb] == ' ' || s[rb] == '\t'))
        rb++;
    if (is_lexicon) {
        if (rb != n) {
            free(name);
            return fail(L, L->line, "lexicon: text after the name (entries go on the following lines)");
        }
        for (size_t e = 0; e < L->lexicons.n; e++)
            if (!strcmp(L->lexicons.v[e].name, name)) {
                free(name);
                return fail(L, L->line, "lexicon '%s' defined twice", L->lexicons.v[e].name);
            }
        L->open_lexicon = name;
        L->open_lexicon_line = L->line;
        return true;
    }
    L->cont_kind = is_define ? 1 : 2;
    L->cont_name = name;
    L->cont_text = xstrndup(s + rb, n - rb);
    L->cont_line = L->line;
    return true;
}

static void free_lexicon(vb_lexicon *lx)
{
    for (size_t e = 0; e < lx->n; e++) {
        free(lx->entries[e].key);
        free(lx->entries[e].value);
    }
    free(lx->entries);
    free(lx->name);
    free(lx->file);
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const vb_lex_entry *)a)->key, ((const vb_lex_entry *)b)->key);
}

vb_grammar *vb_grammar_load_buffer(const char *name, const char *text, size_t len, char *err,
                                   size_t err_size)
{
    loader L;
    memset(&L, 0, sizeof L);
    L.file = name;
    L.err = err;
    L.err_size = err_size;
    if (err && err_size)
        err[0] = 0;
    if (len > VB_GRAMMAR_MAX_SIZE) {
        int line = 1;
        for (const char *p = text, *end = text + VB_GRAMMAR_MAX_SIZE; (p = memchr(p, '\n', (size_t)(end - p))); p++)
            line++;
        fail(&L, line, "grammar file larger than %zuM", VB_GRAMMAR_MAX_SIZE >> 20);
        return NULL;
    }
    bool ok = true;
    size_t pos = 0;
    while (ok && pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        L.line++;
        if (memchr(text + pos, 0, end - pos)) {
            ok = fail(&L, L.line, "NUL byte in grammar text");
            break;
        }
        ok = load_line(&L, text + pos, end - pos);
        pos = end + 1;
    }
    if (ok)
        ok = finish_statement(&L);
    if (ok && L.open_lexicon)
        ok = fail(&L, L.open_lexicon_line, "lexicon '%s' is not closed with 'end'", L.open_lexicon);
    if (ok && !L.patterns.n)
        ok = fail(&L, L.line ? L.line : 1, "the grammar defines no pattern");

    for (size_t i = 0; i < L.macros.n; i++) {
        free(L.macros.v[i].name);
        free(L.macros.v[i].value);
    }
    free(L.macros.v);
    free(L.cont_name);
    free(L.cont_text);
    if (!ok) {
        for (size_t i = 0; i < L.patterns.n; i++) {
            pcre2_code_free(L.patterns.v[i].code);
            free(L.patterns.v[i].name);
            free(L.patterns.v[i].source);
        }
        free(L.patterns.v);
        for (size_t i = 0; i < L.lexicons.n; i++)
            free_lexicon(&L.lexicons.v[i]);
        free(L.lexicons.v);
        vb_lexicon open = {L.open_lexicon, L.entries.v, L.entries.n, NULL, 0};
        free_lexicon(&open);
        return NULL;
    }
    for (size_t i = 0; i < L.lexicons.n; i++)
        if (L.lexicons.v[i].n > 1)      /* an empty one has no array (qsort wants one) */
            qsort(L.lexicons.v[i].entries, L.lexicons.v[i].n, sizeof(vb_lex_entry), cmp_entry);
    vb_grammar *g = vb_xcalloc(1, sizeof *g);
    g->name = xstrndup(name, strlen(name));
    g->patterns = L.patterns.v;
    g->n_patterns = L.patterns.n;
    g->lexicons = L.lexicons.v;
    g->n_lexicons = L.lexicons.n;
    g->end_file = xstrndup(L.file, strlen(L.file));
    g->end_line = L.line ? L.line : 1;
    return g;
}

vb_grammar *vb_grammar_load_default(char *err, size_t err_size)
{
    return vb_grammar_load_buffer("<built-in grammar>", vb_default_grammar, vb_default_grammar_len, err,
                                  err_size);
}

vb_grammar *vb_grammar_load_file(const char *path, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "%s: %s", path, strerror(errno));
        return NULL;
    }
    /* at most one byte past the limit: vb_grammar_load_buffer says
     * where the limit falls (a grammar from /dev/zero is no more) */
    size_t cap = 65536, n = 0;
    char *buf = vb_xmalloc(cap);
    size_t r;
    while (n <= VB_GRAMMAR_MAX_SIZE && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap && n <= VB_GRAMMAR_MAX_SIZE)
            buf = vb_xrealloc(buf, cap = cap * 2 > VB_GRAMMAR_MAX_SIZE + 1 ? VB_GRAMMAR_MAX_SIZE + 1 : cap * 2);
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, err_size, "%s: read error", path);
        free(buf);
        return NULL;
    }
    vb_grammar *g = vb_grammar_load_buffer(path, buf, n, err, err_size);
    free(buf);
    return g;
}

void vb_grammar_free(vb_grammar *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n_patterns; i++) {
        pcre2_code_free(g->patterns[i].code);
        free(g->patterns[i].name);
        free(g->patterns[i].source);
    }
    free(g->patterns);
    for (size_t i = 0; i < g->n_lexicons; i++)
        free_lexicon(&g->lexicons[i]);
    free(g->lexicons);
    free(g->name);
    free(g->end_file);
    free(g);
}

int vb_grammar_pattern_index(const vb_grammar *g, const char *name)
{
    for (size_t i = 0; i < g->n_patterns; i++)
        if (!strcmp(g->patterns[i].name, name))
            return (int)i;
    return -1;
}

const vb_lexicon *vb_grammar_lexicon(const vb_grammar *g, const char *name)
{
    for (size_t i = 0; i < g->n_lexicons; i++)
        if (!strcmp(g->lexicons[i].name, name))
            return &g->lexicons[i];
    return NULL;
}

const char *vb_lexicon_get(const vb_lexicon *lx, const char *key, size_t key_len)
{
    if (!lx)
        return NULL;
    size_t lo = 0, hi = lx->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *k = lx->entries[mid].key;
        int c = strncmp(k, key, key_len);
        if (c == 0 && k[key_len] != 0)
            c = 1;
        if (c == 0)
            return lx->entries[mid].value;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
