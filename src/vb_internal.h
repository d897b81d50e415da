/*
 * vb_internal.h - the document model and the contracts between pipeline
 * stages.  Not installed.
 *
 * Pipeline (one file per stage; attachments.c holds two stages, which
 * run before and after the closing's):
 *   read.c       input bytes -> UTF-8 text (BOM, UTF-16, binary check)
 *   fold.c       UTF-8 text -> folded view + offset map
 *   lines.c      folded view -> classified lines (grammar-driven)
 *   header.c     header block (number, place, date, type, title, issuer)
 *   attachments.c  stage "attachments": headings of attached documents
 *                (candidates, so the closing is sought before them)
 *   closing.c    where the closing starts (before the first issued
 *                attachment); recipients, signer
 *   attachments.c  stage "attachment-spans": the candidates after the
 *                closing become the attachments, with their spans; the
 *                closing ends at the first
 *   sections.c   classified lines -> section tree and preamble, tiling
 *                [0, closing start); a tree per attachment
 *   directives.c / dates.c / deadlines.c / periods.c / movements.c
 *                extractors over the folded view
 *   emit_json.c  document -> JSON
 *
 * Memory: every string and record of a document lives in the document's
 * arena and dies with vb_document_free().  Offsets in the folded view are
 * `size_t` positions into text->fold; every span stored in a record is a
 * byte range of the *input as given* (vb_span).
 */
#ifndef VB_INTERNAL_H
#define VB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "vanban.h"

/* ---------------------------------------------------------------- arena */

typedef struct vb_arena_block vb_arena_block;
typedef struct {
    vb_arena_block *head;
} vb_arena;

void *vb_arena_alloc(vb_arena *a, size_t size);          /* zeroed, aborts on OOM */
char *vb_arena_strndup(vb_arena *a, const char *s, size_t n);
char *vb_arena_strdup(vb_arena *a, const char *s);
char *vb_arena_printf(vb_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void vb_arena_free(vb_arena *a);

/* Growable array of T in the heap (not the arena: it may be large).
 * VB_VEC(T) declares { T *v; size_t n, cap; }. */
#define VB_VEC(T) struct { T *v; size_t n, cap; }
void *vb_vec_grow(void *v, size_t *cap, size_t elem, size_t need);
#define VB_PUSH(vec) \
    (((vec).n == (vec).cap ? (void)((vec).v = vb_vec_grow((vec).v, &(vec).cap, sizeof *(vec).v, (vec).n + 1)) : (void)0), \
     &(vec).v[(vec).n++])

void *vb_xmalloc(size_t n);       /* abort on OOM: extraction code has no NULL checks */
void *vb_xcalloc(size_t n, size_t size);
void *vb_xrealloc(void *p, size_t n);

/* ----------------------------------------------------------------- text */

typedef struct {
    size_t start, end;          /* half-open byte range of the input */
} vb_span;

/* The input in three views.
 *  input      the bytes as given (spans point here)
 *  utf8       the text as UTF-8 (== input past a UTF-8 BOM; a transcoded
 *             copy for UTF-16), invalid sequences left in place
 *  fold       the folded view used for all matching: NFC-equivalent,
 *             Vietnamese diacritics removed, đ->d, lower case, typographic
 *             quotes -> " and ', dashes -> -, NBSP/tab -> space, CR
 *             dropped, Markdown emphasis/heading marks, escapes ("1\.")
 *             and table pipes dropped, other non-ASCII characters kept as
 *             their UTF-8.  Line breaks are kept ('\n'), so lines of the
 *             fold are lines of the input, except that a double-spaced
 *             text loses one blank line of every run (fold.c).  Invalid
 *             UTF-8 bytes fold to '?'.
 *  fold_map   fold_map[i] = utf8 offset of the character that produced
 *             fold[i]; fold_map[fold_len] = utf8_len.
 *  fold_case  fold_case[i] = the case of that character in the text: 1
 *             upper, -1 lower, 0 neither (the stages ask for every
 *             letter of a line; decoding it again each time was a tenth
 *             of the run time).
 *  utf8_map   NULL when utf8 offsets are input offsets; else utf8_map[i] =
 *             input offset of utf8 byte i (utf8_map[utf8_len] = input_len).
 */
typedef struct {
    const char *input;
    size_t input_len;
    const char *utf8;
    size_t utf8_len;
    size_t utf8_base;           /* input offset of utf8[0] when utf8_map is NULL (BOM skip) */
    char *utf8_owned;           /* transcoded copy, or NULL */
    uint32_t *utf8_map;
    char *fold;
    uint32_t *fold_map;
    int8_t *fold_case;
    size_t fold_len;
    size_t n_invalid;           /* invalid UTF-8 bytes seen by the fold */
    size_t first_invalid;       /* utf8 offset of the first one */
} vb_text;

/* Case of the original character behind fold[i]: +1 upper, -1 lower, 0
 * none (fold_case, made by vb_text_fold). */
static inline int vb_orig_case(const vb_text *t, size_t fold_i)
{
    return fold_i < t->fold_len ? t->fold_case[fold_i] : 0;
}

/* White space of the fold, line breaks included: a name or heading split
 * over two lines ("**Mai\nSơn**") is read across the break. */
static inline bool vb_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A cell border of a table written as text at fold[i]: the pipe of a
 * Markdown row or a tab of a flattened HTML table (both fold to a
 * space); header and signature blocks are read cell by cell. */
static inline bool vb_cell_border(const vb_text *t, size_t i)
{
    char c = t->utf8[t->fold_map[i]];
    return t->fold[i] == ' ' && (c == '|' || c == '\t');
}

/* read.c: decides the encoding and fills input/utf8 views.  Returns false
 * with *err set for unusable input (NUL bytes that are not UTF-16). */
bool vb_text_decode(vb_text *t, const char *input, size_t len, const char **err);
/* fold.c */
void vb_text_fold(vb_text *t);
void vb_text_release(vb_text *t);

/* Fold one UTF-8 string into a NUL-terminated folded string (malloc'ed,
 * caller frees).  The same folding the document view uses; for lexicons
 * and tests. */
char *vb_fold_utf8(const char *s, size_t len);

/* Offset conversions. */
size_t vb_utf8_to_input(const vb_text *t, size_t utf8_off);
vb_span vb_span_from_fold(const vb_text *t, size_t fold_start, size_t fold_end);
/* utf8 offset of the end of the character that produced fold[i]. */
size_t vb_fold_char_end(const vb_text *t, size_t fold_i);

/* A cleaned copy of utf8[start,end) for output: NFC, Markdown marks
 * removed, runs of white space (line breaks included) to one space,
 * trimmed, invalid UTF-8 replaced by U+FFFD.  Lives in the arena. */
char *vb_clean_text(vb_arena *a, const vb_text *t, size_t utf8_start, size_t utf8_end);
/* Same for a fold range (mapped back to the utf8 text). */
char *vb_clean_fold_range(vb_arena *a, const vb_text *t, size_t fold_start, size_t fold_end);

/* ------------------------------------------------------------- grammar */

/* A compiled pattern of the grammar: PCRE2 over the folded view (bytes,
 * no UTF mode), JIT-compiled when possible. */
typedef struct {
    char *name;
    char *source;
    int line;                   /* line in the grammar file */
    pcre2_code *code;
    bool jit;
} vb_pattern;

typedef struct {
    char *key;                  /* folded */
    char *value;
    int line;
} vb_lex_entry;

typedef struct {
    char *name;
    vb_lex_entry *entries;
    size_t n;
    char *file;                 /* where it is defined, for messages */
    int line;
} vb_lexicon;

struct vb_grammar {
    char *name;                 /* file name, for messages */
    vb_pattern *patterns;
    size_t n_patterns;
    vb_lexicon *lexicons;
    size_t n_lexicons;
    /* Where the text ends (file of the last @file chunk, its last line):
     * "file:line:" of messages about something the grammar lacks. */
    char *end_file;
    int end_line;
};

/* Index of a pattern by name, or -1.  Stages resolve their names once at
 * extractor creation. */
int vb_grammar_pattern_index(const vb_grammar *g, const char *name);
const vb_lexicon *vb_grammar_lexicon(const vb_grammar *g, const char *name);
/* The lexicon a stage cannot run without; NULL with "file:line: missing
 * lexicon 'NAME' (needed by stage STAGE)" in err when the grammar has none,
 * or "file:line: lexicon 'NAME' is empty ..." (its own line) when it has
 * no entry. */
const vb_lexicon *vb_require_lexicon(const vb_grammar *g, const char *name, const char *stage,
                                     char *err, size_t err_size);
/* vb_require_lexicon for each of names[0..n) into *out[i]; false at the
 * first one missing (err says which). */
bool vb_require_lexicons(const vb_grammar *g, const char *stage, const char *const *names,
                         const vb_lexicon **const *out, size_t n, char *err, size_t err_size);
/* Value for a folded key, or NULL. */
const char *vb_lexicon_get(const vb_lexicon *lx, const char *folded_key, size_t key_len);

/* Per-thread matcher over one pattern. */
typedef struct {
    const vb_pattern *pat;
    pcre2_match_data *md;
    pcre2_match_context *mc;    /* match/depth/heap limits */
} vb_matcher;

/* --------------------------------------------------------- the document */

/* `section` fields of every record are filled by extract.c after all
 * stages ran (from span.start); stages leave them alone. */
typedef struct {
    vb_span span;
    int section;                /* index into doc->sections, -1 = none */
} vb_mention;

typedef struct {
    char *id;                   /* "II.1.2" */
    char *number;               /* the number as read: "2", "II", "a" */
    int parent;                 /* index, -1 for top level */
    int level;                  /* 1 = top */
    const char *kind;           /* "part", "roman", "arabic", "dotted", "letter", "chapter", "article" ... */
    char *heading;              /* NULL when a numbered paragraph */
    const char *role;           /* from the role lexicon, or NULL */
    vb_span span;               /* number .. end of last descendant */
    vb_span heading_span;       /* line of the number (or of the heading) */
    size_t fold_start, fold_end;
    int attachment;             /* n of the attachment it belongs to, 0 = the body */
} vb_section;

/* A document carried after the main one's signature (attachments.c). */
typedef struct {
    int n;                      /* 1, 2, ... in text order */
    const char *type;           /* "Kế hoạch", "Phụ lục", "Mẫu" (lexicon value) */
    char *number;               /* its own number as written ("I", "01"), or NULL */
    char *title;                /* or NULL */
    char *issued_with;          /* number of the document it goes with, or NULL */
    bool issued;                /* a heading with "kèm theo" under it: the main document ends before it */
    bool typed;                 /* ... under a type line (a plan, a regulation), not an appendix's */
    bool named_only;            /* "DANH SÁCH ..." alone: only right after the closing */
    vb_span span;
    size_t fold_start, fold_end;
    size_t heading_fold;        /* its heading line (fold_start may be its own header block) */
} vb_attachment;

typedef struct {
    char *iso;
    char *text;
    vb_span span;
    int section;
    const char *role;           /* citation, deadline, period, anniversary, header, event, other */
    size_t fold_start, fold_end;
} vb_date;

typedef struct {
    char *number;
    char *type;
    char *type_code;
    char *issuer_code;
    int year;                   /* 0 = none */
    char *date;                 /* ISO or NULL */
    char *issuer;
    bool issuer_shared;         /* issuer taken from the end of a list: a mention with its own wins */
    char *subject;
    VB_VEC(vb_mention) mentions;
} vb_directive;

typedef struct {
    char *due;                  /* ISO or NULL */
    const char *relation;
    char *task;
    char *to;
    const char *recurrence;
    vb_span span;
    int section;
} vb_deadline;

typedef struct {
    char *label;
    char *start, *end;
    vb_span span;
    int section;
} vb_period;

typedef struct {
    char *name;
    const char *kind;           /* phong_trao, cuoc_van_dong, dot_thi_dua */
    VB_VEC(vb_mention) mentions;
} vb_movement;

typedef struct {
    const char *code;           /* stable code, e.g. "invalid-utf8" */
    char *message;
    size_t offset;              /* input offset */
} vb_warning;

typedef struct {
    char *iso;
    char *text;
    vb_span span;
} vb_header_date;

typedef struct {
    VB_VEC(char *) issuer;
    char *number;
    vb_span number_span;
    char *place;
    vb_header_date date;        /* iso NULL when absent */
    char *type;
    char *type_code;
    char *title;
    vb_span title_span;
    vb_span span;               /* header block */
    size_t fold_end;            /* where the header block ends in the fold */
} vb_header;

typedef struct {
    vb_span span;
    VB_VEC(char *) recipients;
    char *signer_capacity;
    char *signer_title;
    char *signer_name;
} vb_closing;

struct vb_document {
    vb_arena arena;
    vb_text text;
    char *source;
    const char *encoding;       /* "utf-8", "utf-8-bom", "utf-16le", "utf-16be" */
    vb_header header;
    vb_span preamble;
    VB_VEC(vb_section) sections;
    vb_closing closing;
    size_t body_fold_end;       /* fold offset where the closing starts (closing.c) */
    /* Candidates after the header until the closing stage ran, then the
     * attachments after the closing (attachments.c). */
    VB_VEC(vb_attachment) attachments;
    VB_VEC(vb_directive) directives;
    VB_VEC(vb_date) dates;
    VB_VEC(vb_deadline) deadlines;
    VB_VEC(vb_period) periods;
    VB_VEC(vb_movement) movements;
    VB_VEC(vb_warning) warnings;
};

void vb_doc_warn(vb_document *doc, const char *code, size_t input_offset,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Index of the innermost section whose span holds the input offset, or -1. */
int vb_doc_section_at(const vb_document *doc, size_t input_offset);

/* ------------------------------------------------------- stage contract */

/* A stage owns per-thread state built from the grammar (resolved pattern
 * indexes, match data).  `init` returns NULL and fills err when the grammar
 * lacks something the stage needs; `run` works on the document. */
typedef struct vb_stage {
    const char *name;
    void *(*init)(const vb_grammar *g, char *err, size_t err_size);
    void (*run)(void *state, vb_document *doc);
    void (*fini)(void *state);
} vb_stage;

/* Helpers for stages. */
typedef struct {
    vb_matcher *m;
    size_t n;
} vb_matchers;

/* Resolves `names` (NULL-terminated) to matchers; on a missing name
 * returns false and writes "grammar: missing pattern NAME (needed by
 * STAGE)" to err. */
bool vb_matchers_init(vb_matchers *ms, const vb_grammar *g, const char *stage,
                      const char *const *names, char *err, size_t err_size);
void vb_matchers_fini(vb_matchers *ms);

/* Runs matcher m on subject[0,len) from offset `start`: one test ("does
 * this line match", "is there a match before X").  Returns the number of
 * captures (>0) on a match, 0 on no match; a PCRE2 limit hit is reported
 * as a warning on doc and counts as no match.  The ovector is m->md's.
 * Loops over the matches use vb_next_match instead. */
int vb_match(vb_document *doc, vb_matcher *m, const char *subject, size_t len,
             size_t start, uint32_t options);
/* The next match of m in subject[0,len) at or after *pos; every scan loop
 * is
 *     for (size_t pos = a; vb_next_match(doc, m, subj, len, &pos, 0);) {
 *         PCRE2_SIZE *ov = vb_ovector(m); ...
 *     }
 * On a match *pos is where the scan goes on: the match's end, or one past
 * its start when it is empty (so an empty-matching pattern never loops);
 * a body may move it further, or back to one past the match's start for
 * overlapping matches, never before that (the scan must advance).  A PCRE2 limit hit at one
 * start position warns (match-limit) and skips that position only: the
 * matches after it are still found.  False when there is no further
 * match (*pos is then past len). */
bool vb_next_match(vb_document *doc, vb_matcher *m, const char *subject, size_t len, size_t *pos,
                   uint32_t options);
static inline PCRE2_SIZE *vb_ovector(vb_matcher *m) { return pcre2_get_ovector_pointer(m->md); }
/* Start/end of a named group of the last match, false when unset. */
bool vb_group(vb_matcher *m, const char *name, size_t *start, size_t *end);

/* Half-open byte ranges of the fold, in text order, not overlapping. */
typedef struct {
    size_t start, end;
} vb_fold_range;
typedef VB_VEC(vb_fold_range) vb_fold_ranges;

/* Every match of m over the fold, in text order (text the stage must not
 * read: website metadata, running headers).  A match with a group "back"
 * starts up to `back` bytes before that group, on its line: the context
 * a leading [^\n]{0,N} would take, without PCRE2 trying N bytes at every
 * position.  A match with a group "mdhead" counts only when that group's
 * line is a Markdown heading in the input ("# ..."), a mark the fold
 * drops.  The caller owns out->v (free()). */
void vb_match_ranges(vb_document *doc, vb_matcher *m, size_t back, vb_fold_ranges *out);
/* Whether fold offset pos lies in one of r's ranges (binary search). */
bool vb_in_ranges(const vb_fold_ranges *r, size_t pos);

/* Stages, in pipeline order. */
extern const vb_stage vb_stage_header;
extern const vb_stage vb_stage_sections;
extern const vb_stage vb_stage_attachments;
extern const vb_stage vb_stage_closing;
extern const vb_stage vb_stage_attachment_spans;
extern const vb_stage vb_stage_dates;
extern const vb_stage vb_stage_directives;
extern const vb_stage vb_stage_deadlines;
extern const vb_stage vb_stage_periods;
extern const vb_stage vb_stage_movements;

/* ----------------------------------------------------------- utilities */

/* ISO date helpers (dates.c). */
/* True when d/m/y is a day of the calendar; y == 0 means "no year given"
 * (29/2 is then allowed). */
bool vb_valid_ymd(int y, int m, int d);
/* Index of the first record of doc->dates (kept in text order) that
 * overlaps [fold_start, fold_end), or -1.  For stages that find
 * a date's context (citation, deadline, period) and give it a role. */
int vb_date_in(const vb_document *doc, size_t fold_start, size_t fold_end);

/* Letter case and words of short output strings (shape.c).  The fold has
 * no case; the header and signature block need it (capitals for type
 * words, issuers and titles, capitalised words for names). */
typedef struct {
    size_t upper, lower;
} vb_case_count;
vb_case_count vb_case_count_of(const char *s, size_t n);
/* True when at least `share` of the letters of s are upper case (and there
 * is a letter). */
bool vb_mostly_upper(const char *s, size_t n, double share);
typedef enum {
    VB_WORD_OTHER,          /* no letter */
    VB_WORD_LOWER,          /* "tháng" */
    VB_WORD_CAPITALISED,    /* "Nghĩa", "A" */
    VB_WORD_UPPER,          /* "UBND" (two letters or more) */
    VB_WORD_MIXED_CASE,     /* "CHfJ", "TTg" */
    VB_WORD_MIXED_CHARS,    /* letters and other characters: "H15.£", "c40);" */
} vb_word_shape;
vb_word_shape vb_word_shape_of(const char *s, size_t n);
/* Levenshtein distance of two byte strings (folded words or phrases; past
 * 96 bytes the longer length stands for it). */
size_t vb_edit_distance(const char *a, size_t na, const char *b, size_t nb);
/* The same when it is at most `cap`, else some value above cap: a search
 * for the near strings of a list drops a pair as soon as the length gap
 * or a whole row of the table exceeds cap. */
size_t vb_edit_distance_within(const char *a, size_t na, const char *b, size_t nb, size_t cap);
/* Upper-case copy of UTF-8 s[0,n) in the arena ("qđ" -> "QĐ"). */
char *vb_upper_utf8(vb_arena *a, const char *s, size_t n);

#endif /* VB_INTERNAL_H */
