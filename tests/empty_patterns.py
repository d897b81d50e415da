#!/usr/bin/env python3
"""Every pattern of the built-in grammar replaced, one at a time, by one
that matches the empty string everywhere (keeping the pattern's named
groups, empty too): vanban must finish on a sample within a time bound,
exit 0 and print one JSON object.  A scan loop that does not step past an
empty match loops forever (issue 9, bug 8: `header.motto_party (?:)`).

usage: tests/empty_patterns.py VANBAN GRAMMAR.vbg... [-k NAME] [-j N]

The GRAMMAR files are the built-in grammar's, in meson.build's order;
they are joined with "@file grammars/NAME.vbg" lines as the built-in one
is.  Prints one line per failing pattern and 'N passed, N failed'.
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import vbtest

GROUP = re.compile(r"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>")
MACRO = re.compile(r"\{\{([^}]*)\}\}")
# a statement and its "+" continuation lines
STATEMENT = re.compile(r"^(define|pattern)[ \t]+(\S+)[ \t]*(.*)$")
CONT = re.compile(r"^[ \t]*\+ ?(.*)$")
# per run; the samples are short, a run takes a few milliseconds
TIMEOUT = 20


def statements(chunks):
    """(chunk index, first line index, last line index, kind, name, text)
    of every define and pattern, continuation lines joined."""
    out = []
    for ci, (_, body) in enumerate(chunks):
        lines = body.split("\n")
        i = 0
        in_lexicon = False
        while i < len(lines):
            s = lines[i].rstrip(" \t\r")
            word = s.strip().split(" ")[0] if s.strip() else ""
            if in_lexicon:
                in_lexicon = word != "end" or s.strip() != "end"
                i += 1
                continue
            if word == "lexicon":
                in_lexicon = True
                i += 1
                continue
            m = STATEMENT.match(s.lstrip(" \t"))
            if not m:
                i += 1
                continue
            text, j = m.group(3), i + 1
            while j < len(lines):
                c = CONT.match(lines[j].rstrip(" \t\r"))
                if not c:
                    break
                text += c.group(1)
                j += 1
            out.append((ci, i, j - 1, m.group(1), m.group(2), text))
            i = j
    return out


def empty_versions(grammars):
    """(pattern name, grammar text with that pattern matching empty)."""
    chunks = []
    for g in grammars:
        with open(g, encoding="utf-8") as f:
            chunks.append(("grammars/" + os.path.basename(g), f.read()))
    stmts = statements(chunks)
    macros, groups = {}, {}
    for _, _, _, kind, name, text in stmts:
        expanded = MACRO.sub(lambda m: macros.get(m.group(1), ""), text)
        if kind == "define":
            macros[name] = expanded
        else:
            groups[name] = list(dict.fromkeys(GROUP.findall(expanded)))
    out = []
    for ci, first, last, kind, name, _ in stmts:
        if kind != "pattern":
            continue
        text = ""
        for k, (cname, body) in enumerate(chunks):
            if k == ci:
                lines = body.split("\n")
                repl = "pattern %s (?:)%s" % (name, "".join("(?<%s>)" % g for g in groups[name]))
                # same number of lines: messages keep their line numbers
                body = "\n".join(lines[:first] + [repl] + ["#"] * (last - first) + lines[last + 1:])
            text += "@file %s\n%s%s" % (cname, body, "" if body.endswith("\n") else "\n")
        out.append((name, text))
    return out


def check(vanban, path, samples):
    try:
        p = vbtest.run(vanban, ["extract", "--grammar", path] + samples, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return "no result within %d s (an empty match loops?)" % (TIMEOUT * (50 if vbtest.WRAPPER else 1))
    bad = vbtest.crash_report(p)
    if bad:
        return bad
    if p.returncode != 0:
        return "exit %d: %s" % (p.returncode, p.stderr.decode("utf-8", "replace")[:300])
    try:
        docs = [json.loads(line) for line in p.stdout.splitlines()]
    except ValueError as e:
        return "output is not NDJSON: %s" % e
    if len(docs) != len(samples):
        return "%d records for %d inputs" % (len(docs), len(samples))
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vanban")
    ap.add_argument("grammars", nargs="+")
    ap.add_argument("-k", default="")
    ap.add_argument("-j", type=int, default=2)
    a = ap.parse_args()
    vanban = os.path.abspath(a.vanban)
    # a sample with every part: header, sections, dates, closing, an annex
    sample = os.path.join(vbtest.ROOT, "samples", "cong-van-kem-phu-luc.txt")
    versions = [(n, t) for n, t in empty_versions(a.grammars) if a.k in n]
    if not versions:
        print("no pattern found in the grammar files")
        return 1
    tmp = tempfile.mkdtemp(prefix="vanban-empty-")
    # the same text on one line: the paths for texts without line breaks
    one_line = os.path.join(tmp, "one-line.txt")
    with open(sample, encoding="utf-8") as f, open(one_line, "w", encoding="utf-8") as o:
        o.write(" ".join(f.read().split()) + "\n")
    samples = [sample, one_line]
    try:
        jobs = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=a.j) as ex:
            for name, text in versions:
                path = os.path.join(tmp, name + ".vbg")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                jobs[name] = ex.submit(check, vanban, path, samples)
        failed = 0
        for name, _ in versions:
            problem = jobs[name].result()
            if problem:
                failed += 1
                print("FAIL %s: %s" % (name, problem))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (len(versions) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
