#!/usr/bin/env python3
"""Two `nnlab run --json` summaries are the same but for timings, the run id, the ranks field and
the config path (a resumed run names its file by the absolute path it stored)."""
import json, sys

def load(file):
    document = json.load(open(file))
    for key in ("seconds", "recording_seconds", "run", "ranks", "config"):
        document.pop(key, None)
    for member in document["members"]:
        member.pop("seconds", None)
    return document

a, b = load(sys.argv[1]), load(sys.argv[2])
if a != b:
    print(f"{sys.argv[2]}: the summary differs from {sys.argv[1]}")
    sys.exit(1)
print(f"{sys.argv[2]}: summary identical ({len(a['members'])} members)")
