/*
 * movements.c - stage "movements" (placeholder until implemented).
 */
#include <stdlib.h>

#include "vb_internal.h"

static void *init(const vb_grammar *g, char *err, size_t err_size)
{
    (void)g;
    (void)err;
    (void)err_size;
    return malloc(1);
}

static void run(void *state, vb_document *doc)
{
    (void)state;
    (void)doc;
}

static void fini(void *state)
{
    free(state);
}

const vb_stage vb_stage_movements = {"movements", init, run, fini};
