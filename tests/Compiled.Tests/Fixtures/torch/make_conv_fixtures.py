"""Writes conv_fixtures.json and torch_conv.safetensors: for each configuration, an nn.Sequential equivalent to a Compiled
network with convolutions (same state_dict order and names), its parameters (PyTorch's default initialisation, flat in
state_dict order), a batch of inputs and targets (or labels), and PyTorch's outputs, mean loss, parameter gradients,
dL/d(output) and dL/d(input) for that batch. torch_conv.safetensors is the state_dict of the ConvSmall2d configuration
(nn.Conv2d, ReLU, nn.Conv2d, Tanh, Flatten, Linear), laid out as the safetensors package writes it. 'Same' padding is
nn.Conv*d's padding='same'; a causal Conv1D is F.pad(x, (dilation * (k - 1), 0)) then the convolution (a Conv1d subclass,
so the state_dict names stay the Sequential's). Run with /usr/bin/python3 (Debian's PyTorch 1.13); the tests only read
the files it writes."""
import json
import warnings
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(12)
warnings.filterwarnings("ignore", message="Using padding='same' with even kernel")
fixtures = {}


class CausalConv1d(nn.Conv1d):
    def forward(self, x):
        return super().forward(F.pad(x, (self.dilation[0] * (self.kernel_size[0] - 1), 0)))


def flat(tensors):
    return [float(v) for t in tensors for v in t.detach().reshape(-1).tolist()]


def gelu():
    return nn.GELU(approximate="tanh")


def record(name, model, input_shape, batch, loss):
    x = (torch.randn(batch, *input_shape) * 1.2).requires_grad_(True)
    model.train()
    y = model(x)
    fixture = dict(
        names=list(model.state_dict().keys()),
        parameters=flat(model.state_dict().values()),
        inputs=flat([x]))
    if loss == "ce":
        labels = torch.randint(0, y.shape[1], (batch,))
        output = torch.softmax(y, dim=1)
        output.retain_grad()
        value = -torch.log(output[torch.arange(batch), labels]).mean()
        fixture["labels"] = labels.tolist()
    elif loss == "bce":
        output = torch.sigmoid(y)
        output.retain_grad()
        targets = torch.rand(output.shape)
        value = F.binary_cross_entropy(output, targets)
        fixture["targets"] = flat([targets])
    else:
        output = y
        output.retain_grad()
        targets = torch.randn(output.shape)
        value = F.mse_loss(output, targets)
        fixture["targets"] = flat([targets])
    value.backward()
    fixture.update(
        outputs=flat([output]),
        loss=value.item(),
        gradients=flat([p.grad for p in model.parameters()]),
        output_gradients=flat([output.grad]),
        input_gradients=flat([x.grad]))
    fixtures[name] = fixture
    return model


def write_safetensors(path, state):
    header, blobs, offset = {}, [], 0
    for name in sorted(state):
        data = state[name].detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(state[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


# The test networks of NetworkCases (TestNetworks.cs).
small = record("ConvSmall2d", nn.Sequential(
    nn.Conv2d(2, 5, 3, padding=1), nn.ReLU(), nn.Conv2d(5, 4, (3, 2), stride=2), nn.Tanh(), nn.Flatten(), nn.Linear(4 * 3 * 3, 3)),
    (2, 7, 6), 5, "ce")
write_safetensors("torch_conv.safetensors", small.state_dict())
record("ConvDepthwise", nn.Sequential(
    nn.Conv2d(4, 8, 3, groups=4, dilation=2, bias=False), gelu(), nn.Conv2d(8, 6, 1), nn.LeakyReLU(0.2), nn.Flatten(),
    nn.Linear(6 * 3 * 2, 2), nn.Tanh()), (4, 7, 6), 4, "mse")
record("Conv1dCausal", nn.Sequential(
    CausalConv1d(3, 4, 3, dilation=2), nn.ELU(0.7), nn.Conv1d(4, 5, 4, padding="same"), nn.SiLU(), nn.Flatten(),
    nn.Linear(5 * 11, 2)), (3, 11), 4, "bce")
record("Conv3dTiny", nn.Sequential(
    nn.Conv3d(2, 4, (2, 3, 2), stride=(1, 2, 1), padding=(0, 1, 1), groups=2), nn.Sigmoid(), nn.Flatten(),
    nn.Linear(4 * 2 * 3 * 5, 3), nn.Tanh()), (2, 3, 5, 4), 3, "mse")
record("ConvOutput", nn.Sequential(
    nn.Conv2d(2, 3, 2, stride=(2, 1)), nn.Softplus(), nn.Conv2d(3, 1, 2, padding="same")), (2, 5, 6), 4, "bce")

# Configurations for the parity tests only (ConvParityTests.cs).
record("ParityStride2d", nn.Sequential(
    nn.Conv2d(3, 6, 3, stride=2, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(6 * 5 * 4, 4)), (3, 9, 7), 4, "mse")
record("ParitySameEven2d", nn.Sequential(
    nn.Conv2d(2, 4, (2, 3), padding="same", dilation=(2, 1)), nn.Tanh(), nn.Conv2d(4, 3, 4, padding="same"), nn.Flatten(),
    nn.Linear(3 * 6 * 5, 3)), (2, 6, 5), 3, "mse")
record("ParityNonSquare2d", nn.Sequential(
    nn.Conv2d(3, 5, (1, 3), stride=(2, 1), padding=(1, 0), dilation=(1, 2)), nn.LeakyReLU(0.1), nn.Flatten(),
    nn.Linear(5 * 5 * 5, 2)), (3, 8, 9), 4, "mse")
record("ParityNoBias2d", nn.Sequential(
    nn.Conv2d(2, 4, 3, bias=False), nn.ELU(0.5), nn.Flatten(), nn.Linear(4 * 3 * 3, 3)), (2, 5, 5), 4, "ce")
record("ParityStrideDilation1d", nn.Sequential(
    nn.Conv1d(2, 6, 5, stride=3, padding=2, dilation=2), gelu(), nn.Flatten(), nn.Linear(6 * 7, 2)), (2, 23), 4, "mse")
record("ParityGroups1d", nn.Sequential(
    nn.Conv1d(3, 6, 3, groups=3, padding="same"), nn.SiLU(), nn.Conv1d(6, 4, 1), nn.Flatten(), nn.Linear(4 * 10, 2)),
    (3, 10), 4, "bce")
record("ParitySame3d", nn.Sequential(
    nn.Conv3d(2, 3, 3, padding="same"), nn.Softplus(), nn.Flatten(), nn.Linear(3 * 4 * 4 * 3, 2)), (2, 4, 4, 3), 3, "mse")
record("ParityStrideNoBias3d", nn.Sequential(
    nn.Conv3d(1, 4, 2, stride=2, bias=False), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 2 * 3 * 2, 3)), (1, 5, 6, 5), 3, "ce")
record("ParityDepthwise2d", nn.Sequential(
    nn.Conv2d(3, 3, 3, groups=3, padding=1), nn.Sigmoid(), nn.Conv2d(3, 5, 1), nn.ReLU(), nn.Flatten(),
    nn.Linear(5 * 6 * 6, 2)), (3, 6, 6), 4, "ce")
record("ParityCausalStride1d", nn.Sequential(
    CausalConv1d(2, 3, 4, stride=2), nn.Tanh(), nn.Flatten(), nn.Linear(3 * 7, 2)), (2, 13), 4, "mse")

with open("conv_fixtures.json", "w") as f:
    json.dump(fixtures, f)
