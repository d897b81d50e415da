/*
 * test_ocr_digits.c - the digits of a document number that OCR turned into
 * letters (src/ocr_digits.h), read with the lexicon directives.ocr_digits
 * of the grammar file given as argv[1] (grammars/directives.vbg): a year
 * "20l9", a Quốc hội term "QHI4" or "QH1 4", a register "I 25"; and what
 * is no number at all.
 */
#include <stdlib.h>

#include "check.h"
#include "ocr_digits.h"

/* The lexicon block of the grammar file, loaded alone. */
static vb_grammar *load_lexicon(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    static char text[1 << 16], block[4096];
    size_t n = fread(text, 1, sizeof text - 1, fp);
    fclose(fp);
    text[n] = 0;
    const char *a = strstr(text, "lexicon directives.ocr_digits\n");
    const char *b = a ? strstr(a, "\nend\n") : NULL;
    if (!b || (size_t)(b - a) + 64 > sizeof block)
        return NULL;
    /* a grammar needs a pattern to load */
    static const char head[] = "pattern t.unused x\n";
    memcpy(block, head, sizeof head - 1);
    memcpy(block + sizeof head - 1, a, (size_t)(b - a) + 5);
    block[sizeof head - 1 + (size_t)(b - a) + 5] = 0;
    char err[256] = "";
    vb_grammar *g = vb_grammar_load_buffer("directives.vbg", block, strlen(block), err, sizeof err);
    if (!g)
        fprintf(stderr, "%s\n", err);
    return g;
}

static const char *read(const vb_lexicon *lx, const char *s)
{
    static char out[16];
    return vb_read_ocr_digits(lx, s, strlen(s), out, sizeof out) ? out : NULL;
}

int main(int argc, char **argv)
{
    vb_grammar *g = argc > 1 ? load_lexicon(argv[1]) : NULL;
    CHECK(g != NULL);
    if (!g)
        return check_summary(argv[0]);
    const vb_lexicon *lx = vb_grammar_lexicon(g, "directives.ocr_digits");
    CHECK(lx != NULL);

    /* digits stand for themselves; OCR's letters (folded: lower case) for
     * the digit they were read from; spaces OCR put inside are dropped */
    CHECK_STR(read(lx, "2019"), "2019");
    CHECK_STR(read(lx, "20l9"), "2019");
    CHECK_STR(read(lx, "2o19"), "2019");
    CHECK_STR(read(lx, "i4"), "14");
    CHECK_STR(read(lx, "1 4"), "14");
    CHECK_STR(read(lx, "i 25"), "125");
    CHECK_STR(read(lx, "o5"), "05");

    /* anything else is no number: left out, not guessed */
    CHECK(read(lx, "2a19") == NULL);
    CHECK(read(lx, "qh") == NULL);
    CHECK(read(lx, "") == NULL);
    CHECK(read(lx, "  ") == NULL);
    CHECK(read(lx, "1-4") == NULL);

    /* out too small: refused, not cut */
    char small[3];
    CHECK(!vb_read_ocr_digits(lx, "2019", 4, small, sizeof small));
    CHECK(vb_read_ocr_digits(lx, "19", 2, small, sizeof small));
    CHECK_STR(small, "19");

    vb_grammar_free(g);
    return check_summary(argv[0]);
}
