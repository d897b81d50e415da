#!/usr/bin/env python3
"""Lines of the stored OCR texts that open like a section number but
start no section in vanban's output: the raw material of the failure
shapes in tests/ocr/README.md.

usage: tests/ocr/misses.py VANBAN [--model vie|eng] [--set DIR] [--counts]

Prints FILE:LINE  the OCR line (or, with --counts, the opening marks
folded to a shape: roman-like letters -> R, digits -> 9, lower-case
letters -> a, and how often each shape is missed).
"""
import argparse
import collections
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import score as ocr_score  # noqa: E402

# a line opening with up to 6 marks that could be an item number: roman
# letters and their OCR look-alikes, digits, one letter, then a separator
OPENING = re.compile(r"^[\s'`\"‘’.,_\-—=|*•]*((?:[IVXLHTlti1|]{1,5}|\d{1,2}(?:[.,:]\d{1,2})*|[a-zđA-Z])\s*[.,:;)}\]\-]+)\s*\S")


def shape(mark):
    s = re.sub(r"[IVXLHTlti|]", "R", mark)
    s = re.sub(r"\d", "9", s)
    s = re.sub(r"[a-zđ]", "a", s)
    return re.sub(r"\s+", "", s)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vanban")
    ap.add_argument("--model", choices=["vie", "eng"])
    ap.add_argument("--set", default=os.path.join(HERE, "set"))
    ap.add_argument("--counts", action="store_true")
    a = ap.parse_args()
    rows = [r for r in ocr_score.read_manifest(a.set) if not a.model or r["model"] == a.model]
    counts = collections.Counter()
    examples = collections.defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        for r in rows:
            with gzip.open(os.path.join(a.set, r["file"]), "rb") as fh:
                data = fh.read()
            path = os.path.join(tmp, r["file"][:-3])
            with open(path, "wb") as fh:
                fh.write(data)
            p = subprocess.run([a.vanban, "extract", path], capture_output=True, timeout=120)
            d = json.loads(p.stdout.decode("utf-8").splitlines()[0])
            starts = sorted(s["span"][0] for s in d.get("sections") or [] if s.get("span"))
            off = 0
            for n, line in enumerate(data.split(b"\n"), 1):
                end = off + len(line)
                text = line.decode("utf-8", "replace")
                m = OPENING.match(text)
                hit = any(off <= s <= end for s in starts)
                if m and not hit:
                    counts[shape(m.group(1))] += 1
                    examples[shape(m.group(1))].append("%s:%d  %s" % (r["file"], n, text[:90]))
                    if not a.counts:
                        print("%s:%d  %s" % (r["file"], n, text[:100]))
                off = end + 1
    if a.counts:
        for sh, c in counts.most_common():
            print("%4d  %-8s e.g. %s" % (c, sh, examples[sh][0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
