#!/usr/bin/env python3
"""What used to end a scan early and drop the rest of a document silently
(issue 9, bug 7):

- a PCRE2 match-limit hit: the scan loop stopped at the first one, every
  later match of the pattern was lost.  Now the position that hit the
  limit is skipped, with a match-limit warning, and the scan goes on;
- a website trailer ("Văn bản liên quan") excluded the rest of the text
  from dates and citations.  Now it ends at the next document's motto or
  "Số:" line, and after 16000 bytes without one (common.vbg web_trailer);
- the two on a corpus-like concatenation: 40 pages saved one after another.

usage: tests/scan_bounds.py VANBAN GRAMMAR.vbg... [-k NAME]

The GRAMMAR files are the built-in grammar's, in meson.build's order (the
match-limit case adds a catastrophic alternative to dates.date).
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

import vbtest

PAGE = """ỦY BAN NHÂN DÂN
TỈNH BẮC NINH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: {n}/QĐ-UBND
Bắc Ninh, ngày 20 tháng 11 năm 2025
QUYẾT ĐỊNH
Về việc phê duyệt kế hoạch
Căn cứ Quyết định số {n}/2025/QĐ-UBND ngày 10/01/2025 của UBND tỉnh;
Điều 1. Hoàn thành trước ngày 30/6/2026.
Văn bản này chưa cập nhật nội dung Tiếng Anh
Văn bản liên quan
Ban hành:
04/11/2025
Nghị định 13/2023/NĐ-CP về Bảo vệ dữ liệu cá nhân (hiệu lực từ ngày 01/07/2023)
TP. HCM, ngày 31/05/2021
"""


def run(vanban, args, stdin=None):
    p = vbtest.run(vanban, args, stdin=stdin, timeout=60)
    bad = vbtest.crash_report(p)
    if bad:
        return None, bad
    if p.returncode != 0:
        return None, "exit %d: %s" % (p.returncode, p.stderr.decode("utf-8", "replace")[:300])
    return json.loads(p.stdout), None


def isos(doc):
    return [d["iso"] for d in doc.get("dates") or []]


def case_limit(vanban, grammars, tmp):
    """A dates.date alternative that hits the match limit on every run of
    z: the dates after each run are still found."""
    text = ""
    for g in grammars:
        with open(g, encoding="utf-8") as f:
            body = f.read()
        if os.path.basename(g) == "dates.vbg":
            old = "\npattern dates.date "
            if old not in body:
                return "dates.date not found in %s" % g
            body = body.replace(old, old + "(?:z+)+[0-9]|", 1)
        text += "@file grammars/%s\n%s\n" % (os.path.basename(g), body)
    path = os.path.join(tmp, "limit.vbg")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    z = "z" * 23
    doc_text = ("Họp ngày 01/02/2024.\n%s xong.\nHọp lại ngày 03/04/2025.\n%s\n"
                "Kết thúc ngày 05/06/2025.\n" % (z, z))
    doc, err = run(vanban, ["extract", "--grammar", path, "-"], stdin=doc_text.encode())
    if err:
        return err
    want = ["2024-02-01", "2025-04-03", "2025-06-05"]
    if isos(doc) != want:
        return "dates %s, expected %s" % (isos(doc), want)
    codes = [w.get("code") for w in doc.get("warnings") or []]
    if "match-limit" not in codes:
        return "no match-limit warning (warnings: %s)" % codes
    return None


def case_trailer_bound(vanban, grammars, tmp):
    """A trailer with no document after it ends after 16000 bytes."""
    filler = "".join("Tin tức pháp luật mục %d: hỏi đáp, biểu mẫu, công văn mới, dịch vụ.\n" % i
                     for i in range(400))
    text = ("Điều 1. Hiệu lực từ ngày 02/12/2025.\nVăn bản liên quan\nBan hành: 04/11/2025\n" + filler +
            "Các phòng hoàn thành trước ngày 30/6/2026 theo Quyết định số 7/QĐ-UBND.\n")
    doc, err = run(vanban, ["extract", "-"], stdin=text.encode())
    if err:
        return err
    want = ["2025-12-02", "2026-06-30"]
    if isos(doc) != want:
        return "dates %s, expected %s" % (isos(doc), want)
    if [d["number"] for d in doc.get("directives") or []] != ["7/QĐ-UBND"]:
        return "directives %s" % [d["number"] for d in doc.get("directives") or []]
    return None


def case_concatenation(vanban, grammars, tmp):
    """40 saved pages, each with its trailer, one after another."""
    n = 40
    text = "".join(PAGE.format(n=100 + i) for i in range(n))
    doc, err = run(vanban, ["extract", "-"], stdin=text.encode())
    if err:
        return err
    got = isos(doc)
    # each page: its header date (a citation's date, after the first
    # page), the cited decision's date and the deadline; none of its trailer
    if got.count("2026-06-30") != n or got.count("2025-01-10") != n:
        return "%d deadlines and %d citation dates of %d pages" % (
            got.count("2026-06-30"), got.count("2025-01-10"), n)
    if "2021-05-31" in got or "2023-07-01" in got:
        return "a trailer's date was kept"
    nums = sorted(d["number"] for d in doc.get("directives") or [])
    want = sorted("%d/2025/QĐ-UBND" % (100 + i) for i in range(n))
    if nums != want:
        return "directives %s..., expected %d citations" % (nums[:5], n)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vanban")
    ap.add_argument("grammars", nargs="+")
    ap.add_argument("-k", default="")
    a = ap.parse_args()
    vanban = os.path.abspath(a.vanban)
    tmp = tempfile.mkdtemp(prefix="vanban-scan-")
    failed = passed = 0
    try:
        for name, fn in (("match-limit-skips-one-position", case_limit),
                         ("website-trailer-bounded", case_trailer_bound),
                         ("website-trailers-concatenated", case_concatenation)):
            if a.k not in name:
                continue
            problem = fn(vanban, a.grammars, tmp)
            if problem:
                failed += 1
                print("FAIL %s: %s" % (name, problem))
            else:
                passed += 1
                print("ok   %s" % name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
