#!/usr/bin/env python3
"""Grammar files with mistakes: each must make `vanban extract --grammar`
exit 2 with "file:line: message" on stderr (the file and line of the
mistake) and print nothing on stdout.

usage: tests/grammar_errors.py VANBAN GRAMMAR.vbg... [-k NAME]

The GRAMMAR files are the built-in grammar's, in meson.build's order: the
cases that need a whole grammar (a stage missing a name) are made from
them, joined with "@file grammars/NAME.vbg" lines as the built-in one is.
Prints one line per case and 'N passed, N failed'.
"""
import argparse
import os
import re
import shutil
import sys
import tempfile

import vbtest


def small_cases():
    """(name, grammar text, line of the error or None for the file's own
    name, what the message must say).  The file is FILE below."""
    return [
        ("unknown-statement", "pattern a x\nbogus b y\n", 2, "unknown statement"),
        ("bad-name", "pattern A x\n", 1, "bad name"),
        ("no-name", "pattern\n", 1, "bad name"),
        ("unknown-macro", "pattern a x\npattern b {{nope}}\n", 2, "unknown macro"),
        ("unterminated-macro", "define m x\npattern b {{m\n", 2, "unterminated macro"),
        ("regex-error", "# c\npattern a x\n\npattern b (abc\n  + def\n", 4, "missing closing parenthesis"),
        ("regex-error-in-define-use", "define m (\npattern a {{m}}x\n", 2, "missing closing parenthesis"),
        ("lexicon-not-closed", "pattern a x\nlexicon l\n  k = v\n", 2, "not closed"),
        ("entry-without-equals", "pattern a x\nlexicon l\n  k v\nend\n", 3, "without '='"),
        ("empty-key", "pattern a x\nlexicon l\n  = v\nend\n", 3, "empty key"),
        ("duplicate-key", "pattern a x\nlexicon l\n  Kế = 1\n  KE = 2\nend\n", 4, "already given on line 3"),
        ("lexicon-text-after-name", "pattern a x\nlexicon l extra\nend\n", 2, "text after the name"),
        ("lexicon-twice", "pattern a x\nlexicon l\nend\nlexicon l\nend\n", 4, "defined twice"),
        ("plus-continues-nothing", "+ abc\n", 1, "continues nothing"),
        ("plus-after-comment-only", "# c\n  + abc\n", 2, "continues nothing"),
        ("empty-file", "", 1, "no pattern"),
        ("comments-only", "# empty\n# still empty\n", 2, "no pattern"),
        ("defines-only", "define m x\n", 1, "no pattern"),
        ("nul-byte", "pattern a x\npattern b y\0z\n", 2, "NUL"),
        # @file chunks: errors name the chunk's file and its own line
        ("file-chunk-regex", "@file grammars/one.vbg\npattern a x\n@file grammars/two.vbg\n\npattern b (\n",
         ("grammars/two.vbg", 2), "missing closing parenthesis"),
        ("file-chunk-lexicon-open", "@file grammars/one.vbg\npattern a x\nlexicon l\n  k = v\n"
         "@file grammars/two.vbg\npattern b y\n", ("grammars/one.vbg", 2), "not closed"),
        ("file-chunk-lexicon-open-at-end", "@file grammars/one.vbg\npattern a x\n@file grammars/two.vbg\n"
         "lexicon l\n  k = v\n", ("grammars/two.vbg", 1), "not closed"),
        ("file-chunk-empty", "@file grammars/one.vbg\n# nothing\n@file grammars/two.vbg\n",
         ("grammars/two.vbg", 1), "no pattern"),
        # bounds (issue 9, bug 9): a 40-line macro bomb took all memory
        ("macro-bomb", "define m0 aa\n" + "".join("define m%d {{m%d}}{{m%d}}\n" % (i, i - 1, i - 1)
                                                 for i in range(1, 40)) + "pattern p {{m39}}\n",
         17, "'m16' expands to more than 64 KiB"),
        ("pattern-too-long", "pattern a x\npattern b " + "x" * 70000 + "\n", 2, "longer than 64 KiB"),
        ("empty-pattern", "pattern a x\npattern b\n", 2, "pattern 'b' is empty"),
    ]


def whole_grammar_cases(grammars):
    """Mistakes only a stage sees: the built-in grammar with a name taken
    away.  (name, text, (file, line), message)."""
    if not grammars:
        return []
    chunks = []
    for g in grammars:
        with open(g, encoding="utf-8") as f:
            chunks.append(("grammars/" + os.path.basename(g), f.read()))

    def join(replace_in, old, new):
        text, hit = "", False
        for name, body in chunks:
            if name.endswith(replace_in) and old in body:
                body = body.replace(old, new, 1)
                hit = True
            text += "@file %s\n%s%s" % (name, body, "" if body.endswith("\n") else "\n")
        return text if hit else None

    last_name, last_body = chunks[-1]
    end = (last_name, max(1, len(last_body.split("\n")) - (1 if last_body.endswith("\n") else 0)))
    out = []
    # a lexicon a stage needs, left empty: an error at its own line
    for name, lex, where in (("empty-lexicon", "deadlines.recurrence", "deadlines.vbg"),
                             ("empty-header-lexicon", "header.types", "header.vbg")):
        text, hit, line = "", False, None
        for cname, body in chunks:
            if cname.endswith(where):
                m = re.search(r"^lexicon %s\n(?:(?!end\n).*\n)*end\n" % re.escape(lex), body, re.M)
                if m:
                    body = body[:m.start()] + "lexicon %s\nend\n" % lex + body[m.end():]
                    line = (cname, body[:m.start()].count("\n") + 1)
                    hit = True
            text += "@file %s\n%s%s" % (cname, body, "" if body.endswith("\n") else "\n")
        if not hit:
            print("note: %s: lexicon %s not found in grammars/%s; case skipped" % (name, lex, where))
            continue
        out.append((name, text, line, "lexicon '%s' is empty" % lex))
    for name, where, old, new, what in (
            ("missing-pattern", "dates.vbg", "\npattern dates.date ", "\npattern dates.datex ", "dates.date"),
            ("missing-lexicon", "deadlines.vbg", "\nlexicon deadlines.recurrence\n", "\nlexicon deadlines.recurrencex\n",
             "deadlines.recurrence"),
            ("missing-sections-lexicon", "sections.vbg", "\nlexicon sections.levels\n", "\nlexicon sections.levelsx\n",
             "sections.levels")):
        text = join(where, old, new)
        if text is None:
            print("note: %s: %r not found in grammars/%s; case skipped" % (name, old, where))
            continue
        out.append((name, text, end, what))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vanban")
    ap.add_argument("grammars", nargs="*")
    ap.add_argument("-k", default="")
    a = ap.parse_args()
    sample = sorted(os.path.join(vbtest.ROOT, "samples", f)
                    for f in os.listdir(os.path.join(vbtest.ROOT, "samples")) if f.endswith(".txt"))[0]
    tmp = tempfile.mkdtemp(prefix="vanban-grammar-")
    passed = failed = 0
    try:
        for name, text, line, what in small_cases() + whole_grammar_cases(a.grammars):
            if a.k not in name:
                continue
            path = os.path.join(tmp, name + ".vbg")
            with open(path, "wb") as f:
                f.write(text.encode("utf-8"))
            if isinstance(line, tuple):
                where = "%s:%d: " % line
            else:
                where = "%s:%d: " % (path, line)
            p = vbtest.run(os.path.abspath(a.vanban), ["extract", "--grammar", path, sample])
            err = p.stderr.decode("utf-8", "replace")
            problems = []
            bad = vbtest.crash_report(p)
            if bad:
                problems.append(bad)
            if p.returncode != 2:
                problems.append("exit %d, expected 2" % p.returncode)
            if where not in err:
                problems.append("stderr does not hold %r" % where)
            if what not in err:
                problems.append("stderr does not say %r" % what)
            if not re.search(r"^vanban: \S+:\d+: ", err, re.M):
                problems.append("no 'vanban: file:line: message' line")
            if p.stdout:
                problems.append("printed on stdout")
            if problems:
                failed += 1
                print("FAIL %s: %s\n     stderr: %s" % (name, "; ".join(problems), err.strip()[:300]))
            else:
                passed += 1
                print("ok   %-32s %s" % (name, err.strip().splitlines()[0][:110]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
