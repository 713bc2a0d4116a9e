"""Writes embedding_fixtures.json: for each configuration, an nn.Sequential equivalent to a test network (same state_dict
order) with nn.Embedding first, its parameters (flat, state_dict order), token-id inputs (as floats, as the library takes
them), PyTorch's outputs, mean loss, parameter gradients (the embedding's only in the rows used, none in padding_idx's),
dL/d(output), and the parameters after three Adam steps on the same batch.
Run with /usr/bin/python3 (Debian's PyTorch 1.13); the tests only read the file it writes."""
import json

import torch

torch.manual_seed(23)
fixtures = {}


def flat(tensors):
    return [float(v) for t in tensors for v in t.detach().reshape(-1).tolist()]


def record(name, model, ids, loss_of_output, output_of, extra):
    with torch.no_grad():
        for module in model:
            if isinstance(module, torch.nn.LayerNorm):
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.3, 0.3)
    parameters = flat(model.state_dict().values())
    output = output_of(model(ids))
    output.retain_grad()
    loss = loss_of_output(output)
    loss.backward()
    gradients = flat([p.grad for p in model.parameters()])
    output_gradients = flat([output.grad])
    adam = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(3):
        adam.zero_grad()
        loss_of_output(output_of(model(ids))).backward()
        adam.step()
    fixtures[name] = dict(
        parameters=parameters,
        names=list(model.state_dict().keys()),
        inputs=[float(v) for v in ids.reshape(-1).tolist()],
        outputs=flat([output]),
        loss=loss.item(),
        gradients=gradients,
        output_gradients=output_gradients,
        after_adam=flat(model.state_dict().values()),
        **extra)


# Tokens: [Input(5)] [Embedding(11, 6)] [Flatten] [Dense(4, Softmax)], cross-entropy. Ids 9 and 10 never occur.
tokens = torch.nn.Sequential(torch.nn.Embedding(11, 6), torch.nn.Flatten(), torch.nn.Linear(30, 4))
ids = torch.randint(0, 9, (7, 5))
ids[0, 0] = ids[0, 3] = ids[2, 1] = 4  # a token repeated within a sample and across samples
labels = torch.tensor([0, 3, 1, 2, 3, 1, 0])
record("Tokens", tokens, ids,
       lambda p: -torch.log(p[torch.arange(len(labels)), labels]).mean(),
       lambda logits: torch.softmax(logits, dim=1),
       dict(labels=labels.tolist()))

# TokensPadded: [Input(2, 3)] [Embedding(7, 4, PaddingIndex = 0)] [LayerNorm(NormalizedDimensions = 1)] [Flatten] [Dense(2)], MSE.
padded = torch.nn.Sequential(
    torch.nn.Embedding(7, 4, padding_idx=0), torch.nn.LayerNorm(4), torch.nn.Flatten(), torch.nn.Linear(24, 2))
ids = torch.randint(0, 7, (6, 2, 3))
ids[:, 1, 2] = 0  # the padding id in every sample
targets = torch.randn(6, 2)
record("TokensPadded", padded, ids,
       lambda y: torch.nn.functional.mse_loss(y, targets),
       lambda y: y,
       dict(targets=flat([targets])))

with open("embedding_fixtures.json", "w") as f:
    json.dump(fixtures, f)
