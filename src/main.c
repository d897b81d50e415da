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
 *
 * Nothing is lost silently: every input named gets a document or an error
 * record, what a folder walk skips is said on stderr and counted, every
 * write is checked, and two inputs never share an --output file.
 */
/* d_type and DT_* of <dirent.h> (glibc, musl, the BSDs): they spare a
 * stat per file on large folders; without them every entry is stat'ed. */
#define _DEFAULT_SOURCE 1
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vanban.h"

#ifdef DT_UNKNOWN
#define ENTRY_IS_REG(e) ((e)->d_type == DT_REG)
#define ENTRY_IS_DIR(e) ((e)->d_type == DT_DIR)
#define ENTRY_TYPE_KNOWN(e) ((e)->d_type != DT_UNKNOWN)
#else
#define ENTRY_IS_REG(e) 0
#define ENTRY_IS_DIR(e) 0
#define ENTRY_TYPE_KNOWN(e) 0
#endif

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
    "                    (format: grammars/README.md; at most 16M)\n"
    "  --max-filesize SIZE  inputs larger than SIZE bytes (suffix K, M or G)\n"
    "                    get an error record instead of being read\n"
    "                    (default 256M, at most 4G)\n"
    "Batch mode:\n"
    "  DIR               every *.txt and *.md file under DIR, recursively at\n"
    "                    any depth, in name order (hidden files and folders\n"
    "                    skipped; FIFOs, devices, symbolic links to folders\n"
    "                    and the output itself skipped with a message)\n"
    "  --glob PATTERN    which files of a DIR to read instead (repeatable)\n"
    "  --files-from LIST read the file names from LIST, one a line (- for\n"
    "                    standard input)\n"
    "  -0, --null        names in LIST end with a NUL byte, not a line break\n"
    "                    (find -print0); without it a NUL in LIST is an error\n"
    "  -j N              N worker threads (default: the number of cores)\n"
    "  --output DIR      write one NAME.json per input under DIR (each\n"
    "                    written whole or not at all) instead of stdout:\n"
    "                    a/x.txt -> DIR/a/x.txt.json, /abs/x.txt ->\n"
    "                    DIR/_abs/abs/x.txt.json, ../x.txt -> DIR/__/x.txt.json,\n"
    "                    a file under a DIR argument -> its path below DIR;\n"
    "                    two inputs with one output name: error, nothing written\n"
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
    "  find /srv/docs -name '*.txt' -mtime -1 -print0 | vanban extract -0 --files-from - > new.ndjson\n"
    "  vanban extract archive/ | jq -r 'select(.error) | .source'   # what failed\n"
    "\n"
    "Input: UTF-8 (with or without BOM, NFC or NFD, CRLF or LF), UTF-16 with a\n"
    "BOM; OCR text without diacritics is expected.  Every span is a byte range\n"
    "[start, end) of the input as given.  Invalid UTF-8 gives a warning in the\n"
    "output, not an error.  In \"source\" and error records, bytes of a file\n"
    "name that are not UTF-8 are written as U+FFFD.\n"
    "\n"
    "A file that cannot be read (missing, binary data, too large, a FIFO in a\n"
    "DIR or LIST) is reported on stderr and the run goes on.  With several\n"
    "inputs (files, a DIR, --files-from) or --output it also gets a record of\n"
    "its own in the output, in its place:\n"
    "  {\"source\": \"archive/x.txt\", \"error\": \"binary data\"}\n"
    "\n"
    "Exit status: 0 all documents extracted; 1 some input could not be read\n"
    "(the other files are still processed) or a write failed; 2 usage error,\n"
    "bad grammar file or bad list; 141 the reader of the output went away\n"
    "(vanban extract DIR | head): the run stops there, without a message.\n";

/* ------------------------------------------------------- signal state */

/* The only mutable state outside a function's frame (the library has
 * none): the temporary file the writer has open under --output, so that
 * SIGINT, SIGTERM and SIGHUP remove it before the process dies.  There is
 * one writer thread, so at most one such file.  tmp_live is set after
 * tmp_path is complete and cleared before it changes (signal fences keep
 * the compiler from reordering the two); the workers block these signals,
 * so the handler runs in the writer thread, between two of its steps. */
static char tmp_path[PATH_MAX + 64];
static volatile sig_atomic_t tmp_live;

/* What every temporary output file's name ends with, then the pid: the
 * start-of-run sweep removes only names of this shape whose pid is dead. */
#define TMP_MARK ".vanban-tmp."

static void on_fatal_signal(int sig)
{
    if (tmp_live)
        unlink(tmp_path);
    /* SA_RESETHAND restored the default action; it runs on return */
    raise(sig);
}

static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void setup_signals(void)
{
    const int *fatal = fatal_signals;
    for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++) {
        struct sigaction old;
        /* a signal ignored by whoever started us (nohup, `cmd &`) stays so */
        if (sigaction(fatal[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sa.sa_flags = SA_RESETHAND;
        sigemptyset(&sa.sa_mask);
        sigaction(fatal[i], &sa, NULL);
    }
    /* A write to a closed pipe gives EPIPE, which stops the run (status
     * 141), and one past `ulimit -f` gives EFBIG, an error for that
     * output: neither kills the process half way through a file. */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);
}

/* ------------------------------------------------------------- memory */

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

/* A growing string (JSON of error records, output names). */
typedef struct {
    char *v;
    size_t n, cap;
} strbuf;

static void sb_put(strbuf *s, const char *p, size_t n)
{
    if (s->n + n + 1 > s->cap) {
        s->cap = s->cap ? s->cap : 64;
        while (s->n + n + 1 > s->cap)
            s->cap *= 2;
        s->v = xrealloc(s->v, s->cap);
    }
    memcpy(s->v + s->n, p, n);
    s->n += n;
    s->v[s->n] = 0;
}

static void sb_puts(strbuf *s, const char *p)
{
    sb_put(s, p, strlen(p));
}

/* ---------------------------------------------------------- UTF-8 names */

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        return (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        unsigned lo = p[0] == 0xE0 ? 0xA0 : 0x80, hi = p[0] == 0xED ? 0x9F : 0xBF;
        return p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        unsigned lo = p[0] == 0xF0 ? 0x90 : 0x80, hi = p[0] == 0xF4 ? 0x8F : 0xBF;
        return p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80 ? 4 : 0;
    }
    return 0;
}

/* A file name as valid UTF-8 for the JSON: every byte that is not part of
 * a valid sequence becomes U+FFFD (names are bytes on Unix; JSON text must
 * be Unicode).  Malloc'ed. */
static char *utf8_name(const char *s)
{
    strbuf b = {0};
    sb_put(&b, "", 0);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t k = utf8_seq(p);
        if (k) {
            sb_put(&b, (const char *)p, k);
            p += k;
        } else {
            sb_put(&b, "\xEF\xBF\xBD", 3);
            p++;
        }
    }
    return b.v;
}

/* JSON string of s (RFC 8259 escapes; invalid UTF-8 as U+FFFD). */
static void sb_json_string(strbuf *b, const char *s)
{
    char *u = utf8_name(s);
    sb_put(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)u; *p; p++) {
        char esc[8];
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            sb_put(b, esc, 2);
        } else if (*p < 0x20 || *p == 0x7F) {
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            sb_put(b, esc, 6);
        } else {
            sb_put(b, (const char *)p, 1);
        }
    }
    sb_put(b, "\"", 1);
    free(u);
}

static char *error_record(const char *source, const char *error)
{
    strbuf b = {0};
    sb_puts(&b, "{\"source\":");
    sb_json_string(&b, source);
    sb_puts(&b, ",\"error\":");
    sb_json_string(&b, error);
    sb_puts(&b, "}\n");
    return b.v;
}

/* ------------------------------------------------------------- inputs */

typedef struct {
    dev_t dev;
    ino_t ino;
} file_id;

typedef struct {
    char *path;         /* as given or as found under a DIR; "-" = stdin */
    char *out_name;     /* relative name under --output, NULL without */
    char *error;        /* known before reading (empty DIR), or NULL */
    size_t size;        /* from stat, for the ETA; 0 when unknown */
    bool named;         /* on the command line: a FIFO or device is read */
} input;

typedef struct {
    input *v;
    size_t n, cap;
    const char **globs;
    size_t n_globs;
    bool want_out_names;
    size_t total_bytes;
    size_t skipped;             /* entries of DIR walks not read */
    bool stdout_is_file;        /* our own output, never an input */
    file_id stdout_id;
    bool have_out_dir;
    file_id out_dir_id;
    file_id *chain;             /* folders being walked, for loops */
    size_t depth, chain_cap;
} input_list;

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

/* Name under --output for a file given by name (README, "Batch mode"):
 * its path with "." components and repeated slashes dropped, ".."
 * components written "__", and an absolute path put below "_abs", so
 * that different paths give different names; "-" gives stdin.json. */
static char *out_name_for(const char *path)
{
    if (!strcmp(path, "-"))
        return xstrdup("stdin.json");
    strbuf b = {0};
    if (path[0] == '/')
        sb_puts(&b, "_abs");
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n && !(n == 1 && p[0] == '.')) {
            if (b.n)
                sb_put(&b, "/", 1);
            if (n == 2 && p[0] == '.' && p[1] == '.')
                sb_put(&b, "__", 2);
            else
                sb_put(&b, p, n);
        }
        p += n;
    }
    if (!b.n)
        sb_puts(&b, "_");
    sb_puts(&b, ".json");
    return b.v;
}

static bool glob_ok(const input_list *L, const char *name)
{
    for (size_t i = 0; i < L->n_globs; i++)
        if (fnmatch(L->globs[i], name, 0) == 0)
            return true;
    return false;
}

static const char *kind_of(mode_t m)
{
    return S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : S_ISCHR(m) ? "a character device"
         : S_ISBLK(m) ? "a block device" : S_ISDIR(m) ? "a directory" : "not a regular file";
}

static void skip(input_list *L, const char *path, const char *why)
{
    fprintf(stderr, "vanban: %s: skipped: %s\n", path, why);
    L->skipped++;
}

static bool same_file(const struct stat *st, file_id id)
{
    return st->st_dev == id.dev && st->st_ino == id.ino;
}

typedef struct {
    char *name;
    struct stat st;
    enum { E_OTHER, E_DIR, E_REG } type;
} entry;

static int cmp_entries(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

/* Adds the files under dir/rel (rel "" for the top) that match the globs,
 * in name order, at any depth (recursion keeps no descriptor open; the
 * depth is bounded only by PATH_MAX, past which open says so).  Symbolic
 * links to folders are not followed; to files they are.  What is not
 * read is said on stderr and counted in L->skipped. */
static void walk(input_list *L, const char *dir, const char *rel)
{
    char *here = rel[0] ? xasprintf2(dir, "/", rel) : xstrdup(dir);
    int fd = open(here, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY | (rel[0] ? O_NOFOLLOW : 0));
    struct stat dst;
    DIR *d = NULL;
    if (fd < 0 || fstat(fd, &dst) != 0 || !(d = fdopendir(fd))) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        /* a folder that cannot be read is an input lost: a record too */
        skip(L, here, strerror(e));
        input *in = add_input(L, here);
        in->error = xstrdup(strerror(e));
        free(here);
        return;
    }
    for (size_t i = 0; i < L->depth; i++)
        if (same_file(&dst, L->chain[i])) {
            closedir(d);
            skip(L, here, "a folder loop (this folder is one of its own parents)");
            free(here);
            return;
        }
    if (L->depth == L->chain_cap)
        L->chain = xrealloc(L->chain, (L->chain_cap = L->chain_cap ? 2 * L->chain_cap : 64) * sizeof *L->chain);
    L->chain[L->depth++] = (file_id){dst.st_dev, dst.st_ino};

    entry *v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((errno = 0, e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        bool want = glob_ok(L, e->d_name);
        /* d_type spares a stat for the files the globs do not want */
        if (ENTRY_IS_REG(e) && !want)
            continue;
        if (n == cap)
            v = xrealloc(v, (cap = cap ? 2 * cap : 32) * sizeof *v);
        entry *x = &v[n];
        memset(x, 0, sizeof *x);
        x->type = E_OTHER;
        if (fstatat(dirfd(d), e->d_name, &x->st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (want) {
                char *full = xasprintf2(here, "/", e->d_name);
                skip(L, full, strerror(errno));
                free(full);
            }
            continue;
        }
        if (S_ISLNK(x->st.st_mode)) {
            struct stat t;
            char *full = xasprintf2(here, "/", e->d_name);
            if (fstatat(dirfd(d), e->d_name, &t, 0) != 0) {
                if (want)
                    skip(L, full, "a symbolic link to nothing");
                free(full);
                continue;
            }
            if (S_ISDIR(t.st_mode)) {
                skip(L, full, "a symbolic link to a folder, not followed");
                free(full);
                continue;
            }
            free(full);
            x->st = t;
        }
        if (S_ISDIR(x->st.st_mode))
            x->type = E_DIR;
        else if (!want)
            continue;
        else if (S_ISREG(x->st.st_mode))
            x->type = E_REG;
        x->name = xstrdup(e->d_name);
        n++;
    }
    if (errno) {
        skip(L, here, strerror(errno));
        input *in = add_input(L, here);
        in->error = xstrdup(strerror(errno));
    }
    closedir(d);
    if (n)     /* qsort wants a non-NULL array even for 0 elements */
        qsort(v, n, sizeof *v, cmp_entries);
    for (size_t i = 0; i < n; i++) {
        char *sub = rel[0] ? xasprintf2(rel, "/", v[i].name) : xstrdup(v[i].name);
        char *full = xasprintf2(dir, "/", sub);
        const struct stat *st = &v[i].st;
        if (v[i].type == E_DIR) {
            if (L->have_out_dir && same_file(st, L->out_dir_id))
                skip(L, full, "the --output folder of this run");
            else
                walk(L, dir, sub);
        } else if (v[i].type == E_REG) {
            if (L->stdout_is_file && same_file(st, L->stdout_id)) {
                skip(L, full, "the output of this run (standard output)");
            } else {
                input *in = add_input(L, full);
                in->size = (size_t)st->st_size;
                L->total_bytes += in->size;
                if (L->want_out_names)
                    in->out_name = xasprintf2(sub, "", ".json");
            }
        } else {
            char why[64];
            snprintf(why, sizeof why, "%s, not a regular file", kind_of(st->st_mode));
            skip(L, full, why);
        }
        free(sub);
        free(full);
        free(v[i].name);
    }
    free(v);
    free(here);
    L->depth--;
}

/* One argument or list entry: a file, "-", or a folder to walk.  True
 * for a folder that gave files (batch mode). */
static bool add_arg(input_list *L, const char *path, bool named)
{
    struct stat st;
    if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        size_t before = L->n;
        char *dir = xstrdup(path);
        size_t k = strlen(dir);
        while (k > 1 && dir[k - 1] == '/')
            dir[--k] = 0;
        walk(L, dir, "");
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
    in->named = named;
    if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        in->size = (size_t)st.st_size;
        L->total_bytes += in->size;
    }
    if (L->want_out_names)
        in->out_name = out_name_for(path);
    return false;
}

/* A list longer than this per name is no list of file names (PATH_MAX is
 * 4096 on Linux): an error rather than a line read into all memory. */
enum { LIST_NAME_MAX = 1 << 16 };

/* Reads the names of a --files-from LIST, separated by a line break (a
 * CR before it dropped, empty lines skipped) or with nul by a NUL byte
 * (taken as they are).  Returns 0, 1 (read error) or 2 (not a list). */
static int add_files_from(input_list *L, const char *list, bool nul)
{
    FILE *f = strcmp(list, "-") ? fopen(list, "r") : stdin;
    if (!f) {
        fprintf(stderr, "vanban: --files-from %s: %s\n", list, strerror(errno));
        return 1;
    }
    int status = 0;
    char *name = xrealloc(NULL, LIST_NAME_MAX + 1);
    size_t n = 0, entry_no = 1;
    int c;
    for (;;) {
        c = getc(f);
        if (c != EOF && c != (nul ? 0 : '\n')) {
            if (c == 0) {
                fprintf(stderr, "vanban: --files-from %s: line %zu has a NUL byte: a list of names "
                        "separated by NUL bytes (find -print0) needs -0 (--null)\n", list, entry_no);
                status = 2;
                break;
            }
            if (n == LIST_NAME_MAX) {
                fprintf(stderr, "vanban: --files-from %s: %s %zu is longer than %d bytes: not a list of "
                        "file names\n", list, nul ? "name" : "line", entry_no, LIST_NAME_MAX);
                status = 2;
                break;
            }
            name[n++] = (char)c;
            continue;
        }
        if (c == EOF && n == 0)
            break;
        if (!nul)
            while (n > 0 && name[n - 1] == '\r')
                n--;
        name[n] = 0;
        if (n > 0) {
            (void)add_arg(L, name, false);
        } else if (nul) {
            /* find -print0 never writes one: likely not a list at all */
            fprintf(stderr, "vanban: --files-from %s: name %zu is empty\n", list, entry_no);
            status = 2;
            break;
        }
        n = 0;
        entry_no++;
        if (c == EOF)
            break;
    }
    free(name);
    if (!status && ferror(f)) {
        fprintf(stderr, "vanban: --files-from %s: read error\n", list);
        status = 1;
    }
    if (f != stdin)
        fclose(f);
    return status;
}

/* Inputs that would be written to one --output file: an error (2) before
 * anything is written.  The same file named twice is no collision. */
static int cmp_out_names(const void *a, const void *b)
{
    const input *x = *(input *const *)a, *y = *(input *const *)b;
    return strcmp(x->out_name, y->out_name);
}

static bool check_out_names(const input_list *L, const char *out_dir)
{
    input **v = xrealloc(NULL, L->n * sizeof *v);
    size_t n = 0, clashes = 0;
    for (size_t i = 0; i < L->n; i++)
        if (L->v[i].out_name)
            v[n++] = &L->v[i];
    if (n)
        qsort(v, n, sizeof *v, cmp_out_names);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(v[i - 1]->out_name, v[i]->out_name))
            continue;
        if (!strcmp(v[i - 1]->path, v[i]->path))
            continue;
        struct stat a, b;
        if (stat(v[i - 1]->path, &a) == 0 && stat(v[i]->path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino)
            continue;
        if (clashes++ < 10)
            fprintf(stderr, "vanban: --output: %s and %s would both be written to %s/%s\n",
                    v[i - 1]->path, v[i]->path, out_dir, v[i]->out_name);
    }
    if (clashes > 10)
        fprintf(stderr, "vanban: --output: ... and %zu more\n", clashes - 10);
    if (clashes)
        fprintf(stderr, "vanban: --output: nothing written; give each folder its own --output, "
                "or name the files by paths that differ\n");
    free(v);
    return clashes == 0;
}

/* ------------------------------------------------------------- reading */

/* The default --max-filesize: far above any real document (the corpus's
 * largest is some 2 MB), far below what would exhaust memory. */
#define DEFAULT_MAX_FILESIZE ((size_t)256 << 20)
/* The library reads at most 4 GiB (32-bit offsets). */
#define LIBRARY_MAX ((size_t)UINT32_MAX - 8)
/* A --grammar file: the library's limit (vanban.h). */
#define GRAMMAR_MAX VB_GRAMMAR_MAX_SIZE

typedef struct {
    char *v;
    size_t cap;
} buffer;

/* Reads fd into b (reused: its capacity only grows), at most max bytes:
 * 0, -1 when there are more than max, or an errno. */
static int read_fd(int fd, size_t hint, size_t max, buffer *b, size_t *len)
{
    size_t n = 0;
    size_t first = (hint < max ? hint : max) + 1;
    if (first > b->cap) {
        char *p = realloc(b->v, first);
        if (!p)
            return ENOMEM;
        b->v = p;
        b->cap = first;
    }
    for (;;) {
        if (n > max)
            return -1;
        if (n == b->cap) {
            /* doubling (a pipe: the size is unknown), never past max + 1 */
            size_t c = b->cap < (max + 1) / 2 ? 2 * b->cap : max + 1;
            if (c < 65536 && max + 1 >= 65536)
                c = 65536;
            char *p = realloc(b->v, c);
            if (!p)
                return ENOMEM;
            b->v = p;
            b->cap = c;
        }
        size_t want = b->cap - n;
        if (want > max + 1 - n)
            want = max + 1 - n;
        ssize_t r = read(fd, b->v + n, want);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *len = n;
    return 0;
}

/* "256M" for a size that is a whole number of K, M or G, else bytes. */
static void format_size(char *out, size_t n, size_t v)
{
    static const char units[] = "GMK";
    for (int i = 0; i < 3; i++) {
        size_t u = (size_t)1 << (10 * (3 - i));
        if (v >= u && v % u == 0) {
            snprintf(out, n, "%zu%c", v / u, units[i]);
            return;
        }
    }
    snprintf(out, n, "%zu bytes", v);
}

static const char *too_large(char *msg, size_t msg_size, size_t max, long long size)
{
    char lim[32];
    format_size(lim, sizeof lim, max);
    if (size >= 0)
        snprintf(msg, msg_size, "larger than --max-filesize %s (%lld bytes)", lim, size);
    else
        snprintf(msg, msg_size, "larger than --max-filesize %s", lim);
    return msg;
}

typedef struct {
    size_t max_filesize;
    bool stdout_is_file;
    file_id stdout_id;
} read_opts;

/* Reads one input whole into b.  Returns NULL, or why not (in msg or a
 * static string).  Only a file named on the command line is opened in
 * blocking mode: a FIFO or device found in a DIR or LIST gets an error,
 * it cannot stall the batch; a named one is read up to the cap. */
static const char *read_input(const read_opts *o, const input *in, buffer *b, size_t *len,
                              char *msg, size_t msg_size)
{
    bool is_stdin = !strcmp(in->path, "-");
    int fd = is_stdin ? STDIN_FILENO
                      : open(in->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (in->named ? 0 : O_NONBLOCK));
    if (fd < 0)
        return strerror(errno);
    const char *why = NULL;
    struct stat st;
    int e;
    if (fstat(fd, &st) != 0) {
        why = strerror(errno);
    } else if (S_ISDIR(st.st_mode)) {
        why = "is a directory";
    } else if (!S_ISREG(st.st_mode) && !in->named && !is_stdin) {
        snprintf(msg, msg_size, "%s, not a regular file: not read (name it on the command line to read it)",
                 kind_of(st.st_mode));
        why = msg;
    } else if (S_ISREG(st.st_mode) && o->stdout_is_file && same_file(&st, o->stdout_id)) {
        why = "is the output of this run (standard output): not read";
    } else if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > o->max_filesize) {
        why = too_large(msg, msg_size, o->max_filesize, (long long)st.st_size);
    } else if (!in->named && !is_stdin && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        why = strerror(errno);
    } else if ((e = read_fd(fd, S_ISREG(st.st_mode) ? (size_t)st.st_size : 0, o->max_filesize, b, len)) != 0) {
        why = e < 0 ? too_large(msg, msg_size, o->max_filesize, -1) : strerror(e);
    }
    if (!is_stdin)
        close(fd);
    return why;
}

/* A --grammar file, read with a cap (a grammar from /dev/zero or a huge
 * file is an error, not all memory), then compiled. */
static vb_grammar *load_grammar_file(const char *path, char *err, size_t err_size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        snprintf(err, err_size, "%s: %s", path, strerror(errno));
        return NULL;
    }
    buffer b = {0};
    size_t n = 0;
    int e = read_fd(fd, 0, GRAMMAR_MAX, &b, &n);
    close(fd);
    vb_grammar *g = NULL;
    if (e < 0) {
        size_t line = 1;
        for (const char *p = b.v, *end = b.v + GRAMMAR_MAX; (p = memchr(p, '\n', (size_t)(end - p))); p++)
            line++;
        char lim[32];
        format_size(lim, sizeof lim, GRAMMAR_MAX);
        snprintf(err, err_size, "%s:%zu: grammar file larger than %s", path, line, lim);
    } else if (e > 0) {
        snprintf(err, err_size, "%s: %s", path, strerror(e));
    } else {
        g = vb_grammar_load_buffer(path, b.v ? b.v : "", n, err, err_size);
    }
    free(b.v);
    return g;
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
    read_opts ro;
    unsigned json_flags;
    pthread_mutex_t mu;
    pthread_cond_t ready, space;
    size_t next;        /* next input to take */
    size_t end;         /* inputs to take: in->n, less when stopped early */
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
    char msg[256];
    for (;;) {
        pthread_mutex_lock(&B->mu);
        while (B->next < B->end && B->next >= B->written + B->ring_n)
            pthread_cond_wait(&B->space, &B->mu);
        if (B->next >= B->end) {
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
            why = read_input(&B->ro, in, &buf, &len, msg, sizeof msg);
        if (!why) {
            r.bytes = len;
            const char *xerr = NULL;
            char *source = strcmp(in->path, "-") ? utf8_name(in->path) : NULL;
            vb_document *doc = vb_extract(x, source ? source : "<stdin>", buf.v, len, &xerr);
            free(source);
            if (!doc)
                why = xerr ? xerr : "extraction failed";
            else if (!(r.json = vb_document_to_json(doc, B->json_flags)))
                why = "out of memory";
            vb_document_free(doc);
        }
        if (why)
            r.error = xstrdup(why);
        r.done = true;
        /* one large input (or a device read up to the cap) must not keep
         * its buffer for the small ones after it */
        if (buf.cap > ((size_t)64 << 20)) {
            free(buf.v);
            buf = (buffer){0};
        }

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

/* Standard output with the first write error kept (errno of the failed
 * write itself: EPIPE, ENOSPC ...), so the run can stop on it. */
typedef struct {
    int err;
} sink;

static bool out_put(sink *s, const char *p, size_t n)
{
    if (s->err)
        return false;
    errno = 0;
    if (n && fwrite(p, 1, n, stdout) != n) {
        s->err = errno ? errno : EIO;
        return false;
    }
    return true;
}

/* Flushes and closes standard output; returns the status to exit with:
 * 141 (quietly) when the reader went away, at least 1 after a write
 * error, which is said on stderr. */
static int close_stdout(sink *s, int status)
{
    errno = 0;
    if (!s->err && fflush(stdout) != 0)
        s->err = errno ? errno : EIO;
    if (!s->err && ferror(stdout))
        s->err = EIO;
    errno = 0;
    if (fclose(stdout) != 0 && !s->err)
        s->err = errno ? errno : EIO;
    if (s->err == EPIPE)
        return 128 + SIGPIPE;
    if (s->err) {
        fprintf(stderr, "vanban: error writing output: %s\n", strerror(s->err));
        return status > 1 ? status : 1;
    }
    return status;
}

static int make_parents(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            int e = errno;
            free(p);
            return e;
        }
        *s = '/';
    }
    free(p);
    return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* fsync of a file or folder; a file system that cannot (EINVAL) is no
 * error. */
static int sync_fd(int fd)
{
    return fsync(fd) == 0 || errno == EINVAL || errno == ENOTSUP ? 0 : errno;
}

static char *parent_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    size_t k = slash > path ? (size_t)(slash - path) : 1;
    char *dir = xrealloc(NULL, k + 1);
    memcpy(dir, path, k);
    dir[k] = 0;
    return dir;
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int e = sync_fd(fd);
    close(fd);
    return e;
}

/* The renames into one folder are made durable by one fsync of the
 * folder when the writer moves on to another folder, or at the end: a
 * file renamed but not yet synced may be absent after a power loss, never
 * partial (its data was synced before the rename).  One sync per file
 * doubled the time of an --output run on ext4. */
static bool sync_pending(char **pending, const char *next)
{
    if (!*pending || (next && !strcmp(*pending, next)))
        return true;
    int e = sync_dir(*pending);
    if (e)
        fprintf(stderr, "vanban: %s: fsync: %s\n", *pending, strerror(e));
    free(*pending);
    *pending = NULL;
    return e == 0;
}

/* Writes one output file whole or not at all, across a crash or a power
 * loss too: a temporary file beside it (NAME.vanban-tmp.PID, removed by
 * the signal handler if the run is killed, and by the next run's sweep
 * after kill -9), fsync, rename over NAME; the folder's fsync is
 * sync_pending's.  Returns 0 or an errno. */
static int write_atomically(const char *dir, const char *name, const char *data, size_t len)
{
    char *path = xasprintf2(dir, "/", name);
    int e = 0;
    int k = snprintf(NULL, 0, "%s%s%ld", path, TMP_MARK, (long)getpid());
    if (k < 0 || (size_t)k >= sizeof tmp_path) {
        free(path);
        return ENAMETOOLONG;
    }
    if ((e = make_parents(path)) != 0) {
        free(path);
        return e;
    }
    snprintf(tmp_path, sizeof tmp_path, "%s%s%ld", path, TMP_MARK, (long)getpid());
    atomic_signal_fence(memory_order_seq_cst);
    tmp_live = 1;
    int fd = open(tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
    if (fd < 0 && errno == EEXIST) {
        /* our pid: left by a dead process that had it before us */
        unlink(tmp_path);
        fd = open(tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
    }
    if (fd < 0) {
        e = errno;
    } else {
        e = write_all(fd, data, len);
        if (!e)
            e = sync_fd(fd);
        if (close(fd) != 0 && !e)
            e = errno;
        if (!e && rename(tmp_path, path) != 0)
            e = errno;
        if (e)
            unlink(tmp_path);
    }
    atomic_signal_fence(memory_order_seq_cst);
    tmp_live = 0;
    free(path);
    return e;
}

static bool is_stale_tmp(const char *name)
{
    const char *m = strstr(name, TMP_MARK);
    if (!m)
        return false;
    const char *d = m + strlen(TMP_MARK);
    while ((m = strstr(d, TMP_MARK)) != NULL)
        d = m + strlen(TMP_MARK);
    if (!*d || strspn(d, "0123456789") != strlen(d) || strlen(d) > 9)
        return false;
    long pid = atol(d);
    /* ESRCH: no such process; EPERM means one is alive under another user */
    return pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Removes under dir the temporary files of earlier runs that were killed
 * (kill -9, a power loss): only vanban's own name shape, only when their
 * pid is not a live process.  Returns how many. */
static size_t sweep_stale(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t removed = 0;
    struct dirent *e;
    char **subs = NULL;
    size_t n_subs = 0, cap = 0;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        bool is_dir = ENTRY_IS_DIR(e), is_reg = ENTRY_IS_REG(e);
        if (!ENTRY_TYPE_KNOWN(e)) {
            struct stat st;
            if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            is_dir = S_ISDIR(st.st_mode);
            is_reg = S_ISREG(st.st_mode);
        }
        if (is_dir && depth < 4096) {
            if (n_subs == cap)
                subs = xrealloc(subs, (cap = cap ? 2 * cap : 8) * sizeof *subs);
            subs[n_subs++] = xasprintf2(dir, "/", e->d_name);
        } else if (is_reg && is_stale_tmp(e->d_name) && unlinkat(dirfd(d), e->d_name, 0) == 0) {
            removed++;
        }
    }
    closedir(d);
    for (size_t i = 0; i < n_subs; i++) {
        removed += sweep_stale(subs[i], depth + 1);
        free(subs[i]);
    }
    free(subs);
    return removed;
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

/* SIZE for --max-filesize: bytes, or a number with K, M or G (powers of
 * 1024); 0 on a bad value.  Capped at what the library can read. */
static size_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9')
        return 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return 0;
    unsigned shift = 0;
    if (*end) {
        const char *u = strchr("KMG", end[0] & ~0x20);
        if (!u || !end[0])
            return 0;
        shift = 10 * (unsigned)(u - "KMG" + 1);
        end++;
        if ((*end & ~0x20) == 'I')
            end++;
        if ((*end & ~0x20) == 'B')
            end++;
        if (*end)
            return 0;
    }
    if (v > (1ULL << 40) >> shift)
        return LIBRARY_MAX;
    v <<= shift;
    return v > LIBRARY_MAX ? LIBRARY_MAX : (size_t)v;
}

enum { OPT_GRAMMAR, OPT_GLOB, OPT_FILES_FROM, OPT_OUTPUT, OPT_J, OPT_JOBS, OPT_MAX_FILESIZE, N_VALUE_OPTS };

/* Errors of --output that every later file would repeat: the run stops. */
static bool fatal_write_error(int e)
{
#ifdef EDQUOT
    if (e == EDQUOT)
        return true;
#endif
    return e == ENOSPC || e == EROFS || e == EIO;
}

static int cmd_extract(int argc, char **argv, sink *out)
{
    unsigned flags = 0;
    const char **args = xrealloc(NULL, ((size_t)argc + 1) * sizeof *args);
    const char **globs = xrealloc(NULL, ((size_t)argc + 2) * sizeof *globs);
    const char *grammar = NULL, *files_from = NULL, *out_dir = NULL;
    size_t n_args = 0, n_globs = 0;
    size_t max_filesize = DEFAULT_MAX_FILESIZE;
    long jobs = 0;
    int show = -1;      /* --progress / --no-progress / default */
    int status = 0;
    bool opts_done = false, batch_mode = false, nul = false;
    input_list L = {0};
    vb_grammar *g = NULL;

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        /* options that take a value: "--opt VALUE", "--opt=VALUE", "-jN" */
        const char *val = NULL;
        static const char *const with_value[N_VALUE_OPTS] = {
            [OPT_GRAMMAR] = "--grammar", [OPT_GLOB] = "--glob", [OPT_FILES_FROM] = "--files-from",
            [OPT_OUTPUT] = "--output", [OPT_J] = "-j", [OPT_JOBS] = "--jobs",
            [OPT_MAX_FILESIZE] = "--max-filesize",
        };
        int k = -1;
        for (int w = 0; !opts_done && w < N_VALUE_OPTS && k < 0; w++) {
            size_t n = strlen(with_value[w]);
            if (!strncmp(a, with_value[w], n) &&
                (a[n] == 0 || a[n] == '=' || (w == OPT_J && a[n] >= '0' && a[n] <= '9'))) {
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
        if (k == OPT_GRAMMAR) {
            if (grammar) {
                status = usage_error("only one --grammar FILE is supported");
                goto out;
            }
            grammar = val;
        } else if (k == OPT_GLOB) {
            globs[n_globs++] = val;
        } else if (k == OPT_FILES_FROM) {
            files_from = val;
            batch_mode = true;
        } else if (k == OPT_OUTPUT) {
            out_dir = val;
            batch_mode = true;
        } else if (k == OPT_J || k == OPT_JOBS) {
            if ((jobs = parse_jobs(val)) < 0) {
                status = usage_error("-j wants a number of threads from 1 to 1024, not '%s'", val);
                goto out;
            }
        } else if (k == OPT_MAX_FILESIZE) {
            if (!(max_filesize = parse_size(val))) {
                status = usage_error("--max-filesize wants a size such as 1048576, 512K, 256M or 2G, not '%s'", val);
                goto out;
            }
        } else if (!opts_done && !strcmp(a, "--")) {
            opts_done = true;
        } else if (!opts_done && !strcmp(a, "--pretty")) {
            flags |= VB_JSON_PRETTY;
        } else if (!opts_done && (!strcmp(a, "-0") || !strcmp(a, "--null"))) {
            nul = true;
        } else if (!opts_done && !strcmp(a, "--progress")) {
            show = 1;
        } else if (!opts_done && !strcmp(a, "--no-progress")) {
            show = 0;
        } else if (!opts_done && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
            out_put(out, help_text, sizeof help_text - 1);
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
    if (nul && !files_from) {
        status = usage_error("-0 (--null) is for a --files-from LIST");
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
    struct stat st;
    if (out_dir && ((mkdir(out_dir, 0777) != 0 && errno != EEXIST) || stat(out_dir, &st) != 0 ||
                    (!S_ISDIR(st.st_mode) && (errno = ENOTDIR)))) {
        fprintf(stderr, "vanban: --output %s: %s\n", out_dir, strerror(errno));
        status = 2;
        goto out;
    }
    if (out_dir) {
        L.have_out_dir = true;
        L.out_dir_id = (file_id){st.st_dev, st.st_ino};
    }
    if (fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode)) {
        L.stdout_is_file = true;
        L.stdout_id = (file_id){st.st_dev, st.st_ino};
    }

    char err[1024];
    g = grammar ? load_grammar_file(grammar, err, sizeof err) : vb_grammar_load_default(err, sizeof err);
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
        if (add_arg(&L, args[i], true))
            batch_mode = true;
    if (files_from) {
        int s = add_files_from(&L, files_from, nul);
        if (s == 2) {
            status = 2;
            goto out;
        }
        if (s)
            status = 1;
    }
    if (out_dir && !check_out_names(&L, out_dir)) {
        status = 2;
        goto out;
    }
    if (out_dir) {
        size_t swept = sweep_stale(out_dir, 0);
        if (swept)
            fprintf(stderr, "vanban: %s: removed %zu temporary file%s left by an earlier run that was killed\n",
                    out_dir, swept, swept == 1 ? "" : "s");
    }

    batch B = {.g = g, .in = &L, .end = L.n};
    B.ro = (read_opts){max_filesize, L.stdout_is_file, L.stdout_id};
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
    /* The workers block the fatal signals, so their handler runs in this
     * thread, the writer: it never sees tmp_path half rewritten. */
    sigset_t fatal, old_mask;
    sigemptyset(&fatal);
    for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++)
        sigaddset(&fatal, fatal_signals[i]);
    pthread_sigmask(SIG_BLOCK, &fatal, &old_mask);
    for (; started < jobs; started++)
        if (pthread_create(&tids[started], NULL, worker, &B) != 0)
            break;
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    if (!started) {
        fprintf(stderr, "vanban: cannot start a thread: %s\n", strerror(errno));
        status = 1;
    }

    progress P = {.tty = isatty(STDERR_FILENO) != 0};
    P.on = show == 1 || (show == -1 && P.tty);
    P.start = P.last = now();
    int stop = 0;       /* the errno that ended the run early */
    char *synced_later = NULL;  /* the --output folder last written to */
    size_t w = 0;
    for (; started && w < L.n && !stop; w++) {
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
        char *rec = r.error && (batch_mode || out_dir) ? error_record(in->path, r.error) : NULL;
        if (out_dir) {
            if (r.json || (rec && in->out_name)) {
                int e;
                if (r.json) {
                    size_t n = strlen(r.json);
                    r.json[n] = '\n';   /* the NUL's byte: vb_document_to_json's string */
                    e = write_atomically(out_dir, in->out_name, r.json, n + 1);
                } else {
                    e = write_atomically(out_dir, in->out_name, rec, strlen(rec));
                }
                if (e) {
                    fprintf(stderr, "vanban: %s/%s: %s\n", out_dir, in->out_name, strerror(e));
                    status = 1;
                    if (fatal_write_error(e))
                        stop = e;
                } else {
                    char *path = xasprintf2(out_dir, "/", in->out_name);
                    char *parent = parent_of(path);
                    free(path);
                    if (!sync_pending(&synced_later, parent))
                        status = 1;
                    if (!synced_later)
                        synced_later = parent;
                    else
                        free(parent);
                }
            }
        } else {
            if (r.json) {
                out_put(out, r.json, strlen(r.json));
                out_put(out, "\n", 1);
            } else if (rec) {
                out_put(out, rec, strlen(rec));
            }
            stop = out->err;
        }
        free(rec);
        P.docs++;
        P.bytes += r.bytes;
        free(r.json);
        free(r.error);
        show_progress(&P, &L, false);
    }
    if (stop) {
        /* the workers finish what they hold and take nothing more */
        pthread_mutex_lock(&B.mu);
        B.end = B.next;
        pthread_cond_broadcast(&B.space);
        pthread_mutex_unlock(&B.mu);
    }
    if (!sync_pending(&synced_later, NULL))
        status = 1;
    for (long t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    for (size_t i = 0; i < B.ring_n; i++) {
        free(B.ring[i].json);
        free(B.ring[i].error);
    }
    if (started && L.n && !stop)
        show_progress(&P, &L, true);
    if (stop && stop != EPIPE && w < L.n)
        fprintf(stderr, "vanban: stopped after %zu of %zu inputs: %s\n", w, L.n, strerror(stop));
    if (stop)
        status = status > 1 ? status : 1;
    if (L.skipped)
        fprintf(stderr, "vanban: %zu entr%s of the folders given skipped (see above)\n", L.skipped,
                L.skipped == 1 ? "y" : "ies");
    free(tids);
    free(B.ring);
    pthread_mutex_destroy(&B.mu);
    pthread_cond_destroy(&B.ready);
    pthread_cond_destroy(&B.space);
    if (B.extractor_failed)
        status = 2;
out:
    for (size_t i = 0; i < L.n; i++) {
        free(L.v[i].path);
        free(L.v[i].out_name);
        free(L.v[i].error);
    }
    free(L.v);
    free(L.chain);
    vb_grammar_free(g);
    free(args);
    free(globs);
    return status;
}

int main(int argc, char **argv)
{
    sink out = {0};
    int status;
    setup_signals();
    if (argc < 2) {
        fputs(usage_text, stderr);
        status = 2;
    } else if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        out_put(&out, help_text, sizeof help_text - 1);
        status = 0;
    } else if (!strcmp(argv[1], "--version")) {
        static const char version[] = "vanban " VANBAN_VERSION "\n";
        out_put(&out, version, sizeof version - 1);
        status = 0;
    } else if (!strcmp(argv[1], "extract")) {
        status = cmd_extract(argc - 2, argv + 2, &out);
    } else {
        fprintf(stderr, "vanban: unknown command '%s'\n%s", argv[1], usage_text);
        status = 2;
    }
    return close_stdout(&out, status);
}
