"""Writes norm_fixtures.json: for each configuration, an nn.Sequential equivalent to a test network (same state_dict
order), its parameters (flat, state_dict order, non-trivial normalisation weights), inputs, PyTorch's outputs, mean loss,
parameter gradients, the gradient of the loss with respect to the network's outputs and with respect to its inputs.
Run with /usr/bin/python3 (Debian's PyTorch 1.13); the tests only read the file it writes."""
import json

import torch

torch.manual_seed(11)
fixtures = {}


def flat(tensors):
    return [float(v) for t in tensors for v in t.detach().reshape(-1).tolist()]


def record(name, model, x, loss_of_output, output_of, extra):
    with torch.no_grad():
        for module in model:
            if isinstance(module, torch.nn.LayerNorm) and module.elementwise_affine:
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.3, 0.3)
    x = x.clone().requires_grad_(True)
    output = output_of(model(x))
    output.retain_grad()
    loss = loss_of_output(output)
    loss.backward()
    fixtures[name] = dict(
        parameters=flat(model.state_dict().values()),
        names=list(model.state_dict().keys()),
        inputs=flat([x]),
        outputs=flat([output]),
        loss=loss.item(),
        gradients=flat([p.grad for p in model.parameters()]),
        output_gradients=flat([output.grad]),
        input_gradients=flat([x.grad]),
        **extra)


# Norms: [Input(3, 8)] [LayerNorm(NormalizedDimensions = 1)] [Flatten] [Dense(20, GELU)] [LayerNorm] [Dense(4, Softmax)], cross-entropy.
norms = torch.nn.Sequential(
    torch.nn.LayerNorm(8), torch.nn.Flatten(), torch.nn.Linear(24, 20), torch.nn.GELU(approximate="tanh"),
    torch.nn.LayerNorm(20), torch.nn.Linear(20, 4))
labels = torch.tensor([0, 3, 1, 2, 3, 1, 0])
x = torch.randn(7, 3, 8) * 2 + 0.5
record("Norms", norms, x,
       lambda p: -torch.log(p[torch.arange(len(labels)), labels]).mean(),
       lambda logits: torch.softmax(logits, dim=1),
       dict(labels=labels.tolist()))

# NormNoAffine: [Input(10)] [Dense(12, Tanh)] [LayerNorm(ElementwiseAffine = false, Eps = 1e-3)] [Dense(2)], MSE.
no_affine = torch.nn.Sequential(
    torch.nn.Linear(10, 12), torch.nn.Tanh(), torch.nn.LayerNorm(12, eps=1e-3, elementwise_affine=False), torch.nn.Linear(12, 2))
targets = torch.randn(6, 2)
x = torch.randn(6, 10)
record("NormNoAffine", no_affine, x,
       lambda y: torch.nn.functional.mse_loss(y, targets),
       lambda y: y,
       dict(targets=flat([targets])))

with open("norm_fixtures.json", "w") as f:
    json.dump(fixtures, f)
