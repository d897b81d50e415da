/*
 * main.c - the `vanban` command: argument parsing, reading files, and
 * writing one JSON object per document.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vanban.h"

static const char usage_text[] =
    "usage: vanban extract [OPTIONS] FILE...|-\n"
    "       vanban --help | --version\n";

static const char help_text[] =
    "vanban - structured JSON from Vietnamese administrative documents\n"
    "\n"
    "usage: vanban extract [OPTIONS] FILE...|-\n"
    "\n"
    "Reads each FILE (or standard input for -) and prints one JSON object per\n"
    "document: its header (number, place, date, type, title, issuer), the\n"
    "numbered section tree with headings and byte spans, the cited directives,\n"
    "dates, deadlines, periods and emulation movements, and the closing\n"
    "(recipients, signer).  With several files the output is NDJSON: one line\n"
    "per document, in the order given.\n"
    "\n"
    "Options:\n"
    "  --pretty          indent the JSON (one document: easier to read)\n"
    "  --grammar FILE    use FILE instead of the built-in grammar; repeat to\n"
    "                    load several files in order (grammars/README.md)\n"
    "  -h, --help        this text\n"
    "  --version         print the version\n"
    "\n"
    "Examples:\n"
    "  vanban extract --pretty samples/ke-hoach-thi-dua-2020-huyen-markdown.txt\n"
    "  vanban extract plans/*.txt > plans.ndjson\n"
    "  cat plan.txt | vanban extract - | jq '.directives[].number'\n"
    "  vanban extract plan.txt | jq '.sections[] | {id, heading}'\n"
    "\n"
    "Input: UTF-8 (with or without BOM, NFC or NFD, CRLF or LF), UTF-16 with a\n"
    "BOM; OCR text without diacritics is expected.  Every span is a byte range\n"
    "[start, end) of the input as given.  Invalid UTF-8 gives a warning in the\n"
    "output, not an error.\n"
    "\n"
    "Exit status: 0 all documents extracted; 1 some input could not be read\n"
    "(missing file, directory, binary data: reported on stderr, the other\n"
    "files are still processed); 2 usage error or bad grammar file.\n";

static char *read_stream(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    size_t r;
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
        }
    }
    if (ferror(f)) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    *len = n;
    return buf;
}

static char *read_file(const char *path, size_t *len, const char **why)
{
    if (!strcmp(path, "-")) {
        char *b = read_stream(stdin, len);
        if (!b)
            *why = strerror(errno);
        return b;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        *why = strerror(errno);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        *why = "is a directory";
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        *why = strerror(errno);
        return NULL;
    }
    char *b = read_stream(f, len);
    if (!b)
        *why = strerror(errno);
    fclose(f);
    return b;
}

static int cmd_extract(int argc, char **argv)
{
    unsigned flags = 0;
    const char **grammars = calloc((size_t)argc + 1, sizeof *grammars);
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    size_t n_grammars = 0, n_files = 0;
    int status = 0;
    bool opts_done = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!opts_done && !strcmp(a, "--")) {
            opts_done = true;
        } else if (!opts_done && !strcmp(a, "--pretty")) {
            flags |= VB_JSON_PRETTY;
        } else if (!opts_done && !strcmp(a, "--grammar")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "vanban: --grammar needs a FILE\n%s", usage_text);
                status = 2;
                goto out;
            }
            grammars[n_grammars++] = argv[++i];
        } else if (!opts_done && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
            fputs(help_text, stdout);
            goto out;
        } else if (!opts_done && a[0] == '-' && a[1]) {
            fprintf(stderr, "vanban: unknown option '%s'\n%s", a, usage_text);
            status = 2;
            goto out;
        } else {
            files[n_files++] = a;
        }
    }
    if (!n_files) {
        fprintf(stderr, "vanban: no input files (use - for standard input)\n%s", usage_text);
        status = 2;
        goto out;
    }

    char err[1024];
    vb_grammar *g = NULL;
    if (n_grammars) {
        g = vb_grammar_load_file(grammars[0], err, sizeof err);
        if (n_grammars > 1) {
            fprintf(stderr, "vanban: only one --grammar FILE is supported\n");
            vb_grammar_free(g);
            status = 2;
            goto out;
        }
    } else {
        g = vb_grammar_load_default(err, sizeof err);
    }
    if (!g) {
        fprintf(stderr, "vanban: %s\n", err);
        status = 2;
        goto out;
    }
    vb_extractor *x = vb_extractor_new(g);
    if (!x) {
        vb_grammar_free(g);
        status = 2;
        goto out;
    }
    for (size_t i = 0; i < n_files; i++) {
        size_t len = 0;
        const char *why = NULL;
        char *buf = read_file(files[i], &len, &why);
        if (!buf) {
            fprintf(stderr, "vanban: %s: %s\n", files[i], why);
            status = 1;
            continue;
        }
        const char *xerr = NULL;
        vb_document *doc = vb_extract(x, strcmp(files[i], "-") ? files[i] : "<stdin>", buf, len, &xerr);
        if (!doc) {
            fprintf(stderr, "vanban: %s: %s\n", files[i], xerr ? xerr : "extraction failed");
            status = 1;
            free(buf);
            continue;
        }
        char *json = vb_document_to_json(doc, n_files > 1 ? 0 : flags);
        if (!json) {
            fprintf(stderr, "vanban: %s: out of memory\n", files[i]);
            status = 1;
        } else {
            fputs(json, stdout);
            fputc('\n', stdout);
            free(json);
        }
        vb_document_free(doc);
        free(buf);
    }
    vb_extractor_free(x);
    vb_grammar_free(g);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "vanban: error writing output: %s\n", strerror(errno));
        status = 1;
    }
out:
    free(grammars);
    free(files);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(help_text, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("vanban %s\n", VANBAN_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "extract"))
        return cmd_extract(argc - 2, argv + 2);
    fprintf(stderr, "vanban: unknown command '%s'\n%s", argv[1], usage_text);
    return 2;
}
