/*
 * test_grammar.c - the grammar loader (src/grammar.c): what a good file
 * gives (patterns over the folded view, macros, continuation lines,
 * lexicons with folded keys) and that every kind of mistake is reported as
 * "file:line: message" naming the right line.
 */
#include <stdlib.h>

#include "check.h"
#include "vb_internal.h"

static vb_grammar *load(const char *text, char *err, size_t err_size)
{
    return vb_grammar_load_buffer("t.vbg", text, strlen(text), err, err_size);
}

/* The grammar must fail to load with an error that starts with `where`
 * ("t.vbg:3: ") and contains `what`. */
#define CHECK_BAD(text, where, what) \
    do { \
        char err_[512] = ""; \
        vb_grammar *g_ = load((text), err_, sizeof err_); \
        CHECK(g_ == NULL); \
        vb_grammar_free(g_); \
        CHECK_INT(strncmp(err_, (where), strlen(where)), 0); \
        if (strncmp(err_, (where), strlen(where)) != 0) \
            fprintf(stderr, "    error was \"%s\", expected it to start with \"%s\"\n", err_, (where)); \
        CHECK_CONTAINS(err_, (what)); \
    } while (0)

/* Does pattern `name` of g match the fold of the UTF-8 string s? */
static bool matches(const vb_grammar *g, const char *name, const char *s)
{
    int k = vb_grammar_pattern_index(g, name);
    if (k < 0)
        return false;
    char *f = vb_fold_utf8(s, strlen(s));
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(g->patterns[k].code, NULL);
    int rc = pcre2_match(g->patterns[k].code, (PCRE2_SPTR)f, strlen(f), 0, 0, md, NULL);
    pcre2_match_data_free(md);
    free(f);
    return rc > 0;
}

static void test_good_grammar(void)
{
    static const char text[] =
        "# a comment, then a blank line\n"
        "\n"
        "define num \\d{1,4}\n"
        "define code [a-z]+\n"
        "define symbol {{num}}[-/]{{code}}\n"
        "pattern directive.number (?<number>{{symbol}})\n"
        "pattern directive.intro (?:chi thi|nghi quyet)\n"
        "  + \\s+(?:so\\s*)?\n"
        "  # a comment between continuation lines\n"
        "  +{{symbol}}\n"
        "lexicon directive.types\n"
        "  Chỉ thị = Chỉ thị\n"
        "  # comments are allowed in a lexicon\n"
        "  NGHỊ QUYẾT = Nghị quyết\n"
        "  kl=Kết luận = with an equals sign\n"
        "end\n"
        "pattern late.override first\n"
        "pattern late.override second\n";
    char err[512] = "";
    vb_grammar *g = load(text, err, sizeof err);
    CHECK(g != NULL);
    CHECK_STR(err, "");
    if (!g)
        return;
    CHECK_INT(g->n_patterns, 3);
    int k = vb_grammar_pattern_index(g, "directive.number");
    CHECK(k >= 0);
    if (k >= 0) {
        CHECK_STR(g->patterns[k].source, "(?<number>\\d{1,4}[-/][a-z]+)");
        CHECK_INT(g->patterns[k].line, 6);
    }
    CHECK_INT(vb_grammar_pattern_index(g, "no.such.pattern"), -1);

    /* patterns see the folded view: diacritics and case are gone */
    CHECK(matches(g, "directive.number", "34-CT"));
    CHECK(matches(g, "directive.intro", "Chỉ thị số 34-CT"));
    CHECK(matches(g, "directive.intro", "NGHỊ QUYẾT 17/NQ"));
    CHECK(!matches(g, "directive.intro", "Chỉ thị"));

    /* the continued pattern is one regex, numbered at its first line */
    k = vb_grammar_pattern_index(g, "directive.intro");
    if (k >= 0) {
        CHECK_STR(g->patterns[k].source, "(?:chi thi|nghi quyet)\\s+(?:so\\s*)?\\d{1,4}[-/][a-z]+");
        CHECK_INT(g->patterns[k].line, 7);
    }

    /* a pattern defined twice: the later one wins (override files) */
    k = vb_grammar_pattern_index(g, "late.override");
    if (k >= 0) {
        CHECK_STR(g->patterns[k].source, "second");
        CHECK_INT(g->patterns[k].line, 18);
    }

    /* lexicon keys are folded; values are kept as written */
    const vb_lexicon *lx = vb_grammar_lexicon(g, "directive.types");
    CHECK(lx != NULL);
    CHECK(vb_grammar_lexicon(g, "nope") == NULL);
    CHECK_STR(vb_lexicon_get(lx, "chi thi", 7), "Chỉ thị");
    CHECK_STR(vb_lexicon_get(lx, "nghi quyet", 10), "Nghị quyết");
    CHECK_STR(vb_lexicon_get(lx, "kl", 2), "Kết luận = with an equals sign");
    CHECK_STR(vb_lexicon_get(lx, "chi thi xyz", 7), "Chỉ thị");  /* key_len bounds the key */
    CHECK(vb_lexicon_get(lx, "chi", 3) == NULL);
    CHECK(vb_lexicon_get(lx, "chi thi ", 8) == NULL);
    CHECK(vb_lexicon_get(NULL, "x", 1) == NULL);
    vb_grammar_free(g);
}

static void test_mistakes(void)
{
    CHECK_BAD("pattern a x\npatern b y\n", "t.vbg:2: ", "unknown statement 'patern'");
    CHECK_BAD("pattern Big x\n", "t.vbg:1: ", "bad name 'Big'");
    CHECK_BAD("pattern\n", "t.vbg:1: ", "bad name");
    CHECK_BAD("define a\xc3\xa9 x\npattern b y\n", "t.vbg:1: ", "bad name");
    CHECK_BAD("pattern a x\n\npattern b {{nope}}\n", "t.vbg:3: ", "unknown macro '{{nope}}'");
    CHECK_BAD("pattern b x{{nope\n", "t.vbg:1: ", "unterminated macro");
    /* a macro is known only after its define */
    CHECK_BAD("pattern b {{m}}\ndefine m x\n", "t.vbg:1: ", "unknown macro");
    /* PCRE2's own message, and the pattern's first line for a continued one */
    CHECK_BAD("pattern a x\npattern broken (abc\n", "t.vbg:2: ", "missing closing parenthesis");
    CHECK_BAD("pattern a x\npattern broken (abc\n  + def\n  + ghi\n", "t.vbg:2: ", "pattern 'broken'");
    CHECK_BAD("pattern a [z-a]\n", "t.vbg:1: ", "range out of order");
    CHECK_BAD("pattern a x\nlexicon types\n  chi thi = Chỉ thị\n", "t.vbg:2: ",
              "lexicon 'types' is not closed with 'end'");
    CHECK_BAD("pattern a x\nlexicon types\n  chi thi\nend\n", "t.vbg:3: ", "entry without '='");
    CHECK_BAD("pattern a x\nlexicon types\n   = x\nend\n", "t.vbg:3: ", "empty key");
    CHECK_BAD("lexicon types\n  chi thi = A\n  x = y\n  CHỈ THỊ = B\nend\npattern a x\n", "t.vbg:4: ",
              "already given on line 2");
    CHECK_BAD("lexicon t\nend\nlexicon t\nend\npattern a x\n", "t.vbg:3: ", "defined twice");
    CHECK_BAD("lexicon t x\nend\npattern a x\n", "t.vbg:1: ", "text after the name");
    CHECK_BAD("# nothing to continue\n  + abc\n", "t.vbg:2: ", "'+' continues nothing");
    CHECK_BAD("lexicon t\nend\n+ abc\n", "t.vbg:3: ", "'+' continues nothing");
    CHECK_BAD("", "t.vbg:", "no pattern");
    CHECK_BAD("# only comments\n\ndefine x y\n", "t.vbg:", "no pattern");

    char err[256];
    static const char nul[] = "pattern a x\npattern b \0y\n";
    CHECK(vb_grammar_load_buffer("nul.vbg", nul, sizeof nul - 1, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "nul.vbg:2: ");
    /* a too small error buffer truncates, never overflows */
    CHECK(vb_grammar_load_buffer("t.vbg", "bogus\n", 6, err, 4) == NULL);
    CHECK_INT(strlen(err), 3);
    CHECK(vb_grammar_load_buffer("t.vbg", "bogus\n", 6, NULL, 0) == NULL);
}

/* The built-in grammar is the concatenation of the grammars/ files with an
 * "@file" line before each: errors name the file and its own line. */
static void test_file_marks(void)
{
    CHECK_BAD("@file grammars/one.vbg\npattern a (\n@file grammars/two.vbg\npattern b x\n",
              "grammars/one.vbg:1: ", "pattern 'a'");
    CHECK_BAD("@file grammars/one.vbg\npattern a x\n@file grammars/two.vbg\n\npattern b (\n",
              "grammars/two.vbg:2: ", "pattern 'b'");
    char err[256] = "";
    vb_grammar *g = load("@file grammars/one.vbg\ndefine m abc\n@file grammars/two.vbg\npattern b {{m}}\n",
                         err, sizeof err);
    CHECK(g != NULL);     /* macros carry across files */
    if (g) {
        int k = vb_grammar_pattern_index(g, "b");
        CHECK(k >= 0);
        if (k >= 0)
            CHECK_INT(g->patterns[k].line, 1);
    }
    vb_grammar_free(g);
}

/* Bounds: no grammar text can take all memory (issue 9, bug 9). */
static void test_limits(void)
{
    /* a macro doubling itself: "m16" would be 128 KiB */
    char bomb[2048];
    size_t n = (size_t)snprintf(bomb, sizeof bomb, "define m0 aa\n");
    for (int i = 1; i < 40; i++)
        n += (size_t)snprintf(bomb + n, sizeof bomb - n, "define m%d {{m%d}}{{m%d}}\n", i, i - 1, i - 1);
    snprintf(bomb + n, sizeof bomb - n, "pattern p {{m39}}\n");
    CHECK_BAD(bomb, "t.vbg:17: ", "'m16' expands to more than 64 KiB");
    /* a literal longer than the limit, over continuation lines */
    size_t big = VB_GRAMMAR_MAX_EXPANSION / 1000 + 2;
    char *lng = vb_xmalloc(big * 1100 + 64);
    size_t k = (size_t)snprintf(lng, 64, "pattern p x\n");
    for (size_t i = 0; i < big; i++) {
        memcpy(lng + k, "  + ", 4);
        memset(lng + k + 4, 'a', 1000);
        lng[k + 1004] = '\n';
        k += 1005;
    }
    lng[k] = 0;
    CHECK_BAD(lng, "t.vbg:1: ", "'p' is longer than 64 KiB");
    free(lng);
    /* a pattern with its text forgotten */
    CHECK_BAD("pattern a x\npattern b\n", "t.vbg:2: ", "pattern 'b' is empty");
    CHECK_BAD("define e\npattern a x\npattern b {{e}}\n", "t.vbg:3: ", "pattern 'b' is empty");

    /* the library's own reader stops at the size limit */
    char err[512] = "";
    CHECK(vb_grammar_load_file("/dev/zero", err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "/dev/zero:1: grammar file larger than 16M");
    size_t over = VB_GRAMMAR_MAX_SIZE + 1;
    char *huge = vb_xmalloc(over);
    memset(huge, '#', over);
    for (size_t i = 99; i < over; i += 100)
        huge[i] = '\n';
    CHECK(vb_grammar_load_buffer("h.vbg", huge, over, err, sizeof err) == NULL);
    /* the limit falls on line 16M / 100 + 1 */
    char want[64];
    snprintf(want, sizeof want, "h.vbg:%zu: ", VB_GRAMMAR_MAX_SIZE / 100 + 1);
    CHECK_CONTAINS(err, want);
    free(huge);

    /* a lexicon a stage needs must have entries: at its own line */
    vb_grammar *g = load("pattern a x\n\nlexicon l\nend\nlexicon f\n  k = v\nend\n", err, sizeof err);
    CHECK(g != NULL);
    if (g) {
        CHECK(vb_require_lexicon(g, "l", "teststage", err, sizeof err) == NULL);
        CHECK_CONTAINS(err, "t.vbg:3: lexicon 'l' is empty (needed by stage teststage)");
        CHECK(vb_require_lexicon(g, "f", "teststage", err, sizeof err) != NULL);
        CHECK(vb_require_lexicon(g, "nope", "teststage", err, sizeof err) == NULL);
        CHECK_CONTAINS(err, "missing lexicon 'nope'");
    }
    vb_grammar_free(g);
}

static void test_files_and_default(void)
{
    char err[512] = "";
    CHECK(vb_grammar_load_file("/nonexistent/x.vbg", err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "/nonexistent/x.vbg: ");

    err[0] = 0;
    vb_grammar *g = vb_grammar_load_default(err, sizeof err);
    CHECK(g != NULL);
    CHECK_STR(err, "");
    if (!g)
        return;
    CHECK(g->n_patterns > 0);
    /* every stage finds the names it needs in the built-in grammar */
    vb_extractor *x = vb_extractor_new(g);
    CHECK(x != NULL);
    vb_extractor_free(x);

    /* a stage that asks for a missing name gets a message saying which */
    vb_matchers ms;
    static const char *const names[] = {"no.such.pattern", NULL};
    CHECK(!vb_matchers_init(&ms, g, "teststage", names, err, sizeof err));
    CHECK_CONTAINS(err, "no.such.pattern");
    CHECK_CONTAINS(err, "teststage");
    vb_grammar_free(g);
}

int main(int argc, char **argv)
{
    (void)argc;
    test_good_grammar();
    test_mistakes();
    test_file_marks();
    test_limits();
    test_files_and_default();
    return check_summary(argv[0]);
}
