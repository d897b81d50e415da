#!/usr/bin/env python3
"""Development gold gate: scores vanban on the hand-written gold of
unseen corpus plans in tests/devgold/ (see README.md there) with
../shared/eval/score.py --gold tests/devgold, and fails when a figure
falls under its bar.

usage: tests/devgold/gate.py VANBAN SHARED_DIR

Exit 77 (skipped) when SHARED_DIR has no eval/score.py or lacks a corpus
file a gold names.  See every miss:
  ../shared/eval/score.py --cmd 'build/vanban extract {}' --gold tests/devgold -v
"""
import json
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77

# The bar sits a little under what vanban scored when the gold was written,
# so that a regression fails while one known miss (README.md) does not.
THRESHOLDS = [
    ("categories", "sections", "f1", 0.95),
    ("fields", "section.heading", "accuracy", 0.90),
    ("categories", "directives", "f1", 0.90),
    ("fields", "directive.type", "accuracy", 0.90),
    ("fields", "directive.date", "accuracy", 0.90),
    ("fields", "directive.issuer", "accuracy", 0.75),
    ("categories", "dates", "f1", 0.95),
    ("categories", "deadlines", "f1", 0.90),
    ("categories", "periods", "f1", 0.90),
    ("categories", "movements", "f1", 0.90),
]
HEADER_FIELDS = ["number", "type", "place", "date", "title", "signer"]
HEADER_MIN_RIGHT = 0.9


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    vanban, shared = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    score = os.path.join(shared, "eval", "score.py")
    if not os.path.exists(score):
        print("SKIP: no scorer at %s" % score)
        return SKIP
    for f in sorted(os.listdir(HERE)):
        if f.endswith(".json"):
            with open(os.path.join(HERE, f), encoding="utf-8") as fh:
                inp = json.load(fh)["input"]
            if not os.path.exists(os.path.join(shared, inp)):
                print("SKIP: %s names %s, not in %s" % (f, inp, shared))
                return SKIP
    cmd = "%s extract {}" % shlex.quote(vanban)
    p = subprocess.run([sys.executable, score, "--json", "--gold", HERE, "--cmd", cmd],
                       capture_output=True, timeout=600)
    sys.stderr.write(p.stderr.decode("utf-8", "replace"))
    try:
        r = json.loads(p.stdout.decode("utf-8"))
    except json.JSONDecodeError:
        print("score.py gave no JSON (exit %d):\n%s" % (p.returncode, p.stdout.decode("utf-8", "replace")))
        return 1
    failed = []
    for group, key, fig, minimum in THRESHOLDS:
        v = r.get(group, {}).get(key, {}).get(fig)
        ok = v is not None and v >= minimum
        print("%-10s %-18s %s %6.3f %s" % (group, key, "-" if v is None else "%.3f" % v, minimum, "ok" if ok else "FAIL"))
        if not ok:
            failed.append(key)
    h = r.get("header", {})
    right = sum(h.get(f, {}).get("right", 0) for f in HEADER_FIELDS)
    total = right + sum(h.get(f, {}).get("wrong", 0) for f in HEADER_FIELDS)
    ok = total > 0 and right >= HEADER_MIN_RIGHT * total - 1e-9
    print("header     fields right       %d/%d %s" % (right, total, "ok" if ok else "FAIL"))
    if not ok:
        failed.append("header")
    if r.get("failed"):
        failed.append("extraction")
    print("macro F1 %.3f over %d documents" % (r.get("macro_f1", 0), r.get("documents", 0)))
    if failed:
        print("under the bar: %s\nsee every miss: %s --cmd %s --gold %s -v" % (", ".join(failed), score, shlex.quote(cmd), HERE))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
