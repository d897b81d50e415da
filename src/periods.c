/*
 * periods.c - stage "periods": stretches of time with both ends given
 * (label, start, end), e.g. "Đợt 1: Thời gian từ 01/01/2022 đến
 * 31/5/2022".
 *
 * Owns doc->periods and gives the role "period" to the two doc->dates
 * records a period is made of (unless a deadline or citation already
 * claimed them).  The range forms are in grammars/periods.vbg; the ends
 * are the dates stage's records, never re-parsed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vb_internal.h"

static const char *const pattern_names[] = {"periods.range", NULL};

typedef struct {
    vb_matchers ms;
} periods_state;

static void *init(const vb_grammar *g, char *err, size_t err_size)
{
    periods_state *st = vb_xcalloc(1, sizeof *st);
    if (!vb_matchers_init(&st->ms, g, "periods", pattern_names, err, err_size)) {
        free(st);
        return NULL;
    }
    return st;
}

static void fini(void *state)
{
    periods_state *st = state;
    if (!st)
        return;
    vb_matchers_fini(&st->ms);
    free(st);
}

/* The date record in a group of the last match, or NULL. */
static vb_date *group_date(vb_document *doc, vb_matcher *m, const char *name)
{
    size_t a, b;
    if (!vb_group(m, name, &a, &b))
        return NULL;
    int i = vb_date_in(doc, a, b);
    return i < 0 ? NULL : &doc->dates.v[i];
}

static bool has_year(const char *iso)
{
    return iso[0] >= '0' && iso[0] <= '9';
}

/* "từ ngày 02/2 đến ngày 03/2/2026": the start (--02-02) is in the end's
 * year, or the year before when it falls later in the year than the end
 * ("từ 01/12 đến 31/5/2022").  Likewise an end without a year follows its
 * start.  Only day-month values are completed; anything else stays as
 * the text gives it. */
static char *complete_year(vb_document *doc, const char *partial, const char *other, bool is_start)
{
    int mo, d, y, omo = 0, od = 0;
    if (strlen(partial) != 7 || sscanf(partial, "--%2d-%2d", &mo, &d) != 2 ||
        sscanf(other, "%4d", &y) != 1)
        return vb_arena_strdup(&doc->arena, partial);
    if (strlen(other) >= 10)
        sscanf(other + 5, "%2d-%2d", &omo, &od);
    else if (strlen(other) == 7 && other[4] == '-')
        sscanf(other + 5, "%2d", &omo);
    else
        return vb_arena_strdup(&doc->arena, partial);
    int cmp = mo != omo ? mo - omo : (od ? d - od : 0);
    if (is_start && cmp > 0)
        y--;
    else if (!is_start && cmp < 0)
        y++;
    if (!vb_valid_ymd(y, mo, d))
        return vb_arena_strdup(&doc->arena, partial);
    return vb_arena_printf(&doc->arena, "%04d-%02d-%02d", y, mo, d);
}

/* A start that gives only a day ("từ ngày 15 đến ngày 30/11/2024") or
 * a month ("từ tháng 01 đến tháng 6 năm 2024") is no date record: it
 * takes the rest from the end, the month before (or year before) when
 * it would fall after the end.  An end without a year (--12-15) gives a
 * start without one, in the same month.  NULL when the result is no
 * valid date. */
static char *start_from_end(vb_document *doc, vb_matcher *m, const char *end)
{
    size_t a, b;
    int y, mo, d, v;
    /* "từ ngày 10 đến ngày 15 tháng 12 (hằng năm)": a yearly stretch, the
     * start in the end's month */
    if (strlen(end) == 7 && sscanf(end, "--%2d-%2d", &mo, &d) == 2) {
        if (!vb_group(m, "sday", &a, &b) || sscanf(doc->text.fold + a, "%2d", &v) != 1 ||
            v >= d || !vb_valid_ymd(0, mo, v))
            return NULL;
        return vb_arena_printf(&doc->arena, "--%02d-%02d", mo, v);
    }
    if (vb_group(m, "squ", &a, &b)) {
        /* a quarter only before a quarter's end ("2024-Q3") */
        const char *f = doc->text.fold;
        int q = b - a == 2 && f[a] == 'i' && f[a + 1] == 'v' ? 4
                : b - a == 1 && f[a] >= '2' && f[a] <= '4' ? f[a] - '0'
                : (int)(b - a);
        if (sscanf(end, "%4d-Q%1d", &y, &v) != 2 || strlen(end) != 7 || q < 1 || q > 4)
            return NULL;
        return vb_arena_printf(&doc->arena, "%04d-Q%d", q > v ? y - 1 : y, q);
    }
    if (sscanf(end, "%4d-%2d", &y, &mo) != 2 || !has_year(end))
        return NULL;
    if (vb_group(m, "smon", &a, &b)) {
        if (sscanf(doc->text.fold + a, "%2d", &v) != 1 || v < 1 || v > 12)
            return NULL;
        return vb_arena_printf(&doc->arena, "%04d-%02d", v > mo ? y - 1 : y, v);
    }
    if (!vb_group(m, "sday", &a, &b) || strlen(end) != 10 ||
        sscanf(end + 8, "%2d", &d) != 1 || sscanf(doc->text.fold + a, "%2d", &v) != 1)
        return NULL;
    if (v > d && --mo < 1) {
        mo = 12;
        y--;
    }
    if (!vb_valid_ymd(y, mo, v))
        return NULL;
    return vb_arena_printf(&doc->arena, "%04d-%02d-%02d", y, mo, v);
}

static void claim(vb_date *d)
{
    if (!d->role || (strcmp(d->role, "deadline") && strcmp(d->role, "citation")))
        d->role = "period";
}

static void run(void *state, vb_document *doc)
{
    periods_state *st = state;
    const char *fold = doc->text.fold;
    size_t len = doc->text.fold_len;
    vb_matcher *m = &st->ms.m[0];
    for (size_t pos = 0; pos < len && vb_next_match(doc, m, fold, len, &pos, 0);) {
        PCRE2_SIZE *ov = vb_ovector(m);
        size_t ms = ov[0], me = ov[1];
        vb_date *start = group_date(doc, m, "start");
        vb_date *end = group_date(doc, m, "end");
        char *short_start = NULL;
        if (!start && end)
            short_start = start_from_end(doc, m, end->iso);
        if ((!start && !short_start) || !end || start == end)
            continue;
        /* "Kỷ niệm ...: 11/6/1948 - 11/6/2023" is commemorated, not a stretch */
        if ((start && start->role && !strcmp(start->role, "anniversary")) ||
            (end->role && !strcmp(end->role, "anniversary")))
            continue;
        vb_period *p = VB_PUSH(doc->periods);
        memset(p, 0, sizeof *p);
        p->section = -1;
        size_t la, lb;
        if (vb_group(m, "label", &la, &lb))
            p->label = vb_clean_fold_range(&doc->arena, &doc->text, la, lb);
        if (short_start) {
            p->start = short_start;
            p->end = end->iso;
        } else {
            p->start = has_year(start->iso) || !has_year(end->iso)
                           ? start->iso : complete_year(doc, start->iso, end->iso, true);
            p->end = has_year(end->iso) || !has_year(start->iso)
                         ? end->iso : complete_year(doc, end->iso, start->iso, false);
            claim(start);
        }
        p->span = vb_span_from_fold(&doc->text, ms, me);
        claim(end);
    }
}

const vb_stage vb_stage_periods = {"periods", init, run, fini};
