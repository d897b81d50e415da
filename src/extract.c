/*
 * extract.c - the pipeline: decode, fold, then every stage in order, each
 * adding its records to the document.  Emitting is separate (emit_json.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vb_internal.h"

/* Order matters: headings of attached documents are found first, the
 * closing stage finds where the body ends (Nơi nhận, signature) before
 * the first document issued with it, the attachments after the closing
 * are kept, sections fill the body between the header and the closing
 * and each attachment,
 * and the extractors after the dates stage use its dates (citation dates,
 * deadlines, periods) and give them roles. */
static const vb_stage *const stages[] = {
    &vb_stage_header,
    &vb_stage_attachments,
    &vb_stage_closing,
    &vb_stage_attachment_spans,
    &vb_stage_sections,
    &vb_stage_dates,
    &vb_stage_directives,
    &vb_stage_deadlines,
    &vb_stage_periods,
    &vb_stage_movements,
};
#define N_STAGES (sizeof stages / sizeof stages[0])

struct vb_extractor {
    const vb_grammar *grammar;
    void *state[N_STAGES];
    char err[512];
};

/* Stages record spans; which section a record falls in is computed once
 * here, after the tree exists, so no stage has to care. */
static void assign_sections(vb_document *doc)
{
    for (size_t i = 0; i < doc->dates.n; i++)
        doc->dates.v[i].section = vb_doc_section_at(doc, doc->dates.v[i].span.start);
    for (size_t i = 0; i < doc->deadlines.n; i++)
        doc->deadlines.v[i].section = vb_doc_section_at(doc, doc->deadlines.v[i].span.start);
    for (size_t i = 0; i < doc->periods.n; i++)
        doc->periods.v[i].section = vb_doc_section_at(doc, doc->periods.v[i].span.start);
    for (size_t i = 0; i < doc->directives.n; i++)
        for (size_t k = 0; k < doc->directives.v[i].mentions.n; k++)
            doc->directives.v[i].mentions.v[k].section =
                vb_doc_section_at(doc, doc->directives.v[i].mentions.v[k].span.start);
    for (size_t i = 0; i < doc->movements.n; i++)
        for (size_t k = 0; k < doc->movements.v[i].mentions.n; k++)
            doc->movements.v[i].mentions.v[k].section =
                vb_doc_section_at(doc, doc->movements.v[i].mentions.v[k].span.start);
}

vb_extractor *vb_extractor_new(const vb_grammar *g)
{
    vb_extractor *x = vb_xcalloc(1, sizeof *x);
    x->grammar = g;
    for (size_t i = 0; i < N_STAGES; i++) {
        x->state[i] = stages[i]->init(g, x->err, sizeof x->err);
        if (!x->state[i]) {
            fprintf(stderr, "vanban: %s\n", x->err);
            vb_extractor_free(x);
            return NULL;
        }
    }
    return x;
}

void vb_extractor_free(vb_extractor *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < N_STAGES; i++)
        if (x->state[i])
            stages[i]->fini(x->state[i]);
    free(x);
}

vb_document *vb_extract(vb_extractor *x, const char *source, const char *input, size_t len,
                        const char **err)
{
    vb_document *doc = vb_xcalloc(1, sizeof *doc);
    const char *e = NULL;
    if (!vb_text_decode(&doc->text, input, len, &e)) {
        if (err)
            *err = e;
        vb_document_free(doc);
        return NULL;
    }
    doc->source = source ? vb_arena_strdup(&doc->arena, source) : NULL;
    doc->encoding = doc->text.utf8_map ? (input[0] == '\xFE' ? "utf-16be" : "utf-16le")
                    : doc->text.utf8_base ? "utf-8-bom" : "utf-8";
    vb_text_fold(&doc->text);
    if (doc->text.n_invalid)
        vb_doc_warn(doc, "invalid-utf8", vb_utf8_to_input(&doc->text, doc->text.first_invalid),
                    "%zu invalid UTF-8 byte(s), first at byte %zu; read as U+FFFD",
                    doc->text.n_invalid, vb_utf8_to_input(&doc->text, doc->text.first_invalid));
    for (size_t i = 0; i < N_STAGES; i++)
        stages[i]->run(x->state[i], doc);
    assign_sections(doc);
    return doc;
}

void vb_document_free(vb_document *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->directives.n; i++)
        free(doc->directives.v[i].mentions.v);
    for (size_t i = 0; i < doc->movements.n; i++)
        free(doc->movements.v[i].mentions.v);
    free(doc->header.issuer.v);
    free(doc->closing.recipients.v);
    free(doc->sections.v);
    free(doc->attachments.v);
    free(doc->directives.v);
    free(doc->dates.v);
    free(doc->deadlines.v);
    free(doc->periods.v);
    free(doc->movements.v);
    free(doc->warnings.v);
    vb_text_release(&doc->text);
    vb_arena_free(&doc->arena);
    free(doc);
}
