#!/usr/bin/env python3
"""Runs the case files of tests/cases/ against the vanban binary.

usage: run_cases.py VANBAN CASEFILE... [-k SUBSTRING] [-v]
Format: tests/cases/README.md.  Besides what a case expects, every output
must keep the invariants of tests/vbtest.py (tiling, spans in range, valid
ISO dates), and vanban must exit 0 without a crash or sanitizer report.
Prints one line per failure with the file and line of the case, then
'N passed, N failed'.  Exit 1 on any failure.
"""
import argparse
import json
import subprocess
import sys

import vbtest


def parse(path):
    cases, cur, mode = [], None, None
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if line.startswith("### "):
                if cur:
                    cases.append(cur)
                cur = {"name": line[4:].strip(), "line": lineno, "input": [], "expect": [], "file": path}
                mode = "input"
            elif cur and line.rstrip("\n") == "--- expect":
                mode = "expect"
            elif cur:
                cur[mode].append(line)
    if cur:
        cases.append(cur)
    return cases


def match(exp, act, where):
    """Returns None when act matches the pattern exp, else a message."""
    if isinstance(exp, dict):
        if not isinstance(act, dict):
            return "%s: expected an object, got %r" % (where, act)
        for k, v in exp.items():
            exact = k.startswith("=")
            key = k[1:] if exact else k
            if key not in act:
                return "%s.%s: missing" % (where, key)
            if exact:
                a = act[key]
                if not isinstance(a, list) or not isinstance(v, list) or len(a) != len(v):
                    return "%s.%s: expected exactly %d element(s), got %s" % (
                        where, key, len(v) if isinstance(v, list) else -1, json.dumps(a, ensure_ascii=False)[:300])
                for i, (e, x) in enumerate(zip(v, a)):
                    m = match(e, x, "%s.%s[%d]" % (where, key, i))
                    if m:
                        return m
            else:
                m = match(v, act[key], "%s.%s" % (where, key))
                if m:
                    return m
        return None
    if isinstance(exp, list):
        if not isinstance(act, list):
            return "%s: expected an array, got %r" % (where, act)
        left = list(act)
        for i, e in enumerate(exp):
            hit = next((j for j, x in enumerate(left) if match(e, x, "") is None), None)
            if hit is None:
                return "%s: no element matches %s; have %s" % (
                    where, json.dumps(e, ensure_ascii=False), json.dumps(act, ensure_ascii=False)[:400])
            left.pop(hit)
        return None
    if exp != act:
        return "%s: expected %s, got %s" % (where, json.dumps(exp, ensure_ascii=False), json.dumps(act, ensure_ascii=False))
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vanban")
    ap.add_argument("files", nargs="+")
    ap.add_argument("-k", default="")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    passed = failed = 0
    for path in a.files:
        for c in parse(path):
            if a.k not in c["name"]:
                continue
            text = "".join(c["input"])
            if text.endswith("\n"):
                text = text[:-1]
            try:
                exp = json.loads("".join(c["expect"]))
            except json.JSONDecodeError as e:
                print("%s:%d: %s: bad expect JSON: %s" % (path, c["line"], c["name"], e))
                failed += 1
                continue
            p = vbtest.run(a.vanban, ["extract", "-"], stdin=text.encode("utf-8"))
            bad = vbtest.crash_report(p)
            if bad or p.returncode != 0:
                print("%s:%d: %s: vanban exit %d: %s" % (path, c["line"], c["name"], p.returncode,
                                                        bad or p.stderr.decode("utf-8", "replace")))
                failed += 1
                continue
            try:
                out = json.loads(p.stdout.decode("utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as e:
                print("%s:%d: %s: output is not JSON (exit %d): %s" % (path, c["line"], c["name"], p.returncode, e))
                failed += 1
                continue
            # whatever a case expects, the output must keep the invariants
            # (tiling, spans in range, ISO dates): tests/vbtest.py
            probs = vbtest.structure_problems(out, len(text.encode("utf-8"))) if isinstance(out, dict) else []
            m = match(exp, out, "$") or ("; ".join(probs[:3]) if probs else None)
            if m:
                failed += 1
                print("%s:%d: %s: %s" % (path, c["line"], c["name"], m))
                if a.v:
                    print(json.dumps(out, ensure_ascii=False, indent=1)[:3000])
            else:
                passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
