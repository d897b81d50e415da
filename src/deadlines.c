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

#include "vb_internal.h"

enum {
    P_DATED, P_RECURRING, P_TO, P_CLAUSE_YEARLY, P_PAST_CONDITION, P_FORECAST, P_OFFENCE,
    P_BRACKET_CONDITION, P_LEAD_PERIODIC, P_VERB_AFTER, P_THEN_CONDITION,
    P_RANGE_END, P_AND_NEXT,
};
static const char *const pattern_names[] = {
    "deadlines.dated", "deadlines.recurring", "deadlines.to", "deadlines.clause_yearly",
    "deadlines.past_condition", "deadlines.forecast", "deadlines.offence",
    "deadlines.bracket_condition", "deadlines.lead_periodic",
    "deadlines.verb_after", "deadlines.then_condition",
    "deadlines.range_end", "deadlines.and_next", NULL,
};

/* How far back the words that turn a match into a forecast ("dự kiến sẽ")
 * or an offence ("Chậm hoặc không thực hiện việc") are looked for. */
#define LEAD_REACH 80

/* A due date this many years or more before the document's own date is
 * the time of a past fact ("nhà ở (xây dựng trước ngày 01 tháng 7 năm
 * 2006)" in a 2025 decision), not a duty the document sets. */
#define PAST_YEARS 5

/* How far after a due date its duty verb may start when none comes
 * before the trigger ("... ngày 01/7/2027 phải hoàn thành ..."). */
#define VERB_AFTER_REACH 40

/* How many words may follow a fronted date before the comma that ends it. */
#define AFTER_DATE_WORDS 6

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
    st->recurrence = vb_require_lexicon(g, "deadlines.recurrence", "deadlines", err, err_size);
    if (!st->recurrence) {
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

/* A clause ends at a full stop or semicolon followed by space, at a blank
 * line, or where a new bullet line starts. */
static bool clause_break_after(const char *f, size_t len, size_t i)
{
    if ((f[i] == '.' || f[i] == ';') && (i + 1 >= len || vb_is_space(f[i + 1])))
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
    while (a < b && (vb_is_space(f[a]) || strchr(",:;-+*.", f[a])))
        a++;
    /* a list marker in front: "(3) Tổ chức hiệp thương lần thứ ba" */
    size_t k = a + (a < b && f[a] == '(');
    while (k < b && k - a < 3 && f[k] >= '0' && f[k] <= '9')
        k++;
    if (k > a + 1 && f[a] == '(' && k + 1 < b && f[k] == ')' && vb_is_space(f[k + 1]))
        for (a = k + 1; a < b && vb_is_space(f[a]); a++)
            ;
    while (b > a && (vb_is_space(f[b - 1]) || strchr(",:;-(/", f[b - 1])))
        b--;
    if (a >= b)
        return NULL;
    return vb_clean_fold_range(&doc->arena, &doc->text, a, b);
}

static const char *lookup_recurrence(const deadlines_state *st, const char *f, size_t a, size_t b)
{
    char key[32] = {0};
    size_t n = 0;
    bool space = false;
    for (size_t i = a; i < b && n + 2 < sizeof key; i++) {
        if (vb_is_space(f[i])) {
            space = n > 0;
            continue;
        }
        if (space)
            key[n++] = ' ';
        space = false;
        key[n++] = f[i];
    }
    const char *v = vb_lexicon_get(st->recurrence, key, n);
    if (v || n == 0)
        return v;
    /* OCR shapes the grammar let through ("hang tudn", "hdng thdng",
     * "dinh ky ndm"): the nearest key, at most one edit per four letters
     * (and one at least), when the nearest keys agree on the value */
    size_t best = (size_t)-1;
    bool ambiguous = false;
    for (size_t i = 0; i < st->recurrence->n; i++) {
        const vb_lex_entry *e = &st->recurrence->entries[i];
        size_t kl = strlen(e->key);
        size_t cap = kl / 4 > 1 ? kl / 4 : 1;
        size_t d = vb_edit_distance_within(key, n, e->key, kl, cap);
        if (d > cap || d > best)
            continue;
        if (d < best) {
            best = d;
            v = e->value;
            ambiguous = false;
        } else if (strcmp(v, e->value)) {
            ambiguous = true;
        }
    }
    return ambiguous ? NULL : v;
}

static bool group_any(vb_matcher *m, const char *const *names, size_t *a, size_t *b)
{
    for (; *names; names++)
        if (vb_group(m, *names, a, b))
            return true;
    return false;
}

/* True when the input character at fold offset pos is a capital letter. */
static bool upper_at(const vb_document *doc, size_t pos)
{
    return vb_orig_case(&doc->text, pos) > 0;
}

/* A trigger that opens a line with a capital ("... Nghị định số
 * 28/2018/NĐ-CP ⏎ Trước ngày 30 tháng 5 ..., đơn vị ... gửi") starts a
 * sentence of its own: the words above it are a heading or another cell. */
static bool starts_sentence_line(const vb_document *doc, size_t pos)
{
    const char *f = doc->text.fold;
    size_t p = pos;
    while (p > 0 && (f[p - 1] == ' ' || f[p - 1] == '\t'))
        p--;
    return p > 0 && f[p - 1] == '\n' && upper_at(doc, pos);
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
        if (!upper_at(doc, a))
            return NULL;
        *kw_start = a;
    }
    return clean_trimmed(doc, a, b);
}

/* True when pattern p matches the words of [from, to) that end at `to`
 * (the pattern anchors itself with \z), looking back at most LEAD_REACH. */
static bool lead_matches(deadlines_state *st, vb_document *doc, int p, size_t from, size_t to)
{
    if (to - from > LEAD_REACH)
        from = to - LEAD_REACH;
    return vb_match(doc, &st->ms.m[p], doc->text.fold, to, from, 0) > 0;
}

/* "(trước 01 tháng 7 năm 2025) ... (kể từ 01 tháng 7 năm 2025)": the
 * "trước" at fold offset `trigger` opens a bracketed time set against
 * another, a condition rather than a duty. */
static bool bracket_condition(deadlines_state *st, vb_document *doc, size_t trigger)
{
    const char *f = doc->text.fold;
    size_t p = trigger;
    while (p > 0 && (f[p - 1] == ' ' || f[p - 1] == '\t'))
        p--;
    if (p == 0 || f[p - 1] != '(')
        return false;
    return vb_match(doc, &st->ms.m[P_BRACKET_CONDITION], f, doc->text.fold_len, p - 1, 0) > 0;
}

/* The date record a dated deadline took, and the role it had before. */
typedef struct {
    int date;
    const char *role;
} date_claim;
typedef VB_VEC(date_claim) date_claims;

/* Year of an ISO value that starts with one (2025-12, 2025-Q4), else 0. */
static int iso_year(const char *iso)
{
    if (!iso || strlen(iso) < 4)
        return 0;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (iso[i] < '0' || iso[i] > '9')
            return 0;
        y = y * 10 + (iso[i] - '0');
    }
    return y;
}

static void run_dated(deadlines_state *st, vb_document *doc, date_claims *claims)
{
    const int doc_year = iso_year(doc->header.date.iso);
    static const char *const before[] = {"bef", "bef2", "bef3", "bef4", "bef5", NULL};
    static const char *const within[] = {"within", "within2", NULL};
    const char *fold = doc->text.fold;
    size_t len = doc->text.fold_len;
    vb_matcher *m = &st->ms.m[P_DATED];
    for (size_t pos = 0; pos < len && vb_next_match(doc, m, fold, len, &pos, 0);) {
        PCRE2_SIZE *ov = vb_ovector(m);
        size_t ms = ov[0], me = ov[1];
        size_t da, db, ga, gb;
        if (!vb_group(m, "date", &da, &db))
            continue;
        int di = vb_date_in(doc, da, db);
        if (di < 0)
            continue;               /* not a date after all (31/2), or excluded text */
        int due_year = iso_year(doc->dates.v[di].iso);
        if (doc_year && due_year && due_year <= doc_year - PAST_YEARS)
            continue;
        /* "hoàn thành: tháng 11/2025 đến tháng 4/2026": due at the end */
        vb_matcher *rm = &st->ms.m[P_RANGE_END];
        if (vb_match(doc, rm, fold, len, doc->dates.v[di].fold_end, 0) > 0) {
            size_t re = vb_ovector(rm)[1];
            int dj = vb_date_in(doc, re, re + 1);
            if (dj >= 0 && doc->dates.v[dj].fold_start <= re) {
                /* the end date may have no year of its own: keep the start */
                if (iso_year(doc->dates.v[dj].iso))
                    di = dj;
            }
        }
        /* "... có hiệu lực trước ngày 01/3/2027 thì ...": a condition */
        if (vb_match(doc, &st->ms.m[P_THEN_CONDITION], fold, len, doc->dates.v[di].fold_end, 0) > 0)
            continue;
        const char *relation = "by";
        if (vb_group(m, "nlt", &ga, &gb) || vb_group(m, "upto", &ga, &gb))
            relation = "no_later_than";
        else if (group_any(m, before, &ga, &gb))
            relation = "before";
        else if (group_any(m, within, &ga, &gb))
            relation = "within";
        size_t trigger = ms, task_a = ms;
        size_t ta, tb;
        bool has_task = vb_group(m, "task", &ta, &tb);
        if (has_task && starts_sentence_line(doc, tb)) {
            has_task = false;
            ms = tb;
        }
        if (has_task)
            trigger = tb;
        /* "đã được cấp ... trước ngày 01/7/2004": the time of a past fact */
        if (has_task && !strcmp(relation, "before") &&
            vb_match(doc, &st->ms.m[P_PAST_CONDITION], fold, tb, ta, 0) > 0)
            continue;
        if (group_any(m, before, &ga, &gb) && bracket_condition(st, doc, ga))
            continue;
        /* a table cell "Trước ngày 30/11/2025" starts with a capital; a
         * wrapped line of prose ("... làm việc ⏎ trước ngày 01/01/1945")
         * does not */
        if (vb_group(m, "bef5", &ga, &gb) && !upper_at(doc, ga))
            continue;
        /* "Định kỳ 6 tháng (trước ngày 31/7), tổng hợp báo cáo ...": the
         * verb after the date; needs a sentence start or a repetition */
        const char *lead_rec = NULL;
        bool verb_after = vb_group(m, "bef3", &ga, &gb);
        if (verb_after && !upper_at(doc, ga)) {
            vb_matcher *lm = &st->ms.m[P_LEAD_PERIODIC];
            if (!lead_matches(st, doc, P_LEAD_PERIODIC, ga > LEAD_REACH ? ga - LEAD_REACH : 0, ga))
                continue;
            size_t la, lb;
            if (vb_group(lm, "rec", &la, &lb) || vb_group(lm, "rec2", &la, &lb))
                lead_rec = lookup_recurrence(st, fold, la, lb);
        }
        size_t cs, ce;
        clause_bounds(&doc->text, ms, me, &cs, &ce);
        if (starts_sentence_line(doc, ms))
            cs = ms;
        /* "dự kiến sẽ hoàn thành trước ngày ...": expected, not assigned */
        if (lead_matches(st, doc, P_FORECAST, cs, ms))
            continue;
        size_t task_b = trigger;
        vb_matcher *vm = &st->ms.m[P_VERB_AFTER];
        if (verb_after && vb_match(doc, vm, fold, ce, me, 0) > 0) {
            task_a = vb_ovector(vm)[0];
            task_b = ce;
        } else if (!has_task) {
            /* no duty verb before the trigger: "Căn cứ ..., chậm nhất là
             * ngày 15/12/2025, Ủy ban ... tiến hành ...": set off by
             * commas, the duty is what follows the date (and a few words
             * that go with it: "của năm trước năm kế hoạch,") */
            size_t j = me;
            int words = 0;
            while (j < ce && fold[j] != ',' && words <= AFTER_DATE_WORDS) {
                if (!vb_is_space(fold[j]) && (j == me || vb_is_space(fold[j - 1])))
                    words++;
                j++;
            }
            size_t va = (size_t)-1;
            if (vb_match(doc, vm, fold, ce, me, 0) > 0) {
                va = vb_ovector(vm)[0];
                for (size_t k = me; k < va && va != (size_t)-1; k++)
                    if (strchr(",.;:()", fold[k]) || k - me > VERB_AFTER_REACH)
                        va = (size_t)-1;
            }
            if (j < ce && fold[j] == ',' && words <= AFTER_DATE_WORDS) {
                task_a = j + 1;
                task_b = ce;
            } else if (va != (size_t)-1) {
                /* "chậm nhất đến ngày 01/7/2027 phải hoàn thành việc ..." */
                task_a = va;
                task_b = ce;
            } else if (ms - cs < CLAUSE_REACH) {
                task_a = cs;
            } else {
                /* the clause start is not in reach: what lies before is
                 * no one duty (a long enumeration, a table run together) */
                task_a = task_b;
            }
        }

        vb_date *date = &doc->dates.v[di];
        date_claim *c = VB_PUSH(*claims);
        c->date = di;
        c->role = date->role;
        date->role = "deadline";
        vb_deadline *d = VB_PUSH(doc->deadlines);
        memset(d, 0, sizeof *d);
        d->section = -1;
        d->due = date->iso;
        d->relation = relation;
        size_t ra, rb;
        if (vb_group(m, "rec", &ra, &rb))
            d->recurrence = lookup_recurrence(st, fold, ra, rb);
        else if (lead_rec)
            d->recurrence = lead_rec;
        else if (!strncmp(date->iso, "---", 3))
            d->recurrence = "monthly";   /* ngày 20 hằng tháng */
        else if (!strncmp(date->iso, "--", 2) &&
                 vb_match(doc, &st->ms.m[P_CLAUSE_YEARLY], fold, ce, cs, 0) > 0)
            d->recurrence = "annual";    /* báo cáo hằng năm ... trước ngày 15/11 */
        size_t kw;
        d->to = find_recipient(st, doc, cs, ce, &kw);
        if (d->to && kw > task_a && kw < task_b)
            task_b = kw;
        d->task = clean_trimmed(doc, task_a, task_b);
        d->span = vb_span_from_fold(&doc->text, has_task ? task_a : ms,
                                    date->fold_end > me ? date->fold_end : me);
        /* "trước ngày 15/6 và ngày 15/12 hằng năm", "hoàn thành: Quý
         * IV/2025 và Quý I/2026": each date joined on is due too, under
         * the same duty.  (The loop's next scan starts after them.) */
        vb_matcher *am = &st->ms.m[P_AND_NEXT];
        for (size_t at = date->fold_end;
             vb_match(doc, am, fold, len, at, 0) > 0;) {
            size_t ne = vb_ovector(am)[1];
            int dj = vb_date_in(doc, ne, ne + 1);
            if (dj < 0 || doc->dates.v[dj].fold_start > ne ||
                (doc->dates.v[dj].role && !strcmp(doc->dates.v[dj].role, "deadline")))
                break;
            vb_date *next = &doc->dates.v[dj];
            date_claim *nc = VB_PUSH(*claims);
            nc->date = dj;
            nc->role = next->role;
            next->role = "deadline";
            /* d may have moved when the vector grew: copy by index */
            size_t first = doc->deadlines.n - 1;
            vb_deadline *nd = VB_PUSH(doc->deadlines);
            *nd = doc->deadlines.v[first];
            nd->due = next->iso;
            nd->span = vb_span_from_fold(&doc->text, next->fold_start, next->fold_end);
            at = next->fold_end;
            if (pos < at)
                pos = at;
        }
    }
}

static void run_recurring(deadlines_state *st, vb_document *doc, size_t n_dated)
{
    static const char *const rec_groups[] = {"rec", "rec2", "rec3", "rec4", NULL};
    const char *fold = doc->text.fold;
    size_t len = doc->text.fold_len;
    vb_matcher *m = &st->ms.m[P_RECURRING];
    size_t last_clause = (size_t)-1;
    for (size_t pos = 0; pos < len && vb_next_match(doc, m, fold, len, &pos, 0);) {
        PCRE2_SIZE *ov = vb_ovector(m);
        size_t ms = ov[0], me = ov[1];
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
        /* "Không báo cáo hoặc gửi báo cáo ... hằng năm": an offence */
        if (lead_matches(st, doc, P_OFFENCE, cs, ms))
            continue;
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

static bool same_str(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* A crawled web page puts a title and a summary above the document
 * ("## Khẩn trương hoàn thành ... trước 30/11/2025"); they repeat a
 * deadline of the body.  A deadline that ends before the header block
 * and has the same due and recurrence as one inside the document is such
 * a copy: it is dropped and its date gets back the role it had. */
static void drop_web_copies(vb_document *doc, const date_claims *claims)
{
    const vb_span hs = doc->header.span;
    if (hs.end <= hs.start || hs.start == 0)
        return;
    size_t n = doc->deadlines.n, kept = 0;
    vb_deadline *v = doc->deadlines.v;
    bool *drop = vb_xcalloc(n ? n : 1, sizeof *drop);
    for (size_t i = 0; i < n; i++) {
        if (v[i].span.end > hs.start)
            continue;
        for (size_t j = 0; j < n && !drop[i]; j++)
            drop[i] = v[j].span.start >= hs.start && same_str(v[i].due, v[j].due) &&
                      same_str(v[i].recurrence, v[j].recurrence);
    }
    for (size_t i = 0; i < claims->n; i++) {
        if (!drop[i])
            continue;
        bool shared = false;        /* a kept deadline still points at the date */
        for (size_t j = 0; j < claims->n && !shared; j++)
            shared = !drop[j] && claims->v[j].date == claims->v[i].date;
        if (!shared)
            doc->dates.v[claims->v[i].date].role = claims->v[i].role;
    }
    for (size_t i = 0; i < n; i++)
        if (!drop[i])
            v[kept++] = v[i];
    doc->deadlines.n = kept;
    free(drop);
}

static void run(void *state, vb_document *doc)
{
    deadlines_state *st = state;
    date_claims claims = {0};
    run_dated(st, doc, &claims);
    run_recurring(st, doc, doc->deadlines.n);
    drop_web_copies(doc, &claims);
    free(claims.v);
}

const vb_stage vb_stage_deadlines = {"deadlines", init, run, fini};
