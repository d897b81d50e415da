/*
 * check.h - the whole unit-test harness: assertion macros that report
 * "file:line: what" and keep going, and a summary that becomes the exit
 * status.  One test program includes it once; every test function runs.
 *
 *   CHECK(cond)                  cond is true
 *   CHECK_INT(a, b)              two integers (any width) are equal
 *   CHECK_STR(a, b)              two C strings are equal (NULL allowed)
 *   CHECK_MEM(a, alen, b, blen)  two byte strings are equal
 *   CHECK_CONTAINS(s, part)      s is not NULL and contains part
 *   return check_summary(argv[0]);   at the end of main
 */
#ifndef VB_TEST_CHECK_H
#define VB_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_count, check_failed;

static void check_fail_(const char *file, int line, const char *what)
{
    check_failed++;
    fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what);
}

/* Prints a byte string with non-printable bytes escaped, so that a failing
 * comparison of folded text or of UTF-16 bytes can be read. */
static void check_print_bytes_(const char *label, const char *s, size_t n)
{
    fprintf(stderr, "    %s \"", label);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            fputs("\\n", stderr);
        else if (c == '"' || c == '\\')
            fprintf(stderr, "\\%c", c);
        else if (c >= 0x20 && c < 0x7F)
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x", c);
    }
    fputs("\"\n", stderr);
}

#define CHECK(cond) \
    do { \
        check_count++; \
        if (!(cond)) \
            check_fail_(__FILE__, __LINE__, #cond); \
    } while (0)

#define CHECK_INT(a, b) \
    do { \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b); \
        check_count++; \
        if (check_a_ != check_b_) { \
            check_fail_(__FILE__, __LINE__, #a " == " #b); \
            fprintf(stderr, "    got %lld, expected %lld\n", check_a_, check_b_); \
        } \
    } while (0)

#define CHECK_MEM(a, alen, b, blen) \
    do { \
        const char *check_a_ = (a), *check_b_ = (b); \
        size_t check_al_ = (alen), check_bl_ = (blen); \
        check_count++; \
        if (check_al_ != check_bl_ || memcmp(check_a_, check_b_, check_al_) != 0) { \
            check_fail_(__FILE__, __LINE__, #a " == " #b); \
            check_print_bytes_("got     ", check_a_, check_al_); \
            check_print_bytes_("expected", check_b_, check_bl_); \
        } \
    } while (0)

#define CHECK_STR(a, b) \
    do { \
        const char *check_a_ = (a), *check_b_ = (b); \
        check_count++; \
        if (!check_a_ || !check_b_ ? check_a_ != check_b_ : strcmp(check_a_, check_b_) != 0) { \
            check_fail_(__FILE__, __LINE__, #a " == " #b); \
            if (check_a_) \
                check_print_bytes_("got     ", check_a_, strlen(check_a_)); \
            else \
                fputs("    got NULL\n", stderr); \
            if (check_b_) \
                check_print_bytes_("expected", check_b_, strlen(check_b_)); \
            else \
                fputs("    expected NULL\n", stderr); \
        } \
    } while (0)

#define CHECK_CONTAINS(s, part) \
    do { \
        const char *check_s_ = (s), *check_p_ = (part); \
        check_count++; \
        if (!check_s_ || !strstr(check_s_, check_p_)) { \
            check_fail_(__FILE__, __LINE__, #s " contains " #part); \
            fprintf(stderr, "    got \"%s\"\n", check_s_ ? check_s_ : "(null)"); \
        } \
    } while (0)

static int check_summary(const char *program)
{
    fprintf(stderr, "%s: %d checks, %d failed\n", program, check_count, check_failed);
    return check_failed ? 1 : 0;
}

#endif /* VB_TEST_CHECK_H */
