"""PyTorch CPU baseline for `npm run bench -- peers`: the CNN preset's training step
(conv3x3x32-relu-pool-conv3x3x64-relu-pool-flatten-dense128-relu-dense10, sparse softmax
cross-entropy summed then the gradient divided by the batch, Adam 1e-3, eps 1e-7) on random
data, one thread. Prints one JSON line {"impl": "torch", "batch", "imagesPerSec", "msPerStep"}
per batch size. With --serve it instead reads "BATCH STEPS" lines on stdin and answers each
with one such line, so the caller can interleave short segments with its own."""
import json
import sys
import time

import torch
import torch.nn as nn

torch.set_num_threads(1)
serve = "--serve" in sys.argv
args = [a for a in sys.argv[1:] if a != "--serve"]
batches = [int(b) for b in args[0].split(",")] if args else [64, 256]
steps = int(args[1]) if len(args) > 1 else 30
warmup = 5
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
loss_fn = nn.CrossEntropyLoss(reduction="sum")
data = {}


def run(b, n, warm):
    if b not in data:
        data[b] = (torch.rand(b, 1, 28, 28), torch.randint(0, 10, (b,)))
    x, y = data[b]
    times = []
    for i in range(warm + n):
        t = time.perf_counter()
        opt.zero_grad(set_to_none=False)
        loss = loss_fn(model(x), y)
        loss.backward()
        for p in model.parameters():
            p.grad /= b
        opt.step()
        if i >= warm:
            times.append(time.perf_counter() - t)
    times.sort()
    med = times[len(times) // 2]
    print(json.dumps({"impl": "torch", "batch": b, "imagesPerSec": b / med, "msPerStep": med * 1000}), flush=True)


if serve:
    for b in batches:
        run(b, 1, warmup)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        b, n = (int(v) for v in line.split())
        run(b, n, 0)
else:
    for b in batches:
        run(b, steps, warmup)
