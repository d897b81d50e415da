/*
 * emit_json.c - last stage: the document as one JSON object, in the
 * shape of shared/spec/EXTRACTION.md, keys in a fixed order.
 *
 * cJSON is used only here.  Spans and small integers go in as raw JSON
 * (cJSON_CreateRaw): cJSON's number printing costs ~20x a short string.
 * Every child is attached right after creation; on OOM the one root is
 * deleted and NULL returned.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vb_internal.h"

typedef struct {
    bool oom;
} emit;

static cJSON *attach(emit *E, cJSON *parent, const char *key, cJSON *item)
{
    if (!item) {
        E->oom = true;
        return NULL;
    }
    if (!parent) {
        cJSON_Delete(item);
        E->oom = true;
        return NULL;
    }
    bool ok = key ? cJSON_AddItemToObject(parent, key, item) : cJSON_AddItemToArray(parent, item);
    if (!ok) {
        cJSON_Delete(item);
        E->oom = true;
        return NULL;
    }
    return item;
}

static void add_str(emit *E, cJSON *o, const char *key, const char *v)
{
    attach(E, o, key, v ? cJSON_CreateString(v) : cJSON_CreateNull());
}

static void add_raw_int(emit *E, cJSON *o, const char *key, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    attach(E, o, key, cJSON_CreateRaw(buf));
}

static void add_span(emit *E, cJSON *o, const char *key, vb_span sp)
{
    char buf[48];
    snprintf(buf, sizeof buf, "[%zu,%zu]", sp.start, sp.end);
    attach(E, o, key, cJSON_CreateRaw(buf));
}

static void add_section_ref(emit *E, const vb_document *doc, cJSON *o, int idx)
{
    add_str(E, o, "section", idx >= 0 && (size_t)idx < doc->sections.n ? doc->sections.v[idx].id : NULL);
}

static void add_mentions(emit *E, const vb_document *doc, cJSON *o, const vb_mention *m, size_t n)
{
    cJSON *arr = attach(E, o, "mentions", cJSON_CreateArray());
    for (size_t i = 0; i < n && arr; i++) {
        cJSON *x = attach(E, arr, NULL, cJSON_CreateObject());
        add_span(E, x, "span", m[i].span);
        add_section_ref(E, doc, x, m[i].section);
    }
}

static void emit_header(emit *E, const vb_document *doc, cJSON *root)
{
    const vb_header *h = &doc->header;
    cJSON *o = attach(E, root, "header", cJSON_CreateObject());
    cJSON *iss = attach(E, o, "issuer", cJSON_CreateArray());
    for (size_t i = 0; i < h->issuer.n; i++)
        attach(E, iss, NULL, cJSON_CreateString(h->issuer.v[i]));
    add_str(E, o, "number", h->number);
    if (h->number)
        add_span(E, o, "number_span", h->number_span);
    add_str(E, o, "place", h->place);
    if (h->date.iso) {
        cJSON *d = attach(E, o, "date", cJSON_CreateObject());
        add_str(E, d, "iso", h->date.iso);
        add_str(E, d, "text", h->date.text);
        add_span(E, d, "span", h->date.span);
    } else {
        attach(E, o, "date", cJSON_CreateNull());
    }
    add_str(E, o, "type", h->type);
    add_str(E, o, "type_code", h->type_code);
    add_str(E, o, "title", h->title);
    if (h->title)
        add_span(E, o, "title_span", h->title_span);
    add_span(E, o, "span", h->span);
}

static void emit_sections(emit *E, const vb_document *doc, cJSON *root)
{
    cJSON *arr = attach(E, root, "sections", cJSON_CreateArray());
    for (size_t i = 0; i < doc->sections.n && arr; i++) {
        const vb_section *s = &doc->sections.v[i];
        cJSON *o = attach(E, arr, NULL, cJSON_CreateObject());
        add_str(E, o, "id", s->id);
        add_str(E, o, "parent", s->parent >= 0 ? doc->sections.v[s->parent].id : NULL);
        add_raw_int(E, o, "level", s->level);
        add_str(E, o, "kind", s->kind);
        add_str(E, o, "number", s->number);
        add_str(E, o, "heading", s->heading);
        add_str(E, o, "role", s->role);
        add_span(E, o, "span", s->span);
        if (s->attachment)
            add_raw_int(E, o, "attachment", s->attachment);
    }
}

static void emit_attachments(emit *E, const vb_document *doc, cJSON *root)
{
    cJSON *arr = attach(E, root, "attachments", cJSON_CreateArray());
    for (size_t i = 0; i < doc->attachments.n && arr; i++) {
        const vb_attachment *a = &doc->attachments.v[i];
        cJSON *o = attach(E, arr, NULL, cJSON_CreateObject());
        add_raw_int(E, o, "n", a->n);
        add_str(E, o, "type", a->type);
        add_str(E, o, "number", a->number);
        add_str(E, o, "title", a->title);
        add_str(E, o, "issued_with", a->issued_with);
        add_span(E, o, "span", a->span);
    }
}

static void emit_directives(emit *E, const vb_document *doc, cJSON *root)
{
    cJSON *arr = attach(E, root, "directives", cJSON_CreateArray());
    for (size_t i = 0; i < doc->directives.n && arr; i++) {
        const vb_directive *d = &doc->directives.v[i];
        cJSON *o = attach(E, arr, NULL, cJSON_CreateObject());
        add_str(E, o, "number", d->number);
        add_str(E, o, "type", d->type);
        add_str(E, o, "type_code", d->type_code);
        add_str(E, o, "issuer_code", d->issuer_code);
        if (d->year)
            add_raw_int(E, o, "year", d->year);
        else
            attach(E, o, "year", cJSON_CreateNull());
        add_str(E, o, "date", d->date);
        add_str(E, o, "issuer", d->issuer);
        add_str(E, o, "subject", d->subject);
        if (d->mentions.n) {
            add_span(E, o, "span", d->mentions.v[0].span);
            add_section_ref(E, doc, o, d->mentions.v[0].section);
        }
        add_mentions(E, doc, o, d->mentions.v, d->mentions.n);
    }
}

static void emit_dates(emit *E, const vb_document *doc, cJSON *root)
{
    cJSON *arr = attach(E, root, "dates", cJSON_CreateArray());
    for (size_t i = 0; i < doc->dates.n && arr; i++) {
        const vb_date *d = &doc->dates.v[i];
        cJSON *o = attach(E, arr, NULL, cJSON_CreateObject());
        add_str(E, o, "iso", d->iso);
        add_str(E, o, "text", d->text);
        add_str(E, o, "role", d->role ? d->role : "other");
        add_span(E, o, "span", d->span);
        add_section_ref(E, doc, o, d->section);
    }
}

static void emit_deadlines(emit *E, const vb_document *doc, cJSON *root)
{
    cJSON *arr = attach(E, root, "deadlines", cJSON_CreateArray());
    for (size_t i = 0; i < doc->deadlines.n && arr; i++) {
        const vb_deadline *d = &doc->deadlines.v[i];
        cJSON *o = attach(E, arr, NULL, cJSON_CreateObject());
        add_str(E, o, "due", d->due);
        add_str(E, o, "relation", d->relation);
        add_str(E, o, "task", d->task);
        add_str(E, o, "to", d->to);
        add_str(E, o, "recurrence", d->recurrence);
        add_span(E, o, "span", d->span);
        add_section_ref(E, doc, o, d->section);
    }
}

static void emit_periods(emit *E, const vb_document *doc, cJSON *root)
{
    cJSON *arr = attach(E, root, "periods", cJSON_CreateArray());
    for (size_t i = 0; i < doc->periods.n && arr; i++) {
        const vb_period *p = &doc->periods.v[i];
        cJSON *o = attach(E, arr, NULL, cJSON_CreateObject());
        add_str(E, o, "label", p->label);
        add_str(E, o, "start", p->start);
        add_str(E, o, "end", p->end);
        add_span(E, o, "span", p->span);
        add_section_ref(E, doc, o, p->section);
    }
}

static void emit_movements(emit *E, const vb_document *doc, cJSON *root)
{
    cJSON *arr = attach(E, root, "movements", cJSON_CreateArray());
    for (size_t i = 0; i < doc->movements.n && arr; i++) {
        const vb_movement *m = &doc->movements.v[i];
        cJSON *o = attach(E, arr, NULL, cJSON_CreateObject());
        add_str(E, o, "name", m->name);
        add_str(E, o, "kind", m->kind);
        if (m->mentions.n) {
            add_span(E, o, "span", m->mentions.v[0].span);
            add_section_ref(E, doc, o, m->mentions.v[0].section);
        }
        add_mentions(E, doc, o, m->mentions.v, m->mentions.n);
    }
}

static void emit_closing(emit *E, const vb_document *doc, cJSON *root)
{
    const vb_closing *c = &doc->closing;
    cJSON *o = attach(E, root, "closing", cJSON_CreateObject());
    add_span(E, o, "span", c->span);
    cJSON *r = attach(E, o, "recipients", cJSON_CreateArray());
    for (size_t i = 0; i < c->recipients.n; i++)
        attach(E, r, NULL, cJSON_CreateString(c->recipients.v[i]));
    if (c->signer_name || c->signer_title || c->signer_capacity) {
        cJSON *s = attach(E, o, "signer", cJSON_CreateObject());
        add_str(E, s, "capacity", c->signer_capacity);
        add_str(E, s, "title", c->signer_title);
        add_str(E, s, "name", c->signer_name);
    } else {
        attach(E, o, "signer", cJSON_CreateNull());
    }
}

char *vb_document_to_json(const vb_document *doc, unsigned flags)
{
    emit E = {false};
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    add_str(&E, root, "source", doc->source);
    add_str(&E, root, "encoding", doc->encoding);
    add_raw_int(&E, root, "bytes", (long long)doc->text.input_len);
    emit_header(&E, doc, root);
    cJSON *pre = attach(&E, root, "preamble", cJSON_CreateObject());
    add_span(&E, pre, "span", doc->preamble);
    emit_sections(&E, doc, root);
    emit_directives(&E, doc, root);
    emit_dates(&E, doc, root);
    emit_deadlines(&E, doc, root);
    emit_periods(&E, doc, root);
    emit_movements(&E, doc, root);
    emit_closing(&E, doc, root);
    emit_attachments(&E, doc, root);
    cJSON *w = attach(&E, root, "warnings", cJSON_CreateArray());
    for (size_t i = 0; i < doc->warnings.n && w; i++) {
        cJSON *o = attach(&E, w, NULL, cJSON_CreateObject());
        add_str(&E, o, "code", doc->warnings.v[i].code);
        add_str(&E, o, "message", doc->warnings.v[i].message);
        add_raw_int(&E, o, "offset", (long long)doc->warnings.v[i].offset);
    }
    char *out = NULL;
    if (!E.oom) {
        /* a guess of the size saves reallocations inside cJSON */
        int guess = (int)(4096 + doc->text.input_len / 2);
        out = cJSON_PrintBuffered(root, guess, (flags & VB_JSON_PRETTY) != 0);
    }
    cJSON_Delete(root);
    return out;
}
