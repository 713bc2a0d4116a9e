"""Writes recurrent_fixtures.json and torch_gru.safetensors.

recurrent_fixtures.json: for each configuration (nn.RNN / nn.GRU / nn.LSTM x 1 or 2 layers x every step or the last),
a model equivalent to a network of RecurrentParityTests.cs (same state_dict names and order: the recurrent module is
module 0 of a container, as the generator names it), its parameters (flat, state_dict order, PyTorch's own
initialisation), inputs (batch_first), PyTorch's outputs, mean squared error against targets, parameter gradients, the
gradient of the loss with respect to the outputs and with respect to the inputs.

torch_gru.safetensors (+ the "TrainedGru" entry of the JSON): a GRU(2 layers) -> Linear trained by PyTorch for a few
hundred Adam steps on a toy sequence task, its state_dict in safetensors form (written from the specification with
struct/json, as make_fixture.py does), inputs and PyTorch's outputs.

Run with /usr/bin/python3 (Debian's PyTorch 1.13) from this folder; the tests only read the files it writes."""
import json
import struct

import torch

torch.manual_seed(13)
fixtures = {}


def flat(tensors):
    return [float(v) for t in tensors for v in t.detach().reshape(-1).tolist()]


class Sequence(torch.nn.Module):
    """The recurrent module's output sequence (batch_first), dropping the final state tuple."""

    def __init__(self, module):
        super().__init__()
        self.module = module

    def forward(self, x):
        return self.module(x)[0]


class LastStep(torch.nn.Module):
    def forward(self, x):
        return x[:, -1]


def recurrent(kind, features, hidden, layers, **settings):
    cls = {"RNN": torch.nn.RNN, "GRU": torch.nn.GRU, "LSTM": torch.nn.LSTM}[kind]
    return cls(features, hidden, num_layers=layers, batch_first=True, **settings)


def build(kind, features, hidden, layers, sequences, dense=None, **settings):
    module = recurrent(kind, features, hidden, layers, **settings)
    width = hidden * (2 if settings.get("bidirectional") else 1)
    parts = [module]  # module 0: its state_dict keys are "0.weight_ih_l0", ...
    if not sequences:
        parts.append(LastStep())
    if dense is not None:
        parts.append(torch.nn.Linear(width, dense))
    container = torch.nn.Sequential(*parts)

    def forward(x):
        y = Sequence(module)(x)
        if not sequences:
            y = y[:, -1]
        if dense is not None:
            y = parts[-1](y)
        return y

    return container, forward


def record(name, kind, features, hidden, layers, sequences, steps=5, batch=3, dense=None, **settings):
    container, forward = build(kind, features, hidden, layers, sequences, dense, **settings)
    x = (torch.randn(batch, steps, features) * 1.5).requires_grad_(True)
    output = forward(x)
    output.retain_grad()
    targets = torch.randn(*output.shape)
    loss = torch.nn.functional.mse_loss(output, targets)
    loss.backward()
    fixtures[name] = dict(
        parameters=flat(container.state_dict().values()),
        names=list(container.state_dict().keys()),
        inputs=flat([x]),
        outputs=flat([output]),
        targets=flat([targets]),
        loss=loss.item(),
        gradients=flat([p.grad for p in container.parameters()]),
        output_gradients=flat([output.grad]),
        input_gradients=flat([x.grad]))


for kind, prefix in (("RNN", "Rnn"), ("GRU", "Gru"), ("LSTM", "Lstm")):
    for layers in (1, 2):
        for sequences in (False, True):
            name = f"{prefix}Parity{layers}{'Sequence' if sequences else 'Last'}"
            record(name, kind, 3, 6, layers, sequences)

# The other settings: ReLU, no bias, a per-step Linear after a sequence.
record("RnnParityReluNoBias", "RNN", 4, 5, 2, True, nonlinearity="relu", bias=False)
record("LstmParityNoBias", "LSTM", 3, 7, 1, False, bias=False)
record("GruParitySequenceDense", "GRU", 3, 6, 1, True, dense=2)
record("GruParityWide", "GRU", 10, 20, 1, False, steps=7)

# Bidirectional (PyTorch's bidirectional=True: "_reverse" tensors after each layer's, outputs forward then reverse).
record("GruParityBidirectional", "GRU", 3, 6, 2, True, bidirectional=True)
record("LstmParityBidirectionalLast", "LSTM", 3, 5, 1, False, bidirectional=True)
record("RnnParityBidirectionalNoBias", "RNN", 4, 3, 2, True, nonlinearity="relu", bias=False, bidirectional=True)

# A GRU trained by PyTorch: predict the running mean of the first feature, every step, from noisy sequences.
container, forward = build("GRU", 2, 8, 2, True, dense=1)
optimizer = torch.optim.Adam(container.parameters(), lr=0.01)
for step in range(300):
    x = torch.randn(16, 10, 2)
    target = (torch.cumsum(x[:, :, :1], dim=1) / torch.arange(1, 11).reshape(1, 10, 1))
    loss = torch.nn.functional.mse_loss(forward(x), target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

state = {k: v.detach().contiguous() for k, v in container.state_dict().items()}
header, blobs, offset = {}, [], 0
for name in sorted(state):
    data = state[name].numpy().astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(state[name].shape), "data_offsets": [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
header["__metadata__"] = {"format": "pt"}
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open("torch_gru.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for blob in blobs:
        f.write(blob)

with torch.no_grad():
    x = torch.randn(4, 10, 2)
    fixtures["TrainedGru"] = dict(inputs=flat([x]), outputs=flat([forward(x)]), final_training_loss=loss.item())

with open("recurrent_fixtures.json", "w") as f:
    json.dump(fixtures, f)
