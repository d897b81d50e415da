/*
 * vanban.h - public API of libvanban.
 *
 * libvanban turns the text of a Vietnamese administrative document (Kế
 * hoạch, Chỉ thị, Hướng dẫn, Quyết định, Thông báo, Báo cáo ...) into a
 * structured record: header, section tree, cited directives, dates,
 * deadlines, periods, movements and closing.  The output contract is
 * shared/spec/EXTRACTION.md.
 *
 * Conventions, once for the whole API:
 *  - An object returned by a *_new / *_load / vb_extract function is owned
 *    by the caller and released by the matching *_free function, which
 *    accepts NULL.
 *  - Strings returned as `char *` are owned by the caller (free()); strings
 *    returned as `const char *` belong to the object they came from.
 *  - A vb_grammar is immutable once loaded and may be shared by any number
 *    of threads.  A vb_extractor holds per-thread scratch state (PCRE2 match
 *    data, buffers): use one per thread.  There is no global mutable state.
 *  - Bad *input text* is never an error: any bytes give a document, with
 *    warnings.  Errors are reserved for unusable input (binary data, I/O)
 *    and bad grammar files.
 */
#ifndef VANBAN_H
#define VANBAN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VANBAN_VERSION "0.1.0"

typedef struct vb_grammar vb_grammar;
typedef struct vb_extractor vb_extractor;
typedef struct vb_document vb_document;

/* Loads the grammar built into the library (grammars/ at build time).
 * On failure returns NULL and writes a message "file:line: what" into
 * err (if err_size > 0). */
vb_grammar *vb_grammar_load_default(char *err, size_t err_size);

/* Limits of a grammar, so that no grammar text can exhaust memory: the
 * size of the text (a larger file is an error at its line of the limit),
 * and the size of one define or pattern with its macros expanded (ten
 * lines of "define m1 {{m0}}{{m0}}" would double it ten times).  The
 * built-in grammar is under 200 KB, its largest pattern under 12 KB. */
#define VB_GRAMMAR_MAX_SIZE ((size_t)16 << 20)
#define VB_GRAMMAR_MAX_EXPANSION ((size_t)64 << 10)

/* Loads a grammar file (format: grammars/README.md).  On failure returns
 * NULL and writes "path:line: what is wrong" into err. */
vb_grammar *vb_grammar_load_file(const char *path, char *err, size_t err_size);

/* Loads a grammar from memory; `name` is used in error messages.  Fails
 * for a text longer than VB_GRAMMAR_MAX_SIZE. */
vb_grammar *vb_grammar_load_buffer(const char *name, const char *text, size_t len,
                                   char *err, size_t err_size);

void vb_grammar_free(vb_grammar *g);

/* Per-thread extraction context over a grammar, which must outlive it. */
vb_extractor *vb_extractor_new(const vb_grammar *g);
void vb_extractor_free(vb_extractor *x);

/* Extracts one document from `len` bytes of input (any encoding vanban
 * understands: UTF-8 with or without BOM, UTF-16 with BOM).  `source` is
 * the name reported in the output (may be NULL).  Returns NULL only when
 * the input is unusable (binary data) or memory ran out; then *err (if
 * not NULL) is set to a static message. */
vb_document *vb_extract(vb_extractor *x, const char *source,
                        const char *input, size_t len, const char **err);

void vb_document_free(vb_document *doc);

/* Options for the JSON emitter. */
enum {
    VB_JSON_PRETTY = 1 << 0,   /* indented output instead of one line */
};

/* Renders the document as one JSON object (no trailing newline).  Returns
 * a malloc'ed string the caller frees, or NULL when memory ran out. */
char *vb_document_to_json(const vb_document *doc, unsigned flags);

/* Number of warnings the extraction produced (invalid UTF-8, PCRE2 limits
 * hit, ...).  They are also part of the JSON output. */
size_t vb_document_warning_count(const vb_document *doc);

#ifdef __cplusplus
}
#endif

#endif /* VANBAN_H */
