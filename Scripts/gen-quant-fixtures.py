#!/usr/bin/env python3
"""Generate the quantization fixtures in Tests/GreenlightCompressTests/Fixtures/ from gguf-py.

Requirements: gguf==0.19.0 and numpy (the fixtures in the repository were made with numpy 2.4.6 on an
x86-64-v3 (AVX2) CPU). Run from the repository root:

    python3 Scripts/gen-quant-fixtures.py [--model PATH/model.safetensors]

It writes two files, never to be edited by hand:

* quant-edge-cases.json: hand-picked inputs (all-zero blocks, +0/-0 mixes, huge values, subnormals, constant
  blocks, exact rounding boundaries, ties between +max and -max, a seeded normal sample, NaN/inf bit patterns
  for the float types) with gguf-py's bytes for each type gguf-py can quantize: F32, F16, BF16, Q8_0, Q4_0,
  Q4_1, Q5_0, Q5_1. Inputs and outputs are base64 of the little-endian bytes.
* quant-minilm-sha256.json: for every F32 tensor of all-MiniLM-L6-v2 whose last dimension is a multiple of
  32, the byte count and SHA-256 of gguf.quants.quantize(tensor, type) for each of those types except F32.

The tests compare Greenlight's bytes with these; tests that need python3 at test time live beside them.
Note: for a block whose minimum or maximum is a zero and which holds both +0 and -0, numpy's min/max pick
one by their SIMD reduction order, which differs between AVX2 and AVX-512 builds of numpy; the fixtures
record the AVX2 result (see `numpySIMD` in the JSON).
"""
import argparse
import base64
import hashlib
import json
import os
import struct
import sys

import numpy as np

try:
    import gguf
    from gguf.quants import quantize
    from gguf.constants import GGMLQuantizationType as T
except ImportError:
    sys.exit("gguf is not installed: pip install gguf==0.19.0")

from importlib.metadata import version

EXACT_TYPES = ["F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1"]
BLOCK_TYPES = ["Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "GreenlightCompressTests", "Fixtures")
DEFAULT_MODEL = os.path.join(os.path.dirname(ROOT), "shared", "data", "models", "all-MiniLM-L6-v2", "model.safetensors")


def f32(values):
    return np.array(values, dtype=np.float32)


def from_bits(bits):
    return np.array(bits, dtype=np.uint32).view(np.float32)


def b64(array_or_bytes):
    data = array_or_bytes.tobytes() if hasattr(array_or_bytes, "tobytes") else array_or_bytes
    return base64.b64encode(data).decode("ascii")


def edge_cases():
    """(name, float32 array, types) for each case; lengths are multiples of 32."""
    rng = np.random.default_rng(20240531)
    cases = []

    def add(name, values, types=EXACT_TYPES):
        a = np.ascontiguousarray(values, dtype=np.float32).reshape(-1)
        assert a.size % 32 == 0, name
        cases.append((name, a, types))

    add("all-zero", np.zeros(64))
    add("all-negative-zero", np.full(64, -0.0))
    # Blocks of +0/-0 only, in random patterns: the sign of numpy's min/max (Q4_1/Q5_1 m and d) and of
    # x[argmax|x|] (Q4_0/Q5_0 d) depends on where the zeros sit.
    add("mixed-signed-zeros", np.where(rng.random(32 * 12) < 0.5, 0.0, -0.0))
    # A zero minimum (or maximum) among +0 and -0, with the rest of the block positive (negative).
    pos = np.abs(rng.normal(size=32 * 8)) + 0.25
    pos[rng.random(pos.size) < 0.3] = 0.0
    pos[rng.random(pos.size) < 0.2] = -0.0
    add("zero-min-mixed-signs", pos)
    neg = -(np.abs(rng.normal(size=32 * 8)) + 0.25)
    neg[rng.random(neg.size) < 0.3] = -0.0
    neg[rng.random(neg.size) < 0.2] = 0.0
    add("zero-max-mixed-signs", neg)
    add("mostly-zero-one-value", np.concatenate([np.eye(32)[5] * 3.5, np.eye(32)[31] * -1e-3]))

    # Huge magnitudes: d overflows binary16 to inf, max - min overflows float32.
    huge = np.concatenate([
        np.full(32, 1e30), np.full(32, -3.4e38), np.linspace(-3.4e38, 3.4e38, 32),
        rng.normal(size=32) * 1e37, np.where(np.arange(32) % 2 == 0, 3.4028235e38, -3.4028235e38),
        np.concatenate([[3.4028235e38], rng.normal(size=31)]), np.full(32, 65504.0), np.full(32, 65520.0 * 8),
        rng.normal(size=32) * 1e6,
    ])
    add("huge-values", huge)

    # Tiny: subnormal inputs, and scales d that are subnormal with 1/d finite or infinite.
    tiny = np.concatenate([
        from_bits(np.arange(1, 33, dtype=np.uint32)),                    # smallest subnormals
        np.full(32, 1e-40), -np.full(32, 1e-45),
        np.concatenate([[1e-39], np.zeros(31)]),
        rng.normal(size=32) * 1e-38,
        np.full(32, 2.0 ** -126), np.full(32, -(2.0 ** -125)),
    ])
    add("subnormals", tiny)
    # amax swept log-uniformly over 1e-39..1e-34 so that d crosses the subnormal range and 1/d overflows.
    sweep = [rng.normal(size=32) * (10.0 ** e) for e in np.linspace(-39, -34, 40)]
    add("scale-boundaries", np.concatenate(sweep))

    add("constant-blocks", np.concatenate([np.full(32, v) for v in (1.5, -2.25, 7.0, 1e-3, -0.1, 127.0)]))

    # Exact rounding boundaries: with d = 1 (max 127 for Q8_0, -8 for Q4_0, -16 for Q5_0, range 15/31 for
    # Q4_1/Q5_1) every x * id lands on an integer or a half.
    halves = np.arange(-16, 16, 0.5)[:64]
    add("half-steps-q8", np.concatenate([[127.0], np.arange(-15.5, 0.0, 0.5)[:31],
                                         [-127.0], np.arange(0.5, 16.0, 0.5)[:31]]))
    add("half-steps-q4", np.concatenate([np.arange(-8.0, 8.0, 0.5), np.arange(7.5, -8.5, -0.5)]))
    add("half-steps-q5", halves)
    add("half-steps-range", np.concatenate([np.arange(0.0, 16.0, 0.5), np.arange(0.0, 32.0, 1.0)]))
    add("round-corners", np.concatenate([
        [127.0, 0.49999997, 1.4999999, 2.5, -2.5, -0.5, 0.5, 126.5, -126.5, 3.5000002, -0.49999997],
        np.full(21, 0.25),
        [-8.0, 7.9999995, 0.49999997, -0.5, 7.5, -7.5, 4.0000005],
        np.full(25, 0.125),
    ]))
    # Ties between +max and -max: numpy keeps the first occurrence's sign.
    ties = np.zeros((4, 32))
    ties[0, 3], ties[0, 17] = 3.0, -3.0
    ties[1, 3], ties[1, 17] = -3.0, 3.0
    ties[2, :] = rng.normal(size=32) * 0.1
    ties[2, 30], ties[2, 31] = -1.0, 1.0
    ties[3, :] = np.where(np.arange(32) % 2 == 0, 2.0, -2.0)
    add("abs-max-ties", ties)

    add("random-normal", rng.normal(size=32 * 64))
    add("random-lognormal-signs", rng.lognormal(sigma=4.0, size=32 * 32) * np.where(rng.random(32 * 32) < 0.5, -1, 1))
    add("random-uniform-int", rng.integers(-40, 40, size=32 * 16).astype(np.float32) / 4)

    # Float types only: NaN payloads, infinities, binary16 and bfloat16 rounding and overflow edges.
    special_bits = [
        0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7F800001, 0xFF800001, 0x7FA00000, 0x7FBFFFFF,
        0x7F802000, 0x7F801FFF, 0x7FFFFFFF, 0xFFFFFFFF, 0x7F7FFFFF, 0xFF7FFFFF, 0x477FE000, 0x477FEFFF,
        0x477FF000, 0x477FF001, 0x47800000, 0x33000000, 0x33000001, 0x337FFFFF, 0x33800000, 0x33C00000,
        0x38800000, 0x387FE000, 0x387FF000, 0x00000001, 0x807FFFFF, 0x80000000, 0x3F808000, 0x3F818000,
        0x3F808001, 0x3F817FFF, 0x7F7F8000, 0x7F7F7FFF, 0x3F800FFF, 0x3F801000, 0x3F803000, 0x3F801001,
    ]
    bits = np.concatenate([np.array(special_bits, dtype=np.uint32),
                           rng.integers(0, 2 ** 32, size=1024 - len(special_bits), dtype=np.uint64).astype(np.uint32)])
    add("float-bit-patterns", bits.view(np.float32), ["F32", "F16", "BF16"])
    return cases


def numpy_simd():
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_baseline__  # noqa
        return {"baseline": list(__cpu_baseline__), "dispatch": list(__cpu_dispatch__)}
    except Exception:  # pragma: no cover
        return {}


def write_edge_cases():
    out = {
        "generator": "Scripts/gen-quant-fixtures.py",
        "gguf": version("gguf"),
        "numpy": np.__version__,
        "numpySIMD": numpy_simd(),
        "cases": [],
    }
    for name, values, types in edge_cases():
        outputs = {}
        for t in types:
            outputs[t] = b64(np.ascontiguousarray(quantize(values, T[t])).view(np.uint8))
        out["cases"].append({"name": name, "count": int(values.size), "input": b64(values), "outputs": outputs})
    path = os.path.join(FIXTURES, "quant-edge-cases.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {path}: {len(out['cases'])} cases")


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        for name, info in header.items():
            if name == "__metadata__" or info["dtype"] != "F32":
                continue
            begin, end = info["data_offsets"]
            f.seek(base + begin)
            yield name, info["shape"], np.frombuffer(f.read(end - begin), dtype="<f4").reshape(info["shape"])


def write_minilm(model):
    tensors = []
    for name, shape, array in read_safetensors(model):
        if not shape or shape[-1] % 32 != 0:
            continue
        hashes = {}
        for t in EXACT_TYPES[1:]:
            data = np.ascontiguousarray(quantize(array, T[t])).view(np.uint8).tobytes()
            hashes[t] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        tensors.append({"name": name, "shape": shape, "hashes": hashes})
        print(f"  {name} {shape}", file=sys.stderr)
    out = {
        "generator": "Scripts/gen-quant-fixtures.py",
        "gguf": version("gguf"),
        "numpy": np.__version__,
        "model": "all-MiniLM-L6-v2/model.safetensors",
        "modelSHA256": hashlib.sha256(open(model, "rb").read()).hexdigest(),
        "tensors": tensors,
    }
    path = os.path.join(FIXTURES, "quant-minilm-sha256.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {path}: {len(tensors)} tensors")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=DEFAULT_MODEL, help="all-MiniLM-L6-v2 model.safetensors")
    args = parser.parse_args()
    if version("gguf") != "0.19.0":
        sys.exit(f"gguf {version('gguf')} found; the fixtures are defined by gguf==0.19.0")
    os.makedirs(FIXTURES, exist_ok=True)
    write_edge_cases()
    write_minilm(args.model)


if __name__ == "__main__":
    main()
