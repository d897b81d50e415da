#!/usr/bin/env python3
"""README.md shows real output: its ```json block under "## Output" must be
what vanban prints today for the sample it names, cut to a readable size.

usage: tests/readme_excerpt.py VANBAN            check (exit 1 when stale)
       tests/readme_excerpt.py --update VANBAN   rewrite the block in README.md

The excerpt keeps every top-level field and the first records of each
array (EXCERPT_LEN below), and writes each span on one line; the text
before the block says so.  Run from anywhere; paths are the project's.
"""
import json
import os
import sys

import vbtest

SAMPLE = "samples/ke-hoach-thi-dua-2020-huyen-markdown.txt"
# How many records of each array the README shows.
EXCERPT_LEN = {"sections": 3, "directives": 1, "dates": 2, "deadlines": 1, "periods": 1,
               "movements": 1, "recipients": 3, "mentions": 2, "issuer": 3}
DEFAULT_LEN = 2
BLOCK_START = "```json\n"
BLOCK_END = "```\n"
HEADING = "## Output\n"


def cut(value, key=None):
    """The value with long arrays cut to their first records, recursively."""
    if isinstance(value, dict):
        return {k: cut(v, k) for k, v in value.items()}
    if isinstance(value, list):
        if all(isinstance(x, int) for x in value):
            return value
        return [cut(x) for x in value[:EXCERPT_LEN.get(key, DEFAULT_LEN)]]
    return value


def render(value, indent=0):
    """JSON with two-space indentation and spans ([start, end]) on one line."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = ['%s  %s: %s' % (pad, json.dumps(k, ensure_ascii=False), render(v, indent + 1))
                 for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if all(isinstance(x, int) for x in value):
            return "[" + ", ".join(str(x) for x in value) + "]"
        items = [pad + "  " + render(x, indent + 1) for x in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def excerpt(vanban):
    proc = vbtest.run(vanban, ["extract", "--pretty", SAMPLE])
    if proc.returncode != 0:
        raise SystemExit("vanban extract %s failed (exit %d): %s"
                         % (SAMPLE, proc.returncode, proc.stderr.decode("utf-8", "replace")))
    return render(cut(json.loads(proc.stdout.decode("utf-8")))) + "\n"


def block_bounds(text):
    """(start, end) of the json block's body in README.md."""
    at = text.index(HEADING)
    start = text.index(BLOCK_START, at) + len(BLOCK_START)
    return start, text.index(BLOCK_END, start)


def main():
    args = sys.argv[1:]
    update = args[:1] == ["--update"]
    if update:
        args = args[1:]
    if len(args) != 1:
        print(__doc__)
        return 2
    vanban = os.path.abspath(args[0])
    os.chdir(vbtest.ROOT)
    readme = os.path.join(vbtest.ROOT, "README.md")
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    start, end = block_bounds(text)
    want = excerpt(vanban)
    if text[start:end] == want:
        print("README.md's output excerpt is up to date")
        return 0
    if update:
        with open(readme, "w", encoding="utf-8") as f:
            f.write(text[:start] + want + text[end:])
        print("rewrote the excerpt in README.md; review with: git diff README.md")
        return 0
    print("README.md's output excerpt is not what `vanban extract --pretty %s` prints today.\n"
          "fix: tests/readme_excerpt.py --update build/vanban, then review git diff README.md" % SAMPLE)
    return 1


if __name__ == "__main__":
    sys.exit(main())
