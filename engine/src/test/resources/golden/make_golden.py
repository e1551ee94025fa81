"""Writes the golden-tensor fixtures of the engine tests: inputs and numpy-computed outputs.

An implementation independent of the Java kernels: the losses follow TRL's generalized_jsd_loss
(mixture by logsumexp), the released top-k KL, the rubric-weighted advantage and GRPO, in float64;
gradients are central finite differences. Run from this folder: python3 make_golden.py
"""
import numpy as np


def log_softmax(x):
    m = np.max(x, axis=-1, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))


def kl_div(inp, target):  # F.kl_div(inp, target, reduction="none", log_target=True)
    out = np.exp(target) * (target - inp)
    return np.where(np.isneginf(target), 0.0, out)


def jsd_rows(z, u, beta, t):
    s, te = log_softmax(z / t), log_softmax(u / t)
    if beta == 0:
        j = kl_div(s, te)
    elif beta == 1:
        j = kl_div(te, s)
    else:
        mix = np.logaddexp(s + np.log(1 - beta), te + np.log(beta))
        j = beta * kl_div(mix, te) + (1 - beta) * kl_div(mix, s)
    return j.sum(-1)


def topk_rows(z, u, k, clip, t):
    out = np.zeros(z.shape[0])
    for n in range(z.shape[0]):
        order = sorted(range(z.shape[1]), key=lambda v: (-u[n, v], v))[:k]
        lt = log_softmax(u[n, order] / t)
        ls = log_softmax(z[n, order] / t)
        term = np.where(np.isneginf(lt), 0.0, np.exp(lt) * (lt - ls))
        out[n] = np.minimum(clip, term).sum()
    return out


def token_logprobs(x, tokens, t):
    return log_softmax(x / t)[np.arange(len(tokens)), tokens]


def grpo_rows(s, old, ref, adv, p):
    rho = np.exp(s - old)
    clipped = np.clip(rho, 1 - p["eps_low"], 1 + p["eps_high"]) * adv
    lr = ref - s
    return -np.minimum(rho * adv, clipped) + p["kl_coef"] * (np.exp(lr) - lr - 1)


def outputs(inp):
    p = {k: float(inp[k]) for k in ("temperature", "jsd_beta", "kl_clip", "adv_clip", "eps_low", "eps_high", "kl_coef")}
    k_top = int(inp["top_k"])
    t = p["temperature"]
    z = inp["student_logits"].astype(np.float64)
    u = inp["teacher_logits"].astype(np.float64)
    tok = inp["tokens"].astype(np.int64)
    mask = inp["mask"].astype(np.float64)
    w = inp["criterion_weights"].astype(np.float64)
    K, N, V = u.shape
    M = mask.sum()

    def loss_jsd(zz):
        return sum((mask * jsd_rows(zz, u[k], p["jsd_beta"], t)).sum() for k in range(K)) / (K * M)

    def loss_topk(zz):
        return sum((mask * topk_rows(zz, u[k], k_top, p["kl_clip"], t)).sum() for k in range(K)) / (K * M)

    s = token_logprobs(z, tok, t)
    tlp = np.stack([token_logprobs(u[k], tok, t) for k in range(K)])
    adv = mask * sum(w[k] * np.clip(tlp[k] - s, -p["adv_clip"], p["adv_clip"]) for k in range(K))

    def loss_pg(zz):
        return -(mask * adv * token_logprobs(zz, tok, t)).sum() / M

    def loss_grpo(zz):
        ss = token_logprobs(zz, tok, t)
        return (mask * grpo_rows(ss, inp["old_logprobs"], inp["ref_logprobs"], inp["seq_advantages"], p)).sum() / M

    def grad(f):
        g = np.zeros_like(z)
        h = 1e-6
        for i in np.ndindex(z.shape):
            if np.isneginf(z[i]):
                continue
            zp, zm = z.copy(), z.copy()
            zp[i] += h
            zm[i] -= h
            g[i] = (f(zp) - f(zm)) / (2 * h)
        return g

    lp = log_softmax(z / t)
    ent = -np.where(np.isneginf(lp), 0.0, np.exp(lp) * lp).sum(-1)
    return {
        "student_logprobs": s, "student_entropy": ent, "teacher_logprobs": tlp,
        "jsd": np.stack([jsd_rows(z, u[k], p["jsd_beta"], t) for k in range(K)]),
        "loss_jsd": np.array(loss_jsd(z)), "grad_jsd": grad(loss_jsd),
        "topk_kl": np.stack([topk_rows(z, u[k], k_top, p["kl_clip"], t) for k in range(K)]),
        "loss_topk": np.array(loss_topk(z)), "grad_topk": grad(loss_topk),
        "advantages": adv, "loss_pg": np.array(loss_pg(z)), "grad_pg": grad(loss_pg),
        "loss_grpo": np.array(loss_grpo(z)), "grad_grpo": grad(loss_grpo),
    }


def case(seed, n, v, k, token_dtype, **params):
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 2.5, (n, v)).astype(np.float32)
    u = (z[None] + rng.normal(0, 1.0, (k, n, v))).astype(np.float32)
    z[:, v - 1] = -np.inf  # a padding id
    u[:, :, v - 1] = -np.inf
    tokens = rng.integers(0, v - 1, n).astype(token_dtype)
    s = token_logprobs(z.astype(np.float64), tokens.astype(np.int64), params["temperature"])
    inp = {
        "student_logits": z, "teacher_logits": u, "tokens": tokens,
        "mask": (np.arange(n) != 1).astype(np.float32),
        "criterion_weights": rng.uniform(-1, 10, k).astype(np.float32),
        "old_logprobs": (s + rng.normal(0, 0.3, n)).astype(np.float32),
        "ref_logprobs": (s + rng.normal(0, 0.3, n)).astype(np.float32),
        "seq_advantages": rng.normal(0, 1, n).astype(np.float32),
    }
    for name, value in params.items():
        inp[name] = np.array(value, dtype=np.int64 if name == "top_k" else np.float32)
    return inp


if __name__ == "__main__":
    np.seterr(invalid="ignore")  # np.where evaluates 0 * -inf in the branch it discards
    cases = {
        "mixture": case(1, 4, 13, 2, np.int64, temperature=1.3, jsd_beta=0.4, top_k=5, kl_clip=0.08,
                        adv_clip=1.5, eps_low=0.2, eps_high=0.28, kl_coef=0.05),
        "forward": case(2, 3, 17, 1, np.int32, temperature=1.0, jsd_beta=0.0, top_k=20, kl_clip=np.inf,
                        adv_clip=np.inf, eps_low=0.2, eps_high=0.2, kl_coef=0.0),
    }
    for name, inp in cases.items():
        np.savez(f"{name}.npz", **inp)
        np.savez(f"{name}.expected.npz", **outputs(inp))
