"""Writes tbptt_fixtures.json: truncated backpropagation through time, PyTorch's detach-per-window idiom.

Three parallel streams of 12 steps are cut into 3 windows of 4 steps. Each window runs from the state the previous
window left (zero for the first), detached (`h = h.detach()`), so the gradient stops at the window boundary; its loss is
mean squared error, and its gradients are taken on their own (zeroed before each window, no optimizer step). Recorded
per window: the inputs, targets, outputs, loss, every parameter gradient and the final states (h_n, and c_n for LSTM,
[layers, streams, hidden]). Also the outputs of the whole 12-step sequences in one pass.

Configurations (the recurrent module is module 0 of the container, as the generator names it):
- GruTbpttSequence: GRU(3 -> 6, 2 layers), every step, then Linear(6 -> 2) per step (sequence to sequence);
- LstmTbpttLast: LSTM(3 -> 5, 2 layers), the last step of each window, then Linear(5 -> 1) (sequence to one);
- RnnTbpttSequence: RNN(3 -> 4, 1 layer), every step (sequence to sequence).

Run with /usr/bin/python3 (Debian's PyTorch 1.13) from this folder; the tests only read the file it writes."""
import json

import torch

torch.manual_seed(77)
STREAMS, TOTAL, WINDOW, FEATURES = 3, 12, 4, 3
fixtures = {}


def flat(tensors):
    return [float(v) for t in tensors for v in t.detach().reshape(-1).tolist()]


def record(name, kind, hidden, layers, sequences, dense):
    cls = {"RNN": torch.nn.RNN, "GRU": torch.nn.GRU, "LSTM": torch.nn.LSTM}[kind]
    module = cls(FEATURES, hidden, num_layers=layers, batch_first=True)
    parts = [module] + ([torch.nn.Linear(hidden, dense)] if dense else [])
    container = torch.nn.Sequential(*parts)

    def forward(x, state):
        out, state = module(x, state)
        y = out if sequences else out[:, -1]
        if dense:
            y = parts[1](y)
        return y, state

    x = torch.randn(STREAMS, TOTAL, FEATURES)
    with torch.no_grad():
        whole, _ = forward(x, None)
    state = None
    windows = []
    for w in range(TOTAL // WINDOW):
        xw = x[:, w * WINDOW:(w + 1) * WINDOW]
        if state is not None:
            state = tuple(s.detach() for s in state) if kind == "LSTM" else state.detach()
        container.zero_grad()
        y, state = forward(xw, state)
        target = torch.randn(*y.shape)
        loss = torch.nn.functional.mse_loss(y, target)
        loss.backward()
        h_n, c_n = state if kind == "LSTM" else (state, None)
        windows.append(dict(
            inputs=flat([xw]), targets=flat([target]), outputs=flat([y]), loss=loss.item(),
            gradients=flat([p.grad for p in container.parameters()]),
            h_n=flat([h_n]), c_n=flat([c_n]) if c_n is not None else []))
    fixtures[name] = dict(
        parameters=flat(container.state_dict().values()),
        names=list(container.state_dict().keys()),
        inputs=flat([x]), whole_outputs=flat([whole]), windows=windows)


record("GruTbpttSequence", "GRU", 6, 2, True, 2)
record("LstmTbpttLast", "LSTM", 5, 2, False, 1)
record("RnnTbpttSequence", "RNN", 4, 1, True, None)

with open("tbptt_fixtures.json", "w") as f:
    json.dump(fixtures, f)
