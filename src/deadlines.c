/*
 * deadlines.c - stage "deadlines": dates by which something must be done
 * or sent (due, relation, task, to, recurrence), and reporting duties that
 * repeat without a date (due null, recurrence).
 *
 * Owns doc->deadlines and gives the role "deadline" to the doc->dates
 * record a deadline points at.  Trigger words, duty verbs and OCR shapes
 * are in grammars/deadlines.vbg; this file turns a match into a record:
 * the relation from the group that matched, the due value from the date
 * record (never re-parsed), the clause around it for task and `to`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "vb_internal.h"

enum { P_DATED, P_RECURRING, P_TO, P_CLAUSE_YEARLY };
static const char *const pattern_names[] = {
    "deadlines.dated", "deadlines.recurring", "deadlines.to", "deadlines.clause_yearly", NULL,
};

/* How far a clause may reach on either side of a trigger: beyond this it
 * is no longer one duty (text with no punctuation, one-line documents). */
#define CLAUSE_REACH 600

typedef struct {
    vb_matchers ms;
    const vb_lexicon *recurrence;
} deadlines_state;

static void *init(const vb_grammar *g, char *err, size_t err_size)
{
    deadlines_state *st = vb_xcalloc(1, sizeof *st);
    if (!vb_matchers_init(&st->ms, g, "deadlines", pattern_names, err, err_size)) {
        free(st);
        return NULL;
    }
    st->recurrence = vb_grammar_lexicon(g, "deadlines.recurrence");
    if (!st->recurrence) {
        snprintf(err, err_size, "%s:%d: missing lexicon 'deadlines.recurrence' (needed by stage deadlines)",
                 g->end_file, g->end_line);
        vb_matchers_fini(&st->ms);
        free(st);
        return NULL;
    }
    return st;
}

static void fini(void *state)
{
    deadlines_state *st = state;
    if (!st)
        return;
    vb_matchers_fini(&st->ms);
    free(st);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

/* A clause ends at a full stop or semicolon followed by space, at a blank
 * line, or where a new bullet line starts. */
static bool clause_break_after(const char *f, size_t len, size_t i)
{
    if ((f[i] == '.' || f[i] == ';') && (i + 1 >= len || is_space(f[i + 1])))
        return true;
    if (f[i] == '\n') {
        size_t j = i + 1;
        while (j < len && (f[j] == ' ' || f[j] == '\t'))
            j++;
        if (j >= len || f[j] == '\n' || f[j] == '-' || f[j] == '+' || f[j] == '*')
            return true;
    }
    return false;
}

static void clause_bounds(const vb_text *t, size_t a, size_t b, size_t *cs, size_t *ce)
{
    const char *f = t->fold;
    size_t len = t->fold_len;
    size_t s = a;
    while (s > 0 && a - s < CLAUSE_REACH && !clause_break_after(f, len, s - 1))
        s--;
    size_t e = b;
    while (e < len && e - b < CLAUSE_REACH && !clause_break_after(f, len, e))
        e++;
    *cs = s;
    *ce = e;
}

/* Output text of a fold range without the spaces and separators at its
 * ends; NULL when nothing is left. */
static char *clean_trimmed(vb_document *doc, size_t a, size_t b)
{
    const char *f = doc->text.fold;
    while (a < b && (is_space(f[a]) || strchr(",:;-+*.", f[a])))
        a++;
    while (b > a && (is_space(f[b - 1]) || strchr(",:;-(/", f[b - 1])))
        b--;
    if (a >= b)
        return NULL;
    return vb_clean_fold_range(&doc->arena, &doc->text, a, b);
}

static const char *lookup_recurrence(const deadlines_state *st, const char *f, size_t a, size_t b)
{
    char key[32];
    size_t n = 0;
    bool space = false;
    for (size_t i = a; i < b && n + 2 < sizeof key; i++) {
        if (is_space(f[i])) {
            space = n > 0;
            continue;
        }
        if (space)
            key[n++] = ' ';
        space = false;
        key[n++] = f[i];
    }
    return vb_lexicon_get(st->recurrence, key, n);
}

static bool group_any(vb_matcher *m, const char *const *names, size_t *a, size_t *b)
{
    for (; *names; names++)
        if (vb_group(m, *names, a, b))
            return true;
    return false;
}

/* Where the result goes: the first match of deadlines.to in [from, to).
 * *kw_start is where the phrase "về/đến X" (or X) begins, for cutting the
 * task before it. */
static char *find_recipient(deadlines_state *st, vb_document *doc, size_t from, size_t to,
                            size_t *kw_start)
{
    vb_matcher *m = &st->ms.m[P_TO];
    *kw_start = (size_t)-1;
    if (from >= to || vb_match(doc, m, doc->text.fold, to, from, 0) <= 0)
        return NULL;
    size_t a, b, ka, kb;
    if (!vb_group(m, "to", &a, &b))
        return NULL;
    if (vb_group(m, "kw", &ka, &kb)) {
        *kw_start = ka;
    } else {
        /* "gửi X" without về/đến: X is the recipient only when it is a
         * name (Bộ CHQS tỉnh, UBND huyện); "gửi biên bản" sends a thing */
        size_t off = doc->text.fold_map[a];
        utf8proc_int32_t cp = -1;
        utf8proc_iterate((const utf8proc_uint8_t *)doc->text.utf8 + off,
                         (utf8proc_ssize_t)(doc->text.utf8_len - off), &cp);
        if (cp < 0 || utf8proc_category(cp) != UTF8PROC_CATEGORY_LU)
            return NULL;
        *kw_start = a;
    }
    return clean_trimmed(doc, a, b);
}

static void run_dated(deadlines_state *st, vb_document *doc)
{
    static const char *const before[] = {"bef", "bef2", NULL};
    static const char *const within[] = {"within", "within2", NULL};
    const char *fold = doc->text.fold;
    size_t len = doc->text.fold_len;
    vb_matcher *m = &st->ms.m[P_DATED];
    for (size_t pos = 0; pos < len && vb_match(doc, m, fold, len, pos, 0) > 0;) {
        PCRE2_SIZE *ov = vb_ovector(m);
        size_t ms = ov[0], me = ov[1];
        pos = me > ms ? me : ms + 1;
        size_t da, db, ga, gb;
        if (!vb_group(m, "date", &da, &db))
            continue;
        int di = vb_date_in(doc, da, db);
        if (di < 0)
            continue;               /* not a date after all (31/2), or excluded text */
        const char *relation = "by";
        if (vb_group(m, "nlt", &ga, &gb))
            relation = "no_later_than";
        else if (group_any(m, before, &ga, &gb))
            relation = "before";
        else if (group_any(m, within, &ga, &gb))
            relation = "within";
        size_t trigger = ms, task_a = ms;
        bool has_task = vb_group(m, "task", &ga, &gb);
        if (has_task)
            trigger = gb;
        size_t cs, ce;
        clause_bounds(&doc->text, ms, me, &cs, &ce);
        if (!has_task)
            task_a = cs;

        vb_date *date = &doc->dates.v[di];
        date->role = "deadline";
        vb_deadline *d = VB_PUSH(doc->deadlines);
        memset(d, 0, sizeof *d);
        d->section = -1;
        d->due = date->iso;
        d->relation = relation;
        size_t ra, rb;
        if (vb_group(m, "rec", &ra, &rb))
            d->recurrence = lookup_recurrence(st, fold, ra, rb);
        else if (!strncmp(date->iso, "---", 3))
            d->recurrence = "monthly";   /* ngày 20 hằng tháng */
        else if (!strncmp(date->iso, "--", 2) &&
                 vb_match(doc, &st->ms.m[P_CLAUSE_YEARLY], fold, ce, cs, 0) > 0)
            d->recurrence = "annual";    /* báo cáo hằng năm ... trước ngày 15/11 */
        size_t kw;
        d->to = find_recipient(st, doc, cs, ce, &kw);
        size_t task_b = trigger;
        if (d->to && kw > task_a && kw < task_b)
            task_b = kw;
        d->task = clean_trimmed(doc, task_a, task_b);
        d->span = vb_span_from_fold(&doc->text, has_task ? task_a : ms, me);
    }
}

static void run_recurring(deadlines_state *st, vb_document *doc, size_t n_dated)
{
    static const char *const rec_groups[] = {"rec", "rec2", "rec3", NULL};
    const char *fold = doc->text.fold;
    size_t len = doc->text.fold_len;
    vb_matcher *m = &st->ms.m[P_RECURRING];
    size_t last_clause = (size_t)-1;
    for (size_t pos = 0; pos < len && vb_match(doc, m, fold, len, pos, 0) > 0;) {
        PCRE2_SIZE *ov = vb_ovector(m);
        size_t ms = ov[0], me = ov[1];
        pos = me > ms ? me : ms + 1;
        size_t ra, rb;
        if (!group_any(m, rec_groups, &ra, &rb))
            continue;
        const char *rec = lookup_recurrence(st, fold, ra, rb);
        if (!rec)
            continue;
        size_t cs, ce;
        clause_bounds(&doc->text, ms, me, &cs, &ce);
        if (cs == last_clause)
            continue;               /* one duty per clause */
        /* a clause with a dated deadline already says when: its report
         * words ("báo cáo sơ kết 6 tháng đầu năm ... trước ngày 15/6")
         * are that deadline's task */
        bool dated = false;
        for (size_t i = 0; i < n_dated && !dated; i++) {
            vb_span sp = doc->deadlines.v[i].span;
            vb_span cl = vb_span_from_fold(&doc->text, cs, ce);
            dated = sp.start < cl.end && sp.end > cl.start;
        }
        if (dated)
            continue;
        last_clause = cs;
        vb_deadline *d = VB_PUSH(doc->deadlines);
        memset(d, 0, sizeof *d);
        d->section = -1;
        d->relation = NULL;
        d->recurrence = rec;
        d->task = clean_trimmed(doc, ms, me);
        size_t kw;
        d->to = find_recipient(st, doc, ms, ce, &kw);
        d->span = vb_span_from_fold(&doc->text, ms, me);
    }
}

static void run(void *state, vb_document *doc)
{
    deadlines_state *st = state;
    run_dated(st, doc);
    run_recurring(st, doc, doc->deadlines.n);
}

const vb_stage vb_stage_deadlines = {"deadlines", init, run, fini};
