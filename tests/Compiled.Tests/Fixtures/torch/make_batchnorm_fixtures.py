"""Writes batchnorm_fixtures.json and torch_batchnorm.safetensors: for each configuration, an nn.Sequential equivalent to a
test network (same state_dict order), its parameters and buffers (flat, state_dict order, non-trivial normalisation weights
and running statistics), and PyTorch's training-mode outputs, mean loss, parameter gradients and input gradients of a first
batch, then three plain SGD steps on three batches (each loss, then the parameters and buffers after them: running
statistics and num_batches_tracked), then eval-mode outputs of another batch. torch_batchnorm.safetensors is the first
network's state_dict after the three steps (num_batches_tracked as I64, as PyTorch keeps it), laid out as the safetensors
package writes it. Run with /usr/bin/python3 (Debian's PyTorch 1.13); the tests only read the files it writes."""
import copy
import json
import struct

import torch

torch.manual_seed(23)
fixtures = {}
LEARNING_RATE = 0.1


def flat(tensors):
    return [float(v) for t in tensors for v in t.detach().reshape(-1).tolist()]


def is_buffer(model, name):
    return name in dict(model.named_buffers())


def record(name, model, batches, eval_batch, loss_of_output, output_of, targets_of, extra):
    with torch.no_grad():
        for module in model:
            if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                if module.affine:
                    module.weight.uniform_(0.5, 1.5)
                    module.bias.uniform_(-0.3, 0.3)
                if module.track_running_stats:
                    module.running_mean.uniform_(-0.5, 0.5)
                    module.running_var.uniform_(0.5, 1.5)
    state = model.state_dict()
    fixture = dict(
        names=[k for k in state if not is_buffer(model, k)],
        buffer_names=[k for k in state if is_buffer(model, k)],
        parameters=flat(v for k, v in state.items() if not is_buffer(model, k)),
        buffers=flat(v for k, v in state.items() if is_buffer(model, k)),
        inputs=[flat([x]) for x in batches],
        eval_inputs=flat([eval_batch]),
        losses=[],
        **extra)

    # The first batch in training mode, on a copy (its forward moves the running statistics too): outputs, loss,
    # parameter gradients, dL/d(output) and dL/d(input).
    probe = copy.deepcopy(model)
    probe.train()
    x = batches[0].clone().requires_grad_(True)
    output = output_of(probe(x))
    output.retain_grad()
    loss = loss_of_output(output, targets_of(0))
    loss.backward()
    fixture.update(
        outputs=flat([output]),
        loss=loss.item(),
        gradients=flat([p.grad for p in probe.parameters()]),
        output_gradients=flat([output.grad]),
        input_gradients=flat([x.grad]),
        buffers_after_one=flat(v for k, v in probe.state_dict().items() if is_buffer(probe, k)))

    # Three SGD steps, one per batch.
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    model.train()
    for step, batch in enumerate(batches):
        optimizer.zero_grad()
        loss = loss_of_output(output_of(model(batch)), targets_of(step))
        loss.backward()
        optimizer.step()
        fixture["losses"].append(loss.item())
    state = model.state_dict()
    fixture["parameters_after"] = flat(v for k, v in state.items() if not is_buffer(model, k))
    fixture["buffers_after"] = flat(v for k, v in state.items() if is_buffer(model, k))
    model.eval()
    with torch.no_grad():
        fixture["eval_outputs"] = flat([output_of(model(eval_batch))])
    fixtures[name] = fixture
    return model


def write_safetensors(path, state):
    header, blobs, offset = {}, [], 0
    for name in sorted(state):
        tensor = state[name].detach().contiguous()
        if tensor.dtype == torch.int64:
            data, dtype = tensor.numpy().astype("<i8").tobytes(), "I64"
        else:
            data, dtype = tensor.numpy().astype("<f4").tobytes(), "F32"
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
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


# BatchNorms: [Input(12)] [Dense(20, ReLU)] [BatchNorm] [Dense(4, Softmax)], cross-entropy with labels.
batch_norms = torch.nn.Sequential(
    torch.nn.Linear(12, 20), torch.nn.ReLU(), torch.nn.BatchNorm1d(20), torch.nn.Linear(20, 4))
labels = [torch.randint(0, 4, (8,)) for _ in range(3)]
batches = [torch.randn(8, 12) * 1.5 + 0.3 for _ in range(3)]
trained = record("BatchNorms", batch_norms, batches, torch.randn(5, 12),
                 lambda p, t: -torch.log(p[torch.arange(len(t)), t]).mean(),
                 lambda logits: torch.softmax(logits, dim=1),
                 lambda step: labels[step],
                 dict(labels=[l.tolist() for l in labels]))
write_safetensors("torch_batchnorm.safetensors", trained.state_dict())

# ChannelNorms: [Input(3, 4, 5)] [BatchNorm] [Flatten] [Dense(7, Tanh)] [BatchNorm(Affine = false, Eps = 1e-3,
# Momentum = 0.3)] [Dense(2)], MSE: BatchNorm2d over (N, 3, 4, 5), then BatchNorm1d without affine parameters.
channel_norms = torch.nn.Sequential(
    torch.nn.BatchNorm2d(3), torch.nn.Flatten(), torch.nn.Linear(60, 7), torch.nn.Tanh(),
    torch.nn.BatchNorm1d(7, eps=1e-3, momentum=0.3, affine=False), torch.nn.Linear(7, 2))
targets = [torch.randn(6, 2) for _ in range(3)]
batches = [torch.randn(6, 3, 4, 5) * 2 - 0.4 for _ in range(3)]
record("ChannelNorms", channel_norms, batches, torch.randn(4, 3, 4, 5),
       lambda y, t: torch.nn.functional.mse_loss(y, t),
       lambda y: y,
       lambda step: targets[step],
       dict(targets=[flat([t]) for t in targets]))

# DenseBnRelu: [Input(12)] [Dense(16)] [BatchNorm] [Activation(ReLU)] [Dense(4)] [Activation(Softmax)], cross-entropy:
# Linear -> BatchNorm1d -> ReLU -> Linear, the softmax a module of its own (it has no state, so the indices match).
dense_bn_relu = torch.nn.Sequential(
    torch.nn.Linear(12, 16), torch.nn.BatchNorm1d(16), torch.nn.ReLU(), torch.nn.Linear(16, 4))
labels = [torch.randint(0, 4, (8,)) for _ in range(3)]
batches = [torch.randn(8, 12) * 1.2 - 0.2 for _ in range(3)]
trained = record("DenseBnRelu", dense_bn_relu, batches, torch.randn(5, 12),
                 lambda p, t: -torch.log(p[torch.arange(len(t)), t]).mean(),
                 lambda logits: torch.softmax(logits, dim=1),
                 lambda step: labels[step],
                 dict(labels=[l.tolist() for l in labels]))
write_safetensors("torch_bn_relu.safetensors", trained.state_dict())

# ConvBnRelu: [Input(2, 6, 6)] [Conv2D(4, 3)] [BatchNorm] [Activation(ReLU)] [MaxPool2D(2)] [Flatten] [Dense(3)], MSE:
# Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d -> Flatten -> Linear.
conv_bn_relu = torch.nn.Sequential(
    torch.nn.Conv2d(2, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
    torch.nn.Linear(16, 3))
targets = [torch.randn(6, 3) for _ in range(3)]
batches = [torch.randn(6, 2, 6, 6) * 1.5 + 0.2 for _ in range(3)]
record("ConvBnRelu", conv_bn_relu, batches, torch.randn(4, 2, 6, 6),
       lambda y, t: torch.nn.functional.mse_loss(y, t),
       lambda y: y,
       lambda step: targets[step],
       dict(targets=[flat([t]) for t in targets]))

# BatchNormUntracked: [Input(10)] [Dense(8)] [BatchNorm(TrackRunningStats = false)] [Activation(Tanh)] [Dense(3)], MSE:
# BatchNorm1d(8, track_running_stats=False), no buffers; eval mode normalises with the eval batch's statistics.
untracked = torch.nn.Sequential(
    torch.nn.Linear(10, 8), torch.nn.BatchNorm1d(8, track_running_stats=False), torch.nn.Tanh(), torch.nn.Linear(8, 3))
targets = [torch.randn(7, 3) for _ in range(3)]
batches = [torch.randn(7, 10) * 1.3 + 0.4 for _ in range(3)]
record("BatchNormUntracked", untracked, batches, torch.randn(6, 10) * 0.8 - 0.3,
       lambda y, t: torch.nn.functional.mse_loss(y, t),
       lambda y: y,
       lambda step: targets[step],
       dict(targets=[flat([t]) for t in targets]))

# BatchNormCumulative: [Input(3, 4, 4)] [Conv2D(4, 3)] [BatchNorm(CumulativeAverage = true)] [Activation(ReLU)] [Flatten]
# [Dense(2)], MSE: BatchNorm2d(4, momentum=None), the running statistics the average of the batches'.
cumulative = torch.nn.Sequential(
    torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4, momentum=None), torch.nn.ReLU(), torch.nn.Flatten(),
    torch.nn.Linear(16, 2))
targets = [torch.randn(5, 2) for _ in range(3)]
batches = [torch.randn(5, 3, 4, 4) * 1.1 + 0.5 for _ in range(3)]
record("BatchNormCumulative", cumulative, batches, torch.randn(4, 3, 4, 4),
       lambda y, t: torch.nn.functional.mse_loss(y, t),
       lambda y: y,
       lambda step: targets[step],
       dict(targets=[flat([t]) for t in targets]))

with open("batchnorm_fixtures.json", "w") as f:
    json.dump(fixtures, f)
