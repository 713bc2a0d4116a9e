#!/usr/bin/python3
"""PyTorch reference for the LeNet5 sample: the same network, data and recipe, single-threaded.

Run:  /usr/bin/python3 benchmarks/pytorch/lenet.py [--seeds 1 2 3] [--epochs 5] [--data DIR]
      /usr/bin/python3 benchmarks/pytorch/lenet.py --time [--quick]

--time measures instead, with bench.py's method (median of blocks of back-to-back calls): forward at batch 1 and 64
(eval mode, no_grad) and one Adam training step at batch 64, for LeNet-5 and LeNet-5 with BatchNorm after both
convolutions and the 120-unit layer, the C# LayerOverhead rows' networks.

LeNet-5 as the sample declares it: Conv2d(1, 6, 5, padding=2), ReLU, MaxPool2d(2), Conv2d(6, 16, 5), ReLU, MaxPool2d(2),
Flatten, Linear(400, 120), ReLU, Linear(120, 84), ReLU, Linear(84, 10); cross-entropy on the logits; Adam(lr=1e-3),
batches of 64 reshuffled every epoch, 5 epochs; pixels scaled to [0, 1] (torchvision's ToTensor), no other normalisation;
PyTorch's default initialisation. Prints the test accuracy after every epoch, the seconds per epoch (training only) and,
for several seeds, the final accuracies' median and range, the figure the sample must reach.
"""

import argparse
import gzip
import os
import platform
import statistics
import time

import numpy as np
import torch
import torch.nn as nn

from bench import fmt_time, time_per_call  # also sets PyTorch to one thread (intra- and inter-op), as every reference row


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(folder, prefix):
    images = read_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    return x, torch.from_numpy(labels.astype(np.int64))


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def lenet_batchnorm():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.BatchNorm2d(6), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.BatchNorm2d(16), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.BatchNorm1d(120),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def timings(quick):
    torch.manual_seed(0)
    x64, y64 = torch.rand(64, 1, 28, 28), torch.randint(0, 10, (64,))
    for name, make in (("LeNet5", lenet), ("LeNet5BatchNorm", lenet_batchnorm)):
        model = make()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()

        def step():
            optimizer.zero_grad()
            loss_fn(model(x64), y64).backward()
            optimizer.step()

        step()
        model.eval()
        with torch.no_grad():
            one = time_per_call(lambda: torch.softmax(model(x64[:1]), 1), quick)
            batch = time_per_call(lambda: torch.softmax(model(x64), 1), quick)
        model.train()
        train = time_per_call(step, quick)
        print(f"{name:16} forward 1: {fmt_time(one):>10}   forward 64: {fmt_time(batch):>10}   train step 64: {fmt_time(train):>10}", flush=True)
    print(f"Load average at end: {' '.join(open('/proc/loadavg').read().split()[:3])}")


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        correct = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, len(x), 1000))
    model.train()
    return correct / len(x)


def run(seed, epochs, train, test, make_model=None):
    """Trains make_model() (default LeNet-5) with the recipe (Adam 1e-3, batch 64); returns test accuracy, median epoch s."""
    torch.manual_seed(seed)
    model = (make_model or lenet)()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x, y = train
    seconds = []
    for epoch in range(epochs):
        order = torch.randperm(len(x))
        start = time.perf_counter()
        for i in range(0, len(x), 64):
            index = order[i:i + 64]
            optimizer.zero_grad()
            loss_fn(model(x[index]), y[index]).backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
        print(f"  seed {seed} epoch {epoch + 1}: {seconds[-1]:.1f} s, test accuracy {accuracy(model, *test):.4f}", flush=True)
    return accuracy(model, *test), statistics.median(seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--time", action="store_true", help="time forward and a training step instead of training")
    parser.add_argument("--quick", action="store_true", help="with --time: short warm-up and fewer blocks")
    args = parser.parse_args()
    print(f"PyTorch {torch.__version__}, {platform.processor() or platform.machine()}, 1 thread, "
          f"BLAS: {os.environ.get('LD_LIBRARY_PATH', 'default (Debian: reference netlib unless an alternative is installed)')}")
    if args.time:
        timings(args.quick)
        return
    train, test = load(args.data, "train"), load(args.data, "t10k")
    results = [run(seed, args.epochs, train, test) for seed in args.seeds]
    accuracies = [a for a, _ in results]
    print(f"LeNet-5, Fashion-MNIST, Adam 1e-3, batch 64, {args.epochs} epochs: test accuracy median {statistics.median(accuracies):.4f} "
          f"(range {min(accuracies):.4f}-{max(accuracies):.4f} over seeds {args.seeds}); "
          f"median epoch {statistics.median(s for _, s in results):.1f} s")


if __name__ == "__main__":
    main()
