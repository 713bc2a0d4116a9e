"""Writes pool_fixtures.json: for each pooling configuration, an nn.Sequential equivalent to a test network (the same
parameter names and order), its parameters, inputs, PyTorch's outputs, mean loss, parameter gradients, the gradient of
the loss with respect to the network's outputs and with respect to its inputs; and, for the kernels alone, max pooling
of inputs with ties and NaNs (outputs and PyTorch's argmax indices). Run with /usr/bin/python3 (Debian's PyTorch 1.13);
the tests only read the file it writes."""
import json
import math

import torch
import torch.nn as nn

torch.manual_seed(12)
fixtures = {}


def flat(tensors):
    return [float(v) for t in tensors for v in t.detach().reshape(-1).tolist()]


def record(name, model, x, loss, extra, activation=None):
    model.train()
    x = x.clone().requires_grad_(True)
    logits = model(x)
    output = activation(logits) if activation else logits
    output.retain_grad()
    value = loss(output)
    value.backward()
    fixtures[name] = dict(
        names=[n for n, _ in model.named_parameters()],
        parameters=flat(p for _, p in model.named_parameters()),
        inputs=flat([x]),
        outputs=flat([output]),
        loss=value.item(),
        gradients=flat([p.grad for p in model.parameters()]),
        output_gradients=flat([output.grad]),
        input_gradients=flat([x.grad]),
        **extra)


def softmax_ce(batch, classes):
    labels = torch.randint(0, classes, (batch,))
    return (lambda p: -torch.log(p[torch.arange(batch), labels]).mean()), dict(labels=labels.tolist())


def mse(batch, outputs):
    targets = torch.randn(batch, outputs)
    return (lambda y: nn.functional.mse_loss(y, targets)), dict(targets=flat([targets]))


def bce(batch, outputs):
    targets = torch.rand(batch, outputs)
    return (lambda p: nn.functional.binary_cross_entropy(p, targets)), dict(targets=flat([targets]))


softmax = lambda z: torch.softmax(z, dim=1)

# PoolMax2D: [Input(2, 7, 9)] [MaxPool2D(3, Stride = 2, Padding = 1)] [Flatten] [Dense(5, Softmax)], cross-entropy.
loss, extra = softmax_ce(6, 5)
record("PoolMax2D", nn.Sequential(nn.MaxPool2d(3, 2, 1), nn.Flatten(), nn.Linear(40, 5)), torch.randn(6, 2, 7, 9), loss, extra, softmax)

# PoolAvg1D: [Input(3, 11)] [AvgPool1D(3, Stride = 2, Padding = 1, CountIncludePad = false)] [Flatten] [Dense(4, Tanh)] [Dense(2)], MSE.
loss, extra = mse(5, 2)
record("PoolAvg1D", nn.Sequential(nn.AvgPool1d(3, 2, 1, count_include_pad=False), nn.Flatten(), nn.Linear(18, 4), nn.Tanh(), nn.Linear(4, 2)),
       torch.randn(5, 3, 11), loss, extra)

# PoolMax3D: [Input(2, 3, 5, 5)] [MaxPool3D(2, Strides = { 1, 2, 2 }, CeilMode = true)] [Flatten] [Dense(3, Sigmoid)], BCE.
loss, extra = bce(4, 3)
record("PoolMax3D", nn.Sequential(nn.MaxPool3d(2, (1, 2, 2), ceil_mode=True), nn.Flatten(), nn.Linear(36, 3)),
       torch.randn(4, 2, 3, 5, 5), loss, extra, torch.sigmoid)

# PoolNormMax: [Input(3, 6, 6)] [BatchNorm] [MaxPool2D(KernelShape = { 2, 3 }, Strides = { 2, 1 }, Dilation = 2)] [GlobalMaxPool]
# [Dense(2, Tanh)], MSE; batch statistics (training mode).
model = nn.Sequential(nn.BatchNorm2d(3), nn.MaxPool2d((2, 3), (2, 1), dilation=2), nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(3, 2), nn.Tanh())
with torch.no_grad():
    model[0].weight.uniform_(0.5, 1.5)
    model[0].bias.uniform_(-0.3, 0.3)
loss, extra = mse(6, 2)
record("PoolNormMax", model, torch.randn(6, 3, 6, 6) * 1.5 + 0.3, loss, extra)

# PoolCeil: [Input(2, 8, 7)] [AvgPool2D(3, Stride = 2, Padding = 1, CeilMode = true)] [Flatten] [Dense(3, ReLU)] [Dense(2)], MSE.
loss, extra = mse(5, 2)
record("PoolCeil", nn.Sequential(nn.AvgPool2d(3, 2, 1, ceil_mode=True), nn.Flatten(), nn.Linear(40, 3), nn.ReLU(), nn.Linear(3, 2)),
       torch.randn(5, 2, 8, 7), loss, extra)

# PoolGlobalAvg: [Input(4, 5, 6)] [GlobalAvgPool] [Dense(3, Softmax)], cross-entropy.
loss, extra = softmax_ce(7, 3)
record("PoolGlobalAvg", nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 3)), torch.randn(7, 4, 5, 6), loss, extra, softmax)

# ParityAvg3D: [Input(2, 5, 4, 6)] [AvgPool3D(KernelShape = { 3, 2, 3 }, Strides = { 2, 2, 1 }, Paddings = { 1, 0, 1 }, CeilMode = true)]
# [Flatten] [Dense(3)], MSE.
loss, extra = mse(3, 3)
record("ParityAvg3D", nn.Sequential(nn.AvgPool3d((3, 2, 3), (2, 2, 1), (1, 0, 1), ceil_mode=True), nn.Flatten(), nn.Linear(72, 3)),
       torch.randn(3, 2, 5, 4, 6), loss, extra)

# ParityMax1D: [Input(3, 10)] [MaxPool1D(3, Stride = 2, Padding = 1, Dilation = 2)] [Flatten] [Dense(4, Softmax)], cross-entropy.
loss, extra = softmax_ce(5, 4)
record("ParityMax1D", nn.Sequential(nn.MaxPool1d(3, 2, 1, dilation=2), nn.Flatten(), nn.Linear(12, 4)), torch.randn(5, 3, 10), loss, extra, softmax)

# ParityGlobalMax: [Input(4, 3, 2, 5)] [GlobalMaxPool] [Dense(2, Sigmoid)], BCE.
loss, extra = bce(4, 2)
record("ParityGlobalMax", nn.Sequential(nn.AdaptiveMaxPool3d(1), nn.Flatten(), nn.Linear(4, 2)), torch.randn(4, 4, 3, 2, 5), loss, extra, torch.sigmoid)

# The kernel alone: nn.MaxPool2d(2, 1, padding=1) on (1, 2, 4, 4) with ties (a window of equal values, equal maxima) and
# NaNs (one, and two in a window), so the tie rule (first maximum in window order) and NaN propagation (the last NaN)
# can be compared with PyTorch's argmax indices.
plane = torch.tensor([[[[1.0, 1.0, 0.5, 2.0],
                        [1.0, 1.0, 2.0, -1.0],
                        [3.0, math.nan, 3.0, 3.0],
                        [0.0, 3.0, math.nan, -math.inf]],
                       [[-1.0, -1.0, -1.0, -1.0],
                        [-1.0, -1.0, -1.0, -1.0],
                        [-1.0, -1.0, -1.0, -1.0],
                        [-1.0, -1.0, -1.0, -1.0]]]])
values, indices = nn.functional.max_pool2d(plane, 2, 1, padding=1, return_indices=True)
fixtures["MaxTiesAndNaN"] = dict(
    inputs=[str(v) if math.isnan(v) or math.isinf(v) else v for v in flat([plane])],
    outputs=[str(v) if math.isnan(v) or math.isinf(v) else v for v in flat([values])],
    indices=[int(i) for i in indices.reshape(-1).tolist()],
    shape=list(plane.shape[1:]), output_shape=list(values.shape[1:]))

with open("pool_fixtures.json", "w") as f:
    json.dump(fixtures, f)
