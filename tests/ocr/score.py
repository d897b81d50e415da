#!/usr/bin/env python3
"""Scores vanban on the stored real-OCR development set (tests/ocr/set,
made by make_ocr_set.py) against the documents' hand-checked gold, with
../shared/eval/score.py's own matching (imported, not copied).

usage: tests/ocr/score.py VANBAN [--model vie|eng] [--shared DIR] [--set DIR]
                          [--clean] [--per-doc] [-v] [--json]

Prints, per model, precision, recall and F1 per category (micro-averaged
over documents and noise seeds), header accuracy, and the macro F1 over
the six categories, as score.py does.  --clean scores the clean source
texts of the same documents instead (the figure OCR is measured against);
--per-doc adds one line per OCR text; -v lists every miss and extra.
Needs no tesseract: the OCR text is stored.  Exit 77 without ../shared.
"""
import argparse
import gzip
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CATS = ["sections", "directives", "dates", "deadlines", "periods", "movements"]
SKIP = 77


def load_scorer(shared):
    path = os.path.join(shared, "eval", "score.py")
    if not os.path.exists(path):
        return None
    spec = importlib.util.spec_from_file_location("shared_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def read_manifest(set_dir):
    rows = []
    with open(os.path.join(set_dir, "MANIFEST.tsv"), encoding="utf-8") as fh:
        head = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            if line.strip():
                rows.append(dict(zip(head, line.rstrip("\n").split("\t"))))
    return rows


def gold_path(gold, shared):
    if gold.startswith("../shared/"):
        return os.path.join(shared, gold[len("../shared/"):])
    return os.path.join(ROOT, gold)


def extract(vanban, path):
    p = subprocess.run([vanban, "extract", path], capture_output=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("exit %d: %s" % (p.returncode, p.stderr.decode("utf-8", "replace")[:300]))
    return json.loads(p.stdout.decode("utf-8").splitlines()[0])


def score(sc, vanban, rows, shared, set_dir, tmp, clean=False, per_doc=False, verbose=False):
    """One model's figures, in score.py's --json shape."""
    T = {c: sc.Tally() for c in CATS}
    H = {name: [0, 0] for name, _, _ in sc.HEADER_FIELDS}
    F = {k: [0, 0] for k in ("section.heading", "directive.type", "directive.date", "directive.issuer")}
    failed = 0
    docs = []
    for r in rows:
        with open(gold_path(r["gold"], shared), encoding="utf-8") as fh:
            gold = json.load(fh)
        if clean:
            path = os.path.join(shared, r["source"])
        else:
            path = os.path.join(tmp, r["file"][:-3])
            with gzip.open(os.path.join(set_dir, r["file"]), "rb") as src, open(path, "wb") as dst:
                dst.write(src.read())
        lines = []

        def log(cat, miss, extra):
            for m in miss:
                lines.append("  missed %-17s %s" % (cat, m))
            for e in extra:
                lines.append("  extra  %-17s %s" % (cat, e))
        try:
            pred = extract(vanban, path)
        except Exception as e:  # noqa: BLE001 - one failure is reported, the rest still scored
            failed += 1
            print("%s: FAILED: %s" % (r["file"], e), file=sys.stderr)
            pred = {}
        if per_doc:
            t1 = {c: sc.Tally() for c in CATS}
            h1 = {name: [0, 0] for name, _, _ in sc.HEADER_FIELDS}
            f1 = {k: [0, 0] for k in F}
            sc.score_doc(gold, pred, t1, h1, f1, lambda *a: None)
            docs.append((r["source"] if clean else r["file"],
                         {c: t1[c].prf()[2] for c in CATS},
                         sum(v[0] for v in h1.values()), sum(sum(v) for v in h1.values())))
        sc.score_doc(gold, pred, T, H, F, log)
        if verbose and lines:
            print(r["source"] if clean else r["file"])
            print("\n".join(lines))
    res = {"documents": len(rows), "failed": failed, "categories": {}, "header": {}, "fields": {}}
    for c in CATS:
        p, rc, f = T[c].prf()
        res["categories"][c] = {"p": round(p, 4), "r": round(rc, 4), "f1": round(f, 4),
                                "tp": T[c].tp, "fp": T[c].fp, "fn": T[c].fn}
    for group, table in (("header", H), ("fields", F)):
        for k, (ok, bad) in table.items():
            res[group][k] = {"accuracy": round(ok / (ok + bad) if ok + bad else 1.0, 4), "right": ok, "wrong": bad}
    res["macro_f1"] = round(sum(res["categories"][c]["f1"] for c in CATS) / len(CATS), 4)
    res["per_doc"] = docs
    return res


def show(name, res):
    print("== %s (%d texts)" % (name, res["documents"]))
    print("%-12s %6s %6s %6s %5s %5s %5s" % ("category", "P", "R", "F1", "tp", "fp", "fn"))
    for c in CATS:
        x = res["categories"][c]
        print("%-12s %6.3f %6.3f %6.3f %5d %5d %5d" % (c, x["p"], x["r"], x["f1"], x["tp"], x["fp"], x["fn"]))
    for group in ("header", "fields"):
        for k, x in res[group].items():
            print("%-12s %-17s %6.3f  (%d of %d)" % (group, k, x["accuracy"], x["right"], x["right"] + x["wrong"]))
    right = sum(x["right"] for x in res["header"].values())
    total = sum(x["right"] + x["wrong"] for x in res["header"].values())
    print("header fields right: %d of %d" % (right, total))
    for f, cats, hr, ht in res["per_doc"]:
        print("  %-34s %s  header %d/%d" % (f, " ".join("%s %.2f" % (c[:4], cats[c]) for c in CATS), hr, ht))
    print("macro F1 over categories: %.3f   failed: %d" % (res["macro_f1"], res["failed"]))


def run(vanban, shared, set_dir, models, clean=False, per_doc=False, verbose=False):
    """{model: figures}; None when ../shared (the scorer or a gold) is absent."""
    sc = load_scorer(shared)
    if sc is None:
        return None
    rows = read_manifest(set_dir)
    for r in rows:
        if not os.path.exists(gold_path(r["gold"], shared)):
            return None
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for m in models:
            sel = [r for r in rows if r["model"] == m]
            if clean:  # one clean text per document
                seen, uniq = set(), []
                for r in sel:
                    if r["document"] not in seen:
                        seen.add(r["document"])
                        uniq.append(r)
                sel = uniq
            out[m] = score(sc, vanban, sel, shared, set_dir, tmp, clean, per_doc, verbose)
            if clean:
                break
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vanban")
    ap.add_argument("--model", choices=["vie", "eng"], help="one model (default: both)")
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--set", default=os.path.join(HERE, "set"))
    ap.add_argument("--clean", action="store_true", help="score the clean source texts instead")
    ap.add_argument("--per-doc", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    models = [a.model] if a.model else ["vie", "eng"]
    res = run(os.path.abspath(a.vanban), os.path.abspath(a.shared), os.path.abspath(a.set), models,
              a.clean, a.per_doc, a.verbose)
    if res is None:
        print("SKIP: no scorer or gold under %s (../shared beside the project)" % a.shared)
        return SKIP
    if a.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
    else:
        for m, r in res.items():
            show("clean text" if a.clean else "tesseract -l " + m, r)
    return 1 if any(r["failed"] for r in res.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
