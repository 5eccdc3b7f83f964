#!/usr/bin/env python3
"""Writes the fuzz harnesses' seed corpora, tests/fuzz/corpus/<harness>/ (issue 9, item 17).

    tests/fuzz/make_corpus.py build/nnlab [tests/fuzz/corpus]

Seeds are well-formed inputs in each harness's input format (see the harness's header comment),
so that fuzzing starts from what nnlab really reads: the bundled experiments, IDX and CSV files
made here, and the artefacts and series rows of a real run store written by the given nnlab.
"""
import gzip
import json
import pathlib
import sqlite3
import struct
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]


def write(directory, name, data):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def config_seeds(out):
    for path in sorted((ROOT / "experiments").glob("*.yaml")):
        write(out, path.name, path.read_bytes())
    base = (ROOT / "experiments" / "xor.yaml").read_text()
    write(out, "xor-set.yaml", "--set optimizer.lr=0.1\n--set model.layers.*.activation=tanh\n--set train.epochs=10\n" + base)
    write(out, "xor-sweep.yaml", base + "sweep:\n  parameters:\n    optimizer.lr: [0.1, 0.5]\n    model.layers.0.units: [2, 3]\n")
    write(out, "xor-random.yaml", base + "sweep:\n  method: random\n  trials: 4\n  parameters:\n    optimizer.lr: {log_uniform: [0.01, 1]}\n")


def idx_input(images, labels, gzip_here=0):
    return bytes([gzip_here]) + struct.pack("<H", len(images)) + images + labels


def idx_seeds(out):
    pixels = bytes(range(2 * 3 * 4))
    images = struct.pack(">IIII", 0x803, 2, 3, 4) + pixels
    labels = struct.pack(">II", 0x801, 2) + bytes([0, 7])
    write(out, "plain", idx_input(images, labels))
    write(out, "gzip-here", idx_input(images, labels, 3))
    write(out, "gzip-files", idx_input(gzip.compress(images, mtime=0), gzip.compress(labels, mtime=0)))
    write(out, "truncated", idx_input(images[:-3], labels))


def csv_seeds(out):
    write(out, "header", b"\x00\x00x0,x1,label\n0.5,1,0\n-2,3e-2,1\n")
    write(out, "no-header", b"\x02\x00" + b"1,2,0\r\n3,4,1\r\n")
    write(out, "named-label", b"\x01\x04" + b"\xef\xbb\xbflabel,a,b\n1,0.25,nan\n0,\"7\",1\r2,1,1\n")
    write(out, "first-column", b"\x00\x01" + b"2,0.1,0.2,0.3\n\n0,1,2,3\n")


def store_seeds(nnlab, config_out, safetensors_out, checkpoint_out, artefacts_out):
    with tempfile.TemporaryDirectory() as scratch:
        scratch = pathlib.Path(scratch)
        # The checkpoint harness's population: two 2-3-1 tanh members trained by Adam.
        (scratch / "checkpoint.yaml").write_text(
            "name: fuzz-seed\nseed: 3\nreplicates: 2\ndata: {train: xor, test: xor}\n"
            "model:\n  layers:\n    - {units: 3, activation: tanh}\n    - {units: 1}\n"
            "loss: sse\noptimizer: adam\ntrain: {epochs: 1000, checkpoint_every: 500, snapshot_epochs: [0, 1, 1000]}\n")
        # A convolution over 2 x 2 "images" (mirror patterns of 4 bits): feature maps of the first test image.
        (scratch / "conv.yaml").write_text(
            "name: fuzz-seed-conv\nseed: 2\ndata: {train: {source: mirror, bits: 4}, test: {source: mirror, bits: 4}}\n"
            "model:\n  input_shape: [1, 2, 2]\n  layers:\n    - {type: conv2d, filters: 2, kernel: 1, activation: relu}\n"
            "    - {type: maxpool2d, size: 2}\n    - {type: flatten}\n    - {units: 1, activation: sigmoid}\n"
            "loss: bce\noptimizer: adam\ntrain: {epochs: 5, batch: full}\n")
        (scratch / "classes.yaml").write_text(
            "name: fuzz-seed-classes\nseed: 1\ndata: {train: {source: spirals, points: 30}, test: {source: spirals, points: 10}}\n"
            "model:\n  layers:\n    - {units: 8, activation: tanh}\n    - {units: 2, activation: softmax}\n"
            "loss: cross_entropy\noptimizer: adam\ntrain: {epochs: 20, batch: 16, log_every: 3}\n")
        store = scratch / "runs.db"
        for config in ("checkpoint.yaml", "classes.yaml", "conv.yaml"):
            subprocess.run([nnlab, "run", str(scratch / config), "--store", str(store), "--quiet"], check=True)
        db = sqlite3.connect(store)
        selector = {"weights": 0, "snapshot": 0, "update": 0, "histograms": 2, "confusion": 3, "activations": 4, "feature_maps": 4, "source": 5}
        for run, member, kind, name, content in db.execute("SELECT run_id, member, kind, name, content FROM artefacts ORDER BY id"):
            label = f"run{run}-{kind}-{name}-{member}".replace("/", "_")
            if kind == "checkpoint":
                if run == 1:
                    write(checkpoint_out, label, content)
                write(safetensors_out, label, content)
                continue
            if kind in ("weights", "snapshot"):
                write(safetensors_out, label, content)
            write(artefacts_out, label, bytes([selector[kind]]) + content)
            if kind == "source":
                write(config_out, f"stored-plan-{run}.yaml", json.loads(content)["text"])
        # Series rows in the harness's layout (artefacts_fuzz.cpp): FuzzedDataProvider takes the
        # integers from the END of the input (the last 8 bytes are the first epoch, offset by
        # 2^63, little-endian; then the count; then the form byte; then the epochs blob's
        # length) and the blobs from the front.
        seen = set()
        for first, count, epochs, values in db.execute("SELECT first_epoch, count, epochs_i64, values_f32 FROM series ORDER BY rowid"):
            epochs = epochs or b""
            full_list = len(epochs) == 8 * count and count > 2
            if (len(epochs), full_list) in seen:
                continue
            seen.add((len(epochs), full_list))
            if full_list:  # at most 64 bytes of epochs: keep the first 8 points
                count = min(count, 8)
                epochs = epochs[:8 * count]
            values = values[:4 * count]
            offset = lambda n: struct.pack("<Q", (n + 2**63) % 2**64)
            tail = bytes([len(epochs), 0 if epochs else 1]) + offset(count) + offset(first)
            write(artefacts_out, f"series-{len(seen)}", bytes([1]) + epochs + values + tail)
    write(artefacts_out, "utf8", bytes([6]) + "mirror, 6–2–1 σ".encode())


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    nnlab = sys.argv[1]
    out = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "tests" / "fuzz" / "corpus"
    config_seeds(out / "config")
    idx_seeds(out / "idx")
    csv_seeds(out / "csv")
    store_seeds(nnlab, out / "config", out / "safetensors", out / "checkpoint", out / "artefacts")


if __name__ == "__main__":
    main()
