"""Helpers shared by the test runners in tests/ (not a test itself).

- run(): runs vanban and says when it crashed or a sanitizer complained,
  which no test may ignore, whatever exit status it expects;
- spans() and iso_problem(): the invariants every output must keep;
- SKIP: the exit status meson reads as "skipped".
"""
import datetime
import os
import re
import shlex
import subprocess
import sys
import time
import traceback

SKIP = 77
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# What ASan, LSan and UBSan print; UBSan without halt_on_error keeps going
# and exits 0, so its report is looked for in stderr.
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "AddressSanitizer:", "MemorySanitizer:", "ThreadSanitizer:")


# `meson test --setup=valgrind` sets this: every vanban run goes through
# valgrind, and whatever valgrind reports (it prefixes ==PID==) is a crash.
WRAPPER = shlex.split(os.environ.get("VANBAN_WRAPPER", ""))
VALGRIND_REPORT = re.compile(r"^==\d+== \S.*$", re.M)


def crash_report(proc):
    """A message when the process died of a signal or a sanitizer spoke, else None."""
    err = proc.stderr.decode("utf-8", "replace") if isinstance(proc.stderr, bytes) else (proc.stderr or "")
    if WRAPPER:
        m = VALGRIND_REPORT.search(err)
        if m:
            return "valgrind report:\n%s" % err[m.start():m.start() + 3000]
    if proc.returncode < 0:
        return "killed by signal %d\n%s" % (-proc.returncode, err[-2000:])
    for mark in SANITIZER_MARKS:
        i = err.find(mark)
        if i >= 0:
            return "sanitizer report:\n%s" % err[max(0, i - 200):i + 3000]
    return None


def run(vanban, args, stdin=None, timeout=120):
    """Runs `vanban ARGS...` with bytes on stdin; returns the CompletedProcess
    (stdout and stderr as bytes)."""
    if WRAPPER:
        timeout *= 50
    return subprocess.run(WRAPPER + [vanban] + list(args), input=stdin if stdin is not None else b"",
                          capture_output=True, timeout=timeout)


def is_span(v):
    return (isinstance(v, list) and len(v) == 2 and all(isinstance(x, int) and not isinstance(x, bool)
                                                        for x in v))


def spans(obj, path="$"):
    """Yields (json path, [start, end]) for every span in an output object:
    keys named "span" or ending in "_span"."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            p = "%s.%s" % (path, k)
            if (k == "span" or k.endswith("_span")) and is_span(v):
                yield p, v
            else:
                yield from spans(v, p)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from spans(v, "%s[%d]" % (path, i))


_ISO = [
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "day"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^--(\d{2})-(\d{2})$"), "month-day"),
    (re.compile(r"^---(\d{2})$"), "day-of-month"),
]


def iso_problem(v):
    """None when v is null or an ISO 8601 value of a form EXTRACTION.md
    allows (YYYY-MM-DD, YYYY-MM, YYYY-Qn, --MM-DD, ---DD), else why not."""
    if v is None:
        return None
    if not isinstance(v, str):
        return "not a string: %r" % (v,)
    for rx, kind in _ISO:
        m = rx.match(v)
        if not m:
            continue
        g = [int(x) for x in m.groups()]
        try:
            if kind == "day":
                datetime.date(g[0], g[1], g[2])
            elif kind == "month" and not 1 <= g[1] <= 12:
                return "month out of range: %r" % v
            elif kind == "month-day":
                datetime.date(2000, g[0], g[1])      # a leap year: --02-29 is valid
            elif kind == "day-of-month" and not 1 <= g[0] <= 31:
                return "day out of range: %r" % v
        except ValueError as e:
            return "not a calendar date: %r (%s)" % (v, e)
        return None
    return "not an allowed ISO 8601 form: %r" % v


def iso_values(doc):
    """Yields (json path, value) for every date-valued field of an output."""
    date = (doc.get("header") or {}).get("date")
    if isinstance(date, dict):
        yield "$.header.date.iso", date.get("iso")
    elif date is not None:
        yield "$.header.date", date
    for i, d in enumerate(doc.get("dates") or []):
        yield "$.dates[%d].iso" % i, d.get("iso")
    for i, d in enumerate(doc.get("directives") or []):
        yield "$.directives[%d].date" % i, d.get("date")
    for i, d in enumerate(doc.get("deadlines") or []):
        yield "$.deadlines[%d].due" % i, d.get("due")
    for i, d in enumerate(doc.get("periods") or []):
        yield "$.periods[%d].start" % i, d.get("start")
        yield "$.periods[%d].end" % i, d.get("end")


def tiling_problem(doc, size):
    """None when the preamble, the top-level sections of the body, the
    closing and the attachments are contiguous and cover [0, size), and
    every attachment's top-level sections lie inside it in order; else
    what is wrong."""
    parts = [("preamble", (doc.get("preamble") or {}).get("span"))]
    for s in doc.get("sections") or []:
        if s.get("parent") is None and not s.get("attachment"):
            parts.append(("section %s" % s.get("id"), s.get("span")))
    parts.append(("closing", (doc.get("closing") or {}).get("span")))
    atts = doc.get("attachments")
    if not isinstance(atts, list):
        return "no attachments array"
    for i, a in enumerate(atts):
        if a.get("n") != i + 1:
            return "attachment %d has n %r" % (i + 1, a.get("n"))
        parts.append(("attachment %d" % (i + 1), a.get("span")))
    at, prev = 0, "start of file"
    for name, sp in parts:
        if not is_span(sp):
            return "%s has no span" % name
        if sp[0] != at:
            return "%s starts at %d, but %s ends at %d" % (name, sp[0], prev, at)
        if sp[1] < sp[0]:
            return "%s ends before it starts: %r" % (name, sp)
        at, prev = sp[1], name
    if at != size:
        return "%s ends at %d, the file has %d bytes" % (prev, at, size)
    for s in doc.get("sections") or []:
        n = s.get("attachment")
        if not n:
            continue
        if not isinstance(n, int) or not 1 <= n <= len(atts):
            return "section %s names attachment %r" % (s.get("id"), n)
        if not str(s.get("id", "")).startswith("A%d/" % n):
            return "section %s of attachment %d lacks the prefix A%d/" % (s.get("id"), n, n)
        sp, asp = s.get("span"), atts[n - 1].get("span")
        if is_span(sp) and not asp[0] <= sp[0] <= sp[1] <= asp[1]:
            return "section %s %r is outside attachment %d %r" % (s.get("id"), sp, n, asp)
    return None


def structure_problems(doc, size):
    """Every invariant of one output object that does not depend on what the
    text says: spans, tiling, section tree, dates.  Returns messages."""
    out = []
    if doc.get("bytes") != size:
        out.append("bytes is %r, the input has %d" % (doc.get("bytes"), size))
    for path, (a, b) in spans(doc):
        if not 0 <= a <= b <= size:
            out.append("%s = [%d, %d] is not inside [0, %d] with start <= end" % (path, a, b, size))
    for i, w in enumerate(doc.get("warnings") or []):
        off = w.get("offset")
        if not isinstance(off, int) or not 0 <= off <= size:
            out.append("$.warnings[%d].offset = %r is not inside [0, %d]" % (i, off, size))
    t = tiling_problem(doc, size)
    if t:
        out.append("tiling: " + t)
    secs = doc.get("sections") or []
    by_id = {}
    for i, s in enumerate(secs):
        p = s.get("parent")
        if p is not None:
            parent = by_id.get(p)
            if parent is None:
                out.append("$.sections[%d] (%s): parent %r is not an earlier section" % (i, s.get("id"), p))
            elif is_span(parent.get("span")) and is_span(s.get("span")):
                if not (parent["span"][0] <= s["span"][0] and s["span"][1] <= parent["span"][1]):
                    out.append("$.sections[%d] (%s): span %r is outside its parent's %r"
                               % (i, s.get("id"), s["span"], parent["span"]))
        if i and is_span(s.get("span")) and is_span(secs[i - 1].get("span")) \
                and s["span"][0] < secs[i - 1]["span"][0]:
            out.append("$.sections[%d] (%s) starts before the section listed before it" % (i, s.get("id")))
        by_id[s.get("id")] = s
    for path, v in iso_values(doc):
        p = iso_problem(v)
        if p:
            out.append("%s: %s" % (path, p))
    return out


class Failure(Exception):
    """What a test found wrong (its message is the report)."""


def run_tests(tests, ctx, only=""):
    """Runs fn(ctx) for each (name, fn) of tests whose name contains
    `only`: returning passes, Failure fails with its message, any other
    exception fails with its traceback (a broken test is a failed test).
    Prints "ok   NAME (T s)" or "FAIL NAME: why" as it goes, then "N
    passed, N failed"; returns the exit status."""
    passed = failed = 0
    for name, fn in tests:
        if only not in name:
            continue
        t = time.time()
        try:
            fn(ctx)
            passed += 1
            print("ok   %s (%.1f s)" % (name, time.time() - t))
        except Failure as e:
            failed += 1
            print("FAIL %s: %s" % (name, e))
        except Exception:  # noqa: BLE001 - a broken test is a failed test
            failed += 1
            print("FAIL %s: %s" % (name, traceback.format_exc()))
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0
