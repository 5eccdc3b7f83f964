#!/usr/bin/python3
"""PyTorch side of torch_interop_test.cpp: nnlab model files with batch and layer norm load into an
equivalent torch nn.Sequential with load_state_dict (strict), and torch's state dict loads into nnlab.

The model, config index = torch index: layers = Sequential(Linear(3, 5), BatchNorm1d(5), Linear(5, 4),
LayerNorm(4), Linear(4, 2)), with ReLU after layers[1] and tanh after layers[3] (nnlab: the
activations of those entries). Reads and writes safetensors with json + struct (Debian has no
python3-safetensors).

  torch_state_dict.py load FILE OUT.json    load nnlab's FILE; OUT.json: {"inputs", "outputs"} in eval mode
  torch_state_dict.py save FILE OUT.json    train a few steps in torch, save its state dict (num_batches_tracked
                                            as I64, as torch keeps it); OUT.json as above
"""
import json
import struct
import sys

import torch

DTYPES = {"F32": (4, "f", torch.float32), "F64": (8, "d", torch.float64), "I64": (8, "q", torch.int64)}


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.BatchNorm1d(5), torch.nn.Linear(5, 4),
                                          torch.nn.LayerNorm(4), torch.nn.Linear(4, 2))

    def forward(self, x):
        x = torch.relu(self.layers[1](self.layers[0](x)))
        x = torch.tanh(self.layers[3](self.layers[2](x)))
        return self.layers[4](x)


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    header.pop("__metadata__", None)
    data = raw[8 + length:]
    tensors = {}
    for name, info in header.items():
        size, code, dtype = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        values = struct.unpack(f"<{(end - begin) // size}{code}", data[begin:end])
        tensors[name] = torch.tensor(values, dtype=dtype).reshape(info["shape"])
    return tensors


def write(path, tensors):
    header, data = {"__metadata__": {"format": "pt"}}, b""
    for name, tensor in tensors.items():
        dtype = "I64" if tensor.dtype == torch.int64 else "F32"
        values = tensor.flatten().tolist()
        raw = struct.pack(f"<{len(values)}{'q' if dtype == 'I64' else 'f'}", *values)
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def inputs():
    return torch.linspace(-2.0, 3.0, 18).reshape(6, 3) ** 2 * 0.3 - 0.5


def dump(path, net):
    net.eval()
    x = inputs()
    with torch.no_grad():
        y = net(x)
    with open(path, "w") as f:
        json.dump({"inputs": x.flatten().tolist(), "outputs": y.flatten().tolist()}, f)


def main(argv):
    if len(argv) != 4 or argv[1] not in ("load", "save"):
        print(__doc__, file=sys.stderr)
        return 2
    net = Net()
    if argv[1] == "load":
        net.load_state_dict(read(argv[2]), strict=True)
    else:
        torch.manual_seed(7)
        optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
        x, t = torch.randn(8, 3), torch.randn(8, 2)
        for _ in range(4):
            optimizer.zero_grad()
            torch.nn.functional.mse_loss(net(x), t).backward()
            optimizer.step()
        write(argv[2], net.state_dict())
    dump(argv[3], net)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
