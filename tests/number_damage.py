#!/usr/bin/env python3
"""How well the section tree survives OCR damage to its item numbers.

usage: tests/number_damage.py VANBAN FILE... [--rate R] [--seeds N] [--strip]

Each FILE is extracted as it stands; its section ids are the reference.
Then the item numbers at line starts are damaged the way Tesseract damages
them (I -> l 1 |, II -> Il 11 H I1, III -> IH Hl 111, V -> Vv, 1 -> T l i,
'.' -> ',' ':' '..', ')' -> '}', the space after the dot lost, stray marks
'.' '-_' "'-" '_' before the number) on a share R of the numbered lines
(default 0.35), with N noise seeds (default 3), and the ids of the damaged
text are scored against the reference (precision, recall, F1).  --strip
also drops the diacritics, as the English OCR model does.

This measures recovery, not correctness: the reference is vanban's own
reading of the clean text.  Corpus plans make a good input:
  tests/number_damage.py build/vanban ../shared/corpus/*/ke-hoach_*.txt
"""
import json
import random
import re
import subprocess
import sys
import unicodedata

ROMAN = {'I': ['l', '1', '|'], 'II': ['Il', '11', 'H', 'I1'], 'III': ['IH', 'Hl', '111', 'II1'],
         'IV': ['lV', '1V'], 'V': ['Vv'], 'VI': ['Vl', 'V1'], 'VII': ['VIl', 'Vll']}
NUMBERED = re.compile(r'^(\s*(?:\*\*)?)([IVX]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ])([.)])( ?)(.*)$', re.S)


def damage_line(line, rng, rate):
    m = NUMBERED.match(line)
    if not m or rng.random() > rate:
        return line
    pre, num, sep, sp, rest = m.groups()
    kind = rng.choice(['num', 'sep', 'space', 'stray'])
    if kind == 'num':
        if num in ROMAN:
            num = rng.choice(ROMAN[num])
        elif num == '1':
            num = rng.choice(['T', 'l', 'i'])
        elif num.isdigit():
            kind = 'sep'
        else:
            kind = 'stray'
    if kind == 'sep':
        if sep == '.':
            sep = rng.choice([',', ':', '..'])
            sp = ' ' if sep != '..' else sp
        else:
            sep = '}'
    if kind == 'space' and sep == '.' and rest[:1].isupper():
        sp = ''
    if kind == 'stray':
        pre += rng.choice(['.', '-_', "'-", '_'])
    return pre + num + sep + sp + rest


def strip(text):
    text = text.replace('đ', 'd').replace('Đ', 'D')
    nfd = unicodedata.normalize('NFD', text)
    return unicodedata.normalize('NFC', ''.join(c for c in nfd if not unicodedata.combining(c)))


def ids(vanban, text):
    out = subprocess.run([vanban, 'extract', '-'], input=text.encode(), capture_output=True, check=True)
    return {s['id'] for s in json.loads(out.stdout)['sections']}


def main():
    args = sys.argv[1:]
    rate, seeds, do_strip = 0.35, 3, False
    if '--rate' in args:
        i = args.index('--rate')
        rate = float(args[i + 1])
        del args[i:i + 2]
    if '--seeds' in args:
        i = args.index('--seeds')
        seeds = int(args[i + 1])
        del args[i:i + 2]
    if '--strip' in args:
        args.remove('--strip')
        do_strip = True
    if len(args) < 2:
        sys.exit(__doc__)
    vanban, files = args[0], args[1:]
    tp = fp = fn = 0
    for f in files:
        with open(f, encoding='utf-8') as fh:
            text = fh.read()
        if do_strip:
            text = strip(text)
        ref = ids(vanban, text)
        for seed in range(seeds):
            rng = random.Random(seed)
            damaged = ''.join(damage_line(l, rng, rate) for l in text.splitlines(True))
            got = ids(vanban, damaged)
            tp += len(ref & got)
            fp += len(got - ref)
            fn += len(ref - got)
    p = tp / max(1, tp + fp)
    r = tp / max(1, tp + fn)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f'{len(files)} files x {seeds} seeds, rate {rate}: P {p:.3f} R {r:.3f} F1 {f1:.3f} '
          f'(tp {tp} fp {fp} fn {fn})')


if __name__ == '__main__':
    main()
