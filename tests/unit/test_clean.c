/*
 * test_clean.c - output strings "as written" (vb_clean_text,
 * vb_clean_fold_range in src/fold.c): NFC, Markdown marks removed, white
 * space collapsed, invalid UTF-8 replaced, whatever the input encoding.
 */
#include <stdlib.h>
#include <utf8proc.h>

#include "check.h"
#include "vb_internal.h"

static vb_text text_of(const char *input, size_t len)
{
    vb_text t;
    const char *err = NULL;
    if (!vb_text_decode(&t, input, len, &err)) {
        CHECK(!"vb_text_decode succeeds");
        vb_text_decode(&t, "", 0, &err);
    }
    vb_text_fold(&t);
    return t;
}

/* The clean form of a whole literal. */
#define CHECK_CLEAN(lit, expected) \
    do { \
        vb_arena a_ = {0}; \
        vb_text t_ = text_of((lit), sizeof(lit) - 1); \
        CHECK_STR(vb_clean_text(&a_, &t_, 0, t_.utf8_len), (expected)); \
        vb_text_release(&t_); \
        vb_arena_free(&a_); \
    } while (0)

static void test_whitespace_and_markdown(void)
{
    CHECK_CLEAN("  a \n\t b  ", "a b");
    CHECK_CLEAN("Mục đích,\r\nyêu cầu", "Mục đích, yêu cầu");
    CHECK_CLEAN("a\xc2\xa0\xc2\xa0" "b", "a b");
    CHECK_CLEAN("**KẾ HOẠCH**", "KẾ HOẠCH");
    CHECK_CLEAN("## **II. NỘI DUNG**", "II. NỘI DUNG");
    CHECK_CLEAN("| Số: 22/KH-UBND | Tân Biên |", "Số: 22/KH-UBND Tân Biên");
    CHECK_CLEAN("\xef\xbb\xbfx", "x");
    CHECK_CLEAN("", "");
    CHECK_CLEAN(" \n ", "");
}

static void test_nfc_and_invalid(void)
{
    const char *nfc = "Kế hoạch thi đua “Dân vận khéo”";
    char *nfd = (char *)utf8proc_NFD((const utf8proc_uint8_t *)nfc);
    CHECK(nfd && strcmp(nfd, nfc) != 0);
    if (nfd) {
        vb_arena a = {0};
        vb_text t = text_of(nfd, strlen(nfd));
        CHECK_STR(vb_clean_text(&a, &t, 0, t.utf8_len), nfc);
        vb_text_release(&t);
        vb_arena_free(&a);
        free(nfd);
    }
    /* outside the Latin, Vietnamese and punctuation ranges NFC still
     * applies: OHM SIGN -> GREEK CAPITAL OMEGA, EN QUAD -> EN SPACE,
     * and a Greek letter with its combining mark composed */
    CHECK_CLEAN("1 \xe2\x84\xa6", "1 \xce\xa9");
    CHECK_CLEAN("a\xe2\x80\x80" "b", "a\xe2\x80\x82" "b");
    CHECK_CLEAN("\xce\xb1\xcc\x81", "\xce\xac");
    CHECK_CLEAN("a\xff" "b", "a\xef\xbf\xbd" "b");
    CHECK_CLEAN("a\xe1\xba", "a\xef\xbf\xbd\xef\xbf\xbd");
}

static void test_ranges(void)
{
    vb_arena a = {0};
    static const char s[] = "Chỉ thị số 34-CT/TW\n**của Bộ Chính trị**";
    vb_text t = text_of(s, sizeof s - 1);
    /* out-of-range and reversed ranges are clamped, never read outside */
    CHECK_STR(vb_clean_text(&a, &t, 0, 1000), "Chỉ thị số 34-CT/TW của Bộ Chính trị");
    CHECK_STR(vb_clean_text(&a, &t, 5, 2), "");

    /* a folded range gives the text it came from */
    const char *hit = strstr(t.fold, "bo chinh tri");
    CHECK(hit != NULL);
    if (hit) {
        size_t fs = (size_t)(hit - t.fold);
        CHECK_STR(vb_clean_fold_range(&a, &t, fs, fs + 12), "Bộ Chính trị");
        CHECK_STR(vb_clean_fold_range(&a, &t, fs, fs), "");
    }
    CHECK_STR(vb_clean_fold_range(&a, &t, 0, 7), "Chỉ thị");
    CHECK_STR(vb_clean_fold_range(&a, &t, 0, 100000), "Chỉ thị số 34-CT/TW của Bộ Chính trị");
    vb_text_release(&t);

    /* the same from UTF-16 input: strings are UTF-8 all the same */
    static const char le[] = "\xff\xfe" "K\0" "\xbf\x1e" " \0" "*\0" "x\0";
    t = text_of(le, sizeof le - 1);
    CHECK_STR(vb_clean_fold_range(&a, &t, 0, t.fold_len), "Kế x");
    CHECK_STR(vb_clean_fold_range(&a, &t, 0, 2), "Kế");
    vb_text_release(&t);

    /* NFD: a range ending on a base letter keeps its marks */
    t = text_of("Ke\xcc\x82\xcc\x81 x", 8);
    CHECK_STR(vb_clean_fold_range(&a, &t, 0, 2), "Kế");
    vb_text_release(&t);
    vb_arena_free(&a);
}

int main(int argc, char **argv)
{
    (void)argc;
    test_whitespace_and_markdown();
    test_nfc_and_invalid();
    test_ranges();
    return check_summary(argv[0]);
}
