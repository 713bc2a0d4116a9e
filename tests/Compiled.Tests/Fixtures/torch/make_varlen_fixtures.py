"""Writes varlen_fixtures.json: recurrent layers over sequences of their own lengths, as PyTorch's packed sequences.

For each configuration (nn.RNN / nn.GRU / nn.LSTM x 1 or 2 layers x every step or the last x one or two directions, and
a per-step Linear after a GRU) a model equivalent to a network of VariableLengthParityTests.cs (the recurrent module is
module 0 of a container, as the generator names it), its parameters (flat, state_dict order, PyTorch's initialisation),
padded inputs (batch_first) and their lengths, and what PyTorch computes through pack_padded_sequence /
pad_packed_sequence:

- outputs: every step's output with zeros beyond each length (pad_packed_sequence), through the Linear if any; or the
  output at step length - 1 of each sequence (the "last" output);
- final states h_n (and c_n for LSTM), [layers * directions, batch, hidden], PyTorch's order;
- the loss: mean squared error over the real steps only for a sequence output (the loss on the packed data:
  mse_loss(packed_output.data, packed_target.data)), the plain mean over the batch for a last-step output;
- the gradients of every parameter, of the loss with respect to the outputs (zero on padding) and to the inputs.

Run with /usr/bin/python3 (Debian's PyTorch 1.13) from this folder; the tests only read the file it writes."""
import json

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(1313)
fixtures = {}
STEPS, FEATURES, HIDDEN = 5, 3, 6
LENGTHS = [5, 2, 4, 1]  # one full sequence, one of a single step; unsorted (enforce_sorted=False)


def flat(tensors):
    return [float(v) for t in tensors for v in t.detach().reshape(-1).tolist()]


def record(name, kind, layers, sequences, bidirectional=False, dense=None):
    cls = {"RNN": torch.nn.RNN, "GRU": torch.nn.GRU, "LSTM": torch.nn.LSTM}[kind]
    module = cls(FEATURES, HIDDEN, num_layers=layers, batch_first=True, bidirectional=bidirectional)
    parts = [module]
    linear = None
    if dense is not None:
        linear = torch.nn.Linear(HIDDEN * (2 if bidirectional else 1), dense)
        parts.append(linear)
    container = torch.nn.Sequential(*parts)

    batch = len(LENGTHS)
    lengths = torch.tensor(LENGTHS)
    x = (torch.randn(batch, STEPS, FEATURES) * 1.5)
    for s, length in enumerate(LENGTHS):
        x[s, length:] = torch.randn(STEPS - length, FEATURES) * 100  # padding: must be ignored
    x.requires_grad_(True)
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    out_packed, state = module(packed)
    out, _ = pad_packed_sequence(out_packed, batch_first=True, total_length=STEPS)
    if sequences:
        y = out
    else:
        y = out[torch.arange(batch), lengths - 1]
    if linear is not None:
        y = linear(y)
    y.retain_grad()
    targets = torch.randn(*y.shape)
    if sequences:
        mask = (torch.arange(STEPS).reshape(1, STEPS, 1) < lengths.reshape(batch, 1, 1)).float()
        loss = (((y - targets) ** 2) * mask).sum() / (mask.sum() * y.shape[-1])
    else:
        loss = torch.nn.functional.mse_loss(y, targets)
    loss.backward()
    h_n, c_n = state if kind == "LSTM" else (state, None)
    fixtures[name] = dict(
        parameters=flat(container.state_dict().values()),
        names=list(container.state_dict().keys()),
        lengths=LENGTHS,
        inputs=flat([x]),
        outputs=flat([y]),
        h_n=flat([h_n]),
        c_n=flat([c_n]) if c_n is not None else [],
        targets=flat([targets]),
        loss=loss.item(),
        gradients=flat([p.grad for p in container.parameters()]),
        output_gradients=flat([y.grad]),
        input_gradients=flat([x.grad]))


for kind, prefix in (("RNN", "Rnn"), ("GRU", "Gru"), ("LSTM", "Lstm")):
    for layers in (1, 2):
        for sequences in (False, True):
            for bidirectional in (False, True):
                name = f"{prefix}Var{layers}{'Sequence' if sequences else 'Last'}{'Bi' if bidirectional else ''}"
                record(name, kind, layers, sequences, bidirectional)

# A per-step Linear after the sequence: the padding steps' outputs are its bias, and the loss ignores them.
record("GruVarSequenceDense", "GRU", 1, True, dense=2)

with open("varlen_fixtures.json", "w") as f:
    json.dump(fixtures, f)
