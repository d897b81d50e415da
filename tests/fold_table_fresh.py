#!/usr/bin/env python3
"""Fails when src/fold_table.c is not what tools/gen_fold_table.py writes:
the table was edited by hand, or the generator changed without a rerun.
Fix: tools/gen_fold_table.py > src/fold_table.c"""
import difflib
import os
import subprocess
import sys

import vbtest

gen = subprocess.run([sys.executable, os.path.join(vbtest.ROOT, "tools", "gen_fold_table.py")],
                     capture_output=True, text=True, check=True).stdout
with open(os.path.join(vbtest.ROOT, "src", "fold_table.c"), encoding="utf-8") as f:
    have = f.read()
if gen != have:
    sys.stdout.writelines(list(difflib.unified_diff(have.splitlines(True), gen.splitlines(True),
                                                    "src/fold_table.c", "tools/gen_fold_table.py"))[:80])
    print("src/fold_table.c is stale: tools/gen_fold_table.py > src/fold_table.c")
    sys.exit(1)
print("src/fold_table.c is up to date")
