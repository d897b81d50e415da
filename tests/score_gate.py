#!/usr/bin/env python3
"""Accuracy gate: scores vanban on the hand-checked gold documents with
../shared/eval/score.py and fails when a figure is under its threshold.

usage: tests/score_gate.py VANBAN SHARED_DIR

The thresholds are the project's bar, in one table below.  Exit 77
(skipped) when SHARED_DIR has no eval/score.py.  Run score.py with -v
yourself to see every miss:
  ../shared/eval/score.py --cmd 'build/vanban extract {}' -v
"""
import json
import os
import shlex
import subprocess
import sys

import vbtest

# --- thresholds ------------------------------------------------------------
# (group in score.py's --json output, key, figure, minimum)
THRESHOLDS = [
    ("categories", "sections", "f1", 0.97),
    ("fields", "section.heading", "accuracy", 0.95),
    ("categories", "directives", "f1", 0.95),
    ("fields", "directive.type", "accuracy", 0.95),
    ("fields", "directive.date", "accuracy", 0.95),
    ("fields", "directive.issuer", "accuracy", 0.95),
    ("categories", "dates", "f1", 0.95),
    ("categories", "deadlines", "f1", 0.95),
    ("categories", "periods", "f1", 0.95),
    ("categories", "movements", "f1", 0.95),
]
# header.number, date, place, type, title and closing signer: right answers
# summed over all fields and documents (28 of the 30 on the five seeds).
HEADER_FIELDS = ["number", "date", "place", "type", "title", "signer"]
HEADER_MIN_RIGHT = 28 / 30
# ---------------------------------------------------------------------------


def gate(vanban, shared, thresholds, header_fields, header_min_right, gold=None):
    """Runs score.py on the gold documents (shared/gold, or the folder
    `gold`), prints each figure against its minimum; returns 0 when all
    hold, 1 when one does not, SKIP without a scorer."""
    score = os.path.join(shared, "eval", "score.py")
    if not os.path.exists(score):
        print("SKIP: no scorer at %s (../shared beside the project)" % score)
        return vbtest.SKIP
    os.chdir(vbtest.ROOT)
    cmd = "%s extract {}" % shlex.quote(vanban)
    args = [sys.executable, score, "--json", "--cmd", cmd] + (["--gold", gold] if gold else [])
    p = subprocess.run(args, capture_output=True, timeout=600)
    sys.stderr.write(p.stderr.decode("utf-8", "replace"))
    try:
        r = json.loads(p.stdout.decode("utf-8"))
    except json.JSONDecodeError:
        print("score.py gave no JSON (exit %d):\n%s" % (p.returncode, p.stdout.decode("utf-8", "replace")))
        return 1

    failed = []
    print("%-10s %-21s %8s %8s" % ("group", "figure", "value", "minimum"))
    for group, key, fig, minimum in thresholds:
        v = r.get(group, {}).get(key, {}).get(fig)
        ok = v is not None and v >= minimum
        extra = ""
        if group == "categories" and v is not None:
            c = r[group][key]
            extra = "  tp %d fp %d fn %d" % (c["tp"], c["fp"], c["fn"])
        elif v is not None:
            c = r[group][key]
            extra = "  %d of %d" % (c["right"], c["right"] + c["wrong"])
        print("%-10s %-21s %8s %8.3f %s%s" % (group, key + " " + fig[:3], "-" if v is None else "%.3f" % v,
                                              minimum, "ok  " if ok else "FAIL", extra))
        if not ok:
            failed.append(key)
    right = sum(r.get("header", {}).get(f, {}).get("right", 0) for f in header_fields)
    total = sum(r.get("header", {}).get(f, {}).get("right", 0) + r.get("header", {}).get(f, {}).get("wrong", 0)
                for f in header_fields)
    need = header_min_right * total
    ok = total > 0 and right >= need - 1e-9
    print("%-10s %-21s %8s %8s %s  (%s)" % ("header", "fields right", "%d/%d" % (right, total),
                                             "%.0f/%d" % (need, total), "ok  " if ok else "FAIL",
                                             ", ".join("%s %d/%d" % (f, r["header"][f]["right"],
                                                                     r["header"][f]["right"] + r["header"][f]["wrong"])
                                                       for f in header_fields if f in r.get("header", {}))))
    if not ok:
        failed.append("header")
    if r.get("failed"):
        print("%d document(s) could not be extracted (see above)" % r["failed"])
        failed.append("extraction")
    print("macro F1 %.3f over %d documents" % (r.get("macro_f1", 0), r.get("documents", 0)))
    if failed:
        print("under the bar: %s\nsee every miss: %s --cmd %s%s -v"
              % (", ".join(failed), score, shlex.quote(cmd), " --gold " + gold if gold else ""))
        return 1
    return 0


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    return gate(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]),
                THRESHOLDS, HEADER_FIELDS, HEADER_MIN_RIGHT)


if __name__ == "__main__":
    sys.exit(main())
