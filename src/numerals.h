/*
 * numerals.h - roman numerals as OCR prints them (implemented in shape.c).
 *
 * Item numbers of an outline are read by the section stage with these:
 * OCR turns I into 1, l or | ("I1." for II., "111." for III.) and two
 * strokes into an H ("IH." for III.), so a token is first normalised, then
 * read as the sequence expects it.  Everything
 * here works on folded (lower-case ASCII) tokens and owns no memory.
 */
#ifndef VB_NUMERALS_H
#define VB_NUMERALS_H

#include <stdbool.h>
#include <stddef.h>

#define VB_ROMAN_MAX 39         /* XXXIX: larger "numerals" are words */

typedef struct {
    long value;                 /* 1..VB_ROMAN_MAX, 0 when not a canonical numeral */
    bool ocr;                   /* look-alikes (1, l, |, h), or no numeral's spelling */
    bool ocr_digit;             /* one of them is the digit 1 */
    char norm[8];               /* the token with look-alikes read as i */
} vb_roman;

/* Reads tok[0,len) (lower case: i v x, look-alikes 1 l | for i and h for
 * ii).  False when it has another character or is too long; true for a
 * canonical numeral and for any other spelling, marked ocr (value 0 when
 * it is no canonical numeral: "i1ii", "vv", which only the sequence can
 * read). */
bool vb_roman_read(const char *tok, size_t len, vb_roman *out);

/* Value of a lower-case numeral as written ("iv" 4, "iiii" 4: no check). */
long vb_roman_value(const char *s);

/* The canonical lower-case numeral of v into buf (8 bytes); "" outside
 * 1..VB_ROMAN_MAX. */
void vb_roman_str(long v, char *buf);

/* Does the numeral r stand for `want`, the number the sequence expects?
 * A token that reads as a numeral once look-alikes are replaced means
 * that numeral ("i1" is ii, "111" is iii); any other OCR spelling may be
 * one edit away from the expected numeral, not shorter ("i1ii" after ii
 * is iii). */
bool vb_roman_means(const vb_roman *r, long want);

#endif /* VB_NUMERALS_H */
