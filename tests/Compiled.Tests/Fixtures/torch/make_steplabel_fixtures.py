"""Writes steplabel_fixtures.json: per-step classification (sequence labelling), cross-entropy with one label per step.

For each network of StepLabelParityTests.cs (the recurrent module is module 0 of a container, the per-step Linear module
1, as the generator names them) its parameters (flat, state_dict order, PyTorch's initialisation), inputs (batch_first),
labels [batch, steps] and what PyTorch computes:

- outputs: softmax over each step's classes;
- the loss: F.cross_entropy(logits.reshape(-1, C), labels.reshape(-1)), the mean over every step of every sample; with
  lengths (pack_padded_sequence / pad_packed_sequence) the padding steps' labels are ignore_index (-100), so the mean is
  over the real steps only, and the padding inputs are large values that must not matter;
- the gradients of every parameter and of the inputs, and of the loss with respect to the softmax outputs (for
  Backpropagate);
- the parameters after 3 steps of SGD (lr 0.1) and, from the same start, after 3 steps of Adam (lr 0.01), each step on
  the same batch.

Run with /usr/bin/python3 (Debian's PyTorch 1.13) from this folder; the tests only read the file it writes."""
import copy
import json

import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(2024)
fixtures = {}


def flat(tensors):
    return [float(v) for t in tensors for v in t.detach().reshape(-1).tolist()]


class Tagger(torch.nn.Module):
    """A recurrent module returning every step, then a Linear per step (the logits)."""

    def __init__(self, recurrent, linear):
        super().__init__()
        self.add_module("0", recurrent)
        self.add_module("1", linear)

    def forward(self, x, lengths=None):
        recurrent = getattr(self, "0")
        if lengths is None:
            out, _ = recurrent(x)
        else:
            packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
            out_packed, _ = recurrent(packed)
            out, _ = pad_packed_sequence(out_packed, batch_first=True, total_length=x.shape[1])
        return getattr(self, "1")(out)


def loss_of(model, x, labels, lengths, classes):
    logits = model(x, lengths)
    return F.cross_entropy(logits.reshape(-1, classes), labels.reshape(-1), ignore_index=-100), logits


def record(name, recurrent, classes, batch, steps, features, lengths=None):
    hidden = recurrent.hidden_size
    model = Tagger(recurrent, torch.nn.Linear(hidden, classes))
    start = copy.deepcopy(model.state_dict())
    x = torch.randn(batch, steps, features) * 1.5
    labels = torch.randint(0, classes, (batch, steps))
    if lengths is not None:
        for s, length in enumerate(lengths):
            x[s, length:] = torch.randn(steps - length, features) * 100  # padding: must be ignored
            labels[s, length:] = -100  # ignore_index: never read
    x.requires_grad_(True)

    logits = model(x, lengths)
    probabilities = torch.softmax(logits, dim=-1)
    probabilities.retain_grad()
    # The loss through the probabilities (log of softmax), so that dL/d(probabilities) is recorded for Backpropagate;
    # its value and gradients equal F.cross_entropy's (checked below).
    logp = torch.log(probabilities).reshape(-1, classes)
    loss = F.nll_loss(logp, labels.reshape(-1), ignore_index=-100)
    reference, _ = loss_of(copy.deepcopy(model), x.detach(), labels, lengths, classes)
    assert abs(loss.item() - reference.item()) < 1e-5
    loss.backward()

    def after(optimizer_of, count=3):
        trained = Tagger(copy.deepcopy(recurrent), torch.nn.Linear(hidden, classes))
        trained.load_state_dict(start)
        optimizer = optimizer_of(trained.parameters())
        losses = []
        for _ in range(count):
            optimizer.zero_grad()
            step_loss, _ = loss_of(trained, x.detach(), labels, lengths, classes)
            step_loss.backward()
            optimizer.step()
            losses.append(step_loss.item())
        return flat(trained.state_dict().values()), losses

    sgd_after, sgd_losses = after(lambda p: torch.optim.SGD(p, lr=0.1))
    adam_after, adam_losses = after(lambda p: torch.optim.Adam(p, lr=0.01))
    fixtures[name] = dict(
        parameters=flat(start.values()),
        names=list(start.keys()),
        lengths=lengths or [],
        inputs=flat([x]),
        labels=[int(v) for v in labels.reshape(-1).tolist()],
        outputs=flat([probabilities]),
        loss=loss.item(),
        gradients=flat([p.grad for p in model.parameters()]),
        output_gradients=flat([probabilities.grad]),
        input_gradients=flat([x.grad]),
        sgd_parameters_after=sgd_after,
        sgd_losses=sgd_losses,
        adam_parameters_after=adam_after,
        adam_losses=adam_losses)


# GRU(ReturnSequences) + a per-step Linear, cross-entropy over all 6 x 3 steps.
record("GruTagger", torch.nn.GRU(4, 8, batch_first=True), classes=5, batch=3, steps=6, features=4)
# Two stacked LSTM layers over sequences of their own lengths, cross-entropy over the real steps only.
record("LstmTaggerVar", torch.nn.LSTM(3, 6, num_layers=2, batch_first=True), classes=4, batch=4, steps=5, features=3, lengths=[5, 2, 4, 1])

with open("steplabel_fixtures.json", "w") as f:
    json.dump(fixtures, f)
