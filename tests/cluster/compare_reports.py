#!/usr/bin/env python3
"""Two `nnlab run --report` folders hold the same report but for timings: the same files;
every PNG byte-identical but the time figure (epochs-time-updates); every SVG identical once
cairo's per-process element ids are numbered afresh; index.html identical but for the start
time and the training seconds."""
import os, re, sys

a, b = sys.argv[1], sys.argv[2]
files = sorted(os.listdir(a))
if files != sorted(os.listdir(b)):
    sys.exit(f"{b}: other files than {a}: {sorted(set(files) ^ set(os.listdir(b)))}")

def svg(text):
    ids = {}
    return re.sub(r"\b(image|surface|glyph|clip|mask|pattern|source|filter)(\d+)\b",
                  lambda m: m.group(1) + str(ids.setdefault(m.group(0), len(ids))), text)

def html(text):
    text = re.sub(r"started \d{4}-\d\d-\d\dT[\d:.]+Z", "started T", text)
    text = re.sub(r"finished \d{4}-\d\d-\d\dT[\d:.]+Z", "finished T", text)
    return re.sub(r"Trained in [\d.]+ s", "Trained in S s", text)

checked = 0
for name in files:
    if "epochs-time-updates" in name:
        continue
    x, y = open(os.path.join(a, name), "rb").read(), open(os.path.join(b, name), "rb").read()
    if name.endswith(".svg"):
        x, y = svg(x.decode()), svg(y.decode())
    elif name.endswith(".html"):
        x, y = html(x.decode()), html(y.decode())
    if x != y:
        sys.exit(f"{b}/{name} differs from {a}/{name}")
    checked += 1
print(f"{b}: report identical ({checked} files, the time figure aside)")
