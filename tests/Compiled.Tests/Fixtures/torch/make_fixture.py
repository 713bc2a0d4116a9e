"""Writes torch_mlp.safetensors and torch_mlp.json: a PyTorch nn.Sequential's state_dict in safetensors form (written
from the specification with struct/json, as the safetensors package would), inputs, PyTorch's own outputs, and the
gradients PyTorch computes for one cross-entropy step. Run with /usr/bin/python3 (PyTorch 1.13); the tests only read
the files it writes."""
import json
import struct

import torch

torch.manual_seed(7)
model = torch.nn.Sequential(
    torch.nn.Linear(12, 9), torch.nn.ReLU(),
    torch.nn.Linear(9, 7), torch.nn.Tanh(),
    torch.nn.Linear(7, 4))
state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}

# safetensors: 8-byte little-endian header length, JSON header, raw little-endian data; names sorted as the package does.
header, blobs, offset = {}, [], 0
for name in sorted(state):
    data = state[name].numpy().astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(state[name].shape), "data_offsets": [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
header["__metadata__"] = {"format": "pt"}
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open("torch_mlp.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for blob in blobs:
        f.write(blob)

x = torch.randn(5, 12)
labels = torch.tensor([0, 3, 1, 2, 3])
logits = model(x)
probabilities = torch.softmax(logits, dim=1)
loss = torch.nn.functional.cross_entropy(logits, labels)
loss.backward()
gradients = {k: v.grad.detach().numpy().reshape(-1).tolist() for k, v in model.named_parameters()}
with open("torch_mlp.json", "w") as f:
    json.dump({
        "inputs": x.numpy().reshape(-1).tolist(),
        "labels": labels.tolist(),
        "probabilities": probabilities.detach().numpy().reshape(-1).tolist(),
        "loss": loss.item(),
        "gradients": gradients,
    }, f)
