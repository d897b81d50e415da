#!/usr/bin/env python3
"""Fault tests of the command line (issue 9): inputs and outputs that
used to lose data silently or stall the run.

usage: tests/faults.py VANBAN [-k NAME]

- --output name collisions (two roots, absolute, ../ and find lists);
- folders deeper than 63 levels, and what a walk skips (FIFOs, links);
- -0/--null lists, and a NUL in a list without it;
- unbounded reads: /dev/zero, sparse files, --grammar /dev/zero, FIFOs in
  a folder or a list, --max-filesize;
- file names that are not UTF-8 in the JSON;
- write errors: /dev/full, EPIPE (the run stops early), ulimit -f;
- temporary files of killed runs, and the run's own output as input.

Every case is small and bounded in time (sparse files, /dev/zero with a
small --max-filesize, FIFOs with a timeout).  Prints one line per test
and 'N passed, N failed'.
"""
import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import vbtest
from cli import Failure, expect, parse_output

SAMPLE = os.path.join(vbtest.ROOT, "samples", "ke-hoach-thi-dua-2023-thanh-pho-clean.txt")
TINY = "Kế hoạch số 1/KH-UBND\n".encode("utf-8")


class Ctx:
    def __init__(self, vanban, tmp):
        self.vanban, self.tmp = vanban, tmp
        self.n = 0

    def dir(self, name):
        """A fresh folder under the temporary one."""
        self.n += 1
        d = os.path.join(self.tmp, "%02d-%s" % (self.n, name))
        os.makedirs(d)
        return d

    def run(self, *args, stdin=None, cwd=None, timeout=60, **kw):
        p = subprocess.run(vbtest.WRAPPER + [self.vanban] + list(args),
                           input=stdin if stdin is not None else b"", capture_output=True,
                           cwd=cwd, timeout=timeout * (50 if vbtest.WRAPPER else 1), **kw)
        bad = vbtest.crash_report(p)
        expect(not bad, "vanban %s: %s" % (" ".join(map(str, args))[:300], bad))
        p.err = p.stderr.decode("utf-8", "replace")
        return p


def write(path, data=TINY):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


def files_under(d):
    return sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs)


def load(path):
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8"))


# ----------------------------------------------------------- 1. --output

def test_output_distinct_names(ctx):
    d = ctx.dir("collide")
    a = write(os.path.join(d, "a", "x.txt"), TINY)
    b = write(os.path.join(d, "b", "x.txt"), open(SAMPLE, "rb").read())
    sub = os.path.join(d, "a", "sub")
    os.makedirs(sub)
    # absolute paths, ../ paths, and what find prints into --files-from
    for label, args, cwd in (
            ("absolute", [a, b], None),
            ("dot-dot", ["../x.txt", "../../b/x.txt"], sub),
            ("files-from", ["--files-from", "-"], None)):
        out = os.path.join(d, "out-" + label)
        stdin = ("%s\n%s\n" % (a, b)).encode() if label == "files-from" else None
        p = ctx.run("extract", "--output", out, *args, stdin=stdin, cwd=cwd)
        expect(p.returncode == 0, "%s: exit %d: %s" % (label, p.returncode, p.err))
        got = files_under(out)
        expect(len(got) == 2, "%s: two inputs gave the output files %r (one overwrote the other)" % (label, got))
        sources = sorted(load(os.path.join(out, g))["source"] for g in got)
        expect(len(set(sources)) == 2, "%s: sources %r" % (label, sources))
    expect(files_under(os.path.join(d, "out-absolute")) ==
           sorted(["_abs" + a + ".json", "_abs" + b + ".json"]), "absolute: %r" % files_under(os.path.join(d, "out-absolute")))
    expect(files_under(os.path.join(d, "out-dot-dot")) == ["__/__/b/x.txt.json", "__/x.txt.json"],
           "../ names: %r" % files_under(os.path.join(d, "out-dot-dot")))
    # two folders as roots: x.txt below each; refused, nothing written
    out = os.path.join(d, "out-roots")
    p = ctx.run("extract", "--output", out, os.path.join(d, "a"), os.path.join(d, "b"))
    expect(p.returncode == 2, "two roots with x.txt each: exit %d, expected 2: %s" % (p.returncode, p.err))
    expect("x.txt.json" in p.err and a in p.err and b in p.err, "the collision is not named: %r" % p.err)
    expect(files_under(out) == [], "written despite the collision: %r" % files_under(out))
    # the same file twice is no collision
    p = ctx.run("extract", "--output", os.path.join(d, "out-same"), a, a)
    expect(p.returncode == 0, "the same file twice: exit %d: %s" % (p.returncode, p.err))


# ------------------------------------------------------- 2. deep folders

def test_deep_folders(ctx):
    d = ctx.dir("deep")
    deep = os.path.join(d, *(["d"] * 100))
    os.makedirs(deep)
    want = [write(os.path.join(deep, "x.txt")), write(os.path.join(d, "d", "d", "y.txt"))]
    p = ctx.run("extract", d)
    expect(p.returncode == 0, "exit %d: %s" % (p.returncode, p.err))
    got = [x["source"] for x in parse_output(p.stdout.decode())]
    expect(sorted(got) == sorted(want), "depth 100: read %r" % [g[len(d):] for g in got])


def test_walk_reports_skips(ctx):
    d = ctx.dir("skips")
    write(os.path.join(d, "a.txt"))
    os.mkfifo(os.path.join(d, "fifo.txt"))
    os.symlink(d, os.path.join(d, "loop"))
    os.symlink("nowhere.txt", os.path.join(d, "dangling.txt"))
    p = ctx.run("extract", d, timeout=20)
    expect(p.returncode == 0, "exit %d: %s" % (p.returncode, p.err))
    for name, why in (("fifo.txt", "FIFO"), ("loop", "symbolic link to a folder"), ("dangling.txt", "symbolic link")):
        line = [x for x in p.err.splitlines() if name in x]
        expect(line and why in line[0] and "skipped" in line[0], "%s: no message saying why it was skipped: %r"
               % (name, p.err))
    expect("3 entries" in p.err, "no count of what was skipped at the end: %r" % p.err)
    expect([x["source"] for x in parse_output(p.stdout.decode())] == [os.path.join(d, "a.txt")], "sources")


# ----------------------------------------------------------- 3. -0 lists

def test_null_lists(ctx):
    d = ctx.dir("null")
    names = [os.path.join(d, n) for n in ("plain.txt", "cr.txt\r", "new\nline.txt", "space .txt")]
    for n in names:
        write(n)
    lst = b"".join(n.encode() + b"\0" for n in names)
    for opt in ("-0", "--null"):
        p = ctx.run("extract", opt, "--files-from", "-", stdin=lst)
        expect(p.returncode == 0, "%s: exit %d: %s" % (opt, p.returncode, p.err))
        got = [x["source"] for x in parse_output(p.stdout.decode())]
        expect(got == names, "%s: sources %r, expected %r" % (opt, got, names))
    # a NUL-separated list read as lines: an error, not the first name only
    p = ctx.run("extract", "--files-from", "-", stdin=lst)
    expect(p.returncode == 2, "a list with NUL bytes without -0: exit %d, expected 2" % p.returncode)
    expect("-0" in p.err and "NUL" in p.err, "the message does not point to -0: %r" % p.err)
    expect(p.stdout == b"", "something was extracted: %r" % p.stdout[:200])
    lf = os.path.join(d, "list")
    write(lf, lst)
    p = ctx.run("extract", "--files-from", lf)
    expect(p.returncode == 2 and "-0" in p.err, "--files-from FILE with NULs: exit %d" % p.returncode)


# ---------------------------------------------------- 4. unbounded reads

def test_dev_zero(ctx):
    if not os.path.exists("/dev/zero"):
        return
    p = ctx.run("extract", "--max-filesize", "1M", "/dev/zero", timeout=20)
    expect(p.returncode == 1 and "max-filesize" in p.err and "/dev/zero" in p.err,
           "/dev/zero with --max-filesize 1M: exit %d: %r" % (p.returncode, p.err))
    # the default cap ends it too (256M of zeros: well under a second)
    p = ctx.run("extract", "/dev/zero", SAMPLE, timeout=60)
    expect(p.returncode == 1 and "max-filesize 256M" in p.err, "/dev/zero: exit %d: %r" % (p.returncode, p.err))
    docs = parse_output(p.stdout.decode())
    expect(len(docs) == 2 and "error" in docs[0] and "error" not in docs[1],
           "expected an error record then the document: %r" % [sorted(x) for x in docs])
    p = ctx.run("extract", "--grammar", "/dev/zero", SAMPLE, timeout=20)
    expect(p.returncode == 2 and "/dev/zero:1: " in p.err and "larger" in p.err,
           "--grammar /dev/zero: exit %d: %r" % (p.returncode, p.err))


def test_large_files(ctx):
    d = ctx.dir("large")
    big = os.path.join(d, "big.txt")
    with open(big, "wb") as f:
        f.truncate(4500 << 20)      # sparse: no disk, no read
    small = write(os.path.join(d, "small.txt"))
    t = time.time()
    p = ctx.run("extract", big, small, timeout=20)
    expect(time.time() - t < 10, "a 4.5 GB sparse file took %.1f s: read before refused?" % (time.time() - t))
    expect(p.returncode == 1, "exit %d, expected 1" % p.returncode)
    docs = parse_output(p.stdout.decode())
    expect(len(docs) == 2 and "max-filesize" in docs[0].get("error", "") and "error" not in docs[1],
           "records %r" % docs)
    mid = os.path.join(d, "mid.txt")
    with open(mid, "wb") as f:
        f.truncate(2 << 20)
    p = ctx.run("extract", "--max-filesize", "1M", mid, small)
    expect(p.returncode == 1 and "max-filesize 1M" in p.err, "2 MB over a 1M cap: %d %r" % (p.returncode, p.err))
    p = ctx.run("extract", "--max-filesize=3M", mid)
    expect(p.returncode == 1 and "max-filesize" not in p.err, "2 MB under a 3M cap: %d %r" % (p.returncode, p.err))
    for good in ("512K", "1g", "100", "2MiB"):
        p = ctx.run("extract", "--max-filesize", good, small)
        expect(p.returncode == 0, "--max-filesize %s: exit %d %r" % (good, p.returncode, p.err))
    for bad in ("0", "x", "12Q", "-5", ""):
        p = ctx.run("extract", "--max-filesize", bad, small)
        expect(p.returncode == 2 and "--max-filesize" in p.err, "--max-filesize %r: exit %d" % (bad, p.returncode))


def test_fifo_in_list_does_not_stall(ctx):
    d = ctx.dir("fifo")
    fifo = os.path.join(d, "f.txt")
    os.mkfifo(fifo)
    a = write(os.path.join(d, "a.txt"))
    p = ctx.run("extract", "--files-from", "-", stdin=("%s\n%s\n" % (fifo, a)).encode(), timeout=20)
    expect(p.returncode == 1, "exit %d" % p.returncode)
    docs = parse_output(p.stdout.decode())
    expect([x["source"] for x in docs] == [fifo, a] and "FIFO" in docs[0].get("error", ""),
           "records %r" % docs)


def test_named_fifo_is_read_with_cap(ctx):
    d = ctx.dir("named-fifo")
    fifo = os.path.join(d, "f.txt")
    os.mkfifo(fifo)

    def feed(data):
        with open(fifo, "wb") as f:
            try:
                f.write(data)
            except BrokenPipeError:
                pass

    th = threading.Thread(target=feed, args=(TINY,), daemon=True)
    th.start()
    p = ctx.run("extract", fifo, timeout=20)
    expect(p.returncode == 0 and parse_output(p.stdout.decode())[0]["bytes"] == len(TINY),
           "a FIFO named on the command line: exit %d %r" % (p.returncode, p.err))
    th = threading.Thread(target=feed, args=(b"x" * (3 << 20),), daemon=True)
    th.start()
    p = ctx.run("extract", "--max-filesize", "1M", fifo, timeout=20)
    expect(p.returncode == 1 and "max-filesize" in p.err, "3 MB through a FIFO, 1M cap: %d %r" % (p.returncode, p.err))


# -------------------------------------------------- 6. names not UTF-8

def test_invalid_utf8_names(ctx):
    d = ctx.dir("names").encode()
    good = os.path.join(d, b"bad\xff\xc3name.txt")
    write(good)
    missing = os.path.join(d, b"gone\xfe.txt")
    p = ctx.run("extract", d, missing)
    expect(p.returncode == 1, "exit %d" % p.returncode)
    try:
        text = p.stdout.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Failure("the NDJSON is not valid UTF-8: %s: %r" % (e, p.stdout[:300]))
    docs = parse_output(text)
    want = [os.path.join(d, b"bad\xef\xbf\xbd\xef\xbf\xbdname.txt").decode(),
            os.path.join(d, b"gone\xef\xbf\xbd.txt").decode()]
    expect([x["source"] for x in docs] == want, "sources %r, expected %r" % ([x["source"] for x in docs], want))
    out = os.path.join(d, b"out")
    p = ctx.run("extract", "--output", out, missing)
    for f in files_under(out):
        try:
            json.loads(open(os.path.join(out, f), "rb").read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise Failure("%r: error record not valid UTF-8 JSON: %s" % (f, e))


# ------------------------------------------------------ 10. write errors

def test_write_errors(ctx):
    if not os.path.exists("/dev/full"):
        return
    for args in (["--version"], ["--help"], ["extract", "--help"], ["extract", SAMPLE]):
        with open("/dev/full", "wb") as full:
            p = subprocess.run(vbtest.WRAPPER + [ctx.vanban] + args, stdout=full, stderr=subprocess.PIPE, timeout=60)
        expect(vbtest.crash_report(p) is None, vbtest.crash_report(p) or "")
        err = p.stderr.decode("utf-8", "replace")
        expect(p.returncode == 1 and "No space left" in err,
               "%s > /dev/full: exit %d, stderr %r" % (" ".join(args), p.returncode, err))


def test_epipe_stops_early(ctx):
    """vanban extract ... | head -1: the run ends at the closed pipe (141,
    nothing on stderr) instead of extracting every input for nobody.  The
    last input is a FIFO named on the command line: vanban opens it only
    if it kept going."""
    d = ctx.dir("epipe")
    tiny = write(os.path.join(d, "tiny.txt"))
    fifo = os.path.join(d, "last.txt")
    for restore in (True, False):   # SIGPIPE default, or ignored by the parent
        if os.path.exists(fifo):
            os.unlink(fifo)
        os.mkfifo(fifo)
        reached = []

        def watch():
            with open(fifo, "wb"):  # returns once vanban opens the FIFO
                reached.append(True)

        th = threading.Thread(target=watch, daemon=True)
        th.start()
        p = subprocess.Popen(vbtest.WRAPPER + [ctx.vanban, "extract", "-j2"] + [tiny] * 3000 + [fifo],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, restore_signals=restore)
        p.stdout.readline()
        p.stdout.close()
        try:
            _, err = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            raise Failure("still running 30 s after its reader went away")
        went_on = bool(reached)
        if not went_on:
            fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)   # frees the watcher
            th.join(5)
            os.close(fd)
        expect(not went_on, "SIGPIPE %s: it went on to the last input after the pipe closed"
               % ("default" if restore else "ignored"))
        expect(p.returncode == 141, "exit %d, expected 141" % p.returncode)
        expect(err == b"", "stderr: %r" % err[:300])


def test_ulimit_f(ctx):
    d = ctx.dir("fsize")
    small = write(os.path.join(d, "small.txt"))
    limit = 4096     # the sample's JSON is some 8 KB, the small one's 1 KB

    def cap():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    out = os.path.join(d, "out")
    p = ctx.run("extract", "--output", out, SAMPLE, small, preexec_fn=cap)
    expect(p.returncode == 1, "a JSON over ulimit -f: exit %d, expected 1 (not killed by SIGXFSZ)" % p.returncode)
    expect("File too large" in p.err, "stderr: %r" % p.err)
    got = files_under(out)
    expect(got == ["_abs" + small + ".json"], "--output files %r: the small one only, no temporary file" % got)
    with open(os.path.join(d, "stdout.ndjson"), "wb") as f:
        p = subprocess.run(vbtest.WRAPPER + [ctx.vanban, "extract", SAMPLE, SAMPLE], stdout=f,
                           stderr=subprocess.PIPE, preexec_fn=cap, timeout=60)
    expect(p.returncode == 1 and b"File too large" in p.stderr, "stdout past ulimit -f: exit %d %r"
           % (p.returncode, p.stderr[:300]))


# ----------------------------------------------------- temporary files

def dead_pid():
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def test_stale_temporaries_swept(ctx):
    d = ctx.dir("sweep")
    out = os.path.join(d, "out")
    dead = dead_pid()
    stale = [write(os.path.join(out, "a", "x.txt.json.vanban-tmp.%d" % dead), b"{partial"),
             write(os.path.join(out, "y.txt.json.vanban-tmp.%d" % dead), b"{partial")]
    keep = [write(os.path.join(out, "z.txt.json.vanban-tmp.%d" % os.getpid()), b"{live"),  # a live run
            write(os.path.join(out, "notes.tmp.%d" % dead), b"not ours"),
            write(os.path.join(out, "w.vanban-tmp.12x"), b"not ours")]
    p = ctx.run("extract", "--output", out, write(os.path.join(d, "in.txt")))
    expect(p.returncode == 0, "exit %d: %s" % (p.returncode, p.err))
    expect(not any(os.path.exists(s) for s in stale), "stale temporary files left: %r" % files_under(out))
    expect(all(os.path.exists(k) for k in keep), "removed a file that is not a dead run's: %r" % files_under(out))
    expect("2 temporary files" in p.err, "the sweep is not reported: %r" % p.err)


def test_killed_output_run_leaves_no_temporary(ctx):
    d = ctx.dir("kill")
    raw = open(SAMPLE, "rb").read()
    big = write(os.path.join(d, "in", "big.txt"), raw * 400)    # a JSON of some MB
    for i in range(4):
        shutil.copyfile(big, os.path.join(d, "in", "big%d.txt" % i))
    for n, delay in enumerate((0.2, 0.4, 0.6, 0.9)):
        out = os.path.join(d, "out%d" % n)
        p = subprocess.Popen(vbtest.WRAPPER + [ctx.vanban, "extract", "-j2", "--output", out, os.path.join(d, "in")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(delay)
        p.send_signal(signal.SIGTERM if n % 2 else signal.SIGINT)
        p.communicate(timeout=60)
        left = [f for f in files_under(out) if "tmp" in f] if os.path.isdir(out) else []
        expect(not left, "after a signal at %.1f s: temporary files left %r" % (delay, left))


def test_own_output_not_read(ctx):
    d = ctx.dir("own")
    write(os.path.join(d, "a.txt"))
    out = os.path.join(d, "out.txt")
    with open(out, "wb") as f:
        f.write(b"{}\n" * 1000)     # what an earlier run left, now appended to
    with open(out, "ab") as f:
        p = subprocess.run(vbtest.WRAPPER + [ctx.vanban, "extract", d], stdout=f, stderr=subprocess.PIPE, timeout=60)
    err = p.stderr.decode("utf-8", "replace")
    expect(p.returncode == 0, "exit %d: %s" % (p.returncode, err))
    docs = parse_output(open(out, encoding="utf-8").read().replace("{}\n", ""))
    expect([x["source"] for x in docs] == [os.path.join(d, "a.txt")], "read its own output: %r" % docs)
    expect("out.txt" in err and "output" in err, "not said: %r" % err)
    # under --output: the output folder inside the input folder is skipped
    p = ctx.run("extract", "--glob", "*", "--output", os.path.join(d, "json"), d)
    p = ctx.run("extract", "--glob", "*", "--output", os.path.join(d, "json"), d)
    expect(p.returncode == 0 and "--output folder" in p.err, "second run over its own --output: %d %r"
           % (p.returncode, p.err))
    expect(not any(f.startswith("json/") for f in files_under(os.path.join(d, "json"))), "read its own --output")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vanban")
    ap.add_argument("-k", default="", help="run the tests whose name contains this")
    a = ap.parse_args()
    tests = [(n[5:], f) for n, f in globals().items() if n.startswith("test_") and callable(f)]
    tmp = tempfile.mkdtemp(prefix="vanban-faults-")
    try:
        return vbtest.run_tests(tests, Ctx(os.path.abspath(a.vanban), tmp), a.k)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main())
