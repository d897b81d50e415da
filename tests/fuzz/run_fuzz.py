#!/usr/bin/env python3
"""Runs the libFuzzer target for a bounded time (the `fuzz` test suite).

usage: run_fuzz.py FUZZER SECONDS WORKDIR SEEDDIR DICT [extra libFuzzer args]

New inputs go to WORKDIR/corpus (kept between runs: a build directory
fuzzes on from where it stopped), crashes to WORKDIR/crash-*; the seeds
(samples/) are read, never written.  Exit status is libFuzzer's: 0 when
no invariant broke and nothing crashed.
"""
import os
import subprocess
import sys


def main():
    fuzzer, seconds, work, seeds, dic = sys.argv[1:6]
    corpus = os.path.join(work, "corpus")
    os.makedirs(corpus, exist_ok=True)
    args = [fuzzer, corpus, seeds, "-dict=" + dic, "-max_total_time=" + seconds,
            # small inputs run fast; the shapes that matter fit in 4 KiB
            "-max_len=4096", "-timeout=20", "-rss_limit_mb=2048",
            "-artifact_prefix=" + os.path.join(work, ""), "-print_final_stats=1"] + sys.argv[6:]
    print(" ".join(args), flush=True)
    return subprocess.call(args)


if __name__ == "__main__":
    sys.exit(main())
