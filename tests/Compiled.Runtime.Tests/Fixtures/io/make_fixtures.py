#!/usr/bin/env python3
"""Writes the small I/O fixtures of Compiled.Runtime.Tests, independently of the C# code under test.

Run from any folder with a Python that has torch and numpy (only needed to re-create the files; the tests
themselves never run Python):

    /usr/bin/python3 tests/Compiled.Runtime.Tests/Fixtures/io/make_fixtures.py

Every output is deterministic (gzip mtime 0), so re-running it must leave `git status` clean.
"""
import gzip
import json
import math
import os
import struct
import zlib

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ARCHITECTURE = "Input(5) -> Dense(3, ReLU) -> Dense(2, Softmax)"
SHAPES = [("0.weight", (3, 5)), ("0.bias", (3,)), ("2.weight", (2, 3)), ("2.bias", (2,))]


def write(name, data):
    path = os.path.join(HERE, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, mtime=0)


def fixture_value(k):
    # Same formula as FakeNetwork.FixtureValue: exactly representable in F16, BF16, F32 and F64.
    return ((k % 17) - 8) * 0.125


def state_dict():
    """The state_dict of torch.nn.Sequential(Linear(5, 3), ReLU(), Linear(3, 2)) with fixture values."""
    model = torch.nn.Sequential(torch.nn.Linear(5, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    k = 0
    with torch.no_grad():
        for name, param in model.state_dict().items():
            n = param.numel()
            param.copy_(torch.tensor([fixture_value(k + i) for i in range(n)]).reshape(param.shape))
            k += n
    sd = model.state_dict()
    assert [(n, tuple(t.shape)) for n, t in sd.items()] == SHAPES
    return sd


def tensor_bytes(t, dtype):
    if dtype == "F32":
        return t.to(torch.float32).numpy().astype("<f4").tobytes()
    if dtype == "F64":
        return t.to(torch.float64).numpy().astype("<f8").tobytes()
    if dtype == "F16":
        return t.to(torch.float16).numpy().astype("<f2").tobytes()
    if dtype == "BF16":
        return t.to(torch.bfloat16).view(torch.int16).numpy().astype("<i2").tobytes()
    if dtype == "I64":
        return t.to(torch.int64).numpy().astype("<i8").tobytes()
    raise ValueError(dtype)


def safetensors(entries, metadata=None, sort_like_reference=False):
    """entries: list of (name, tensor, dtype). Lays the data out in list order, or sorted by (dtype desc, name) and
    with the header in that order as the reference Rust implementation (the `safetensors` package) does."""
    if sort_like_reference:
        entries = sorted(entries, key=lambda e: e[0])
        entries = sorted(entries, key=lambda e: ["BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"].index(e[2]), reverse=True)
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    data = b""
    for name, tensor, dtype in entries:
        raw = tensor_bytes(tensor, dtype)
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


def model_file(version=1, architecture=ARCHITECTURE, shapes=SHAPES, buffers=()):
    """A Compiled model file: version 1 (parameters only) or 2 (then the buffer count and the buffers)."""
    arch = architecture.encode("utf-8")
    count = sum(math.prod(s) for _, s in shapes)
    body = b"CMPL" + struct.pack("<II", version, len(arch)) + arch + struct.pack("<q", count)
    body += struct.pack("<%df" % count, *[fixture_value(k) for k in range(count)])
    if version >= 2:
        body += struct.pack("<q", len(buffers)) + struct.pack("<%df" % len(buffers), *buffers)
    return body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)


# FakeNetwork.TinyBatchNorm: Linear(5, 3), BatchNorm1d(3), ReLU, Linear(3, 2), Softmax.
BATCHNORM_ARCHITECTURE = "Input(5) -> Dense(3) -> BatchNorm() -> ReLU -> Dense(2, Softmax)"
BATCHNORM_SHAPES = [("0.weight", (3, 5)), ("0.bias", (3,)), ("1.weight", (3,)), ("1.bias", (3,)), ("3.weight", (2, 3)), ("3.bias", (2,))]
# 1.running_mean [3], 1.running_var [3], 1.num_batches_tracked []: the values of FakeNetwork.BatchNormFixtureBuffers.
BATCHNORM_BUFFERS = [0.25, -1.5, 3.0, 0.5, 2.0, 1.125, 1234.0]


def model_files():
    write("model/tiny.cmpl", model_file())
    write("model/tiny_v2.cmpl", model_file(version=2))
    write("model/tiny_batchnorm.cmpl", model_file(2, BATCHNORM_ARCHITECTURE, BATCHNORM_SHAPES, BATCHNORM_BUFFERS))


def idx(type_code, dims, payload):
    return struct.pack(">BBBB", 0, 0, type_code, len(dims)) + struct.pack(">%dI" % len(dims), *dims) + payload


def main():
    sd = state_dict()

    # Model files.
    model_files()

    # safetensors: as the reference writer lays out a torch state_dict (sorted names: biases first).
    write("safetensors/tiny_reference_layout.safetensors",
          safetensors([(n, t, "F32") for n, t in sd.items()], {"format": "pt"}, sort_like_reference=True))
    # With a "model." prefix, mixed dtypes and an extra integer tensor the network does not use.
    dtypes = {"0.weight": "F16", "0.bias": "BF16", "2.weight": "F64", "2.bias": "F32"}
    mixed = [("model." + n, t, dtypes[n]) for n, t in sd.items()]
    mixed.append(("model.num_batches_tracked", torch.tensor(7), "I64"))
    write("safetensors/tiny_prefixed_mixed.safetensors", safetensors(mixed, sort_like_reference=True))
    # Other names, data in state_dict order (to be matched by order).
    renamed = dict(zip(sd.keys(), ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]))
    write("safetensors/tiny_renamed.safetensors", safetensors([(renamed[n], t, "F32") for n, t in sd.items()]))

    # IDX: 3 images of 2 x 3 unsigned bytes, 3 labels.
    pixels = bytes((i * 15) % 256 for i in range(18))
    images = idx(0x08, [3, 2, 3], pixels)
    labels = idx(0x08, [3], bytes([2, 0, 1]))
    write("idx/images.idx3-ubyte", images)
    write("idx/images.idx3-ubyte.gz", gz(images))
    write("idx/labels.idx1-ubyte", labels)
    write("idx/labels.idx1-ubyte.gz", gz(labels))
    write("idx/labels4.idx1-ubyte", idx(0x08, [4], bytes([1, 2, 3, 4])))
    write("idx/labels_int32.idx1-int", idx(0x0C, [3], struct.pack(">3i", 7, 300, 0)))
    write("idx/floats.idx2-float", idx(0x0D, [2, 2], struct.pack(">4f", 1.5, -2.0, 0.25, 3.0)))
    write("idx/bad_magic.idx3-ubyte", b"\x01\x00" + images[2:])
    write("idx/bad_type.idx3-ubyte", images[:2] + b"\x0A" + images[3:])
    write("idx/truncated.idx3-ubyte", images[:-4])
    write("idx/truncated.idx3-ubyte.gz", gz(images[:-4]))
    write("idx/truncated_header.idx3-ubyte", images[:9])
    write("idx/cut_gzip.idx3-ubyte.gz", gz(images)[:-12])
    write("idx/overflow.idx3-ubyte", idx(0x08, [65536, 65536, 65536], b""))
    write("idx/negative_dimension.idx1-ubyte", idx(0x08, [0xFFFFFFFF], b""))
    write("idx/trailing.idx1-ubyte", labels + b"\x05")
    write("idx/no_dimensions.idx", struct.pack(">BBBB", 0, 0, 0x08, 0))

    # CSV, gzip-compressed, with a header line.
    csv = "a,b,c,label\n1,2,3,0\n4.5,-5,6e1,2\n\n7,8,9,1\n"
    write("csv/small.csv.gz", gz(csv.encode("ascii")))


if __name__ == "__main__":
    main()
