/*
 * fuzz_extract.c - libFuzzer target: arbitrary bytes through vb_extract
 * and the JSON emitter, checking the invariants every output must keep
 * whatever the input (shared/spec/EXTRACTION.md):
 *   - the JSON parses and is an object;
 *   - preamble, top-level sections of the body, closing and attachments
 *     tile [0, len) exactly; an attachment's sections lie inside it;
 *   - every span lies in [0, len) with start <= end, every child section
 *     inside its parent, sections in document order;
 *   - warning offsets lie in [0, len].
 * A broken invariant aborts (libFuzzer saves the input).  Built with
 * clang when meson is configured with -Dfuzz=true (README.md, "Fuzzing").
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vb_internal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vb_grammar *grammar;
static vb_extractor *extractor;

static void fail(const char *what, size_t a, size_t b, size_t len)
{
    fprintf(stderr, "fuzz_extract: invariant broken: %s [%zu, %zu] (input %zu bytes)\n", what, a, b, len);
    abort();
}

static void check_span(const char *what, vb_span s, size_t len)
{
    if (s.start > s.end || s.end > len)
        fail(what, s.start, s.end, len);
}

static void check_doc(const vb_document *doc, size_t len)
{
    check_span("preamble", doc->preamble, len);
    if (doc->preamble.start != 0)
        fail("preamble does not start at 0", doc->preamble.start, doc->preamble.end, len);
    size_t at = doc->preamble.end;
    for (size_t i = 0; i < doc->sections.n; i++) {
        const vb_section *s = &doc->sections.v[i];
        check_span("section", s->span, len);
        check_span("section heading", s->heading_span, len);
        if (i && s->span.start < doc->sections.v[i - 1].span.start)
            fail("section before the previous one", s->span.start, s->span.end, len);
        if (s->parent >= (int)i)
            fail("parent after child", (size_t)s->parent, i, len);
        if (s->parent >= 0) {
            vb_span p = doc->sections.v[s->parent].span;
            if (s->span.start < p.start || s->span.end > p.end)
                fail("section outside its parent", s->span.start, s->span.end, len);
            continue;
        }
        if (s->attachment) {
            if (s->attachment < 1 || (size_t)s->attachment > doc->attachments.n)
                fail("section of no attachment", s->span.start, s->span.end, len);
            vb_span a = doc->attachments.v[s->attachment - 1].span;
            if (s->span.start < a.start || s->span.end > a.end)
                fail("section outside its attachment", s->span.start, s->span.end, len);
            continue;
        }
        if (s->span.start != at)
            fail("gap or overlap before a top section", at, s->span.start, len);
        at = s->span.end;
    }
    check_span("closing", doc->closing.span, len);
    if (doc->closing.span.start != at)
        fail("closing does not follow the body", doc->closing.span.start, doc->closing.span.end, len);
    at = doc->closing.span.end;
    for (size_t i = 0; i < doc->attachments.n; i++) {
        const vb_attachment *a = &doc->attachments.v[i];
        check_span("attachment", a->span, len);
        if (a->span.start != at || a->n != (int)i + 1)
            fail("attachments do not follow the closing", a->span.start, a->span.end, len);
        at = a->span.end;
    }
    if (at != len)
        fail("closing and attachments do not finish the tiling", at, len, len);
    check_span("header", doc->header.span, len);
    if (doc->header.number)
        check_span("header number", doc->header.number_span, len);
    if (doc->header.title)
        check_span("header title", doc->header.title_span, len);
    if (doc->header.date.iso)
        check_span("header date", doc->header.date.span, len);
    for (size_t i = 0; i < doc->dates.n; i++)
        check_span("date", doc->dates.v[i].span, len);
    for (size_t i = 0; i < doc->deadlines.n; i++)
        check_span("deadline", doc->deadlines.v[i].span, len);
    for (size_t i = 0; i < doc->periods.n; i++)
        check_span("period", doc->periods.v[i].span, len);
    for (size_t i = 0; i < doc->directives.n; i++)
        for (size_t k = 0; k < doc->directives.v[i].mentions.n; k++)
            check_span("directive mention", doc->directives.v[i].mentions.v[k].span, len);
    for (size_t i = 0; i < doc->movements.n; i++)
        for (size_t k = 0; k < doc->movements.v[i].mentions.n; k++)
            check_span("movement mention", doc->movements.v[i].mentions.v[k].span, len);
    for (size_t i = 0; i < doc->warnings.n; i++)
        if (doc->warnings.v[i].offset > len)
            fail("warning offset", doc->warnings.v[i].offset, 0, len);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char err[512];
    grammar = vb_grammar_load_default(err, sizeof err);
    if (!grammar) {
        fprintf(stderr, "fuzz_extract: %s\n", err);
        abort();
    }
    extractor = vb_extractor_new(grammar);
    if (!extractor)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *err = NULL;
    vb_document *doc = vb_extract(extractor, "fuzz", (const char *)data, size, &err);
    if (!doc) {
        if (!err)
            fail("NULL document without a reason", 0, 0, size);
        return 0;
    }
    check_doc(doc, size);
    unsigned flags = size & 1 ? VB_JSON_PRETTY : 0;
    char *json = vb_document_to_json(doc, flags);
    if (!json)
        fail("no JSON", 0, 0, size);
    cJSON *root = cJSON_Parse(json);
    if (!root || !cJSON_IsObject(root))
        fail("output is not a JSON object", 0, strlen(json), size);
    cJSON *bytes = cJSON_GetObjectItemCaseSensitive(root, "bytes");
    if (!cJSON_IsNumber(bytes) || (size_t)bytes->valuedouble != size)
        fail("\"bytes\" is not the input size", 0, 0, size);
    cJSON_Delete(root);
    free(json);
    vb_document_free(doc);
    return 0;
}
