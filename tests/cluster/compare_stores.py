#!/usr/bin/env python3
"""Compares two nnlab run stores as an MPI run must match a single-process one: every metric
series value (epoch_seconds, a timing, aside), every artefact but checkpoints and the run's
sources, bit for bit, and the member rows. Exit 1 with what differs."""
import sqlite3, struct, sys

def epoch_list(first, count, blob):
    """store/series_chunk.hpp: no blob (consecutive), every epoch, (stride), or (stride, last)."""
    if blob is None or len(blob) == 0:
        return range(first, first + count)
    if len(blob) == 8 * count:
        return struct.unpack(f"<{count}q", blob)
    if len(blob) == 8:
        (stride,) = struct.unpack("<q", blob)
        return [first + stride * i for i in range(count)]
    stride, last = struct.unpack("<2q", blob)
    return [first + stride * i for i in range(count - 1)] + [last]

def series(file):
    values = {}
    rows = sqlite3.connect(file).execute(
        "select member, metric, first_epoch, count, epochs_i64, values_f32 from series where metric != 'epoch_seconds' order by rowid")
    for member, metric, first, count, epochs, floats in rows:
        listed = epoch_list(first, count, epochs)
        for i, epoch in enumerate(listed):
            values[(member, metric, epoch)] = bytes(floats[4 * i:4 * i + 4])  # the newest write wins, as nnlab reads
    return values

def artefacts(file):
    rows = sqlite3.connect(file).execute("select member, kind, name, epoch, content from artefacts")
    return {(m, k, n, e): bytes(c) for m, k, n, e, c in rows if k not in ("checkpoint", "source")}

def members(file):
    return sorted(sqlite3.connect(file).execute("select member, population, seed, hyperparameters, status from members"))

a, b = sys.argv[1], sys.argv[2]
problems = []
sa, sb = series(a), series(b)
if sa != sb:
    problems.append(f"series differ at {sorted(k for k in set(sa) | set(sb) if sa.get(k) != sb.get(k))[:5]}")
aa, ab = artefacts(a), artefacts(b)
if aa != ab:
    problems.append(f"artefacts differ: {sorted(k for k in set(aa) | set(ab) if aa.get(k) != ab.get(k))[:5]}")
if members(a) != members(b):
    problems.append("member rows differ")
print(f"{b}: {len(sa)} series values, {len(aa)} artefacts: " + ("identical" if not problems else "; ".join(problems)))
sys.exit(1 if problems else 0)
