/*
 * main.c - the `vanban` command: argument parsing, the list of inputs
 * (files, directories walked recursively, --files-from), the worker
 * threads that extract documents, and the one writer that prints their
 * JSON in input order (NDJSON on stdout, or one file each with --output).
 *
 * Threads: every worker owns one vb_extractor (PCRE2 match data) and one
 * input buffer, both reused from document to document; the grammar is
 * shared read-only.  Results go through a ring of RING_PER_WORKER slots
 * per worker: a worker does not start document i before document
 * i - ring size has been written, so memory stays bounded by one document
 * per worker plus the JSON of the finished ones however long the run.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vanban.h"

static const char usage_text[] =
    "usage: vanban extract [OPTIONS] FILE|DIR|-...\n"
    "       vanban extract [OPTIONS] --files-from LIST\n"
    "       vanban --help | --version\n";

static const char help_text[] =
    "vanban - structured JSON from Vietnamese administrative documents\n"
    "\n"
    "usage: vanban extract [OPTIONS] FILE|DIR|-...\n"
    "       vanban extract [OPTIONS] --files-from LIST\n"
    "\n"
    "Reads each FILE (or standard input for -) and prints one JSON object per\n"
    "document: its header (number, place, date, type, title, issuer), the\n"
    "numbered section tree with headings and byte spans, the cited directives,\n"
    "dates, deadlines, periods and emulation movements, and the closing\n"
    "(recipients, signer).  With several files the output is NDJSON: one line\n"
    "per document, in the order given, whatever -j.\n"
    "\n"
    "Options:\n"
    "  --pretty          indent the JSON (one document: easier to read)\n"
    "  --grammar FILE    use FILE instead of the built-in grammar\n"
    "                    (format: grammars/README.md)\n"
    "Batch mode:\n"
    "  DIR               every *.txt and *.md file under DIR, recursively,\n"
    "                    in name order (hidden files and folders skipped)\n"
    "  --glob PATTERN    which files of a DIR to read instead (repeatable)\n"
    "  --files-from LIST read the file names from LIST, one a line (- for\n"
    "                    standard input)\n"
    "  -j N              N worker threads (default: the number of cores)\n"
    "  --output DIR      write one NAME.json per input under DIR (each\n"
    "                    written whole or not at all) instead of stdout\n"
    "  --progress        documents, MB, docs/s and ETA on stderr (shown\n"
    "                    anyway when stderr is a terminal; --no-progress)\n"
    "  -h, --help        this text\n"
    "  --version         print the version\n"
    "\n"
    "Examples:\n"
    "  vanban extract --pretty samples/ke-hoach-thi-dua-2020-huyen-markdown.txt\n"
    "  vanban extract plans/*.txt > plans.ndjson\n"
    "  cat plan.txt | vanban extract - | jq '.directives[].number'\n"
    "  vanban extract plan.txt | jq '.sections[] | {id, heading}'\n"
    "  vanban extract -j 4 archive/ > archive.ndjson\n"
    "  vanban extract --glob '*.txt' --output out/ archive/\n"
    "  find /srv/docs -name '*.txt' -mtime -1 | vanban extract --files-from - > new.ndjson\n"
    "  vanban extract archive/ | jq -r 'select(.error) | .source'   # what failed\n"
    "\n"
    "Input: UTF-8 (with or without BOM, NFC or NFD, CRLF or LF), UTF-16 with a\n"
    "BOM; OCR text without diacritics is expected.  Every span is a byte range\n"
    "[start, end) of the input as given.  Invalid UTF-8 gives a warning in the\n"
    "output, not an error.\n"
    "\n"
    "A file that cannot be read (missing, binary data) is reported on stderr\n"
    "and the run goes on.  With several inputs (files, a DIR, --files-from)\n"
    "or --output it also gets a record of its own in the output, in its place:\n"
    "  {\"source\": \"archive/x.txt\", \"error\": \"binary data\"}\n"
    "\n"
    "Exit status: 0 all documents extracted; 1 some input could not be read\n"
    "(the other files are still processed); 2 usage error or bad grammar file.\n";

/* ------------------------------------------------------------- inputs */

typedef struct {
    char *path;         /* as given or as found under a DIR; "-" = stdin */
    char *out_name;     /* relative name under --output, NULL without */
    char *error;        /* known before reading (empty DIR), or NULL */
    size_t size;        /* from stat, for the ETA; 0 when unknown */
} input;

typedef struct {
    input *v;
    size_t n, cap;
    const char **globs;
    size_t n_globs;
    bool want_out_names;
    size_t total_bytes;
} input_list;

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        fputs("vanban: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xrealloc(NULL, n), s, n);
}

static char *xasprintf2(const char *a, const char *sep, const char *b)
{
    size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);
    char *p = xrealloc(NULL, na + ns + nb + 1);
    memcpy(p, a, na);
    memcpy(p + na, sep, ns);
    memcpy(p + na + ns, b, nb + 1);
    return p;
}

static input *add_input(input_list *L, const char *path)
{
    if (L->n == L->cap) {
        L->cap = L->cap ? 2 * L->cap : 64;
        L->v = xrealloc(L->v, L->cap * sizeof *L->v);
    }
    input *in = &L->v[L->n++];
    memset(in, 0, sizeof *in);
    in->path = xstrdup(path);
    return in;
}

/* Name under --output for a file given by name: the path itself when it
 * is relative and stays below the current folder (so a/x.txt and b/x.txt
 * do not collide), else its last component. */
static char *out_name_for(const char *path)
{
    if (!strcmp(path, "-"))
        return xstrdup("stdin.json");
    const char *name = path;
    bool below = path[0] != '/';
    for (const char *p = path; below && *p; p++)
        if (p[0] == '.' && p[1] == '.' && (p == path || p[-1] == '/') && (p[2] == '/' || !p[2]))
            below = false;
    if (!below) {
        const char *slash = strrchr(path, '/');
        name = slash ? slash + 1 : path;
    }
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    return xasprintf2(name, "", ".json");
}

static bool glob_ok(const input_list *L, const char *name)
{
    for (size_t i = 0; i < L->n_globs; i++)
        if (fnmatch(L->globs[i], name, 0) == 0)
            return true;
    return false;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the files under dir/rel (rel "" for the top) that match the globs,
 * in name order.  Symbolic links to folders are not followed (no loops);
 * to files they are. */
static void walk(input_list *L, const char *dir, const char *rel, int depth)
{
    char *here = rel[0] ? xasprintf2(dir, "/", rel) : xstrdup(dir);
    DIR *d = opendir(here);
    if (!d) {
        fprintf(stderr, "vanban: %s: %s\n", here, strerror(errno));
        input *in = add_input(L, here);
        in->error = xstrdup(strerror(errno));
        free(here);
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap)
            names = xrealloc(names, (cap = cap ? 2 * cap : 32) * sizeof *names);
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n)     /* qsort wants a non-NULL array even for 0 elements */
        qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        char *sub = rel[0] ? xasprintf2(rel, "/", names[i]) : xstrdup(names[i]);
        char *full = xasprintf2(dir, "/", sub);
        struct stat st;
        if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (depth < 64)
                walk(L, dir, sub, depth + 1);
        } else if (glob_ok(L, names[i]) && stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
            input *in = add_input(L, full);
            in->size = (size_t)st.st_size;
            L->total_bytes += in->size;
            if (L->want_out_names)
                in->out_name = xasprintf2(sub, "", ".json");
        }
        free(sub);
        free(full);
        free(names[i]);
    }
    free(names);
    free(here);
}

/* One argument: a file, "-", or a folder to walk.  True for a folder
 * that gave files (batch mode). */
static bool add_arg(input_list *L, const char *path)
{
    struct stat st;
    if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        size_t before = L->n;
        char *dir = xstrdup(path);
        size_t k = strlen(dir);
        while (k > 1 && dir[k - 1] == '/')
            dir[--k] = 0;
        walk(L, dir, "", 0);
        free(dir);
        if (L->n == before) {
            /* said, rather than silently doing nothing */
            input *in = add_input(L, path);
            in->error = xstrdup("is a directory with no file to read (see --glob)");
            return false;
        }
        return true;
    }
    input *in = add_input(L, path);
    if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        in->size = (size_t)st.st_size;
        L->total_bytes += in->size;
    }
    if (L->want_out_names)
        in->out_name = out_name_for(path);
    return false;
}

static bool add_files_from(input_list *L, const char *list)
{
    FILE *f = strcmp(list, "-") ? fopen(list, "r") : stdin;
    if (!f) {
        fprintf(stderr, "vanban: --files-from %s: %s\n", list, strerror(errno));
        return false;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (n > 0)
            (void)add_arg(L, line);
    }
    free(line);
    bool ok = !ferror(f);
    if (!ok)
        fprintf(stderr, "vanban: --files-from %s: read error\n", list);
    if (f != stdin)
        fclose(f);
    return ok;
}

/* ------------------------------------------------------------- reading */

typedef struct {
    char *v;
    size_t cap;
} buffer;

/* exact: the size is known (a file), else doubling (a pipe) */
static bool reserve(buffer *b, size_t need, bool exact)
{
    if (need <= b->cap)
        return true;
    size_t c = b->cap ? b->cap : 1 << 16;
    while (c < need)
        c *= 2;
    if (exact)
        c = need;
    char *p = realloc(b->v, c);
    if (!p)
        return false;
    b->v = p;
    b->cap = c;
    return true;
}

/* Reads all of fd into b (reused: its capacity only grows); false with
 * errno set on failure. */
static bool read_fd(int fd, size_t hint, buffer *b, size_t *len)
{
    size_t n = 0;
    if (!reserve(b, hint + 1, true)) {
        errno = ENOMEM;
        return false;
    }
    for (;;) {
        if (n == b->cap && !reserve(b, n + 1, false)) {
            errno = ENOMEM;
            return false;
        }
        ssize_t r = read(fd, b->v + n, b->cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *len = n;
    return true;
}

static const char *read_input(const input *in, buffer *b, size_t *len)
{
    if (!strcmp(in->path, "-"))
        return read_fd(STDIN_FILENO, 0, b, len) ? NULL : strerror(errno);
    int fd = open(in->path, O_RDONLY);
    if (fd < 0)
        return strerror(errno);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return strerror(errno);
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return "is a directory";
    }
    bool ok = read_fd(fd, S_ISREG(st.st_mode) ? (size_t)st.st_size : 0, b, len);
    int e = errno;
    close(fd);
    return ok ? NULL : strerror(e);
}

/* ------------------------------------------------------------- workers */

/* A slot holds only a finished document's JSON.  With 2 slots a worker
 * sat idle behind one long document while the writer waited for it (-j2
 * used 1.84 of 2 cores on the corpus); with 16 it uses 1.96. */
enum { RING_PER_WORKER = 16 };

typedef struct {
    char *json;         /* the document, or NULL */
    char *error;        /* why there is no document, or NULL */
    size_t bytes;
    bool done;
} slot;

typedef struct {
    const vb_grammar *g;
    input_list *in;
    unsigned json_flags;
    pthread_mutex_t mu;
    pthread_cond_t ready, space;
    size_t next;        /* next input to take */
    size_t written;     /* inputs the writer is done with */
    slot *ring;
    size_t ring_n;
    bool extractor_failed;
} batch;

static void *worker(void *arg)
{
    batch *B = arg;
    vb_extractor *x = vb_extractor_new(B->g);
    buffer buf = {0};
    for (;;) {
        pthread_mutex_lock(&B->mu);
        while (B->next < B->in->n && B->next >= B->written + B->ring_n)
            pthread_cond_wait(&B->space, &B->mu);
        if (B->next >= B->in->n) {
            pthread_mutex_unlock(&B->mu);
            break;
        }
        size_t i = B->next++;
        pthread_mutex_unlock(&B->mu);

        const input *in = &B->in->v[i];
        slot r = {0};
        size_t len = 0;
        const char *why = in->error;
        if (!x)
            why = "could not set up the extractor";
        if (!why)
            why = read_input(in, &buf, &len);
        if (!why) {
            r.bytes = len;
            const char *xerr = NULL;
            vb_document *doc = vb_extract(x, strcmp(in->path, "-") ? in->path : "<stdin>",
                                          buf.v, len, &xerr);
            if (!doc)
                why = xerr ? xerr : "extraction failed";
            else if (!(r.json = vb_document_to_json(doc, B->json_flags)))
                why = "out of memory";
            vb_document_free(doc);
        }
        if (why)
            r.error = xstrdup(why);
        r.done = true;

        pthread_mutex_lock(&B->mu);
        if (!x)
            B->extractor_failed = true;
        B->ring[i % B->ring_n] = r;
        pthread_cond_broadcast(&B->ready);
        pthread_mutex_unlock(&B->mu);
    }
    free(buf.v);
    vb_extractor_free(x);
    return NULL;
}

/* --------------------------------------------------------------- output */

/* JSON string of s (escapes per RFC 8259; bytes >= 0x80 passed through). */
static void put_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void put_error_record(FILE *f, const char *source, const char *error)
{
    fputs("{\"source\":", f);
    put_json_string(f, source);
    fputs(",\"error\":", f);
    put_json_string(f, error);
    fputs("}\n", f);
}

static bool make_parents(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return false;
        }
        *s = '/';
    }
    free(p);
    return true;
}

/* Writes one output file whole or not at all: a temporary file beside it,
 * then rename (atomic on POSIX file systems).  Returns NULL or why not. */
static const char *write_atomically(const char *dir, const char *name, const char *json,
                                    const char *source, const char *error)
{
    char *path = xasprintf2(dir, "/", name);
    char *tmp = xasprintf2(path, "", ".tmp.XXXXXX");
    const char *why = NULL;
    int fd = -1;
    FILE *f = NULL;
    mode_t um = umask(0);   /* only the writer thread touches the umask */
    umask(um);
    if (!make_parents(path) || (fd = mkstemp(tmp)) < 0 || fchmod(fd, 0666 & ~um) != 0 ||
        !(f = fdopen(fd, "w"))) {
        why = strerror(errno);
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        goto out;
    }
    if (json) {
        fputs(json, f);
        fputc('\n', f);
    } else {
        put_error_record(f, source, error);
    }
    bool ok = fflush(f) == 0 && !ferror(f);
    int e = errno;
    if (fclose(f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (!ok || rename(tmp, path) != 0) {
        why = strerror(ok ? errno : e);
        unlink(tmp);
    }
out:
    free(tmp);
    free(path);
    return why;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct {
    bool on, tty;
    double start, last;
    size_t docs, bytes;
} progress;

static void show_progress(progress *P, const input_list *L, bool final)
{
    if (!P->on)
        return;
    double t = now();
    if (!final && t - P->last < (P->tty ? 0.25 : 2.0))
        return;
    P->last = t;
    double el = t - P->start > 1e-6 ? t - P->start : 1e-6;
    double mb = (double)P->bytes / 1e6, rate = (double)P->docs / el;
    char eta[32] = "?";
    double left = -1;
    if (L->total_bytes && P->bytes)
        left = el * (double)(L->total_bytes > P->bytes ? L->total_bytes - P->bytes : 0) / (double)P->bytes;
    else if (P->docs)
        left = el * (double)(L->n - P->docs) / (double)P->docs;
    if (final)
        snprintf(eta, sizeof eta, "done in %.1fs", el);
    else if (left >= 0)
        snprintf(eta, sizeof eta, "ETA %d:%02d", (int)(left / 60), (int)left % 60);
    fprintf(stderr, "%s%zu/%zu docs, %.1f MB, %.0f docs/s, %.1f MB/s, %s%s",
            P->tty ? "\r" : "", P->docs, L->n, mb, rate, mb / el, eta,
            P->tty ? (final ? "\n" : "\033[K") : "\n");
    fflush(stderr);
}

/* ------------------------------------------------------------- command */

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vanban: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", usage_text);
    return 2;
}

static long parse_jobs(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 1024)
        return -1;
    return v;
}

static int cmd_extract(int argc, char **argv)
{
    unsigned flags = 0;
    const char **args = xrealloc(NULL, ((size_t)argc + 1) * sizeof *args);
    const char **globs = xrealloc(NULL, ((size_t)argc + 2) * sizeof *globs);
    const char *grammar = NULL, *files_from = NULL, *out_dir = NULL;
    size_t n_args = 0, n_globs = 0;
    long jobs = 0;
    int show = -1;      /* --progress / --no-progress / default */
    int status = 0;
    bool opts_done = false, batch_mode = false;
    input_list L = {0};
    vb_grammar *g = NULL;

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        /* options that take a value: "--opt VALUE", "--opt=VALUE", "-jN" */
        const char *val = NULL;
        static const char *const with_value[] = {"--grammar", "--glob", "--files-from", "--output", "-j", "--jobs"};
        int k = -1;
        for (int w = 0; !opts_done && w < 6 && k < 0; w++) {
            size_t n = strlen(with_value[w]);
            if (!strncmp(a, with_value[w], n) && (a[n] == 0 || a[n] == '=' || (w == 4 && a[n] >= '0' && a[n] <= '9'))) {
                k = w;
                if (a[n] == '=')
                    val = a + n + 1;
                else if (a[n])
                    val = a + n;
                else if (i + 1 < argc)
                    val = argv[++i];
                else {
                    status = usage_error("%s needs a value", with_value[w]);
                    goto out;
                }
            }
        }
        if (k == 0) {
            if (grammar) {
                status = usage_error("only one --grammar FILE is supported");
                goto out;
            }
            grammar = val;
        } else if (k == 1) {
            globs[n_globs++] = val;
        } else if (k == 2) {
            files_from = val;
            batch_mode = true;
        } else if (k == 3) {
            out_dir = val;
            batch_mode = true;
        } else if (k == 4 || k == 5) {
            if ((jobs = parse_jobs(val)) < 0) {
                status = usage_error("-j wants a number of threads from 1 to 1024, not '%s'", val);
                goto out;
            }
        } else if (!opts_done && !strcmp(a, "--")) {
            opts_done = true;
        } else if (!opts_done && !strcmp(a, "--pretty")) {
            flags |= VB_JSON_PRETTY;
        } else if (!opts_done && !strcmp(a, "--progress")) {
            show = 1;
        } else if (!opts_done && !strcmp(a, "--no-progress")) {
            show = 0;
        } else if (!opts_done && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
            fputs(help_text, stdout);
            goto out;
        } else if (!opts_done && a[0] == '-' && a[1]) {
            status = usage_error("unknown option '%s'", a);
            goto out;
        } else {
            args[n_args++] = a;
        }
    }
    if (!n_args && !files_from) {
        status = usage_error("no input files (use - for standard input)");
        goto out;
    }
    /* standard input can be read once: workers run at the same time */
    size_t n_stdin = files_from && !strcmp(files_from, "-");
    for (size_t i = 0; i < n_args; i++)
        n_stdin += !strcmp(args[i], "-");
    if (n_stdin > 1) {
        status = usage_error("standard input (-) can be read only once");
        goto out;
    }
    if (out_dir && mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "vanban: --output %s: %s\n", out_dir, strerror(errno));
        status = 2;
        goto out;
    }

    char err[1024];
    g = grammar ? vb_grammar_load_file(grammar, err, sizeof err) : vb_grammar_load_default(err, sizeof err);
    if (!g) {
        fprintf(stderr, "vanban: %s\n", err);
        status = 2;
        goto out;
    }
    /* One extractor up front: a grammar the stages cannot use is a usage
     * error (2), said once, before any thread starts. */
    vb_extractor *probe = vb_extractor_new(g);
    if (!probe) {
        status = 2;
        goto out;
    }
    vb_extractor_free(probe);

    if (!n_globs) {
        globs[n_globs++] = "*.txt";
        globs[n_globs++] = "*.md";
    }
    L.globs = globs;
    L.n_globs = n_globs;
    L.want_out_names = out_dir != NULL;
    /* several inputs give NDJSON: a failed one keeps its place in it */
    if (n_args > 1)
        batch_mode = true;
    for (size_t i = 0; i < n_args; i++)
        if (add_arg(&L, args[i]))
            batch_mode = true;
    if (files_from && !add_files_from(&L, files_from))
        status = 1;

    batch B = {.g = g, .in = &L};
    /* several documents on stdout: one line each, so never pretty */
    B.json_flags = (L.n > 1 && !out_dir) ? 0 : flags;
    if (!jobs) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = c > 0 ? c : 1;
    }
    if ((size_t)jobs > L.n)
        jobs = L.n ? (long)L.n : 1;
    B.ring_n = (size_t)jobs * RING_PER_WORKER;
    B.ring = xrealloc(NULL, B.ring_n * sizeof *B.ring);
    memset(B.ring, 0, B.ring_n * sizeof *B.ring);
    pthread_mutex_init(&B.mu, NULL);
    pthread_cond_init(&B.ready, NULL);
    pthread_cond_init(&B.space, NULL);
    pthread_t *tids = xrealloc(NULL, (size_t)jobs * sizeof *tids);
    long started = 0;
    for (; started < jobs; started++)
        if (pthread_create(&tids[started], NULL, worker, &B) != 0)
            break;
    if (!started) {
        fprintf(stderr, "vanban: cannot start a thread: %s\n", strerror(errno));
        status = 1;
    }

    progress P = {.tty = isatty(STDERR_FILENO) != 0};
    P.on = show == 1 || (show == -1 && P.tty);
    P.start = P.last = now();
    bool write_failed = false;
    for (size_t w = 0; started && w < L.n; w++) {
        pthread_mutex_lock(&B.mu);
        slot *s = &B.ring[w % B.ring_n];
        while (!s->done)
            pthread_cond_wait(&B.ready, &B.mu);
        slot r = *s;
        memset(s, 0, sizeof *s);
        B.written = w + 1;
        pthread_cond_broadcast(&B.space);
        pthread_mutex_unlock(&B.mu);

        const input *in = &L.v[w];
        if (r.error) {
            fprintf(stderr, "%svanban: %s: %s\n", P.on && P.tty ? "\r\033[K" : "", in->path, r.error);
            status = 1;
        }
        if (out_dir) {
            if (r.json || (r.error && in->out_name)) {
                const char *why = write_atomically(out_dir, in->out_name, r.json, in->path, r.error);
                if (why) {
                    fprintf(stderr, "vanban: %s/%s: %s\n", out_dir, in->out_name, why);
                    status = 1;
                }
            }
        } else if (r.json && !write_failed) {
            fputs(r.json, stdout);
            fputc('\n', stdout);
        } else if (r.error && batch_mode && !write_failed) {
            put_error_record(stdout, in->path, r.error);
        }
        if (!out_dir && !write_failed && ferror(stdout)) {
            write_failed = true;   /* keep draining the workers, write no more */
        }
        P.docs++;
        P.bytes += r.bytes;
        free(r.json);
        free(r.error);
        show_progress(&P, &L, false);
    }
    for (long t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    if (started && L.n)
        show_progress(&P, &L, true);
    free(tids);
    free(B.ring);
    pthread_mutex_destroy(&B.mu);
    pthread_cond_destroy(&B.ready);
    pthread_cond_destroy(&B.space);
    if (B.extractor_failed)
        status = 2;
    if (fflush(stdout) != 0 || ferror(stdout) || write_failed) {
        fprintf(stderr, "vanban: error writing output: %s\n", strerror(errno ? errno : EIO));
        status = status == 2 ? 2 : 1;
    }
out:
    for (size_t i = 0; i < L.n; i++) {
        free(L.v[i].path);
        free(L.v[i].out_name);
        free(L.v[i].error);
    }
    free(L.v);
    vb_grammar_free(g);
    free(args);
    free(globs);
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
