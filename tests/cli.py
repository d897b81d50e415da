#!/usr/bin/env python3
"""Command-line behaviour of vanban: options, exit statuses, messages, and
the promise that encoding, line ends and Unicode normalisation of the
input change no record, only the byte offsets of its spans.

usage: tests/cli.py VANBAN VERSION [GRAMMAR.vbg...] [-k NAME]

VERSION is the project version --version must print; the grammar files
are the built-in grammar's, in meson.build's order (a --grammar file made
of them must give the built-in output).  Every vanban run is also checked
for crashes and sanitizer reports.  Prints one line per test and
'N passed, N failed'.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata

import vbtest
from vbtest import Failure


def expect(cond, msg):
    if not cond:
        raise Failure(msg)


class Ctx:
    def __init__(self, vanban, version, grammars, tmp):
        self.vanban, self.version, self.grammars, self.tmp = vanban, version, grammars, tmp
        self.samples = sorted(glob.glob(os.path.join(vbtest.ROOT, "samples", "*.txt")))

    def run(self, *args, stdin=None):
        p = vbtest.run(self.vanban, args, stdin=stdin)
        bad = vbtest.crash_report(p)
        expect(not bad, "vanban %s: %s" % (" ".join(args), bad))
        p.out = p.stdout.decode("utf-8", "replace")
        p.err = p.stderr.decode("utf-8", "replace")
        return p

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    def extract(self, *args, stdin=None):
        """Runs `vanban extract ARGS` expecting exit 0; returns the parsed
        output objects (one per line, or the one pretty object)."""
        p = self.run("extract", *args, stdin=stdin)
        expect(p.returncode == 0, "extract %s: exit %d: %s" % (" ".join(args), p.returncode, p.err))
        return parse_output(p.out)


def parse_output(text):
    text = text.strip()
    if not text:
        return []
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        pass
    out = []
    for i, line in enumerate(text.splitlines()):
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as e:
            raise Failure("output line %d is not JSON: %s: %r" % (i + 1, e, line[:200]))
    return out


# ------------------------------------------------- comparing two views

SKIP_KEYS = {"source", "bytes", "encoding"}


def same_records(a, a_raw, a_text, b, b_raw, b_text, norm, path="$", problems=None):
    """Compares two outputs of the same text given two ways (a is the
    reference).  Keys, values and record order must be equal (strings after
    norm); spans differ, but the text each one covers must be the same:
    norm(a_text(a_raw[span])) == norm(b_text(b_raw[span]))."""
    if problems is None:
        problems = []
    if len(problems) > 5:
        return problems
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            problems.append("%s: keys %s vs %s" % (path, sorted(a), sorted(b)))
            return problems
        for k in a:
            p = "%s.%s" % (path, k)
            if k in SKIP_KEYS or (k == "offset" and ".warnings[" in path):
                continue
            if (k == "span" or k.endswith("_span")) and vbtest.is_span(a[k]) and vbtest.is_span(b[k]):
                try:
                    ta = norm(a_text(a_raw[a[k][0]:a[k][1]]))
                    tb = norm(b_text(b_raw[b[k][0]:b[k][1]]))
                except UnicodeDecodeError as e:
                    problems.append("%s: span %r / %r cuts a character: %s" % (p, a[k], b[k], e))
                    continue
                if ta != tb:
                    problems.append("%s: span %r covers %r, the same record in the other input %r covers %r"
                                    % (p, a[k], ta[:80], b[k], tb[:80]))
            else:
                same_records(a[k], a_raw, a_text, b[k], b_raw, b_text, norm, p, problems)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            problems.append("%s: %d vs %d elements" % (path, len(a), len(b)))
            return problems
        for i, (x, y) in enumerate(zip(a, b)):
            same_records(x, a_raw, a_text, y, b_raw, b_text, norm, "%s[%d]" % (path, i), problems)
    elif isinstance(a, str) and isinstance(b, str):
        if norm(a) != norm(b):
            problems.append("%s: %r vs %r" % (path, a[:80], b[:80]))
    elif a != b:
        problems.append("%s: %r vs %r" % (path, a, b))
    return problems


def utf8(b):
    return b.decode("utf-8")


def no_bom(s):
    return s.replace("\ufeff", "")


def check_variant(ctx, label, transform, decode, norm, encoding=None):
    """Every sample, transformed, must give the records of the original."""
    for sample in ctx.samples:
        raw = open(sample, "rb").read()
        (ref,) = ctx.extract(sample)
        var = transform(raw)
        path = ctx.write(label + "-" + os.path.basename(sample), var)
        (got,) = ctx.extract(path)
        expect(got.get("bytes") == len(var), "%s: bytes %r, file has %d" % (label, got.get("bytes"), len(var)))
        if encoding:
            expect(got.get("encoding") == encoding, "%s: encoding %r, expected %r" % (label, got.get("encoding"),
                                                                                      encoding))
        probs = vbtest.structure_problems(got, len(var))
        expect(not probs, "%s of %s: %s" % (label, os.path.basename(sample), "; ".join(probs[:5])))
        probs = same_records(ref, raw, utf8, got, var, decode, norm)
        expect(not probs, "%s of %s differs from the original:\n    %s"
               % (label, os.path.basename(sample), "\n    ".join(probs[:6])))


# ---------------------------------------------------------------- tests

def test_help(ctx):
    for args in (["--help"], ["-h"], ["extract", "--help"]):
        p = ctx.run(*args)
        expect(p.returncode == 0, "%s: exit %d" % (" ".join(args), p.returncode))
        expect("usage" in p.out.lower(), "%s: no usage in the output" % " ".join(args))
        for opt in ("--pretty", "--grammar", "--files-from", "--glob", "-j", "--output", "--progress",
                    "-0", "--null", "--max-filesize"):
            expect(opt in p.out, "%s: option %s not described" % (" ".join(args), opt))


def test_version(ctx):
    p = ctx.run("--version")
    expect(p.returncode == 0, "exit %d" % p.returncode)
    expect(p.out.strip() == "vanban " + ctx.version,
           "printed %r, expected 'vanban %s' (meson.build's version)" % (p.out.strip(), ctx.version))


def test_usage_errors(ctx):
    for args, needle in ((["extract", "--bogus", ctx.samples[0]], "--bogus"),
                         (["--bogus"], "--bogus"),
                         (["frobnicate"], "frobnicate"),
                         ([], "usage"),
                         (["extract"], "usage"),
                         (["extract", "--grammar"], "--grammar")):
        p = ctx.run(*args)
        expect(p.returncode == 2, "vanban %s: exit %d, expected 2" % (" ".join(args), p.returncode))
        expect(needle in p.err, "vanban %s: stderr does not mention %r: %r" % (" ".join(args), needle, p.err))
        expect(p.out == "", "vanban %s: printed on stdout: %r" % (" ".join(args), p.out[:200]))


def test_missing_file_others_processed(ctx):
    a, b = ctx.samples[0], ctx.samples[1]
    missing = os.path.join(ctx.tmp, "no-such-file.txt")
    p = ctx.run("extract", a, missing, b)
    expect(p.returncode == 1, "exit %d, expected 1" % p.returncode)
    expect("no-such-file.txt" in p.err, "stderr does not name the missing file: %r" % p.err)
    docs = parse_output(p.out)
    expect([d.get("source") for d in docs] == [a, missing, b],
           "expected NDJSON for the three inputs in order, got sources %r" % [d.get("source") for d in docs])
    expect(len(p.out.strip().splitlines()) == 3, "expected one line per input")
    if len(docs) == 3:
        expect(set(docs[1]) == {"source", "error"} and "No such file" in docs[1]["error"],
               "the missing file's line is no error record: %r" % docs[1])
        expect("error" not in docs[0] and "error" not in docs[2], "a readable file got an error record")
    # one input: the error is on stderr only, stdout stays empty
    p = ctx.run("extract", missing)
    expect(p.returncode == 1 and p.out == "" and "no-such-file.txt" in p.err,
           "one missing file: exit %d, stdout %r" % (p.returncode, p.out[:200]))


def test_directory(ctx):
    d = os.path.join(ctx.tmp, "a-directory")
    os.makedirs(d, exist_ok=True)
    p = ctx.run("extract", d, ctx.samples[0])
    expect(p.returncode == 1, "exit %d, expected 1" % p.returncode)
    expect("a-directory" in p.err and "director" in p.err, "stderr: %r" % p.err)
    docs = parse_output(p.out)
    expect([d.get("source") for d in docs if "error" not in d] == [ctx.samples[0]],
           "the other file was not processed")


def test_binary(ctx):
    path = ctx.write("binary.txt", b"Ke hoach\x00\x01\x02\x00 so 1/KH\n" * 10)
    p = ctx.run("extract", path)
    expect(p.returncode == 1, "exit %d, expected 1" % p.returncode)
    expect("binary.txt" in p.err and "binary" in p.err.replace("binary.txt", ""),
           "stderr should name the file and say it is binary: %r" % p.err)
    expect(p.out == "", "printed something for a binary file: %r" % p.out[:200])


def test_stdin(ctx):
    raw = open(ctx.samples[0], "rb").read()
    (ref,) = ctx.extract(ctx.samples[0])
    (got,) = ctx.extract("-", stdin=raw)
    expect(got.get("source") == "<stdin>", "source of stdin is %r" % got.get("source"))
    got["source"] = ref["source"]
    expect(got == ref, "stdin gives other records than the file")
    (empty,) = ctx.extract("-", stdin=b"")
    expect(empty.get("bytes") == 0 and not vbtest.structure_problems(empty, 0), "empty input: %r" % empty)


def test_several_files_ndjson(ctx):
    p = ctx.run("extract", "--pretty", *ctx.samples)
    expect(p.returncode == 0, "exit %d" % p.returncode)
    lines = p.out.splitlines()
    expect(len(lines) == len(ctx.samples), "%d lines for %d files: several files must give NDJSON"
           % (len(lines), len(ctx.samples)))
    expect([json.loads(x).get("source") for x in lines] == ctx.samples, "documents out of order")


def test_double_dash(ctx):
    path = ctx.write("-dash.txt", "Kế hoạch\n")
    p = ctx.run("extract", "--", path)
    expect(p.returncode == 0, "exit %d: %s" % (p.returncode, p.err))
    cwd = os.getcwd()
    try:
        os.chdir(ctx.tmp)
        p = ctx.run("extract", "--", "-dash.txt")
    finally:
        os.chdir(cwd)
    expect(p.returncode == 0, "a file named -dash.txt after --: exit %d: %s" % (p.returncode, p.err))


def test_write_error(ctx):
    if not os.path.exists("/dev/full"):
        return
    with open("/dev/full", "wb") as full:
        p = subprocess.run([ctx.vanban, "extract", ctx.samples[0]], stdout=full,
                           stderr=subprocess.PIPE, timeout=60)
    expect(vbtest.crash_report(p) is None, vbtest.crash_report(p) or "")
    expect(p.returncode == 1, "writing to a full disk: exit %d, expected 1" % p.returncode)


def test_utf16(ctx):
    check_variant(ctx, "utf-16le", lambda b: b"\xff\xfe" + b.decode("utf-8").encode("utf-16-le"),
                  lambda b: b.decode("utf-16-le"), no_bom, "utf-16le")
    check_variant(ctx, "utf-16be", lambda b: b"\xfe\xff" + b.decode("utf-8").encode("utf-16-be"),
                  lambda b: b.decode("utf-16-be"), no_bom, "utf-16be")


def test_utf8_bom(ctx):
    check_variant(ctx, "bom", lambda b: b"\xef\xbb\xbf" + b, utf8, no_bom, "utf-8-bom")


def test_crlf(ctx):
    check_variant(ctx, "crlf", lambda b: b.replace(b"\n", b"\r\n"), utf8, lambda s: s.replace("\r", ""))


def test_nfd(ctx):
    check_variant(ctx, "nfd", lambda b: unicodedata.normalize("NFD", b.decode("utf-8")).encode("utf-8"),
                  utf8, lambda s: unicodedata.normalize("NFC", s))


def test_invalid_utf8(ctx):
    body = b"Ke hoach\nabc \xff def \xc3\n"
    for prefix in (b"", b"\xef\xbb\xbf"):
        path = ctx.write("invalid.txt", prefix + body)
        (doc,) = ctx.extract(path)
        w = [x for x in doc.get("warnings", []) if x.get("code") == "invalid-utf8"]
        expect(len(w) == 1, "expected one invalid-utf8 warning, got %r" % doc.get("warnings"))
        expect(w[0].get("offset") == len(prefix) + 13,
               "warning offset %r, the first bad byte is at %d" % (w[0].get("offset"), len(prefix) + 13))
        expect(str(len(prefix) + 13) in (w[0].get("message") or ""), "message lacks the offset: %r" % w[0])
        probs = vbtest.structure_problems(doc, len(prefix) + len(body))
        expect(not probs, "; ".join(probs))


def test_batch_equals_single(ctx):
    """One process for many files must give, line for line, what one
    process per file gives: no state leaks from one document to the next."""
    p = ctx.run("extract", *(ctx.samples + ctx.samples[::-1]))
    expect(p.returncode == 0, "exit %d: %s" % (p.returncode, p.err))
    lines = p.out.splitlines()
    for i, sample in enumerate(ctx.samples + ctx.samples[::-1]):
        single = ctx.run("extract", sample).out.strip()
        expect(lines[i] == single, "%s: its line in a batch differs from its own run" % os.path.basename(sample))


def make_tree(ctx, name):
    """A folder of samples in sub-folders, plus files batch mode must skip
    by default (other extensions, hidden files); returns (root, the .txt
    paths in the order vanban must give them)."""
    root = os.path.join(ctx.tmp, name)
    shutil.rmtree(root, ignore_errors=True)
    want = []
    for i, sample in enumerate(ctx.samples):
        sub = os.path.join(root, "b" if i % 2 else "a")
        os.makedirs(sub, exist_ok=True)
        dst = os.path.join(sub, os.path.basename(sample))
        shutil.copyfile(sample, dst)
        want.append(dst)
    with open(os.path.join(root, "notes.csv"), "w") as f:
        f.write("x\n")
    os.makedirs(os.path.join(root, ".hidden"), exist_ok=True)
    shutil.copyfile(ctx.samples[0], os.path.join(root, ".hidden", "x.txt"))
    return root, sorted(want)


def test_batch_directory(ctx):
    root, want = make_tree(ctx, "tree")
    p = ctx.run("extract", "-j", "2", root)
    expect(p.returncode == 0, "exit %d: %s" % (p.returncode, p.err))
    docs = parse_output(p.out)
    expect([d["source"] for d in docs] == want, "sources %r, expected %r" % ([d["source"] for d in docs], want))
    for d, path in zip(docs, want):
        single = ctx.run("extract", path).out.strip()
        expect(json.dumps(d, ensure_ascii=False) == json.dumps(json.loads(single), ensure_ascii=False),
               "%s: batch record differs from its own run" % path)
    p = ctx.run("extract", "--glob", "*.csv", root)
    expect(p.returncode == 0 and len(parse_output(p.out)) == 1, "--glob *.csv: %d, %r" % (p.returncode, p.out[:200]))


def test_batch_order_and_jobs(ctx):
    files = (ctx.samples * 8)[:37]
    ref = ctx.run("extract", "-j1", *files)
    expect(ref.returncode == 0, "-j1: exit %d" % ref.returncode)
    for j in ("2", "3", "16"):
        p = ctx.run("extract", "-j", j, *files)
        expect(p.returncode == 0 and p.out == ref.out, "-j %s: output differs from -j1 (order?)" % j)
    for bad in ("0", "x", "-1"):
        p = ctx.run("extract", "-j", bad, ctx.samples[0])
        expect(p.returncode == 2 and "-j" in p.err, "-j %s: exit %d" % (bad, p.returncode))


def test_batch_error_records(ctx):
    root, want = make_tree(ctx, "tree-err")
    bad = os.path.join(root, "a", "zz-binary.txt")
    with open(bad, "wb") as f:
        f.write(b"\x00\x01\x02\x00" * 100)
    missing = os.path.join(ctx.tmp, "missing.txt")
    listing = "\n".join([root, missing, ctx.samples[0]]) + "\n"
    p = ctx.run("extract", "-j2", "--files-from", "-", stdin=listing.encode())
    expect(p.returncode == 1, "exit %d, expected 1" % p.returncode)
    docs = parse_output(p.out)
    sources = [d["source"] for d in docs]
    expect(sources == sorted(want + [bad]) + [missing, ctx.samples[0]], "sources %r" % sources)
    errs = {d["source"]: d for d in docs if "error" in d}
    expect(set(errs) == {bad, missing}, "error records for %r" % sorted(errs))
    expect(all(set(d) == {"source", "error"} and d["error"] for d in errs.values()), "error record shape: %r" % errs)
    expect("missing.txt" in p.err and "zz-binary.txt" in p.err, "stderr: %r" % p.err)
    lst = ctx.write("list.txt", listing)
    p2 = ctx.run("extract", "--files-from", lst)
    expect(p2.returncode == 1 and p2.out == p.out, "--files-from FILE differs from --files-from -")
    p = ctx.run("extract", "--files-from", os.path.join(ctx.tmp, "no-list"))
    expect(p.returncode != 0 and "no-list" in p.err, "missing list: exit %d %r" % (p.returncode, p.err))


def test_batch_output_dir(ctx):
    root, want = make_tree(ctx, "tree-out")
    out = os.path.join(ctx.tmp, "out")
    shutil.rmtree(out, ignore_errors=True)
    missing = os.path.join(root, "a", "gone.txt")
    p = ctx.run("extract", "--output", out, root, missing)
    expect(p.returncode == 1, "exit %d (one missing file), expected 1: %s" % (p.returncode, p.err))
    expect(p.out == "", "--output printed on stdout: %r" % p.out[:200])
    got = sorted(os.path.relpath(os.path.join(d, f), out) for d, _, fs in os.walk(out) for f in fs)
    # a file named by an absolute path goes below _abs (README, "Batch mode")
    gone = "_abs" + os.path.abspath(missing) + ".json"
    expect_names = sorted([os.path.relpath(w, root) + ".json" for w in want] + [gone])
    expect(got == expect_names, "files under --output: %r, expected %r" % (got, expect_names))
    for w in want:
        with open(os.path.join(out, os.path.relpath(w, root) + ".json"), encoding="utf-8") as f:
            doc = json.loads(f.read())
        expect(doc.get("source") == w and "sections" in doc, "%s: bad output file" % w)
    with open(os.path.join(out, gone), encoding="utf-8") as f:
        expect("error" in json.loads(f.read()), "no error record for the missing file")


def test_batch_progress(ctx):
    p = ctx.run("extract", "--progress", *ctx.samples)
    expect(p.returncode == 0, "exit %d" % p.returncode)
    expect("docs/s" in p.err and "MB" in p.err and ("%d/%d" % (len(ctx.samples), len(ctx.samples))) in p.err,
           "no progress line on stderr: %r" % p.err)
    p = ctx.run("extract", *ctx.samples)
    expect("docs/s" not in p.err, "progress shown on a stderr that is not a terminal: %r" % p.err)


def test_one_line(ctx):
    """A document with no line breaks at all is one of the spec's shapes."""
    for sample in ctx.samples:
        raw = open(sample, "rb").read().replace(b"\n", b" ")
        path = ctx.write("oneline-" + os.path.basename(sample), raw)
        (doc,) = ctx.extract(path)
        probs = vbtest.structure_problems(doc, len(raw))
        expect(not probs, "%s on one line: %s" % (os.path.basename(sample), "; ".join(probs[:5])))


def pathological_inputs():
    """Inputs that make careless patterns backtrack or careless code
    recurse: (name, bytes)."""
    return [
        ("no-newline-1mb", ("Kế hoạch số 1/KH-UBND ngày 1/1/2020 của UBND về “thi đua” " * 15000).encode()),
        ("numbered-lines", "".join("%d. %s\n" % (i, "I." * (i % 7)) for i in range(60000)).encode()),
        ("deep-dotted", "".join("%s. x\n" % ".".join(["1"] * d) for d in range(1, 400)).encode()),
        ("romans", ("I. II. III. IV. V. VI. VII. VIII. IX. X. " * 20000).encode()),
        ("quotes", ("phong trào thi đua “" * 30000 + "”" * 30000).encode()),
        ("digits-slashes", ("1/2/3/4/5-6-7.8.9 " * 40000).encode()),
        ("ngay-thang", ("ngày tháng năm ngay thang nam 12 " * 30000).encode()),
        ("so-symbols", ("số 01/CT-UBND-HĐND-TW-KH-QĐ " * 20000).encode()),
        ("spaces", b" " * 2000000),
        ("newlines", b"\n" * 1000000),
        ("crlf-only", b"\r\n" * 500000),
        ("markdown-marks", b"**## |" * 200000),
        ("invalid-utf8", bytes(range(0x80, 0x100)) * 4000),
    ]


def test_pathological(ctx):
    for name, data in pathological_inputs():
        path = ctx.write("patho-" + name + ".txt", data)
        t0 = time.monotonic()
        p = ctx.run("extract", path)
        dt = time.monotonic() - t0
        expect(p.returncode == 0, "%s: exit %d: %s" % (name, p.returncode, p.err[:300]))
        (doc,) = parse_output(p.out)
        probs = vbtest.structure_problems(doc, len(data))
        expect(not probs, "%s: %s" % (name, "; ".join(probs[:5])))
        expect(dt < PATHOLOGICAL_SECONDS, "%s (%d bytes) took %.1f s" % (name, len(data), dt))


# Generous, so that a sanitizer build (several times slower) passes too; a
# backtracking blow-up takes minutes, not seconds.
PATHOLOGICAL_SECONDS = 60


def bad_grammars():
    """(file text, line the error must name, part of the message)."""
    return [
        ("pattern a x\nbogus b y\n", 2, "unknown statement"),
        ("pattern A x\n", 1, "bad name"),
        ("pattern a x\npattern b {{nope}}\n", 2, "unknown macro"),
        ("# c\npattern a x\n\npattern b (abc\n  + def\n", 4, "missing closing parenthesis"),
        ("pattern a x\nlexicon l\n  k = v\n", 2, "not closed"),
        ("pattern a x\nlexicon l\n  k v\nend\n", 3, "without '='"),
        ("pattern a x\nlexicon l\n  Kế = 1\n  KE = 2\nend\n", 4, "already given on line 3"),
        ("+ abc\n", 1, "continues nothing"),
        ("# empty\n", None, "no pattern"),
    ]


def test_bad_grammar(ctx):
    for i, (text, line, what) in enumerate(bad_grammars()):
        path = ctx.write("bad%d.vbg" % i, text)
        p = ctx.run("extract", "--grammar", path, ctx.samples[0])
        expect(p.returncode == 2, "grammar %r: exit %d, expected 2" % (text, p.returncode))
        where = "%s:%s:" % (path, line) if line else "%s:" % path
        expect(where in p.err and what in p.err, "grammar %r: stderr %r should hold %r and %r"
               % (text, p.err, where, what))
        expect(p.out == "", "grammar %r: printed on stdout" % text)
    missing = os.path.join(ctx.tmp, "missing.vbg")
    p = ctx.run("extract", "--grammar", missing, ctx.samples[0])
    expect(p.returncode == 2 and "missing.vbg" in p.err, "missing grammar: exit %d, %r" % (p.returncode, p.err))


def test_grammar_files_are_the_builtin(ctx):
    if not ctx.grammars:
        return
    text = b""
    for g in ctx.grammars:
        text += b"@file grammars/" + os.path.basename(g).encode() + b"\n" + open(g, "rb").read()
        if not text.endswith(b"\n"):
            text += b"\n"
    path = ctx.write("all.vbg", text)
    for sample in ctx.samples:
        (ref,) = ctx.extract(sample)
        (got,) = ctx.extract("--grammar", path, sample)
        expect(got == ref, "%s: --grammar of grammars/*.vbg in meson.build order differs from the built-in"
               % os.path.basename(sample))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vanban")
    ap.add_argument("version")
    ap.add_argument("grammars", nargs="*")
    ap.add_argument("-k", default="", help="run the tests whose name contains this")
    a = ap.parse_args()
    tests = [(n[5:], f) for n, f in globals().items() if n.startswith("test_") and callable(f)]
    tmp = tempfile.mkdtemp(prefix="vanban-cli-")
    try:
        ctx = Ctx(os.path.abspath(a.vanban), a.version, [os.path.abspath(g) for g in a.grammars], tmp)
        expect(ctx.samples, "no samples/*.txt")
        return vbtest.run_tests(tests, ctx, a.k)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main())
