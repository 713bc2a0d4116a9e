#!/usr/bin/python3
"""PyTorch reference for the recurrent rows (issue #13) and the FashionRows sample, single-threaded.

Run:  /usr/bin/python3 benchmarks/pytorch/rnn.py --time [--quick]
      /usr/bin/python3 benchmarks/pytorch/rnn.py [--seeds 1 2 3] [--epochs 3] [--data DIR]
With Debian's OpenBLAS instead of the reference BLAS this PyTorch build links by default (as lenet.py's figures):
      LD_LIBRARY_PATH=/work/openblas/root/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1 /usr/bin/python3 ...
(`apt-get download libopenblas0-pthread` and `dpkg -x` it into that folder if it is missing).

--time measures with bench.py's method (median of blocks of back-to-back calls): one training step at batch 64 of
LSTM(28 -> 128, batch_first) + Linear(128 -> 10) on 28-step sequences of 28 features (the row-by-row Fashion-MNIST
model; zero_grad, forward, CrossEntropyLoss, backward, Adam(lr=1e-3).step()), in samples/s; and the streaming step the
C# `Step` rows measure: one step (sequence length 1, the state carried) of GRU(8 -> 16) + Linear(16 -> 1),
LSTM(8 -> 16) + Linear(16 -> 1) and GRU(64 -> 128), under torch.inference_mode().

Without --time: the accuracy recipe of samples/FashionRows. Fashion-MNIST read row by row (28 steps of 28 pixels,
pixels / 255, no other normalisation), LSTM(28 -> 128) then Linear(128 -> 10) on the last hidden state, cross-entropy on
the logits, Adam(lr=1e-3), batches of 64 reshuffled every epoch, PyTorch's default initialisation. Prints the test
accuracy after every epoch and, over the seeds, the final accuracies' median and range: the figure the sample must reach.
"""

import argparse
import os
import platform
import statistics

import torch
import torch.nn as nn

from bench import fmt_time, time_per_call  # also sets PyTorch to one thread (intra- and inter-op), as every reference row
from lenet import load, run as run_recipe  # the same recipe and loop as lenet.py, with this model


class Rows(nn.Module):
    """LSTM over the rows, Linear on the last step's hidden state."""

    def __init__(self, hidden=128):
        super().__init__()
        self.lstm = nn.LSTM(28, hidden, batch_first=True)
        self.linear = nn.Linear(hidden, 10)

    def forward(self, x):
        out, _ = self.lstm(x.reshape(-1, 28, 28))
        return self.linear(out[:, -1])


def timings(quick):
    torch.manual_seed(0)
    x64, y64 = torch.rand(64, 28, 28), torch.randint(0, 10, (64,))
    model = Rows()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss_fn(model(x64), y64).backward()
        optimizer.step()

    step()
    train = time_per_call(step, quick)
    print(f"LSTM(28x28->128)+Linear(10) train step 64: {fmt_time(train):>10}   {64 / train:,.0f} samples/s", flush=True)

    for name, cell, inputs, hidden, dense in (("GRU(8->16)+Linear(16->1)", nn.GRU, 8, 16, True),
                                              ("LSTM(8->16)+Linear(16->1)", nn.LSTM, 8, 16, True),
                                              ("GRU(64->128)", nn.GRU, 64, 128, False)):
        rnn = cell(inputs, hidden, batch_first=True)
        linear = nn.Linear(hidden, 1)
        x = torch.rand(1, 1, inputs)
        state = [None]

        def one_step():
            out, state[0] = rnn(x, state[0])
            return linear(out) if dense else out

        with torch.inference_mode():
            one_step()
            t = time_per_call(one_step, quick)
        print(f"{name:28} one step (state carried): {fmt_time(t):>10}", flush=True)
    print(f"Load average at end: {' '.join(open('/proc/loadavg').read().split()[:3])}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--time", action="store_true", help="time a training step and the streaming steps instead of training")
    parser.add_argument("--quick", action="store_true", help="with --time: short warm-up and fewer blocks")
    args = parser.parse_args()
    print(f"PyTorch {torch.__version__}, {platform.processor() or platform.machine()}, 1 thread, "
          f"BLAS: {os.environ.get('LD_LIBRARY_PATH', 'default (Debian: reference netlib unless an alternative is installed)')}; "
          f"load average {' '.join(open('/proc/loadavg').read().split()[:3])}")
    if args.time:
        timings(args.quick)
        return
    train, test = load(args.data, "train"), load(args.data, "t10k")
    results = [run_recipe(seed, args.epochs, train, test, Rows) for seed in args.seeds]
    accuracies = [a for a, _ in results]
    print(f"LSTM(128) row by row, Fashion-MNIST, Adam 1e-3, batch 64, {args.epochs} epochs: test accuracy median {statistics.median(accuracies):.4f} "
          f"(range {min(accuracies):.4f}-{max(accuracies):.4f} over seeds {args.seeds}); "
          f"median epoch {statistics.median(s for _, s in results):.1f} s")


if __name__ == "__main__":
    main()
