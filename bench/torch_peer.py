#!/usr/bin/python3
"""The PyTorch peer of bench/run.sh: the same workloads as nnlab, timed in-process.

Prints one JSON object per workload: {"workload": ..., "seconds": ..., ...}.
Run with Debian's python3 (python3-torch): /usr/bin/python3 bench/torch_peer.py WORKLOAD
"""
import gzip
import json
import struct
import sys
import time

import numpy as np
import torch

FASHION = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = struct.unpack(">" + "I" * (magic & 0xFF), data[4:4 + 4 * (magic & 0xFF)])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def timed_training(model, optimizer, x, y, xt, yt, batch, epochs=1, chunk=None):
    """Seconds of `epochs` shuffled mini-batch epochs with what nnlab records around every epoch:
    exact loss and accuracy on the train and test sets, in evaluation mode (dropout off), in
    forwards of `chunk` rows (None: the whole set at once)."""
    loss_fn = torch.nn.CrossEntropyLoss()

    def measure():
        model.eval()
        with torch.no_grad():
            result = []
            for inputs, labels in ((x, y), (xt, yt)):
                step = chunk or inputs.shape[0]
                out = torch.cat([model(inputs[b:b + step]) for b in range(0, inputs.shape[0], step)])
                result.append((loss_fn(out, labels).item(), (out.argmax(1) == labels).float().mean().item()))
        model.train()
        return result

    start = time.perf_counter()
    measure()  # epoch 0: the initial weights
    for _ in range(epochs):
        order = torch.randperm(x.shape[0])
        for begin in range(0, x.shape[0], batch):
            rows = order[begin:begin + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x[rows]), y[rows])
            loss.backward()
            optimizer.step()
        metrics = measure()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "train_accuracy": metrics[0][1], "test_accuracy": metrics[1][1]}


def fashion_sets(train_rows=None, test_rows=None):
    """Fashion-MNIST as [N, 1, 28, 28] floats in [0, 1] and int64 labels: the first rows of each split."""
    def images(name, rows):
        return torch.from_numpy(read_idx(f"{FASHION}/{name}-images-idx3-ubyte.gz")[:rows].astype(np.float32) / 255.0).unsqueeze(1)

    def labels(name, rows):
        return torch.from_numpy(read_idx(f"{FASHION}/{name}-labels-idx1-ubyte.gz")[:rows].astype(np.int64))

    return images("train", train_rows), labels("train", train_rows), images("t10k", test_rows), labels("t10k", test_rows)


def fashion_epoch(batch, epochs=1):
    x, y, xt, yt = fashion_sets()
    x, xt = x.reshape(-1, 784), xt.reshape(-1, 784)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 300), torch.nn.ReLU(), torch.nn.Linear(300, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    return timed_training(model, optimizer, x, y, xt, yt, batch, epochs)


def keras_cnn_epoch(batch, train_rows=10000, test_rows=2000):
    """The Keras MNIST CNN of experiments/keras-cnn-fashion-mnist.yaml, He init, Adam, one epoch on
    the first train_rows images, with the exact train and test metrics nnlab records around it."""
    x, y, xt, yt = fashion_sets(train_rows, test_rows)
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
                          nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))
    for module in model:
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(module.weight)
            nn.init.zeros_(module.bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    return timed_training(model, optimizer, x, y, xt, yt, batch, chunk=1000)


def mirror_data():
    bits = torch.tensor([[(i >> (5 - b)) & 1 for b in range(6)] for i in range(64)], dtype=torch.float32)
    target = (bits == bits.flip(1)).all(1).float().unsqueeze(1)
    return bits, target


def rumelhart_batched(replicates, sweeps=1425):
    """All replicates as one batched model: bmm over a leading replicate axis."""
    x, d = mirror_data()
    g = torch.Generator().manual_seed(1)
    w1 = (torch.rand(replicates, 6, 2, generator=g) * 0.6 - 0.3).requires_grad_()
    b1 = (torch.rand(replicates, 1, 2, generator=g) * 0.6 - 0.3).requires_grad_()
    w2 = (torch.rand(replicates, 2, 1, generator=g) * 0.6 - 0.3).requires_grad_()
    b2 = (torch.rand(replicates, 1, 1, generator=g) * 0.6 - 0.3).requires_grad_()
    optimizer = torch.optim.SGD([w1, b1, w2, b2], lr=0.1, momentum=0.9)
    xb = x.expand(replicates, 64, 6)
    start = time.perf_counter()
    for _ in range(sweeps):
        optimizer.zero_grad()
        y = torch.sigmoid(torch.bmm(torch.sigmoid(torch.bmm(xb, w1) + b1), w2) + b2)
        loss = 0.5 * ((y - d) ** 2).sum()  # a sum over replicates: each gets its own gradient
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    solved = ((y > 0.5).float() == d).all(1).squeeze(1).float().mean().item()
    return {"seconds": seconds, "success_rate": solved}


def rumelhart_loop(replicates, sweeps=1425):
    """One replicate after another, as the seed authors did."""
    x, d = mirror_data()
    solved = 0
    start = time.perf_counter()
    for r in range(replicates):
        torch.manual_seed(r)
        model = torch.nn.Sequential(torch.nn.Linear(6, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 1), torch.nn.Sigmoid())
        for p in model.parameters():
            torch.nn.init.uniform_(p, -0.3, 0.3)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        for _ in range(sweeps):
            optimizer.zero_grad()
            y = model(x)
            loss = 0.5 * ((y - d) ** 2).sum()
            loss.backward()
            optimizer.step()
        solved += int(((y > 0.5).float() == d).all())
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "success_rate": solved / replicates}


def main():
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    workload = sys.argv[1]
    if workload.startswith("fashion-batch"):
        result = fashion_epoch(int(workload.removeprefix("fashion-batch")))
    elif workload.startswith("keras-cnn-batch"):
        result = keras_cnn_epoch(int(workload.removeprefix("keras-cnn-batch")))
    elif workload.startswith("rumelhart-batched"):
        result = rumelhart_batched(int(workload.removeprefix("rumelhart-batched")))
    elif workload.startswith("rumelhart-loop"):
        result = rumelhart_loop(int(workload.removeprefix("rumelhart-loop")))
    else:
        sys.exit(f"unknown workload {workload}")
    result["workload"] = workload
    result["torch"] = torch.__version__
    result["threads"] = torch.get_num_threads()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
