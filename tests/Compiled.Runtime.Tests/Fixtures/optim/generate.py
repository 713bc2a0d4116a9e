#!/usr/bin/env python3
"""Generates the optimizer and schedule fixtures from PyTorch 1.13 (CPU).

Run with a Python that has torch and numpy:  /usr/bin/python3 generate.py
It rewrites optimizers.json and schedules.json next to this script. The tests read those files and never need Python.

Optimizer cases run torch.optim.<Optimizer>(..., foreach=False) on one float32 parameter tensor; each step sets the
parameter group's lr (so cases can vary the learning rate between steps), assigns the gradient, and calls step().

* Small cases (37 elements, so the SIMD tails run) store the initial parameters, every gradient and the expected
  parameters after every step, as shortest round-trip float32 decimals.
* Large cases (1000 elements) store a seed instead of inputs: the initial parameters and the gradients come from the
  xorshift32 generator below, which the tests reimplement (OptimizerFixtures.cs), and the expected parameters are
  stored after a few checkpoint steps only, to keep the file small.

Hyper-parameters are stored as the Python floats given to PyTorch (doubles); learning rates are float32 values,
since the C# optimizers take the learning rate as a float.
"""
import json
import math
import os

import numpy as np
import torch

assert torch.__version__.startswith("1.13"), torch.__version__
torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
F32 = np.float32


def f32(x):
    """The float32 nearest x, as a Python float (a double holding a float32 value)."""
    return float(F32(x))


def fmt(x):
    """The shortest decimal that round-trips to the float32 value (numpy's str), valid JSON."""
    x = F32(x)
    assert np.isfinite(x), x
    return str(x)


def arr(values):
    return "[" + ",".join(fmt(v) for v in values) + "]"


class XorShift32:
    """Deterministic inputs for the large cases; mirrored by the C# tests."""

    def __init__(self, seed):
        assert 0 < seed < 2**32
        self.state = seed

    def next(self):
        x = self.state
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        self.state = x
        return x

    def uniform(self):
        return (self.next() >> 8) * 2.0**-24  # [0, 1), exact in float32

    def parameter(self):
        return (2.0 * self.uniform() - 1.0) * 2.0  # [-2, 2), exact

    def gradient(self):
        r = self.next()
        if r % 16 == 0:
            return 0.0
        e = (r >> 4) % 8
        return (2.0 * self.uniform() - 1.0) * 2.0**-e  # exact


def small_inputs(rng, n, steps):
    p = rng.standard_normal(n).astype(F32)
    p[3] = 0.0
    p[20] = 0.0
    grads = []
    for k in range(steps):
        g = (rng.standard_normal(n) * rng.choice([0.01, 0.1, 1.0, 3.0], n)).astype(F32)
        g[rng.integers(0, n, 3)] = 0.0  # zero gradients (Adam's 0 / eps, Adagrad's 0 / sqrt(acc) paths)
        if k == 0:
            g[5] = 0.0
        g[7] = F32(1e-7) * (k + 1)      # tiny gradients, where eps matters
        grads.append(g)
    return p, grads


def large_inputs(seed, n, steps):
    rnd = XorShift32(seed)
    p = np.array([rnd.parameter() for _ in range(n)], dtype=F32)
    grads = [np.array([rnd.gradient() for _ in range(n)], dtype=F32) for _ in range(steps)]
    return p, grads


def make(kind, hyper):
    """torch.optim optimizer factory; hyper uses the C# parameter names, absent ones take PyTorch's defaults."""
    if kind == "Sgd":
        return lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=hyper.get("momentum", 0.0),
                                                  dampening=hyper.get("dampening", 0.0),
                                                  weight_decay=hyper.get("weightDecay", 0.0),
                                                  nesterov=hyper.get("nesterov", False), foreach=False)
    if kind in ("Adam", "AdamW"):
        cls = torch.optim.Adam if kind == "Adam" else torch.optim.AdamW
        kw = {}
        if "weightDecay" in hyper:
            kw["weight_decay"] = hyper["weightDecay"]
        return lambda params, lr: cls(params, lr=lr, betas=(hyper.get("beta1", 0.9), hyper.get("beta2", 0.999)),
                                      eps=hyper.get("epsilon", 1e-8), amsgrad=hyper.get("amsgrad", False),
                                      foreach=False, **kw)
    if kind == "RMSprop":
        return lambda params, lr: torch.optim.RMSprop(params, lr=lr, alpha=hyper.get("alpha", 0.99),
                                                      eps=hyper.get("epsilon", 1e-8),
                                                      weight_decay=hyper.get("weightDecay", 0.0),
                                                      momentum=hyper.get("momentum", 0.0),
                                                      centered=hyper.get("centered", False), foreach=False)
    if kind == "Adagrad":
        return lambda params, lr: torch.optim.Adagrad(params, lr=lr, lr_decay=hyper.get("learningRateDecay", 0.0),
                                                      weight_decay=hyper.get("weightDecay", 0.0),
                                                      initial_accumulator_value=hyper.get("initialAccumulatorValue", 0.0),
                                                      eps=hyper.get("epsilon", 1e-10), foreach=False)
    raise ValueError(kind)


def run(kind, hyper, lrs, p0, grads):
    param = torch.nn.Parameter(torch.from_numpy(p0.copy()))
    opt = make(kind, hyper)([param], lrs[0])
    out = []
    for lr, g in zip(lrs, grads):
        for group in opt.param_groups:
            group["lr"] = lr
        param.grad = torch.from_numpy(g.copy())
        opt.step()
        out.append(param.detach().numpy().copy())
    return out


# (name, optimizer, hyper-parameters (C# names), learning rates per step (float32), size, large-case seed or None)
CONSTANT = lambda lr, n: [f32(lr)] * n
VARYING = lambda lr, n: [f32(lr * f) for f in [1.0, 0.7, 0.5, 1.3, 0.25, 0.9, 0.1, 0.6][:n]]
SMALL, LARGE, STEPS_SMALL, STEPS_LARGE = 37, 1000, 8, 6
CHECKPOINTS = [1, 6]

CASES = [
    ("sgd_plain", "Sgd", {}, CONSTANT(0.1, STEPS_SMALL)),
    ("sgd_momentum", "Sgd", {"momentum": 0.9}, CONSTANT(0.05, STEPS_SMALL)),
    ("sgd_momentum_dampening_wd", "Sgd", {"momentum": 0.8, "dampening": 0.3, "weightDecay": 0.01}, VARYING(0.05, STEPS_SMALL)),
    ("sgd_nesterov_wd", "Sgd", {"momentum": 0.9, "weightDecay": 1e-3, "nesterov": True}, CONSTANT(0.03, STEPS_SMALL)),
    ("adam_defaults", "Adam", {}, CONSTANT(1e-3, STEPS_SMALL)),
    ("adam_lr_wd", "Adam", {"weightDecay": 0.1}, VARYING(0.05, STEPS_SMALL)),
    ("adam_amsgrad", "Adam", {"beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6, "amsgrad": True}, CONSTANT(0.01, STEPS_SMALL)),
    ("adam_amsgrad_wd", "Adam", {"weightDecay": 0.05, "amsgrad": True}, VARYING(0.02, STEPS_SMALL)),
    ("adamw_defaults", "AdamW", {}, CONSTANT(0.01, STEPS_SMALL)),
    ("adamw_wd_amsgrad", "AdamW", {"weightDecay": 0.1, "amsgrad": True, "beta1": 0.85}, VARYING(0.05, STEPS_SMALL)),
    ("adamw_no_wd", "AdamW", {"weightDecay": 0.0}, CONSTANT(0.01, STEPS_SMALL)),
    ("rmsprop_defaults", "RMSprop", {}, CONSTANT(0.01, STEPS_SMALL)),
    ("rmsprop_momentum", "RMSprop", {"momentum": 0.9, "alpha": 0.9}, CONSTANT(0.005, STEPS_SMALL)),
    ("rmsprop_centered", "RMSprop", {"centered": True}, VARYING(0.01, STEPS_SMALL)),
    ("rmsprop_centered_momentum_wd", "RMSprop", {"centered": True, "momentum": 0.5, "weightDecay": 0.02, "alpha": 0.95, "epsilon": 1e-6}, VARYING(0.01, STEPS_SMALL)),
    ("adagrad_defaults", "Adagrad", {}, CONSTANT(0.01, STEPS_SMALL)),
    ("adagrad_lr_decay_wd", "Adagrad", {"learningRateDecay": 0.01, "weightDecay": 0.1}, CONSTANT(0.1, STEPS_SMALL)),
    ("adagrad_accumulator", "Adagrad", {"initialAccumulatorValue": 0.1, "learningRateDecay": 0.5, "epsilon": 1e-8}, VARYING(0.1, STEPS_SMALL)),
]

LARGE_CASES = [
    ("large_sgd_nesterov_wd", "Sgd", {"momentum": 0.9, "weightDecay": 1e-2, "nesterov": True}, VARYING(0.05, STEPS_LARGE), 11),
    ("large_sgd_momentum_dampening", "Sgd", {"momentum": 0.9, "dampening": 0.5}, CONSTANT(0.1, STEPS_LARGE), 12),
    ("large_adam_amsgrad_wd", "Adam", {"weightDecay": 0.01, "amsgrad": True}, VARYING(0.01, STEPS_LARGE), 13),
    ("large_adamw", "AdamW", {"weightDecay": 0.05}, CONSTANT(0.01, STEPS_LARGE), 14),
    ("large_rmsprop_centered_momentum", "RMSprop", {"centered": True, "momentum": 0.9, "weightDecay": 0.01}, VARYING(0.01, STEPS_LARGE), 15),
    ("large_adagrad", "Adagrad", {"learningRateDecay": 0.1, "weightDecay": 0.01, "initialAccumulatorValue": 0.01}, CONSTANT(0.1, STEPS_LARGE), 16),
]


def hyper_json(h):
    return json.dumps(h, sort_keys=True)


def optimizer_fixtures():
    rng = np.random.default_rng(20240613)
    entries = []
    for name, kind, hyper, lrs in CASES:
        p0, grads = small_inputs(rng, SMALL, len(lrs))
        expected = run(kind, hyper, lrs, p0, grads)
        lines = [
            f'"name": "{name}"', f'"optimizer": "{kind}"', f'"hyper": {hyper_json(hyper)}',
            f'"learningRates": {json.dumps(lrs)}', f'"count": {SMALL}', '"seed": 0',
            f'"initial": {arr(p0)}',
            '"gradients": [\n      ' + ",\n      ".join(arr(g) for g in grads) + "]",
            '"expected": [\n      ' + ",\n      ".join(
                f'{{"step": {k + 1}, "values": {arr(e)}}}' for k, e in enumerate(expected)) + "]",
        ]
        entries.append("  {\n    " + ",\n    ".join(lines) + "\n  }")
    for name, kind, hyper, lrs, seed in LARGE_CASES:
        p0, grads = large_inputs(seed, LARGE, len(lrs))
        expected = run(kind, hyper, lrs, p0, grads)
        lines = [
            f'"name": "{name}"', f'"optimizer": "{kind}"', f'"hyper": {hyper_json(hyper)}',
            f'"learningRates": {json.dumps(lrs)}', f'"count": {LARGE}', f'"seed": {seed}',
            f'"firstInputs": {arr(np.concatenate([p0[:4], grads[0][:4]]))}',
            '"expected": [\n      ' + ",\n      ".join(
                f'{{"step": {k}, "values": {arr(expected[k - 1])}}}' for k in CHECKPOINTS) + "]",
        ]
        entries.append("  {\n    " + ",\n    ".join(lines) + "\n  }")
    with open(os.path.join(HERE, "optimizers.json"), "w") as f:
        f.write("[\n" + ",\n".join(entries) + "\n]\n")


SCHEDULE_STEPS = 30


def schedule_fixtures():
    base_lr = f32(0.1)
    S = torch.optim.lr_scheduler

    def opt():
        return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base_lr)

    cases = [
        ({"type": "Constant"}, lambda o: S.LambdaLR(o, lambda e: 1.0)),
        ({"type": "Step", "stepSize": 7}, lambda o: S.StepLR(o, step_size=7)),
        ({"type": "Step", "stepSize": 3, "gamma": 0.5}, lambda o: S.StepLR(o, step_size=3, gamma=0.5)),
        ({"type": "Exponential", "gamma": 0.9}, lambda o: S.ExponentialLR(o, gamma=0.9)),
        ({"type": "Exponential", "gamma": 0.5}, lambda o: S.ExponentialLR(o, gamma=0.5)),
        ({"type": "CosineAnnealing", "tMax": 10}, lambda o: S.CosineAnnealingLR(o, T_max=10)),
        ({"type": "CosineAnnealing", "tMax": 12, "etaMin": f32(1e-3)}, lambda o: S.CosineAnnealingLR(o, T_max=12, eta_min=f32(1e-3))),
        ({"type": "Warmup", "warmupSteps": 5, "startFactor": 0.1}, lambda o: S.LinearLR(o, start_factor=0.1, total_iters=5)),
        ({"type": "Warmup", "warmupSteps": 4, "startFactor": 0.25,
          "then": {"type": "CosineAnnealing", "tMax": 20, "etaMin": f32(1e-4)}},
         lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.25, total_iters=4),
                                      S.CosineAnnealingLR(o, T_max=20, eta_min=f32(1e-4))], milestones=[4])),
        ({"type": "Warmup", "warmupSteps": 3, "startFactor": 0.5, "then": {"type": "Step", "stepSize": 5, "gamma": 0.5}},
         lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.5, total_iters=3), S.StepLR(o, step_size=5, gamma=0.5)],
                                  milestones=[3])),
        ({"type": "Warmup", "warmupSteps": 5, "startFactor": 1.0 / 3, "then": {"type": "Exponential", "gamma": 0.95}},
         lambda o: S.SequentialLR(o, [S.LinearLR(o, total_iters=5), S.ExponentialLR(o, gamma=0.95)], milestones=[5])),
    ]
    entries = []
    import warnings
    for spec, factory in cases:
        o = opt()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched = factory(o)
            lrs = [o.param_groups[0]["lr"]]
            for _ in range(SCHEDULE_STEPS):
                o.step()
                sched.step()
                lrs.append(o.param_groups[0]["lr"])
        entries.append(f'  {{"schedule": {json.dumps(spec)}, "baseLearningRate": {base_lr!r}, "learningRates": {json.dumps(lrs)}}}')
    with open(os.path.join(HERE, "schedules.json"), "w") as f:
        f.write("[\n" + ",\n".join(entries) + "\n]\n")


if __name__ == "__main__":
    optimizer_fixtures()
    schedule_fixtures()
