#!/usr/bin/env python3
"""Golden files: the whole output for every sample, compared byte for byte.

usage: tests/golden.py VANBAN [NAME...]           compare (all samples, or NAMEs)
       tests/golden.py --update VANBAN [NAME...]  rewrite tests/golden/NAME.json
       tests/golden.py --list                     the sample names (for meson)

For every samples/NAME.txt there is a tests/golden/NAME.json holding the
exact output of `vanban extract --pretty samples/NAME.txt`, run from the
project root so that "source" does not depend on the build directory.  A
difference prints a unified diff and fails.  When the change is intended:
  meson compile -C build update-golden      (or tests/golden.py --update build/vanban)
  git diff tests/golden                     review every changed line, then commit
"""
import argparse
import difflib
import glob
import os
import sys

import vbtest

SAMPLES = "samples"
GOLDEN = os.path.join("tests", "golden")
MAX_DIFF_LINES = 150


def names():
    return sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(SAMPLES, "*.txt")))


def produce(vanban, name):
    """The output for one sample, or raises RuntimeError."""
    p = vbtest.run(vanban, ["extract", "--pretty", os.path.join(SAMPLES, name + ".txt")])
    bad = vbtest.crash_report(p)
    if bad or p.returncode != 0:
        raise RuntimeError("vanban exit %d\n%s" % (p.returncode, bad or p.stderr.decode("utf-8", "replace")))
    return p.stdout


def check(vanban, name):
    path = os.path.join(GOLDEN, name + ".json")
    try:
        got = produce(vanban, name)
    except RuntimeError as e:
        print("%s: %s" % (name, e))
        return False
    if not os.path.exists(path):
        print("%s: no golden file %s; create it with --update and review it" % (name, path))
        return False
    with open(path, "rb") as f:
        want = f.read()
    if got == want:
        return True
    diff = list(difflib.unified_diff(want.decode("utf-8", "replace").splitlines(),
                                     got.decode("utf-8", "replace").splitlines(),
                                     path, "vanban extract --pretty samples/%s.txt" % name, lineterm="", n=2))
    print("%s: output differs from %s (%d diff lines)" % (name, path, len(diff)))
    print("\n".join(diff[:MAX_DIFF_LINES]))
    if len(diff) > MAX_DIFF_LINES:
        print("... %d more diff lines" % (len(diff) - MAX_DIFF_LINES))
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vanban", nargs="?")
    ap.add_argument("names", nargs="*")
    ap.add_argument("--update", action="store_true", help="rewrite the golden files from the output")
    ap.add_argument("--list", action="store_true", help="print the sample names")
    a = ap.parse_args()
    if a.vanban:
        a.vanban = os.path.abspath(a.vanban)
    os.chdir(vbtest.ROOT)
    if a.list:
        print("\n".join(names()))
        return 0
    if not a.vanban:
        ap.error("give the vanban binary")
    todo = a.names or names()
    unknown = [n for n in todo if not os.path.exists(os.path.join(SAMPLES, n + ".txt"))]
    if unknown:
        ap.error("no such sample: " + ", ".join(unknown))

    if a.update:
        os.makedirs(GOLDEN, exist_ok=True)
        for n in todo:
            out = produce(a.vanban, n)
            path = os.path.join(GOLDEN, n + ".json")
            old = open(path, "rb").read() if os.path.exists(path) else None
            if old != out:
                with open(path, "wb") as f:
                    f.write(out)
                print("updated %s" % path)
        if not a.names:
            for p in sorted(glob.glob(os.path.join(GOLDEN, "*.json"))):
                if os.path.basename(p)[:-5] not in todo:
                    os.remove(p)
                    print("removed %s (its sample is gone)" % p)
        print("review with: git diff %s" % GOLDEN)
        return 0

    passed = sum(check(a.vanban, n) for n in todo)
    failed = len(todo) - passed
    if not a.names:
        orphans = [p for p in sorted(glob.glob(os.path.join(GOLDEN, "*.json")))
                   if os.path.basename(p)[:-5] not in todo]
        for p in orphans:
            print("%s: golden file without a sample (remove it, or run --update)" % p)
        failed += len(orphans)
    print("%d passed, %d failed" % (passed, failed))
    if failed:
        print("if the change is intended: meson compile -C build update-golden; git diff %s" % GOLDEN)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
