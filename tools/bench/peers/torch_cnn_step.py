"""PyTorch CPU baseline for `npm run bench -- peers`: the CNN preset's training step
(conv3x3x32-relu-pool-conv3x3x64-relu-pool-flatten-dense128-relu-dense10, sparse softmax
cross-entropy, Adam 1e-3, eps 1e-7) on random data, one thread. Prints one JSON line:
{"impl": "torch", "batch": B, "imagesPerSec": ..., "msPerStep": ...} per batch size."""
import json
import sys
import time

import torch
import torch.nn as nn

torch.set_num_threads(1)
batches = [int(b) for b in sys.argv[1].split(",")] if len(sys.argv) > 1 else [64, 256]
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
warmup = 5
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
loss_fn = nn.CrossEntropyLoss(reduction="sum")
for b in batches:
    x = torch.rand(b, 1, 28, 28)
    y = torch.randint(0, 10, (b,))
    times = []
    for i in range(warmup + steps):
        t = time.perf_counter()
        opt.zero_grad(set_to_none=False)
        loss = loss_fn(model(x), y)
        loss.backward()
        for p in model.parameters():
            p.grad /= b
        opt.step()
        if i >= warmup:
            times.append(time.perf_counter() - t)
    times.sort()
    med = times[len(times) // 2]
    print(json.dumps({"impl": "torch", "batch": b, "imagesPerSec": b / med, "msPerStep": med * 1000}), flush=True)
