/*
 * ocr_digits.h - reading the digits of a document number that OCR turned
 * into letters ("20l9", "QHI4", "1 4"), for src/directives.c and its unit
 * test.  Which letters stand for which digit is data: the lexicon
 * directives.ocr_digits of grammars/directives.vbg.
 */
#ifndef VB_OCR_DIGITS_H
#define VB_OCR_DIGITS_H

#include <stdbool.h>
#include <stddef.h>

#include "vb_internal.h"

/* Reads folded s[0,n) as digits: a digit stands for itself, a key of
 * `ocr_digits` for its value, a space is dropped.  Writes them
 * NUL-terminated to out.  False (out unspecified) when any other byte
 * stands there, when no digit does, or when out is too small. */
bool vb_read_ocr_digits(const vb_lexicon *ocr_digits, const char *s, size_t n, char *out,
                        size_t out_size);

#endif /* VB_OCR_DIGITS_H */
