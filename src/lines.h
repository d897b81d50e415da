/*
 * lines.h - the line table the section stage works on (lines.c).
 *
 * The section outline is a matter of lines: a number opens a line, a
 * title fills it, body text wraps over the next ones.  lines.c gives every
 * line of the folded view its shape (blank, bullet, ends a sentence,
 * starts in lower case, upper-case title, full width) so that the section
 * stage can reason about lines without looking at bytes again.
 *
 * Text that lost its line breaks (a whole document on one line, or an
 * outline run together in one line: "… I. MỤC ĐÍCH … II. NỘI DUNG …") gets
 * virtual breaks: the view is a copy of the fold, byte for byte, in which
 * the space before a likely item number ("… như sau: I. MỤC ĐÍCH") is
 * replaced by '\n'.  Offsets in the view are offsets in the fold.
 */
#ifndef VB_LINES_H
#define VB_LINES_H

#include "vb_internal.h"

enum {
    VB_LINE_BLANK = 1u << 0,        /* nothing but white space */
    VB_LINE_BULLET = 1u << 1,       /* starts with -, +, *, • ...: content */
    VB_LINE_STOP = 1u << 2,         /* last mark ends a sentence: . ; : ! ? */
    VB_LINE_LOWER = 1u << 3,        /* first letter is lower case: a wrapped continuation */
    VB_LINE_CAPS = 1u << 4,         /* (nearly) all letters upper case */
    VB_LINE_LONG = 1u << 5,         /* as wide as the text's wrapped lines */
    VB_LINE_VSTART = 1u << 6,       /* starts at a virtual break */
    VB_LINE_VEND = 1u << 7,         /* ends at a virtual break */
    VB_LINE_TABLE = 1u << 8,        /* a table row: a Markdown row (starts with '|'), a
                                     * pandoc table's rule or row, a cell of a flattened
                                     * table under a TT/STT header */
    VB_LINE_NOISE = 1u << 9,        /* under 3 letters and digits: scan junk, page number */
};

typedef struct {
    size_t start, end;              /* view offsets; end is the '\n' (or view end) */
    size_t text, text_end;          /* first and one past the last non-space byte */
    unsigned flags;
} vb_line;

typedef struct {
    char *view;                     /* the fold with virtual breaks, NUL-terminated */
    size_t len;
    VB_VEC(vb_line) v;
    size_t wrap;                    /* width of a full line of wrapped text */
} vb_lines;

typedef struct {
    size_t unbroken_avg;            /* mean line length above which breaks were lost */
    size_t unbroken_max_lines;      /* a text of at most this many lines may have lost them */
    size_t split_min;               /* in such text, lines longer than this get split */
    size_t split_always;            /* any line longer than this gets split */
    unsigned long_pct;              /* a line this % of the wrap width is full */
    size_t wrapped_min_lines;       /* continuation lines that show hard wrapping */
    size_t table_max_lines;         /* lines a pandoc table between rules may span */
    vb_matcher *table_head;         /* a TT/STT column header at a line start, or NULL */
} vb_lines_limits;

/* Builds the view and the line table.  `split` finds the spaces before
 * item numbers inside a line (named groups "stop" and "word", see
 * grammars/sections.vbg); `bullet` matches a bullet at a line start. */
void vb_lines_build(vb_lines *L, vb_document *doc, vb_matcher *split, vb_matcher *bullet,
                    const vb_lines_limits *lim);
void vb_lines_free(vb_lines *L);

/* Some converters wrap the first line of every paragraph short ("a) Các
 * cơ quan Đảng trực thuộc" / "Tỉnh ủy; các cơ quan …"): then a short
 * first line says nothing about where a title ends.  True when, over the
 * plain paragraphs of 3+ lines (not numbered[i], not a title), the first
 * line is typically under pct% as wide as the second. */
bool vb_lines_short_first(const vb_lines *L, const unsigned char *numbered, unsigned pct);

/* Index of the line holding view offset `off` (binary search). */
size_t vb_lines_find(const vb_lines *L, size_t off);

/* Counts the letters of fold[a,b) whose original is upper / lower case. */
void vb_case_counts(const vb_text *t, const char *view, size_t a, size_t b, size_t *upper,
                    size_t *lower);

#endif /* VB_LINES_H */
