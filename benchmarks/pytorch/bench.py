#!/usr/bin/python3
"""PyTorch reference timings for the four benchmark networks, single-threaded.

Run:  /usr/bin/python3 benchmarks/pytorch/bench.py [--quick]

For each network: forward (inference mode) at batch 1 and at batch 64, and one Adam training step at batch 64
(zero_grad + forward + loss + backward + Adam(lr=1e-3).step()), the same work as the C# rows. Each operation is warmed
up, then timed as many blocks of back-to-back calls (each block at least ~2 ms, so the timer's resolution does not
matter); the figure is the median over blocks of the time per call. GFLOP/s counts 2 x weight multiply-adds, and
3 x the forward multiply-adds for a training step, exactly as the C# summary does.

Two PyTorch paths are timed: "default" is what nn.Linear gives in this build (float32 matrix products go to the BLAS
the build links, which on Debian's python3-torch is the reference netlib BLAS unless another libblas.so.3 alternative is
installed), and, for the forward rows only, "oneDNN": the same model converted with torch.utils.mkldnn.to_mkldnn
(oneDNN's JIT kernels), the input converted to and the output back from oneDNN's layout inside the timed call.
"""

import argparse
import copy
import os
import platform
import statistics
import time

import torch
import torch.nn as nn
from torch.utils import mkldnn

torch.set_num_threads(1)
torch.set_num_interop_threads(1)

# name: (inputs, [(units, activation)], loss)
NETWORKS = {
    "Xor": (2, [(4, "sigmoid"), (1, "sigmoid")], "mse"),
    "Game": (16, [(32, "tanh"), (32, "tanh"), (4, "identity")], "mse"),
    "Mlp": (784, [(128, "relu"), (10, "softmax")], "ce"),
    "Mlp2": (784, [(64, "relu"), (64, "relu"), (10, "softmax")], "ce"),
}

BATCH = 64


def activation(name):
    return {
        "sigmoid": nn.Sigmoid(),
        "tanh": nn.Tanh(),
        "relu": nn.ReLU(),
        "identity": nn.Identity(),
        "softmax": nn.Softmax(dim=1),
    }[name]


def build(inputs, layers, loss):
    """The inference model (ending in its activation, as Forward does) and the training model (a cross-entropy
    network ends in logits, the loss applies log-softmax, as the generated BackwardBatch does)."""
    modules = []
    width = inputs
    for units, act in layers:
        modules.append(nn.Linear(width, units))
        modules.append(activation(act))
        width = units
    inference = nn.Sequential(*modules)
    training = nn.Sequential(*modules[:-1]) if loss == "ce" else inference
    return inference, training


def multiply_adds(inputs, layers):
    total, width = 0, inputs
    for units, _ in layers:
        total += width * units
        width = units
    return total


def time_per_call(fn, quick):
    """Median seconds per call over blocks of back-to-back calls, after a warm-up."""
    warmup_seconds = 0.2 if quick else 1.0
    blocks = 15 if quick else 60
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < warmup_seconds:
        fn()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    block = max(1, int(0.002 / per_call))
    samples = []
    for _ in range(blocks):
        t0 = time.perf_counter_ns()
        for _ in range(block):
            fn()
        samples.append((time.perf_counter_ns() - t0) / 1e9 / block)
    return statistics.median(samples)


def fmt_time(seconds):
    ns = seconds * 1e9
    if ns < 1e3:
        return f"{ns:.2f} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.2f} µs"
    if ns < 1e9:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e9:.3f} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short warm-up and fewer blocks (smoke run)")
    args = parser.parse_args()

    torch.manual_seed(1)
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = " ".join(open("/proc/loadavg").read().split()[:3]) if os.path.exists("/proc/loadavg") else "unknown"
    print(f"PyTorch {torch.__version__}, Python {platform.python_version()}, threads {torch.get_num_threads()}, "
          f"CPU {cpu}, load average {load}")
    blas = next((line.split("BLAS_INFO=", 1)[1].split(",", 1)[0] for line in torch.__config__.show().splitlines() if "BLAS_INFO=" in line), "unknown")
    print(f"BLAS_INFO={blas}; oneDNN available: {torch.backends.mkldnn.is_available()}")
    print()

    rows = []
    for name, (inputs, layers, loss_kind) in NETWORKS.items():
        inference, training = build(inputs, layers, loss_kind)
        macs = multiply_adds(inputs, layers)
        outputs = layers[-1][0]
        x1 = torch.rand(1, inputs) if inputs == 784 else torch.rand(1, inputs) * 2 - 1
        x64 = torch.rand(BATCH, inputs) if inputs == 784 else torch.rand(BATCH, inputs) * 2 - 1
        if loss_kind == "ce":
            target = torch.randint(0, outputs, (BATCH,))
            loss_fn = nn.CrossEntropyLoss()
        else:
            target = torch.rand(BATCH, outputs) * (1 if layers[-1][1] == "sigmoid" else 2) - (0 if layers[-1][1] == "sigmoid" else 1)
            loss_fn = nn.MSELoss()
        optimizer = torch.optim.Adam(training.parameters(), lr=1e-3)
        onednn = mkldnn.to_mkldnn(copy.deepcopy(inference).eval())

        def forward1():
            with torch.inference_mode():
                inference(x1)

        def forward64():
            with torch.inference_mode():
                inference(x64)

        def forward1_onednn():
            with torch.inference_mode():
                onednn(x1.to_mkldnn()).to_dense()

        def forward64_onednn():
            with torch.inference_mode():
                onednn(x64.to_mkldnn()).to_dense()

        def train_step():
            optimizer.zero_grad()
            loss = loss_fn(training(x64), target)
            loss.backward()
            optimizer.step()

        for operation, fn, onednn_fn, samples, flops in (
            ("Forward (batch 1)", forward1, forward1_onednn, 1, 2 * macs),
            ("ForwardBatch (64)", forward64, forward64_onednn, BATCH, 2 * macs * BATCH),
            ("Train step (64, Adam)", train_step, None, BATCH, 3 * 2 * macs * BATCH),
        ):
            seconds = time_per_call(fn, args.quick)
            fast = time_per_call(onednn_fn, args.quick) if onednn_fn else None
            rows.append((operation, name, seconds, fast, flops, samples))

    order = ["Forward (batch 1)", "ForwardBatch (64)", "Train step (64, Adam)"]
    rows.sort(key=lambda r: (order.index(r[0]), list(NETWORKS).index(r[1])))
    print("| Operation | Network | PyTorch default | GFLOP/s | Samples/s | PyTorch oneDNN | GFLOP/s | Samples/s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for operation, name, seconds, fast, flops, samples in rows:
        line = f"| {operation} | {name} | {fmt_time(seconds)} | {flops / seconds / 1e9:.2f} | {samples / seconds:,.0f} "
        if fast is None:
            line += "| - | - | - |"
        else:
            line += f"| {fmt_time(fast)} | {flops / fast / 1e9:.2f} | {samples / fast:,.0f} |"
        print(line)
    print()
    print("Median over blocks of back-to-back calls after a warm-up; GFLOP/s = 2 x weight multiply-adds (training: 3 x forward).")
    print(f"Load average at end: {' '.join(open('/proc/loadavg').read().split()[:3])}")


if __name__ == "__main__":
    main()
