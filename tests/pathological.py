#!/usr/bin/env python3
"""Pathological inputs, generated at test time: each must give a document
(or, for binary data, a clean error), with the output invariants kept, in
time that grows linearly with the input.

usage: tests/pathological.py VANBAN [-k NAME] [--scale F]

Every input is run twice, at full size and at a quarter of it; the test
fails when the full size takes more than QUARTER_FACTOR times the quarter
(4 for linear time, plus slack for noise) and some absolute slack, which a
quadratic blow-up exceeds by far, or more than LIMIT seconds at all.
VANBAN_TIME_SCALE (a sanitizer or valgrind build: 5-50) stretches the
absolute limits, not the ratio.  --scale shrinks every input (quick runs).
Prints one line per input and 'N passed, N failed'.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

import vbtest

QUARTER_FACTOR = 6.0
SLACK_SECONDS = 1.5
LIMIT_SECONDS = 60.0


def numbered(n):
    return "".join("%s. Nội dung mục %d\n" % (".".join(["1"] * (i % 40 + 1)), i) for i in range(n))


def headings(n):
    romans = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    out = []
    for i in range(n):
        k = i % 4
        if k == 0:
            out.append("%s. MỤC ĐÍCH, YÊU CẦU %d\n" % (romans[i % 10], i))
        elif k == 1:
            out.append("## %d. Tổ chức thực hiện\n" % (i % 50 + 1))
        elif k == 2:
            out.append("**%d.%d. Nhiệm vụ**\n" % (i % 9 + 1, i % 7 + 1))
        else:
            out.append("Điều %d. Phạm vi\n" % (i % 300 + 1))
    return "".join(out)


def sample_text():
    with open(sorted(os.path.join(vbtest.ROOT, "samples", f)
                     for f in os.listdir(os.path.join(vbtest.ROOT, "samples")) if f.endswith(".txt"))[0],
              encoding="utf-8") as f:
        return f.read()


def citations(n):
    """n distinct citations: each must find its record without a scan of all."""
    return "".join("Quyết định số %d/QĐ-UBND ngày 01/01/2024; " % (i + 1) for i in range(n))


def codeless_citations(n):
    """n distinct numbers without a code ("số 12/2023"), each looked for
    among the records with a code of its register number and year."""
    return "".join("Quyết định số %d/2023 ngày 01/01/2024; " % (i + 1) for i in range(n))


def short_mentions(n):
    """The citations, then a short mention of each ("Quyết định 12")."""
    return citations(n) + "".join("Quyết định %d, " % (i + 1) for i in range(n))


def cua_ve_viec(n):
    """Citations with an issuer and a subject but no clause end: each one's
    issuer and subject are read in a bounded window, not to the text end."""
    return "Quyết định số 12/QĐ-UBND ngày 01/01/2024 của Ủy ban nhân dân tỉnh về việc phê duyệt kế hoạch " * n


def signed():
    """A decision's body and signature: what attachments follow."""
    return "QUYẾT ĐỊNH\nĐiều 1. Nội dung.\n\nNơi nhận:\n- Như trên;\n\nCHỦ TỊCH\n\nNguyễn Văn An\n\n"


def invalid_utf8(n):
    rnd = random.Random(7)
    # no NUL (that is binary data), many lone continuation and lead bytes
    return bytes(rnd.choice(range(0x80, 0x100)) if rnd.random() < 0.6 else rnd.choice(range(0x20, 0x7f))
                 for _ in range(n))


def inputs():
    """(name, function of a size factor f in (0, 1] -> bytes, expects_error)."""
    line = "Kế hoạch số 12/KH-UBND ngày 03/02/2024 của UBND về “phong trào thi đua” I. 1.1. a) "
    return [
        ("one-50mb-line", lambda f: (line * int(50e6 * f / len(line.encode()))).encode(), False),
        ("100k-numbered-lines", lambda f: numbered(int(100000 * f)).encode(), False),
        ("100k-headings", lambda f: headings(int(100000 * f)).encode(), False),
        ("every-line-I.", lambda f: b"I.\n" * int(1000000 * f), False),
        ("50k-attachments", lambda f: (signed() + "Mẫu số 01\n1. Họ tên\n2. Địa chỉ\n" * int(50000 * f)).encode(), False),
        ("100k-issued-headings", lambda f: "KẾ HOẠCH\n(Ban hành kèm theo Quyết định số 1/QĐ-UBND)\n".encode()
         * int(100000 * f), False),
        ("40k-citations", lambda f: citations(int(40000 * f)).encode(), False),
        ("40k-codeless-citations", lambda f: codeless_citations(int(40000 * f)).encode(), False),
        ("40k-short-mentions", lambda f: short_mentions(int(40000 * f)).encode(), False),
        ("8k-cua-ve-viec", lambda f: cua_ve_viec(int(8000 * f)).encode(), False),
        ("1m-open-quotes", lambda f: "phong trào “".encode() * int(1000000 * f), False),
        ("ngay-ngay-ngay", lambda f: "ngày ".encode() * int(2000000 * f), False),
        ("invalid-utf8", lambda f: invalid_utf8(int(4e6 * f)), False),
        ("utf16le", lambda f: b"\xff\xfe" + (sample_text() * max(1, int(300 * f))).encode("utf-16-le"), False),
        ("utf16be", lambda f: b"\xfe\xff" + (sample_text() * max(1, int(300 * f))).encode("utf-16-be"), False),
        ("nul-bytes", lambda f: b"\x00" * int(4e6 * f), True),
        ("nul-in-text", lambda f: (line.encode() + b"\x00") * int(50000 * f), True),
        ("empty", lambda f: b"", False),
        ("only-bom", lambda f: b"\xef\xbb\xbf", False),
        ("only-utf16-bom", lambda f: b"\xff\xfe", False),
    ]


def run_one(vanban, path, expects_error):
    t0 = time.monotonic()
    limit = LIMIT_SECONDS * time_scale() * 2
    try:
        p = vbtest.run(vanban, ["extract", path], timeout=limit)
    except subprocess.TimeoutExpired:
        return time.monotonic() - t0, "killed after %.0f s (super-linear or hung)" % limit
    dt = time.monotonic() - t0
    bad = vbtest.crash_report(p)
    if bad:
        return dt, "crashed: " + bad
    size = os.path.getsize(path)
    if expects_error:
        if p.returncode != 1 or p.stdout.strip():
            return dt, "expected exit 1 and no output for binary data, got %d" % p.returncode
        return dt, None
    if p.returncode != 0:
        return dt, "exit %d: %s" % (p.returncode, p.stderr.decode("utf-8", "replace")[-300:])
    try:
        doc = json.loads(p.stdout)
    except ValueError as e:
        return dt, "output is not one JSON object: %s" % e
    probs = vbtest.structure_problems(doc, size)
    if probs:
        return dt, "; ".join(probs[:5])
    for w in doc.get("warnings") or []:
        if w.get("code") == "match-limit":
            # allowed (a warning, not a crash), but worth seeing
            print("     note: %s" % w.get("message"))
            break
    return dt, None


def time_scale():
    try:
        return max(1.0, float(os.environ.get("VANBAN_TIME_SCALE", "1")))
    except ValueError:
        return 1.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vanban")
    ap.add_argument("-k", default="")
    ap.add_argument("--scale", type=float, default=1.0)
    a = ap.parse_args()
    vanban = os.path.abspath(a.vanban)
    ts = time_scale()
    tmp = tempfile.mkdtemp(prefix="vanban-patho-")
    passed = failed = 0
    try:
        for name, make, expects_error in inputs():
            if a.k not in name:
                continue
            problems = []
            times = []
            for f in (a.scale / 4, a.scale):
                data = make(f)
                path = os.path.join(tmp, name + ".txt")
                with open(path, "wb") as out:
                    out.write(data)
                del data
                dt, prob = run_one(vanban, path, expects_error)
                times.append(dt)
                if prob:
                    problems.append("at %.0f%%: %s" % (f * 100, prob))
                os.remove(path)
            q, full = times
            if full > QUARTER_FACTOR * q + SLACK_SECONDS * ts:
                problems.append("super-linear: %.2f s at full size, %.2f s at a quarter" % (full, q))
            if full > LIMIT_SECONDS * ts:
                problems.append("took %.1f s (limit %.0f s)" % (full, LIMIT_SECONDS * ts))
            if problems:
                failed += 1
                print("FAIL %-22s %6.2f s (quarter %5.2f s): %s" % (name, full, q, "; ".join(problems)))
            else:
                passed += 1
                print("ok   %-22s %6.2f s (quarter %5.2f s)" % (name, full, q))
            sys.stdout.flush()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
