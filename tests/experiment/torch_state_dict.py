#!/usr/bin/python3
"""PyTorch side of torch_interop_test.cpp: nnlab model files load into an equivalent torch nn.Sequential with
load_state_dict (strict), and torch's state dict loads into nnlab, for two models (config index = torch index):

  norm         layers = Sequential(Linear(3, 5), BatchNorm1d(5), Linear(5, 4), LayerNorm(4), Linear(4, 2)), with ReLU
               after layers[1] and tanh after layers[3] (nnlab: the activations of those entries)
  weight_norm  layers = Sequential(weight_norm(Conv2d(1, 3, 3)), Flatten(), weight_norm(Linear(27, 4)), Linear(4, 2))
               over [1, 5, 5] images, ReLU after layers[0] and tanh after layers[2]: weight_g / weight_v

Reads and writes safetensors with json + struct (Debian has no python3-safetensors).

  torch_state_dict.py load MODEL FILE OUT.json    load nnlab's FILE; OUT.json: {"inputs", "outputs"} in eval mode
  torch_state_dict.py save MODEL FILE OUT.json    train a few steps in torch, save its state dict (num_batches_tracked
                                                  as I64, as torch keeps it); OUT.json as above
"""
import json
import struct
import sys

import torch

DTYPES = {"F32": (4, "f", torch.float32), "F64": (8, "d", torch.float64), "I64": (8, "q", torch.int64)}


class NormNet(torch.nn.Module):
    features = (3,)

    def __init__(self):
        super().__init__()
        self.layers = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.BatchNorm1d(5), torch.nn.Linear(5, 4),
                                          torch.nn.LayerNorm(4), torch.nn.Linear(4, 2))

    def forward(self, x):
        x = torch.relu(self.layers[1](self.layers[0](x)))
        x = torch.tanh(self.layers[3](self.layers[2](x)))
        return self.layers[4](x)


class WeightNormNet(torch.nn.Module):
    features = (1, 5, 5)

    def __init__(self):
        super().__init__()
        norm = torch.nn.utils.weight_norm
        self.layers = torch.nn.Sequential(norm(torch.nn.Conv2d(1, 3, 3)), torch.nn.Flatten(), norm(torch.nn.Linear(27, 4)),
                                          torch.nn.Linear(4, 2))

    def forward(self, x):
        x = self.layers[1](torch.relu(self.layers[0](x)))
        return self.layers[3](torch.tanh(self.layers[2](x)))


NETS = {"norm": NormNet, "weight_norm": WeightNormNet}


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


def inputs(net):
    count = 6 * torch.Size(net.features).numel()
    return (torch.linspace(-2.0, 3.0, count) ** 2 * 0.3 - 0.5).reshape(6, *net.features)


def dump(path, net):
    net.eval()
    x = inputs(net)
    with torch.no_grad():
        y = net(x)
    with open(path, "w") as f:
        json.dump({"inputs": x.flatten().tolist(), "outputs": y.flatten().tolist()}, f)


def main(argv):
    if len(argv) != 5 or argv[1] not in ("load", "save") or argv[2] not in NETS:
        print(__doc__, file=sys.stderr)
        return 2
    net = NETS[argv[2]]()
    if argv[1] == "load":
        net.load_state_dict(read(argv[3]), strict=True)
    else:
        torch.manual_seed(7)
        optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
        x, t = torch.randn(8, *net.features), torch.randn(8, 2)
        for _ in range(4):
            optimizer.zero_grad()
            torch.nn.functional.mse_loss(net(x), t).backward()
            optimizer.step()
        write(argv[3], net.state_dict())
    dump(argv[4], net)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
