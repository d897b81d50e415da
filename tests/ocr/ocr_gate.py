#!/usr/bin/env python3
"""The `ocr` test (tests/ocr/README.md):

 a) runs the real generator (make_ocr_set.py --smoke) on a one-page plan
    with Debian's tesseract, -l vie and -l eng, and checks that vanban
    reads a sane header and sections from the OCR text (bounded: one page
    per model, a few seconds each);
 b) scores the stored development set (tests/ocr/set) with
    tests/ocr/score.py and fails when a model's macro F1 or a category's
    F1 falls under its floor.

usage: tests/ocr/ocr_gate.py VANBAN SHARED_DIR

A missing tesseract, model or Pillow is a failure that names the Debian
packages, never a skip; only (b) needs SHARED_DIR, and without it the test
ends with 77 (skipped) after (a) has passed.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import score as ocr_score  # noqa: E402  (tests/ocr/score.py)

PACKAGES = "tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng python3-pil fonts-liberation2"
SMOKE_SECONDS = 60

# Floors a little under what vanban scored on the stored set when they were
# set (tests/ocr/README.md, "Figures"): a regression fails, seed-to-seed
# noise in one document does not.  Raise them as the extractor improves.
# Set at 907c303: vie macro 0.863, sections 0.451; eng macro 0.838,
# sections 0.811.  Raised with the issue-8 work (the sequence reads
# misread numbers; OCR damage in codes, issuers, movements, dates,
# deadlines and periods) a little under the merged figures (see
# tests/ocr/README.md); one period lost of six is 0.909.
FLOORS = {
    "vie": {"macro_f1": 0.98, "sections": 0.96, "directives": 0.98, "movements": 0.98,
            "dates": 0.97, "deadlines": 0.95, "periods": 0.9},
    "eng": {"macro_f1": 0.98, "sections": 0.94, "directives": 0.97, "movements": 0.97,
            "dates": 0.97, "deadlines": 0.95, "periods": 0.9},
}

# Share of header fields right (number, type, place, date, title, signer
# over every text of a model): a little under vie 162/162, eng 160/162.
HEADER_FLOORS = {"vie": 0.96, "eng": 0.95}

# What the smoke page says (make_ocr_set.SMOKE) and vanban must still read
# through the OCR damage of one page.
SMOKE_HEADER = {"number": "45/KH-UBND", "type": "Kế hoạch", "date": "2024-03-12"}


def fold_number(s):
    return re.sub(r"\s+", "", s or "").upper()


def generator_python():
    """Pillow comes from Debian's python3-pil: the generator runs with
    /usr/bin/python3 when this interpreter has no PIL (a pyenv python)."""
    try:
        import PIL  # noqa: F401
        return sys.executable
    except ImportError:
        return "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def smoke(vanban):
    failed = []
    with tempfile.TemporaryDirectory() as tmp:
        for model in ("vie", "eng"):
            t0 = time.monotonic()
            try:
                p = subprocess.run([generator_python(), os.path.join(HERE, "make_ocr_set.py"), "--smoke", tmp,
                                    "--model", model], capture_output=True, timeout=SMOKE_SECONDS)
            except subprocess.TimeoutExpired:
                print("smoke %s: the generator took over %d s" % (model, SMOKE_SECONDS))
                failed.append(model)
                continue
            if p.returncode != 0:
                print("smoke %s: the generator failed (apt-get install -y %s):\n%s"
                      % (model, PACKAGES, (p.stdout + p.stderr).decode("utf-8", "replace")[-800:]))
                failed.append(model)
                continue
            path = os.path.join(tmp, "smoke.%s.txt" % model)
            out = subprocess.run([vanban, "extract", path], capture_output=True, timeout=60)
            if out.returncode != 0:
                print("smoke %s: vanban exit %d" % (model, out.returncode))
                failed.append(model)
                continue
            d = json.loads(out.stdout.decode("utf-8").splitlines()[0])
            h = d.get("header") or {}
            got = {"number": h.get("number"), "type": h.get("type"),
                   "date": (h.get("date") or {}).get("iso") if isinstance(h.get("date"), dict) else h.get("date")}
            ids = [s.get("id") for s in d.get("sections") or []]
            bad = [k for k, v in SMOKE_HEADER.items()
                   if (fold_number(got[k]) != fold_number(v) if k == "number" else got[k] != v)]
            if not ids or ids[0] != "I":
                bad.append("sections")
            print("smoke %s: %.1f s, header %s, sections %s%s"
                  % (model, time.monotonic() - t0, got, ids, "" if not bad else "  WRONG: " + ", ".join(bad)))
            if bad:
                with open(path, encoding="utf-8") as fh:
                    print("--- OCR text:\n" + fh.read())
                failed.append(model)
    return failed


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    vanban, shared = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    failed = ["smoke " + m for m in smoke(vanban)]
    res = ocr_score.run(vanban, shared, os.path.join(HERE, "set"), ["vie", "eng"])
    if res is None:
        print("SKIP (b): no scorer or gold under %s" % shared)
        return 1 if failed else ocr_score.SKIP
    print("%-6s %-10s %8s %8s" % ("model", "figure", "value", "floor"))
    for model, floors in FLOORS.items():
        r = res[model]
        for key, floor in floors.items():
            v = r["macro_f1"] if key == "macro_f1" else r["categories"][key]["f1"]
            ok = v >= floor
            print("%-6s %-10s %8.3f %8.3f %s" % (model, key, v, floor, "ok" if ok else "FAIL"))
            if not ok:
                failed.append("%s %s" % (model, key))
        hr = sum(x["right"] for x in r["header"].values())
        ht = sum(x["right"] + x["wrong"] for x in r["header"].values())
        hv = hr / ht if ht else 0.0
        ok = hv >= HEADER_FLOORS[model]
        print("%-6s %-10s %8.3f %8.3f %s" % (model, "header", hv, HEADER_FLOORS[model], "ok" if ok else "FAIL"))
        if not ok:
            failed.append("%s header" % model)
        if r["failed"]:
            failed.append("%s extraction" % model)
        print("%-6s %s" % (model, "  ".join("%s %.3f" % (c[:4], r["categories"][c]["f1"]) for c in ocr_score.CATS)))
    if failed:
        print("under the bar: %s\nsee every miss: tests/ocr/score.py %s -v" % (", ".join(failed), vanban))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
