#!/usr/bin/env python3
"""Checks a GGUF written by `greenlight compress` against gguf-py (the oracle; pip install gguf==0.19.0).

usage: check-gguf-oracle.py OUT.gguf SOURCE.safetensors [KQUANT_RMSE_BOUND]

For every tensor: gguf-py's GGUFReader reads it, dequantizes it, and compares with the source weights:
  * exact types (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1): gguf.quants.quantize of the source gives
    the very same bytes;
  * K-quants (Q4_K, Q6_K): relative RMSE ||deq - w|| / ||w|| over all K-quant tensors together within the
    bound (default 0.0725, ggml's C reference figure for Q4_K on MiniLM).
For a bert model it also checks llama.cpp's tensor names (gguf-py's tensor map), the bert.* keys, and the
tokenizer against tokenizer.json and gguf-py's SpecialVocab. Prints one JSON line of figures; exits 1 on any
mismatch. Figures: model_rmse is ||deq - w|| / ||w|| over every 2-D tensor as gguf-py decodes it (what a
K-quant file's bound is checked against), kquant_tensors each K-quant tensor's own relative RMSE.
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np
import gguf
from gguf import GGUFReader, GGMLQuantizationType as Q
from gguf.quants import quantize, dequantize

EXACT = {Q.F32, Q.F16, Q.BF16, Q.Q8_0, Q.Q4_0, Q.Q4_1, Q.Q5_0, Q.Q5_1}


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        dt = {"F32": np.float32, "F16": np.float16, "BF16": None, "I64": np.int64}[info["dtype"]]
        buf = raw[base + a: base + b]
        if dt is None:
            arr = (buf.view(np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            arr = buf.view(dt)
        out[name] = arr.reshape(info["shape"])
    return out


def field(reader, key):
    f = reader.fields.get(key)
    return None if f is None else f.contents()


def main():
    out_path, src_path = sys.argv[1], sys.argv[2]
    kbound = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0725
    ksums = [0.0, 0.0]
    msums = [0.0, 0.0]  # over every 2-D tensor: the model's relative RMSE
    reader = GGUFReader(out_path)
    source = load_safetensors(src_path)
    arch = field(reader, "general.architecture")
    failures = []
    figures = {"tensors": 0, "exact": 0, "kquant": 0, "max_kquant_rmse": 0.0}

    names = {}
    if arch == "bert":
        n_blocks = field(reader, "bert.block_count")
        tmap = gguf.get_tensor_name_map(gguf.MODEL_ARCH.BERT, n_blocks)
        for name in source:
            mapped = tmap.get_name(name, try_suffixes=(".weight", ".bias"))
            if mapped is not None:
                names[mapped] = name
        missing = set(names) - {t.name for t in reader.tensors}
        if missing:
            failures.append(f"tensors missing from the GGUF: {sorted(missing)}")
        model_dir = Path(src_path).parent
        cfg = json.loads((model_dir / "config.json").read_text())
        expect = {
            "bert.context_length": cfg["max_position_embeddings"],
            "bert.embedding_length": cfg["hidden_size"],
            "bert.feed_forward_length": cfg["intermediate_size"],
            "bert.block_count": cfg["num_hidden_layers"],
            "bert.attention.head_count": cfg["num_attention_heads"],
            "bert.attention.causal": False,
            "bert.pooling_type": int(gguf.PoolingType.MEAN),
            "tokenizer.ggml.model": "bert",
            "tokenizer.ggml.token_type_count": cfg.get("type_vocab_size", 2),
        }
        for k, v in expect.items():
            if field(reader, k) != v:
                failures.append(f"{k} = {field(reader, k)!r}, expected {v!r}")
        eps = field(reader, "bert.attention.layer_norm_epsilon")
        if eps is None or abs(eps - cfg["layer_norm_eps"]) > 1e-15:
            failures.append(f"layer_norm_epsilon {eps}")
        # Vocabulary in llama.cpp's phantom-space spelling (convert_hf_to_gguf BertModel.set_vocab).
        tok = json.loads((model_dir / "tokenizer.json").read_text())
        vocab = {i: t for t, i in tok["model"]["vocab"].items()}
        special = {a["id"] for a in tok.get("added_tokens", []) if a.get("special")}
        for a in tok.get("added_tokens", []):
            vocab[a["id"]] = a["content"]
        want = []
        for i in range(max(vocab) + 1):
            t = vocab[i]
            want.append(t if i in special else t[2:] if t.startswith("##") else "\u2581" + t)
        got = field(reader, "tokenizer.ggml.tokens")
        if got != want:
            bad = next(i for i, (a, b) in enumerate(zip(got or [], want)) if a != b) if got else 0
            failures.append(f"tokenizer.ggml.tokens differ (first at {bad})")
        types = field(reader, "tokenizer.ggml.token_type")
        want_types = [3 if i in special else 1 for i in range(len(want))]
        if types != want_types:
            failures.append("tokenizer.ggml.token_type differs")
        sv = gguf.SpecialVocab(model_dir, n_vocab=len(want))
        for typ, tid in sv.special_token_ids.items():
            key = f"tokenizer.ggml.{ {'sep': 'seperator', 'pad': 'padding', 'unk': 'unknown'}.get(typ, typ) }_token_id"
            if field(reader, key) != tid:
                failures.append(f"{key} = {field(reader, key)}, SpecialVocab says {tid}")
        for typ, value in sv.add_special_token.items():
            key = f"tokenizer.ggml.add_{typ}_token"
            if field(reader, key) != value:
                failures.append(f"{key} = {field(reader, key)}, SpecialVocab says {value}")
        if field(reader, "general.quantization_version") != 2 and any(t.tensor_type not in (Q.F32, Q.F16, Q.BF16) for t in reader.tensors):
            failures.append("general.quantization_version is not 2")

    for t in reader.tensors:
        src_name = names.get(t.name, t.name)
        if src_name not in source:
            failures.append(f"{t.name}: no source tensor {src_name}")
            continue
        w = np.asarray(source[src_name], dtype=np.float32)
        shape = tuple(int(x) for x in reversed(t.shape))
        if shape != w.shape:
            failures.append(f"{t.name}: shape {shape} vs source {w.shape}")
            continue
        figures["tensors"] += 1
        qtype = t.tensor_type
        data = np.asarray(t.data)
        deq = dequantize(data, qtype).reshape(w.shape)
        if w.ndim == 2:
            msums[0] += float(np.sum((deq - w) ** 2))
            msums[1] += float(np.sum(w ** 2))
        if qtype in EXACT:
            again = quantize(w, qtype)
            if not np.array_equal(np.asarray(again).view(np.uint8).reshape(-1), data.view(np.uint8).reshape(-1)):
                failures.append(f"{t.name}: {qtype.name} bytes differ from gguf-py's quantize")
            else:
                figures["exact"] += 1
        else:
            diff, ref = float(np.sum((deq - w) ** 2)), float(np.sum(w ** 2))
            ksums[0] += diff
            ksums[1] += ref
            figures["kquant"] += 1
            figures["max_kquant_rmse"] = max(figures["max_kquant_rmse"], (diff / ref) ** 0.5)
            figures.setdefault("kquant_tensors", {})[t.name] = (diff / ref) ** 0.5
    if figures["kquant"]:
        figures["kquant_rmse"] = (ksums[0] / ksums[1]) ** 0.5
        if not figures["kquant_rmse"] <= kbound:
            failures.append(f"K-quant relative RMSE {figures['kquant_rmse']:.5f} over the bound {kbound}")
    if msums[1] > 0:
        figures["model_rmse"] = (msums[0] / msums[1]) ** 0.5
    figures["failures"] = failures
    print(json.dumps(figures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
