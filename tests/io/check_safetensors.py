#!/usr/bin/env python3
"""Independent safetensors checker for nnlab's io tests, written from the spec with json + struct
only (and cross-checked with torch when it is installed). Shares no code with src/io.

  check_safetensors.py read FILE OUT.json   check FILE against the spec; dump its tensors as JSON
  check_safetensors.py write FILE           write a reference file with several dtypes

read exits non-zero with a message on the first violation. OUT.json holds
{"metadata": {...}, "tensors": [{"name", "dtype", "shape", "bits"}]} in data order, where "bits"
are the raw little-endian element bit patterns as unsigned integers (exact, NaN-safe).
"""
import json
import math
import struct
import sys

# dtype -> (element bytes, struct code of the raw bit pattern)
DTYPES = {
    "BOOL": (1, "B"), "U8": (1, "B"), "I8": (1, "B"), "I16": (2, "H"), "U16": (2, "H"), "F16": (2, "H"),
    "BF16": (2, "H"), "I32": (4, "I"), "U32": (4, "I"), "F32": (4, "I"), "I64": (8, "Q"), "U64": (8, "Q"),
    "F64": (8, "Q"), "F8_E4M3": (1, "B"), "F8_E5M2": (1, "B"),
}


class Invalid(Exception):
    pass


def no_duplicates(pairs):
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Invalid(f"duplicate key in header object: {keys}")
    return dict(pairs)


def is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check(path):
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise Invalid("shorter than the 8-byte length field")
    (header_len,) = struct.unpack("<Q", raw[:8])
    if 8 + header_len > len(raw):
        raise Invalid(f"header length {header_len} beyond the file")
    if header_len % 8 != 0:
        raise Invalid(f"header length {header_len} not padded to a multiple of 8")
    text = raw[8:8 + header_len].decode("utf-8")
    if not text.startswith("{"):
        raise Invalid("header does not start with '{'")
    stripped = text.rstrip(" ")
    if not stripped.endswith("}"):
        raise Invalid("header padding is not spaces after the closing brace")
    header = json.loads(stripped, object_pairs_hook=no_duplicates)
    if not isinstance(header, dict):
        raise Invalid("header is not an object")
    metadata = header.pop("__metadata__", None) or {}
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise Invalid("metadata is not str -> str")

    data = raw[8 + header_len:]
    entries = []
    for name, info in header.items():
        if set(info) != {"dtype", "shape", "data_offsets"}:
            raise Invalid(f"{name}: fields {sorted(info)}")
        if info["dtype"] not in DTYPES:
            raise Invalid(f"{name}: dtype {info['dtype']}")
        shape, offsets = info["shape"], info["data_offsets"]
        if not isinstance(shape, list) or not all(is_count(d) for d in shape):
            raise Invalid(f"{name}: shape {shape}")
        if not isinstance(offsets, list) or len(offsets) != 2 or not all(is_count(o) for o in offsets):
            raise Invalid(f"{name}: data_offsets {offsets}")
        begin, end = offsets
        size, _ = DTYPES[info["dtype"]]
        if end < begin or end - begin != math.prod(shape) * size:
            raise Invalid(f"{name}: {end - begin} bytes for shape {shape} of {info['dtype']}")
        entries.append((begin, end, name, info["dtype"], shape))
    entries.sort()
    position = 0
    for begin, end, name, _, _ in entries:
        if begin != position:
            raise Invalid(f"{name}: starts at {begin}, previous data ends at {position}")
        position = end
    if position != len(data):
        raise Invalid(f"data block has {len(data)} bytes, tensors cover {position}")

    tensors = []
    for begin, end, name, dtype, shape in entries:
        size, code = DTYPES[dtype]
        count = (end - begin) // size
        bits = list(struct.unpack(f"<{count}{code}", data[begin:end]))
        tensors.append({"name": name, "dtype": dtype, "shape": shape, "bits": bits})
    cross_check_with_torch(data, entries, tensors)
    return {"metadata": metadata, "tensors": tensors}


def cross_check_with_torch(data, entries, tensors):
    """F32 tensors decoded by torch must have the bit patterns struct found."""
    try:
        import torch
    except ImportError:
        return
    for (begin, end, name, dtype, shape), tensor in zip(entries, tensors):
        if dtype != "F32" or begin == end:
            continue
        values = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(shape)
        bits = [b & 0xFFFFFFFF for b in values.view(torch.int32).flatten().tolist()]
        if bits != tensor["bits"]:
            raise Invalid(f"{name}: torch decodes different values")


def write_reference(path):
    """Several dtypes laid out like the Hugging Face writer: larger elements first, then by name."""
    def bf16(value):
        return struct.unpack("<I", struct.pack("<f", value))[0] >> 16

    tensors = {
        "f": ("F32", [2, 1], struct.pack("<2f", 0.1, -7.75)),
        "w64": ("F64", [2, 2], struct.pack("<4d", 0.5, -1.25, 3.0, 1e-3)),
        "h": ("F16", [3], struct.pack("<3e", 1.0, -0.5, 1.0 / 3.0)),
        "b": ("BF16", [2], struct.pack("<2H", bf16(1.0), bf16(-2.0))),
        "n": ("I64", [2], struct.pack("<2q", -5, 9)),
    }
    order = sorted(tensors, key=lambda name: (-DTYPES[tensors[name][0]][0], name))
    header = {"__metadata__": {"format": "pt", "writer": "check_safetensors.py"}}
    data = b""
    for name in order:
        dtype, shape, raw = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def main(argv):
    if len(argv) == 4 and argv[1] == "read":
        try:
            contents = check(argv[2])
        except (Invalid, ValueError, UnicodeDecodeError) as error:
            print(f"{argv[2]}: not valid safetensors: {error}", file=sys.stderr)
            return 1
        with open(argv[3], "w") as f:
            json.dump(contents, f)
        return 0
    if len(argv) == 3 and argv[1] == "write":
        write_reference(argv[2])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
