"""RoPE inverse frequencies and attention factors as transformers' modeling_rope_utils computes
them (default, linear, dynamic within max_position_embeddings, yarn, llama3), in float32, for the
config.json layouts below: transformers 5's rope_parameters and the older top-level rope_theta
with rope_scaling. An independent implementation of transformers' formulas with numpy (no torch
here); run once (`python3 make_expected.py`), the tests read expected.json.
"""
import json
import math

import numpy as np

F = np.float32


def default(theta, dim):
    return (1.0 / (F(theta) ** (np.arange(0, dim, 2).astype(F) / F(dim)))).astype(F), 1.0


def linear(theta, dim, p, max_pos):
    inv, _ = default(theta, dim)
    return (inv / F(p["factor"])).astype(F), 1.0


def dynamic(theta, dim, p, max_pos):
    # transformers recomputes the base only for sequences longer than max_position_embeddings,
    # which the engine refuses; within them the frequencies are the default ones
    return default(theta, dim)


def llama3(theta, dim, p, max_pos):
    inv, _ = default(theta, dim)
    factor, low, high = p["factor"], p["low_freq_factor"], p["high_freq_factor"]
    old = p["original_max_position_embeddings"]
    low_wavelen, high_wavelen = old / low, old / high
    wavelen = (F(2 * math.pi) / inv).astype(F)
    out = np.where(wavelen > low_wavelen, inv / F(factor), inv).astype(F)
    smooth = ((F(old) / wavelen - F(low)) / F(high - low)).astype(F)
    smoothed = ((F(1) - smooth) * out / F(factor) + smooth * out).astype(F)
    medium = ~(wavelen < high_wavelen) & ~(wavelen > low_wavelen)
    return np.where(medium, smoothed, out).astype(F), 1.0


def yarn(theta, dim, p, max_pos):
    factor = p["factor"]
    original = p.get("original_max_position_embeddings")
    if original is not None:
        factor = max_pos / original
    else:
        original = max_pos

    def mscale(scale, m=1.0):
        return 1.0 if scale <= 1 else 0.1 * m * math.log(scale) + 1.0

    attention = p.get("attention_factor")
    if attention is None:
        if p.get("mscale") and p.get("mscale_all_dim"):
            attention = mscale(factor, p["mscale"]) / mscale(factor, p["mscale_all_dim"])
        else:
            attention = mscale(factor)
    beta_fast, beta_slow = p.get("beta_fast") or 32, p.get("beta_slow") or 1

    def correction_dim(rotations):
        return (dim * math.log(original / (rotations * 2 * math.pi))) / (2 * math.log(theta))

    lo, hi = correction_dim(beta_fast), correction_dim(beta_slow)
    if p.get("truncate", True):
        lo, hi = math.floor(lo), math.ceil(hi)
    lo, hi = max(lo, 0), min(hi, dim - 1)
    if lo == hi:
        hi += 0.001
    ramp = np.clip((np.arange(dim // 2).astype(F) - F(lo)) / F(hi - lo), 0, 1).astype(F)
    extrapolation_factor = (F(1) - ramp).astype(F)
    pos = (F(theta) ** (np.arange(0, dim, 2).astype(F) / F(dim))).astype(F)
    extrapolation, interpolation = (F(1) / pos).astype(F), (F(1) / (F(factor) * pos)).astype(F)
    inv = interpolation * (F(1) - extrapolation_factor) + extrapolation * extrapolation_factor
    return inv.astype(F), attention


TYPES = {"linear": linear, "dynamic": dynamic, "llama3": llama3, "yarn": yarn}
LLAMA3 = {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}
CASES = [
    {"rope_parameters": {"rope_theta": 500000.0, "rope_type": "default"}, "max_position_embeddings": 2048},
    {"rope_parameters": {"rope_theta": 500000.0, "rope_type": "llama3", **LLAMA3}, "max_position_embeddings": 131072},
    {"rope_theta": 500000.0, "rope_scaling": {"rope_type": "llama3", **LLAMA3}, "max_position_embeddings": 131072},
    {"rope_parameters": {"rope_theta": 10000.0, "rope_type": "linear", "factor": 4.0}, "max_position_embeddings": 8192},
    {"rope_theta": 10000.0, "rope_scaling": {"type": "linear", "factor": 2.0}, "max_position_embeddings": 4096},
    {"rope_parameters": {"rope_theta": 10000.0, "rope_type": "dynamic", "factor": 2.0}, "max_position_embeddings": 4096},
    {"rope_parameters": {"rope_theta": 1000000.0, "rope_type": "yarn", "factor": 4.0,
                         "original_max_position_embeddings": 32768}, "max_position_embeddings": 131072},
    {"rope_theta": 1000000.0, "rope_scaling": {"type": "yarn", "factor": 4.0}, "max_position_embeddings": 32768},
    {"rope_parameters": {"rope_theta": 10000.0, "rope_type": "yarn", "factor": 8.0, "beta_fast": 16, "beta_slow": 2,
                         "mscale": 1.0, "mscale_all_dim": 0.5}, "max_position_embeddings": 4096},
]

out = []
for case in CASES:
    for head_dim in (8, 128):
        p = case.get("rope_parameters") or dict(case["rope_scaling"], rope_theta=case["rope_theta"])
        kind = p.get("rope_type", p.get("type", "default"))
        fn = TYPES.get(kind)
        inv, attention = default(p["rope_theta"], head_dim) if fn is None else fn(
            p["rope_theta"], head_dim, p, case["max_position_embeddings"])
        out.append({"config": case, "head_dim": head_dim, "inverse_frequencies": [float(x) for x in inv],
                    "attention_factor": float(attention)})
json.dump(out, open("expected.json", "w"), indent=1)
print(len(out), "cases")
