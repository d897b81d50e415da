#!/usr/bin/env python3
"""Corpus coverage: every document of the shared corpus goes through vanban
and every output keeps the invariants that hold whatever the text says.

usage: tests/corpus.py VANBAN CORPUS_DIR [-j N] [--max-report N]

For each *.txt under CORPUS_DIR (recursively): exit status 0, no crash or
sanitizer report, one valid JSON object per file in the order given,
"source" and "bytes" right, the preamble, the top-level sections, the
closing and the attachments tile [0, size) exactly, each attachment's
sections inside it, every span inside [0, size] with start <=
end, children inside their parents, every date an allowed ISO 8601 form
(tests/vbtest.py: structure_problems).  Files go to vanban in batches (one
process per batch, several batches in parallel).  Exit 77 (skipped) when
CORPUS_DIR does not exist.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import sys
import time

import vbtest

BATCH = 64


def run_batch(vanban, files):
    """Returns (outputs by file, problems) for one vanban process."""
    problems = []
    p = vbtest.run(vanban, ["extract"] + files, timeout=1800)
    bad = vbtest.crash_report(p)
    if bad:
        problems.append(("batch of %d starting %s" % (len(files), files[0]), bad))
    if p.returncode != 0:
        problems.append(("batch of %d starting %s" % (len(files), files[0]),
                         "exit %d: %s" % (p.returncode, p.stderr.decode("utf-8", "replace")[:1000])))
    lines = p.stdout.decode("utf-8", "replace").splitlines()
    if len(lines) != len(files):
        problems.append(("batch of %d starting %s" % (len(files), files[0]),
                         "%d output lines for %d files" % (len(lines), len(files))))
    out = {}
    for f, line in zip(files, lines):
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append((f, "output is not JSON: %s" % e))
            continue
        if not isinstance(doc, dict):
            problems.append((f, "output is not a JSON object"))
            continue
        if doc.get("source") != f:
            problems.append((f, "output line says source %r: lines out of order?" % doc.get("source")))
            continue
        out[f] = doc
    return out, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vanban")
    ap.add_argument("corpus")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2, help="vanban processes at once")
    ap.add_argument("--max-report", type=int, default=40, help="problems printed in full")
    a = ap.parse_args()
    if not os.path.isdir(a.corpus):
        print("SKIP: no corpus at %s (it lives in ../shared/corpus beside the project)" % a.corpus)
        return vbtest.SKIP
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(a.corpus) for f in fs if f.endswith(".txt"))
    if not files:
        print("SKIP: no .txt files under %s" % a.corpus)
        return vbtest.SKIP
    size = {f: os.path.getsize(f) for f in files}

    t0 = time.monotonic()
    problems = []
    outputs = {}
    batches = [files[i:i + BATCH] for i in range(0, len(files), BATCH)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.j)) as pool:
        for out, probs in pool.map(lambda b: run_batch(a.vanban, b), batches):
            outputs.update(out)
            problems += probs
    elapsed = time.monotonic() - t0

    counts = collections.Counter()
    for f in files:
        doc = outputs.get(f)
        if doc is None:
            if not any(p[0] == f for p in problems):
                problems.append((f, "no output"))
            continue
        for msg in vbtest.structure_problems(doc, size[f]):
            problems.append((f, msg))
        for k in ("sections", "directives", "dates", "deadlines", "periods", "movements", "attachments",
                  "warnings"):
            counts[k] += len(doc.get(k) or [])
        counts["with attachments"] += bool(doc.get("attachments"))
        counts["attachment sections"] += sum(1 for s in doc.get("sections") or [] if s.get("attachment"))
        counts["with a header number"] += bool((doc.get("header") or {}).get("number"))

    mb = sum(size.values()) / 1e6
    print("%d files, %.1f MB in %.1f s (%.1f MB/s with %d processes)" % (len(files), mb, elapsed,
                                                                       mb / elapsed if elapsed else 0, a.j))
    print("records: " + ", ".join("%s %d" % kv for kv in counts.items()))
    bad_files = sorted({p[0] for p in problems})
    for where, msg in problems[:a.max_report]:
        print("%s: %s" % (where, msg))
    if len(problems) > a.max_report:
        by_kind = collections.Counter(m.split(":")[0] for _, m in problems)
        print("... %d more problems; by kind: %s" % (len(problems) - a.max_report,
                                                     ", ".join("%s %d" % kv for kv in by_kind.most_common(10))))
    print("%d passed, %d failed" % (len(files) - len([f for f in bad_files if f in size]), len(bad_files)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
