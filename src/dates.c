/*
 * dates.c - stage "dates": every date mention of the document, with its
 * ISO 8601 value at the precision the text gives (2014-04-07, 2022-07,
 * 2024-Q1, --04-30, ---20), the text as written, its span and fold range.
 *
 * Owns doc->dates, in text order.  The forms, OCR shapes and contexts are
 * in grammars/dates.vbg; this file reads the groups of a match, checks the
 * calendar (31/2/2023 is not a date) and gives the roles it can decide
 * alone: header, anniversary, event, else other.  Later stages set
 * citation (directives), deadline and period on the records they use.
 *
 * A value is never completed by guessing: a day that OCR destroyed gives
 * the month, a day-month without a year stays --MM-DD.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vb_internal.h"

enum { P_DATE, P_EXCLUDE, P_ANNIVERSARY, P_EVENT, P_HEADER };
static const char *const pattern_names[] = {
    "dates.date", "dates.exclude", "dates.role.anniversary", "dates.role.event",
    "dates.role.header", NULL,
};

/* The header date line sits near the top; the fallback look-up for it
 * (when the header stage gave no block) stops this far into the fold. */
#define HEADER_FALLBACK_LIMIT 4000
/* How far before its marker a dates.exclude match with group "back"
 * reaches (grammars/dates.vbg). */
#define EXCLUDE_BACK 300

typedef struct {
    vb_matchers ms;
} dates_state;

bool vb_valid_ymd(int y, int m, int d)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return false;
    /* y == 0: no year given, so 29/2 may be right */
    if (m == 2 && d == 29 && y != 0)
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return true;
}

int vb_date_in(const vb_document *doc, size_t fold_start, size_t fold_end)
{
    size_t lo = 0, hi = doc->dates.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (doc->dates.v[mid].fold_start < fold_start)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* A date that starts a little earlier and reaches into the range (its
     * text holds the "ngày" the caller skipped) is the one asked for. */
    if (lo > 0 && doc->dates.v[lo - 1].fold_end > fold_start)
        return (int)(lo - 1);
    if (lo < doc->dates.n && doc->dates.v[lo].fold_start < fold_end)
        return (int)lo;
    return -1;
}

static void *init(const vb_grammar *g, char *err, size_t err_size)
{
    dates_state *st = vb_xcalloc(1, sizeof *st);
    if (!vb_matchers_init(&st->ms, g, "dates", pattern_names, err, err_size)) {
        free(st);
        return NULL;
    }
    return st;
}

static void fini(void *state)
{
    dates_state *st = state;
    if (!st)
        return;
    vb_matchers_fini(&st->ms);
    free(st);
}

/* Value of the figures fold[a,b); -1 when they are not a number (an
 * OCR-damaged day such as "3c" or "&4").  Inside a date shape OCR reads
 * 1 as I or l and 0 as O ("I5", "l0", "2O24"): one such letter is read as
 * its figure when at least one true figure stands with it, so that a
 * word ("lo") is never a number. */
static int fold_number(const char *fold, size_t a, size_t b)
{
    if (a == b || b - a > 4)
        return -1;
    int v = 0, letters = 0;
    for (size_t i = a; i < b; i++) {
        int c = fold[i];
        if (c == 'o') {
            c = '0';
            letters++;
        } else if (c == 'i' || c == 'l') {
            c = '1';
            letters++;
        }
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    if (letters > 1 || (size_t)letters == b - a)
        return -1;
    return v;
}

/* Value of a group (fold_number); -1 when unset or not a number. */
static int group_number(vb_matcher *m, const char *fold, const char *name)
{
    size_t a, b;
    if (!vb_group(m, name, &a, &b))
        return -1;
    return fold_number(fold, a, b);
}

/* The same for a written day, which OCR may glue to a mark ("ngày
 * 06-tháng 7", "ngày 18. tháng"): the marks at its ends are no part of
 * it.  A day of marks only stays no number. */
static int day_number(vb_matcher *m, const char *fold, const char *name)
{
    size_t a, b;
    if (!vb_group(m, name, &a, &b))
        return -1;
    while (a < b && fold[a] && strchr("-'`_.,", fold[a]))
        a++;
    while (b > a && fold[b - 1] && strchr("-'`_.,", fold[b - 1]))
        b--;
    return fold_number(fold, a, b);
}

static bool group_set(vb_matcher *m, const char *name)
{
    size_t a, b;
    return vb_group(m, name, &a, &b);
}

/* Quarter from its roman or arabic numeral; OCR reads I as l or 1. */
static int quarter_number(vb_matcher *m, const char *fold)
{
    size_t a, b;
    if (!vb_group(m, "q", &a, &b))
        return 0;
    if (b - a == 2 && fold[a] == 'i' && fold[a + 1] == 'v')
        return 4;
    if (b - a == 1 && fold[a] >= '2' && fold[a] <= '4')
        return fold[a] - '0';
    return (int)(b - a) <= 3 ? (int)(b - a) : 0;
}

/* Quarter of a numeral word fold[a,b) (iv, i/l/1 repeated, 2-4); 0 when
 * it is none. */
static int quarter_word(const char *fold, size_t a, size_t b)
{
    if (b - a == 2 && fold[a] == 'i' && fold[a + 1] == 'v')
        return 4;
    if (b - a == 1 && fold[a] >= '2' && fold[a] <= '4')
        return fold[a] - '0';
    if (b - a > 3)
        return 0;
    for (size_t i = a; i < b; i++)
        if (fold[i] != 'i' && fold[i] != 'l' && fold[i] != '1')
            return 0;
    return (int)(b - a);
}

static void push_date(vb_document *doc, const char *iso, size_t fs, size_t fe);

/* The members of a list ("tháng 3, 4/2021") as records that tile it: the
 * first from the match start, the last to the year, each between at its
 * own figures, so that a later stage finds each by its place. */
static void push_members(vb_document *doc, vb_matcher *m, char (*iso)[32], size_t *start, size_t *end, int n,
                         size_t year_end)
{
    start[0] = vb_ovector(m)[0];
    end[n - 1] = year_end;
    for (int k = 0; k < n; k++)
        push_date(doc, iso[k], start[k], end[k]);
}

/* "quý I, II/2024", "quý I và quý II năm 2024" (group lq: quarters
 * sharing the year lqy): one record per quarter, the first from the
 * match start, the last to the year.  Nothing when a word of the list is
 * no quarter. */
static void read_quarters(vb_document *doc, vb_matcher *m)
{
    const char *fold = doc->text.fold;
    size_t la, lb, ya, yb;
    if (!vb_group(m, "lq", &la, &lb) || !vb_group(m, "lqy", &ya, &yb))
        return;
    int y = fold_number(fold, ya, yb);
    size_t start[4], end[4];
    int v[4], n = 0;
    for (size_t i = la; i < lb;) {
        if (!((fold[i] >= 'a' && fold[i] <= 'z') || (fold[i] >= '0' && fold[i] <= '9'))) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < lb && ((fold[j] >= 'a' && fold[j] <= 'z') || (fold[j] >= '0' && fold[j] <= '9')))
            j++;
        bool joiner = (j - i == 2 && !memcmp(fold + i, "va", 2)) ||
                      (j - i >= 2 && j - i <= 3 && !memcmp(fold + i, "qu", 2));
        if (!joiner) {
            int q = quarter_word(fold, i, j);
            if (q < 1 || n == 4)
                return;
            v[n] = q;
            start[n] = i;
            end[n++] = j;
        }
        i = j;
    }
    if (n < 2 || y <= 0)
        return;
    char iso[4][32];
    for (int k = 0; k < n; k++)
        snprintf(iso[k], sizeof iso[k], "%04d-Q%d", y, v[k]);
    push_members(doc, m, iso, start, end, n, yb);
}

/* "tháng 10/1960 đến 9/1963": the start as written, the end a month
 * though its "tháng" is left out (the range says so).  Nothing when the
 * end is no month ("tháng 10/2024 - 15/2024": a list of something else,
 * which the single-month form does not read either). */
static void read_month_range(vb_document *doc, vb_matcher *m)
{
    const char *fold = doc->text.fold;
    size_t ya, yb, ma, mb, y2a, y2b;
    int m1 = group_number(m, fold, "rm1"), y1 = group_number(m, fold, "ry1");
    int m2 = group_number(m, fold, "rm2"), y2 = group_number(m, fold, "ry2");
    if (!vb_group(m, "ry1", &ya, &yb) || !vb_group(m, "rm2", &ma, &mb) ||
        !vb_group(m, "ry2", &y2a, &y2b) || m1 < 1 || m1 > 12 || y1 <= 0)
        return;
    if (m2 < 1 || m2 > 12 || y2 <= 0)
        return;
    char iso[32];
    snprintf(iso, sizeof iso, "%04d-%02d", y1, m1);
    push_date(doc, iso, vb_ovector(m)[0], yb);
    snprintf(iso, sizeof iso, "%04d-%02d", y2, m2);
    push_date(doc, iso, ma, y2b);
}

/* Reads one match of dates.date into an ISO value and the fold range the
 * record covers.  False when the match is not a date after all. */
static bool read_match(vb_matcher *m, const char *fold, char *iso, size_t iso_size,
                       size_t *fs, size_t *fe)
{
    PCRE2_SIZE *ov = vb_ovector(m);
    *fs = ov[0];
    *fe = ov[1];
    int y, mo, d;
    if (group_set(m, "tm")) {               /* written: [ngày D] tháng M [năm Y] */
        mo = group_number(m, fold, "tm");
        y = group_number(m, fold, "ty");
        d = day_number(m, fold, "td");
        if (d < 0)
            d = group_number(m, fold, "td0");   /* "trước 01 tháng 3 năm 2027" */
        if (group_set(m, "tyb")) {          /* "năm 20…" left blank */
            if (d > 0 && vb_valid_ymd(0, mo, d)) {
                snprintf(iso, iso_size, "--%02d-%02d", mo, d);
                return true;
            }
            return false;
        }
        if (y > 0) {
            if (d > 0 && vb_valid_ymd(y, mo, d))
                snprintf(iso, iso_size, "%04d-%02d-%02d", y, mo, d);
            else if (mo >= 1 && mo <= 12)
                snprintf(iso, iso_size, "%04d-%02d", y, mo);
            else
                return false;
            return true;
        }
        /* no year: only "ngày D tháng M" is a date (day-month) */
        if (d > 0 && vb_valid_ymd(0, mo, d)) {
            snprintf(iso, iso_size, "--%02d-%02d", mo, d);
            return true;
        }
        return false;
    }
    if (group_set(m, "d")) {                /* numeric d/m/y */
        d = group_number(m, fold, "d");
        mo = group_number(m, fold, "m");
        if (group_set(m, "yb")) {           /* "15/10/20...." */
            if (!vb_valid_ymd(0, mo, d))
                return false;
            snprintf(iso, iso_size, "--%02d-%02d", mo, d);
            return true;
        }
        y = group_number(m, fold, "y");
        if (!vb_valid_ymd(y, mo, d))
            return false;
        snprintf(iso, iso_size, "%04d-%02d-%02d", y, mo, d);
        return true;
    }
    if (group_set(m, "bm")) {               /* blank day: "ngày …/5/2024" */
        mo = group_number(m, fold, "bm");
        y = group_number(m, fold, "by");
        if (y <= 0 || mo < 1 || mo > 12)
            return false;
        snprintf(iso, iso_size, "%04d-%02d", y, mo);
        return true;
    }
    if (group_set(m, "dmm")) {              /* day-month without a year */
        /* dmd after "ngày", dmd2 alone in brackets, dmd3 after "từ" */
        const char *day = group_set(m, "dmd") ? "dmd" : group_set(m, "dmd2") ? "dmd2" : "dmd3";
        d = group_number(m, fold, day);
        mo = group_number(m, fold, "dmm");
        if (!vb_valid_ymd(0, mo, d))
            return false;
        size_t a, b, c, e;
        vb_group(m, day, &a, &b);
        vb_group(m, "dmm", &c, &e);
        *fs = a;
        *fe = e;
        snprintf(iso, iso_size, "--%02d-%02d", mo, d);
        return true;
    }
    if (group_set(m, "qy")) {               /* quarter */
        int q = quarter_number(m, fold);
        y = group_number(m, fold, "qy");
        if (q < 1 || q > 4 || y <= 0)
            return false;
        snprintf(iso, iso_size, "%04d-Q%d", y, q);
        return true;
    }
    if (group_set(m, "md")) {               /* a day of every month */
        d = group_number(m, fold, "md");
        if (d < 1 || d > 31)
            return false;
        snprintf(iso, iso_size, "---%02d", d);
        return true;
    }
    return false;
}

static void push_date(vb_document *doc, const char *iso, size_t fs, size_t fe)
{
    vb_date *d = VB_PUSH(doc->dates);
    memset(d, 0, sizeof *d);
    d->iso = vb_arena_strdup(&doc->arena, iso);
    d->text = vb_clean_fold_range(&doc->arena, &doc->text, fs, fe);
    d->span = vb_span_from_fold(&doc->text, fs, fe);
    d->fold_start = fs;
    d->fold_end = fe;
    d->section = -1;
}

/* "Tháng 3, 4/2021", "các tháng 3, 4 và 5 năm 2021" (group lm: months
 * sharing the year ly), "các ngày 20, 21/3/2024", "ngày 20-21/3/2024"
 * (group ld: days sharing the month ldm or ldm2 and the year ldy): one
 * record per month or day (push_members).  Nothing when one of them is
 * no date (the list is then not one of days or months). */
static void read_list(vb_document *doc, vb_matcher *m)
{
    const char *fold = doc->text.fold;
    size_t la, lb, ya, yb, ma, mb;
    bool days = vb_group(m, "ld", &la, &lb);
    if (!days && !vb_group(m, "lm", &la, &lb))
        return;
    if (!vb_group(m, days ? "ldy" : "ly", &ya, &yb))
        return;
    int y = fold_number(fold, ya, yb), mo = 0;
    if (days && (vb_group(m, "ldm", &ma, &mb) || vb_group(m, "ldm2", &ma, &mb)))
        mo = fold_number(fold, ma, mb);
    size_t start[12], end[12];
    int v[12], n = 0;
    for (size_t i = la; i < lb && n < 12;) {
        if (fold[i] < '0' || fold[i] > '9') {
            i++;
            continue;
        }
        size_t j = i;
        while (j < lb && fold[j] >= '0' && fold[j] <= '9')
            j++;
        v[n] = fold_number(fold, i, j);
        if (days ? !vb_valid_ymd(y, mo, v[n]) : v[n] < 1 || v[n] > 12)
            return;
        start[n] = i;
        end[n++] = j;
        i = j;
    }
    if (n < 2 || y <= 0)
        return;
    char iso[12][32];
    for (int k = 0; k < n; k++) {
        if (days)
            snprintf(iso[k], sizeof iso[k], "%04d-%02d-%02d", y, mo, v[k]);
        else
            snprintf(iso[k], sizeof iso[k], "%04d-%02d", y, v[k]);
    }
    push_members(doc, m, iso, start, end, n, yb);
}

/* Gives `role` to every date that starts in the matches of pattern m (in
 * its group "date" when it has one) and has no role yet. */
static void mark_role(vb_document *doc, vb_matcher *m, const char *role, size_t limit, bool first_only)
{
    const char *fold = doc->text.fold;
    size_t len = doc->text.fold_len;
    for (size_t pos = 0; pos < len && vb_next_match(doc, m, fold, len, &pos, 0);) {
        PCRE2_SIZE *ov = vb_ovector(m);
        size_t a = ov[0], b = ov[1];
        if (a >= limit)
            break;
        size_t ga, gb;
        if (vb_group(m, "date", &ga, &gb)) {
            a = ga;
            b = gb;
        }
        for (int i = vb_date_in(doc, a, b); i >= 0 && (size_t)i < doc->dates.n &&
                                            doc->dates.v[i].fold_start < b; i++)
            if (!doc->dates.v[i].role)
                doc->dates.v[i].role = role;
        if (first_only)
            break;
    }
}

static void run(void *state, vb_document *doc)
{
    dates_state *st = state;
    const char *fold = doc->text.fold;
    size_t len = doc->text.fold_len;

    vb_fold_ranges ex = {0};
    vb_match_ranges(doc, &st->ms.m[P_EXCLUDE], EXCLUDE_BACK, &ex);

    vb_matcher *m = &st->ms.m[P_DATE];
    for (size_t pos = 0; pos < len && vb_next_match(doc, m, fold, len, &pos, 0);) {
        if (vb_in_ranges(&ex, vb_ovector(m)[0]))
            continue;
        if (group_set(m, "rm1")) {
            read_month_range(doc, m);
            continue;
        }
        if (group_set(m, "lq")) {
            read_quarters(doc, m);
            continue;
        }
        if (group_set(m, "lm") || group_set(m, "ld")) {
            read_list(doc, m);
            continue;
        }
        char iso[48];
        size_t fs, fe;
        if (!read_match(m, fold, iso, sizeof iso, &fs, &fe) || vb_in_ranges(&ex, fs))
            continue;
        push_date(doc, iso, fs, fe);
    }
    free(ex.v);

    /* Roles, most specific first; a record keeps the first one it gets. */
    /* The header's own date when the header stage found it: the other
     * dates of the header block are in its title ("sửa đổi Quyết định
     * số 42/2018/QĐ-UBND ngày 08 tháng 8 năm 2018") and are citations.
     * A header block whose date is left blank has no header date. */
    const vb_span hs = doc->header.date.iso ? doc->header.date.span : doc->header.span;
    if (!doc->header.date.iso && hs.end > hs.start) {
        /* blank date: nothing to mark */
    } else if (hs.end > hs.start) {
        for (size_t i = 0; i < doc->dates.n; i++)
            if (doc->dates.v[i].span.start < hs.end && doc->dates.v[i].span.end > hs.start)
                doc->dates.v[i].role = "header";
    } else {
        mark_role(doc, &st->ms.m[P_HEADER], "header", HEADER_FALLBACK_LIMIT, true);
    }
    mark_role(doc, &st->ms.m[P_ANNIVERSARY], "anniversary", len, false);
    mark_role(doc, &st->ms.m[P_EVENT], "event", len, false);
    for (size_t i = 0; i < doc->dates.n; i++)
        if (!doc->dates.v[i].role)
            doc->dates.v[i].role = "other";
}

const vb_stage vb_stage_dates = {"dates", init, run, fini};
