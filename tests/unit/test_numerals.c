/*
 * test_numerals.c - roman item numbers as OCR prints them (src/numerals.h,
 * src/shape.c): the look-alikes 1, l and | read as I, canonical numerals
 * against misspelt ones, and the reading the outline's sequence expects
 * ("I1." after "I." is II, "111." and "I1II." after "II." are III).
 */
#include <string.h>

#include "check.h"
#include "numerals.h"

static vb_roman read(const char *tok)
{
    vb_roman r;
    if (!vb_roman_read(tok, strlen(tok), &r)) {
        memset(&r, 0, sizeof r);
        r.value = -1;           /* not a numeral at all */
    }
    return r;
}

static void test_canonical(void)
{
    static const char *const all[] = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x",
                                      "xi", "xiv", "xix", "xx", "xxiv", "xxxix"};
    static const long val[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 19, 20, 24, 39};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        vb_roman r = read(all[i]);
        CHECK_INT(r.value, val[i]);
        CHECK(!r.ocr);
        char buf[8];
        vb_roman_str(val[i], buf);
        CHECK_STR(buf, all[i]);
    }
    /* out of range: no numeral string */
    char buf[8] = "x";
    vb_roman_str(0, buf);
    CHECK_STR(buf, "");
    vb_roman_str(VB_ROMAN_MAX + 1, buf);
    CHECK_STR(buf, "");
    /* spelt wrong: read, but no value of its own */
    CHECK_INT(read("iiii").value, 0);
    CHECK_INT(read("vv").value, 0);
    CHECK_INT(read("ixi").value, 0);
    /* not roman at all */
    CHECK_INT(read("vị").value, -1);
    CHECK_INT(read("a").value, -1);
    CHECK_INT(read("2").value, -1);
    CHECK_INT(read("iiiiiiii").value, -1);       /* too long for a numeral */
    CHECK(!vb_roman_read("", 0, &(vb_roman){0}));
}

static void test_look_alikes(void)
{
    vb_roman r = read("l");
    CHECK(r.ocr);
    CHECK(!r.ocr_digit);
    CHECK_STR(r.norm, "i");
    CHECK_INT(r.value, 1);

    r = read("i1");
    CHECK(r.ocr);
    CHECK(r.ocr_digit);
    CHECK_STR(r.norm, "ii");
    CHECK_INT(r.value, 2);

    r = read("111");
    CHECK_STR(r.norm, "iii");
    CHECK_INT(r.value, 3);

    r = read("|i");
    CHECK(r.ocr);
    CHECK_STR(r.norm, "ii");

    r = read("lv");
    CHECK_STR(r.norm, "iv");
    CHECK_INT(r.value, 4);

    r = read("i1ii");
    CHECK_STR(r.norm, "iiii");
    CHECK_INT(r.value, 0);                      /* only the sequence reads it */
}

static void test_sequence(void)
{
    /* what the outline expects decides what a misspelt numeral means */
    vb_roman r = read("i1");
    CHECK(vb_roman_means(&r, 2));
    CHECK(!vb_roman_means(&r, 3));

    r = read("111");
    CHECK(vb_roman_means(&r, 3));
    CHECK(!vb_roman_means(&r, 2));

    r = read("i1ii");                           /* one I too many */
    CHECK(vb_roman_means(&r, 3));
    CHECK(!vb_roman_means(&r, 2));              /* two edits from ii */

    r = read("1");                              /* shorter than ii: not II */
    CHECK(!vb_roman_means(&r, 2));
    CHECK(vb_roman_means(&r, 1));

    r = read("v1");
    CHECK(vb_roman_means(&r, 6));
    r = read("x1v");
    CHECK(vb_roman_means(&r, 14));

    /* a canonical numeral means itself, and nothing else */
    r = read("iii");
    CHECK(vb_roman_means(&r, 3));
    CHECK(!vb_roman_means(&r, 4));

    /* nothing is expected past the largest numeral */
    r = read("xl");
    CHECK(!vb_roman_means(&r, VB_ROMAN_MAX + 1));
}

int main(int argc, char **argv)
{
    (void)argc;
    test_canonical();
    test_look_alikes();
    test_sequence();
    return check_summary(argv[0]);
}
