"""JAX baseline for tools/gpu-check.sh: the CNN preset's train step, jitted, at a given batch.

Same model as core's presetModelSpec('cnn'): conv 3x3x32 valid relu, maxpool 2, conv 3x3x64
valid relu, maxpool 2, flatten, dense 128 relu, dense 10, softmax cross-entropy (mean over
the batch), Adam with tfjs-core's formulas (lr 1e-3, b1 0.9, b2 0.999, eps 1e-7). Inputs are
NHWC float32, kernels HWIO. Prints one JSON line: {"framework": "jax", "ms_per_step": ...}.
"""
import argparse
import json
import time

import jax
import jax.numpy as jnp
import numpy as np


def init(key):
    shapes = [(3, 3, 1, 32), (32,), (3, 3, 32, 64), (64,), (1600, 128), (128,), (128, 10), (10,)]
    params = []
    for shape in shapes:
        key, sub = jax.random.split(key)
        if len(shape) == 1:
            params.append(jnp.zeros(shape, jnp.float32))
        else:
            receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
            fan_in, fan_out = receptive * shape[-2], receptive * shape[-1]
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            params.append(jax.random.uniform(sub, shape, jnp.float32, -limit, limit))
    return params


def forward(params, x):
    k1, b1, k2, b2, w3, b3, w4, b4 = params
    dn = ("NHWC", "HWIO", "NHWC")
    h = jax.nn.relu(jax.lax.conv_general_dilated(x, k1, (1, 1), "VALID", dimension_numbers=dn) + b1)
    h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
    h = jax.nn.relu(jax.lax.conv_general_dilated(h, k2, (1, 1), "VALID", dimension_numbers=dn) + b2)
    h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
    h = h.reshape(h.shape[0], -1)
    h = jax.nn.relu(h @ w3 + b3)
    return h @ w4 + b4


def loss_fn(params, x, y):
    logits = forward(params, x)
    return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], axis=1))


@jax.jit
def train_step(params, m, v, t, x, y):
    loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
    t = t + 1.0
    c1, c2 = 1.0 - 0.9 ** t, 1.0 - 0.999 ** t
    m = [0.9 * mi + 0.1 * g for mi, g in zip(m, grads)]
    v = [0.999 * vi + 0.001 * g * g for vi, g in zip(v, grads)]
    params = [p - 1e-3 * (mi / c1) / (jnp.sqrt(vi / c2) + 1e-7) for p, mi, vi in zip(params, m, v)]
    return params, m, v, t, loss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--warmup", type=int, default=10)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    xs = jnp.asarray(rng.random((16, args.batch, 28, 28, 1), dtype=np.float32))
    ys = jnp.asarray(rng.integers(0, 10, (16, args.batch), dtype=np.int32))
    params = init(jax.random.PRNGKey(0))
    m = [jnp.zeros_like(p) for p in params]
    v = [jnp.zeros_like(p) for p in params]
    t = jnp.float32(0)
    for i in range(args.warmup):
        params, m, v, t, loss = train_step(params, m, v, t, xs[i % 16], ys[i % 16])
    loss.block_until_ready()
    start = time.perf_counter()
    for i in range(args.steps):
        params, m, v, t, loss = train_step(params, m, v, t, xs[i % 16], ys[i % 16])
    loss.block_until_ready()
    elapsed = time.perf_counter() - start
    print(json.dumps({
        "framework": "jax", "jax": jax.__version__, "device": str(jax.devices()[0]),
        "batch": args.batch, "steps": args.steps, "ms_per_step": 1000 * elapsed / args.steps, "final_loss": float(loss),
    }))


if __name__ == "__main__":
    main()
