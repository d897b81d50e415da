/*
 * test_fold.c - the folded view (src/fold.c) and the input decoding under
 * it (src/read.c): what every grammar pattern sees, and how a folded range
 * maps back to bytes of the input as given (UTF-8, BOM, NFD, CRLF,
 * Markdown, UTF-16).
 */
#include <stdlib.h>
#include <utf8proc.h>

#include "check.h"
#include "vb_internal.h"

/* Decodes and folds `len` bytes; the caller releases the text.  A failed
 * decode is a test failure and gives an empty text. */
static vb_text text_of(const char *input, size_t len)
{
    vb_text t;
    const char *err = NULL;
    if (!vb_text_decode(&t, input, len, &err)) {
        fprintf(stderr, "    decode failed: %s\n", err ? err : "?");
        CHECK(!"vb_text_decode succeeds");
        vb_text_decode(&t, "", 0, &err);
    }
    vb_text_fold(&t);
    return t;
}

#define TEXT(lit) text_of((lit), sizeof(lit) - 1)

/* The fold of a literal, compared with the expected fold. */
#define CHECK_FOLD(lit, expected) \
    do { \
        vb_text t_ = TEXT(lit); \
        CHECK_MEM(t_.fold, t_.fold_len, (expected), strlen(expected)); \
        vb_text_release(&t_); \
    } while (0)

/* The input span of fold[a, b), compared with [want_start, want_end). */
#define CHECK_SPAN(t, a, b, want_start, want_end) \
    do { \
        vb_span s_ = vb_span_from_fold(&(t), (a), (b)); \
        CHECK_INT(s_.start, (want_start)); \
        CHECK_INT(s_.end, (want_end)); \
    } while (0)

static void test_diacritics(void)
{
    CHECK_FOLD("Chỉ thị", "chi thi");
    CHECK_FOLD("Kế hoạch phát động phong trào thi đua", "ke hoach phat dong phong trao thi dua");
    CHECK_FOLD("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ",
               "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd");
    CHECK_FOLD("ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ",
               "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd");
    CHECK_FOLD("đ Đ", "d d");
    CHECK_FOLD("ĐẢNG CỘNG SẢN VIỆT NAM", "dang cong san viet nam");
    CHECK_FOLD("UBND HUYỆN", "ubnd huyen");
    CHECK_FOLD("Số: 22/KH-UBND", "so: 22/kh-ubnd");
    /* characters the fold does not know stay as they are (their UTF-8) */
    CHECK_FOLD("5 €", "5 \xe2\x82\xac");
}

/* NFD text (base letter + combining marks) folds exactly like NFC text:
 * the marks are dropped. */
static void test_nfd_equals_nfc(void)
{
    static const char *const samples[] = {
        "Chỉ thị số 34-CT/TW ngày 07/4/2014 của Bộ Chính trị",
        "ỦY BAN NHÂN DÂN TỈNH — Độc lập - Tự do - Hạnh phúc",
        "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ",
        "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ",
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        char *nfd = (char *)utf8proc_NFD((const utf8proc_uint8_t *)samples[i]);
        CHECK(nfd && strcmp(nfd, samples[i]) != 0);    /* really decomposed */
        if (!nfd)
            continue;
        vb_text a = text_of(samples[i], strlen(samples[i]));
        vb_text b = text_of(nfd, strlen(nfd));
        CHECK_MEM(b.fold, b.fold_len, a.fold, a.fold_len);
        /* the last folded character of the NFD text spans its marks too */
        vb_span s = vb_span_from_fold(&b, b.fold_len - 1, b.fold_len);
        CHECK_INT(s.end, strlen(nfd));
        vb_text_release(&a);
        vb_text_release(&b);
        free(nfd);
    }
}

/* Exhaustively: every precomposed Latin letter whose decomposition starts
 * with an ASCII letter (all of Vietnamese) folds the same as its NFD. */
static void test_nfd_equals_nfc_latin(void)
{
    static const int32_t ranges[][2] = {{0x00C0, 0x0250}, {0x1E00, 0x1F00}};
    int compared = 0;
    for (size_t r = 0; r < 2; r++)
        for (int32_t cp = ranges[r][0]; cp < ranges[r][1]; cp++) {
            utf8proc_uint8_t one[8];
            utf8proc_ssize_t n = utf8proc_encode_char(cp, one);
            one[n] = 0;
            char *nfd = (char *)utf8proc_NFD(one);
            if (nfd && strcmp(nfd, (char *)one) != 0 && (unsigned char)nfd[0] < 0x80) {
                char *a = vb_fold_utf8((char *)one, (size_t)n);
                char *b = vb_fold_utf8(nfd, strlen(nfd));
                CHECK_STR(b, a);
                if (strcmp(a, b) != 0)
                    fprintf(stderr, "    U+%04X\n", (unsigned)cp);
                compared++;
                free(a);
                free(b);
            }
            free(nfd);
        }
    CHECK(compared > 400);
}

static void test_punctuation(void)
{
    CHECK_FOLD("“Thi đua”", "\"thi dua\"");
    CHECK_FOLD("‘x’ „y‟ «z»", "'x' \"y\" \"z\"");
    CHECK_FOLD("2021 – 2025 — a ‐ b − c", "2021 - 2025 - a - b - c");
    CHECK_FOLD("v.v…", "v.v...");
    CHECK_FOLD("làm theo™", "lam theo\"");
    CHECK_FOLD("a\tb|c\xc2\xa0" "d", "a b c d");         /* tab, pipe, NBSP */
    CHECK_FOLD("thi\xc2\xad" "đua", "thidua");           /* soft hyphen */
    CHECK_FOLD("a\xe2\x80\x8b" "b\xef\xbb\xbf" "c", "abc"); /* ZWSP, ZWNBSP */
}

static void test_markdown_and_lines(void)
{
    CHECK_FOLD("**KẾ HOẠCH**", "ke hoach");
    CHECK_FOLD("## **II. NỘI DUNG**", " ii. noi dung");
    CHECK_FOLD("x\n### Điều 1.", "x\n dieu 1.");
    /* '#' is a heading mark only at the start of a line */
    CHECK_FOLD("số #3", "so #3");
    /* CR dropped, line breaks kept: fold lines are input lines */
    CHECK_FOLD("a\r\nb\r\n", "a\nb\n");
    CHECK_FOLD("a\rb", "ab");
}

static void test_invalid_utf8(void)
{
    vb_text t = TEXT("ab\xff" "c\xc0\x80" "d");
    CHECK_MEM(t.fold, t.fold_len, "ab?c??d", 7);
    CHECK_INT(t.n_invalid, 3);
    CHECK_INT(t.first_invalid, 2);
    CHECK_SPAN(t, 2, 3, 2, 3);
    vb_text_release(&t);

    CHECK_FOLD("x\xed\xa0\x80", "x???");     /* an encoded surrogate */
    CHECK_FOLD("x\xe1\xba", "x??");          /* truncated at the end */
    CHECK_FOLD("\xe1\xba" "a", "??a");        /* truncated before ASCII */
}

static void test_offset_map(void)
{
    /* K(1) ế(3) ' ' h o ạ(3) c h */
    vb_text t = TEXT("Kế hoạch");
    CHECK_MEM(t.fold, t.fold_len, "ke hoach", 8);
    CHECK_SPAN(t, 0, 2, 0, 4);
    CHECK_SPAN(t, 3, 8, 5, 12);
    CHECK_SPAN(t, 1, 2, 1, 4);
    CHECK_SPAN(t, 2, 2, 4, 4);                /* empty range: empty span */
    CHECK_SPAN(t, 0, 100, 0, 12);             /* clamped to the text */
    CHECK_INT(t.fold_map[t.fold_len], t.utf8_len);
    CHECK_INT(vb_fold_char_end(&t, 1), 4);
    vb_text_release(&t);

    /* a UTF-8 BOM: spans count it */
    t = TEXT("\xef\xbb\xbf" "Kế hoạch");
    CHECK_MEM(t.fold, t.fold_len, "ke hoach", 8);
    CHECK_SPAN(t, 0, 2, 3, 7);
    CHECK_SPAN(t, 3, 8, 8, 15);
    vb_text_release(&t);

    /* NFD: K e U+0302 U+0301 -> one folded 'e' that spans its two marks */
    t = TEXT("Ke\xcc\x82\xcc\x81 x");
    CHECK_MEM(t.fold, t.fold_len, "ke x", 4);
    CHECK_SPAN(t, 0, 2, 0, 6);
    CHECK_SPAN(t, 3, 4, 7, 8);
    vb_text_release(&t);

    /* CRLF: the CR has no folded byte but belongs to no record either */
    t = TEXT("a\r\nb");
    CHECK_SPAN(t, 2, 3, 3, 4);
    CHECK_SPAN(t, 1, 2, 2, 3);
    CHECK_SPAN(t, 0, 3, 0, 4);
    vb_text_release(&t);

    /* Markdown marks are inside the span of what surrounds them only */
    t = TEXT("**KẾ** x");
    CHECK_MEM(t.fold, t.fold_len, "ke x", 4);
    CHECK_SPAN(t, 0, 2, 2, 6);
    CHECK_SPAN(t, 0, 4, 2, 10);
    vb_text_release(&t);

    /* a character that folds to several bytes: each maps to it */
    t = TEXT("a…b");
    CHECK_MEM(t.fold, t.fold_len, "a...b", 5);
    CHECK_SPAN(t, 1, 4, 1, 4);
    CHECK_SPAN(t, 2, 3, 1, 4);
    CHECK_SPAN(t, 4, 5, 4, 5);
    vb_text_release(&t);
}

static void test_utf16(void)
{
    /* "Kế x" in UTF-16LE and BE with BOM: spans are UTF-16 byte offsets */
    static const char le[] = "\xff\xfe" "K\0" "\xbf\x1e" " \0" "x\0";
    static const char be[] = "\xfe\xff" "\0K" "\x1e\xbf" "\0 " "\0x";
    vb_text t = text_of(le, sizeof le - 1);
    CHECK_MEM(t.fold, t.fold_len, "ke x", 4);
    CHECK_SPAN(t, 0, 2, 2, 6);
    CHECK_SPAN(t, 3, 4, 8, 10);
    CHECK_SPAN(t, 0, 4, 2, 10);
    CHECK_INT(vb_utf8_to_input(&t, t.utf8_len), sizeof le - 1);
    vb_text_release(&t);

    t = text_of(be, sizeof be - 1);
    CHECK_MEM(t.fold, t.fold_len, "ke x", 4);
    CHECK_SPAN(t, 0, 2, 2, 6);
    CHECK_SPAN(t, 3, 4, 8, 10);
    vb_text_release(&t);

    /* a surrogate pair (U+1F600) is one character of 4 input bytes */
    static const char pair[] = "\xff\xfe" "\x3d\xd8\x00\xde" "a\0";
    t = text_of(pair, sizeof pair - 1);
    CHECK_MEM(t.fold, t.fold_len, "\xf0\x9f\x98\x80" "a", 5);
    CHECK_SPAN(t, 0, 4, 2, 6);
    CHECK_SPAN(t, 4, 5, 6, 8);
    vb_text_release(&t);

    /* an unpaired surrogate and an odd last byte become U+FFFD, no crash */
    static const char bad[] = "\xff\xfe" "\x00\xdc" "a\0" "b";
    t = text_of(bad, sizeof bad - 1);
    CHECK_MEM(t.fold, t.fold_len, "\xef\xbf\xbd" "a\xef\xbf\xbd", 7);
    CHECK_SPAN(t, 3, 4, 4, 6);
    CHECK_SPAN(t, 4, 7, 6, 7);
    vb_text_release(&t);

    /* UTF-16 text may hold NUL bytes; UTF-8 text may not */
    vb_text u;
    const char *err = NULL;
    CHECK(!vb_text_decode(&u, "ab\0c", 4, &err));
    CHECK_CONTAINS(err, "binary");
    CHECK(vb_text_decode(&u, "\xff\xfe" "a\0", 4, &err));
    vb_text_release(&u);
}

/* vb_fold_utf8 (lexicon keys) must fold like the document view. */
static void test_fold_utf8_same_as_view(void)
{
    static const char s[] = "**Chỉ thị** “số” 34–CT/TW\r\n# Điều 1 | x\xff";
    vb_text t = TEXT(s);
    char *f = vb_fold_utf8(s, sizeof s - 1);
    CHECK_MEM(f, strlen(f), t.fold, t.fold_len);
    free(f);
    vb_text_release(&t);
}

/* fold_case: the case of every character, Vietnamese letters answered
 * by fold.c's own table, the rest by utf8proc; they must agree on every
 * code point the table answers, and a multi-byte letter gives its case
 * to each of its folded bytes. */
static void test_fold_case(void)
{
    for (int32_t cp = 0x80; cp < 0x1F00; cp++) {
        if ((cp >= 0x300 && cp < 0x370) || (cp >= 0x1DC0 && cp < 0x1E00) || (cp >= 0xD800 && cp < 0xE000))
            continue;       /* combining marks fold to nothing */
        utf8proc_uint8_t buf[8];
        utf8proc_ssize_t n = utf8proc_encode_char(cp, buf);
        vb_text t = text_of((const char *)buf, (size_t)n);
        int want = utf8proc_isupper(cp) ? 1 : utf8proc_islower(cp) ? -1 : 0;
        for (size_t i = 0; i < t.fold_len; i++)
            if (t.fold_case[i] != want) {
                fprintf(stderr, "    U+%04X: case %d, utf8proc says %d\n", (unsigned)cp, t.fold_case[i], want);
                CHECK(t.fold_case[i] == want);
                break;
            }
        vb_text_release(&t);
    }
    vb_text t = TEXT("Đà nẴng\xff A\xcc\x81");   /* invalid byte; NFD "Á" */
    static const int8_t want[] = {1, -1, 0, -1, 1, -1, -1, 0, 0, 1};
    CHECK(t.fold_len == sizeof want);
    for (size_t i = 0; i < t.fold_len && i < sizeof want; i++)
        CHECK(t.fold_case[i] == want[i]);
    vb_text_release(&t);
}

int main(int argc, char **argv)
{
    (void)argc;
    test_diacritics();
    test_nfd_equals_nfc();
    test_nfd_equals_nfc_latin();
    test_punctuation();
    test_markdown_and_lines();
    test_invalid_utf8();
    test_offset_map();
    test_utf16();
    test_fold_utf8_same_as_view();
    test_fold_case();
    return check_summary(argv[0]);
}
