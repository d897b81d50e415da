#!/usr/bin/env python3
"""bench.py - vanban's throughput against its peers, measured in one run.

usage: tests/bench/bench.py VANBAN [--size MB] [--big-files N] [--shared DIR]
                                   [--keep DIR] [--strict]
       meson test -C build --benchmark          (the same, 200 MB)

Builds its input in a temporary folder: every samples/*.txt and every
document of ../shared/corpus, repeated until --size MB (default 200), laid
out twice: one file per document (files/), and --big-files concatenations
(big/, default 4).  Every tenth of those documents (small/: the same mix,
a tenth of the size) measures how time grows with input.  Then times, each once, on a machine as idle as can be:

  cat                          the floor: reading the bytes
  pcre2grep -c '\\d+[-/](CT|NQ|KH|QĐ|HD)[-/]\\w+'   one regex, no output
  vanban extract -j1 / -j2     the whole extraction, NDJSON to /dev/null
  peer_python_re.py            ../shared/bench: the afternoon Python script
                               (on small/, it is slow)
  peer_dateparser.py           dateparser.search_dates on samples/ (slower)

and prints a table (MB/s, docs/s, peak RSS of the process tree) and the
ratios the README promises, each with its target.  Exit status 0 unless
--strict and a target is missed: timings on a shared machine are a report,
not a test.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PCRE2GREP_PATTERN = r"\d+[-/](CT|NQ|KH|QĐ|HD)[-/]\w+"


def documents(shared):
    paths = sorted(glob.glob(os.path.join(ROOT, "samples", "*.txt")))
    paths += sorted(glob.glob(os.path.join(shared, "corpus", "**", "*.txt"), recursive=True))
    docs = []
    for p in paths:
        with open(p, "rb") as f:
            docs.append((os.path.basename(p), f.read()))
    return docs


def sequence(docs, size):
    """The documents, repeated in order until `size` bytes."""
    out, total = [], 0
    while total < size:
        for name, data in docs:
            if total >= size:
                break
            out.append((name, data))
            total += len(data)
    return out


def build_set(seq, folder, big_files):
    """files/ (one per document) and big/ (big_files concatenations) of
    the documents of seq; returns (n_docs, bytes)."""
    files = os.path.join(folder, "files")
    big = os.path.join(folder, "big")
    os.makedirs(files)
    os.makedirs(big)
    total = 0
    outs = [open(os.path.join(big, "big%02d.txt" % i), "wb") for i in range(big_files)]
    try:
        for n, (name, data) in enumerate(seq):
            # a folder per 1000 documents: like an archive, not one huge folder
            sub = os.path.join(files, "%03d" % (n // 1000))
            if n % 1000 == 0:
                os.makedirs(sub, exist_ok=True)
            with open(os.path.join(sub, "%06d-%s" % (n, name)), "wb") as f:
                f.write(data)
            outs[n % big_files].write(data + b"\n")
            total += len(data)
    finally:
        for o in outs:
            o.close()
    return len(seq), total


def file_list(folder):
    out = []
    for d, _, fs in os.walk(folder):
        out += [os.path.join(d, f) for f in fs]
    return sorted(out)


TIME = "/usr/bin/time"


def measure(cmd, stdin_path=None):
    """(seconds, peak RSS in MB of the process tree, exit status, stderr).

    The peak RSS comes from /usr/bin/time when there is one: a child
    forked from this Python process would report Python's own RSS as its
    peak (the kernel keeps the high-water mark across fork and exec)."""
    fin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    rss_file = None
    if os.access(TIME, os.X_OK):
        fd, rss_file = tempfile.mkstemp(prefix="vanban-bench-rss-")
        os.close(fd)
        cmd = [TIME, "-f", "%M", "-o", rss_file] + cmd
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=fin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.monotonic() - t0
    err = p.stderr.read().decode("utf-8", "replace")
    p.stderr.close()
    if stdin_path:
        fin.close()
    rc = os.waitstatus_to_exitcode(status)
    rss = ru.ru_maxrss / 1024.0
    if rss_file:
        try:
            with open(rss_file) as f:
                rss = int(f.read().split()[-1]) / 1024.0
        except (OSError, ValueError, IndexError):
            rss = float("nan")
        os.remove(rss_file)
    return dt, rss, rc, err


def load():
    return os.getloadavg()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vanban")
    ap.add_argument("--size", type=float, default=200, help="MB of input (default 200)")
    ap.add_argument("--big-files", type=int, default=4,
                    help="how many big files (default 4: 50 MB each at 200 MB)")
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--keep", help="build the input here and keep it (else a temporary folder)")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    a = ap.parse_args()
    vanban = os.path.abspath(a.vanban)
    if not os.path.isdir(os.path.join(a.shared, "corpus")):
        print("no %s/corpus: skipped" % a.shared)
        return 77

    tmp = a.keep or tempfile.mkdtemp(prefix="vanban-bench-")
    if a.keep:
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
    try:
        docs = documents(a.shared)
        size = int(a.size * 1e6)
        seq = sequence(docs, size)
        full_n, full_b = build_set(seq, os.path.join(tmp, "full"), a.big_files)
        # every tenth document: the same mix as the full set, a tenth of it
        small_n, small_b = build_set(seq[::10], os.path.join(tmp, "small"), a.big_files)
        full_files = os.path.join(tmp, "full", "files")
        full_big = os.path.join(tmp, "full", "big")
        small_files = os.path.join(tmp, "small", "files")
        big_list = file_list(full_big)
        small_list = file_list(small_files)
        full_list_path = os.path.join(tmp, "full-files.list")
        with open(full_list_path, "w") as f:
            f.write("\n".join(file_list(full_files)) + "\n")
        print("input: %d documents, %.1f MB (files/ and %d big files); 1/10 set: %d documents, %.1f MB; load %.2f"
              % (full_n, full_b / 1e6, a.big_files, small_n, small_b / 1e6, load()), flush=True)

        rows = []   # (name, set, MB, docs, seconds, rss)

        def run(name, setname, nbytes, ndocs, cmd, stdin_path=None, ok=(0,)):
            # warm the page cache so every tool reads from memory
            dt, rss, rc, err = measure(cmd, stdin_path)
            if rc not in ok:
                print("warning: %s exited %d: %s" % (name, rc, err[-500:]), file=sys.stderr)
            rows.append((name, setname, nbytes / 1e6, ndocs, dt, rss))
            print("  %-28s %-8s %7.2f s  (load %.2f)" % (name, setname, dt, load()), flush=True)
            return dt

        for s in (full_files, full_big, small_files):
            measure(["sh", "-c", "find '%s' -type f -exec cat {} + >/dev/null" % s])
        run("cat", "files", full_b, full_n, ["xargs", "-a", full_list_path, "cat"])
        run("cat", "big", full_b, full_n, ["cat"] + big_list)
        # pcre2grep exits 1 when a file has no match
        run("pcre2grep -c", "files", full_b, full_n, ["pcre2grep", "-c", "-r", PCRE2GREP_PATTERN, full_files], ok=(0, 1))
        run("pcre2grep -c", "big", full_b, full_n, ["pcre2grep", "-c", PCRE2GREP_PATTERN] + big_list, ok=(0, 1))
        j1 = run("vanban -j1", "files", full_b, full_n, [vanban, "extract", "--no-progress", "-j1", full_files])
        run("vanban -j1", "big", full_b, full_n, [vanban, "extract", "--no-progress", "-j1"] + big_list)
        j2 = run("vanban -j2", "files", full_b, full_n, [vanban, "extract", "--no-progress", "-j2", full_files])
        run("vanban -j2", "big", full_b, full_n, [vanban, "extract", "--no-progress", "-j2"] + big_list)
        j1_small = run("vanban -j1", "1/10", small_b, small_n, [vanban, "extract", "--no-progress", "-j1", small_files])
        py = os.path.join(a.shared, "bench", "peer_python_re.py")
        run("python re (peer)", "1/10", small_b, small_n, [sys.executable, py] + small_list)
        samples = sorted(glob.glob(os.path.join(ROOT, "samples", "*.txt")))
        dp_rate = None
        dp = os.path.join(a.shared, "bench", "peer_dateparser.py")
        p = subprocess.run(["/usr/bin/python3", dp, "--runs", "1"] + samples, capture_output=True, text=True)
        m = re.search(r"\| \*\*all\*\* \| ([0-9.]+) \| \| ([0-9.]+) \(sum\) \| ([0-9.]+) \|", p.stdout)
        if m:
            kb, ms = float(m.group(1)), float(m.group(2))
            dp_rate = kb / 1000 / (ms / 1000)
            rows.append(("dateparser (peer, warm)", "samples", kb / 1000, len(samples), ms / 1000, float("nan")))
        else:
            print("warning: dateparser peer gave no total: %s" % (p.stderr[-500:] or p.stdout[-500:]), file=sys.stderr)

        print()
        print("| tool | input | MB | docs | s | MB/s | docs/s | peak RSS MB |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        rate = {}
        for name, setname, mb, nd, dt, rss in rows:
            rate[(name, setname)] = mb / dt
            print("| %s | %s | %.1f | %d | %.2f | %.2f | %.0f | %s |"
                  % (name, setname, mb, nd, dt, mb / dt, nd / dt, "-" if rss != rss else "%.1f" % rss))
        rss_j1 = max(r[5] for r in rows if r[0] == "vanban -j1" and r[1] == "files")
        rss_files = max(r[5] for r in rows if r[0].startswith("vanban") and r[1] == "files")
        # each worker holds one document at a time: -jN may hold N at once
        rss_per_worker = max(r[5] / int(r[0].split("-j")[1]) for r in rows
                             if r[0].startswith("vanban -j") and r[1] == "big")
        v = rate[("vanban -j1", "files")]
        checks = [
            ("vanban -j1 / pcre2grep (files)", v / rate[("pcre2grep -c", "files")], ">=", 0.25),
            ("vanban -j1 / pcre2grep (big)", rate[("vanban -j1", "big")] / rate[("pcre2grep -c", "big")], ">=", 0.25),
            ("vanban -j1 / Python peer", rate[("vanban -j1", "1/10")] / rate[("python re (peer)", "1/10")], ">=", 30),
            ("vanban -j1 / dateparser", v / dp_rate if dp_rate else float("nan"), ">=", 1000),
            ("vanban -j2 / -j1 (files)", j1 / j2, ">=", 1.8),
            ("time full / time 1/10 (files)", j1 / j1_small, "<=", 10.5),
            ("peak RSS MB, vanban -j1 files", rss_j1, "<=", 32),
            ("peak RSS MB, vanban -j1/-j2 files", rss_files, "<=", 32),
            # a big file is one document: the bound is a small multiple of it
            # per worker thread (README, "Limits")
            ("peak RSS / (jobs x largest big file)",
             rss_per_worker / (max(os.path.getsize(p) for p in big_list) / 1e6), "<=", 10),
        ]
        print()
        print("| ratio | measured | target | |")
        print("|---|---:|---:|---|")
        missed = 0
        for name, val, op, target in checks:
            ok = val == val and (val >= target if op == ">=" else val <= target)
            missed += not ok
            print("| %s | %.2f | %s %g | %s |" % (name, val, op, target, "ok" if ok else "MISSED"))
        print("\nload average at the end: %.2f on %d cores (other processes skew -j2 most)"
              % (load(), os.cpu_count() or 1))
        return 1 if (missed and a.strict) else 0
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
