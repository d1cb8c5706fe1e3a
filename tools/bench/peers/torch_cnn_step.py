"""PyTorch CPU baseline for `npm run bench -- peers`: the CNN preset's training step
(conv3x3x32-relu-pool-conv3x3x64-relu-pool-flatten-dense128-relu-dense10, sparse softmax
cross-entropy summed then the gradient divided by the batch, Adam 1e-3, eps 1e-7) on random
data, one thread. Prints one JSON line {"impl": "torch", "batch", "imagesPerSec", "msPerStep"}
per batch size. With --serve it instead reads "BATCH STEPS" lines on stdin and answers each
with one such line, so the caller can interleave short segments with its own."""
import sys

import torch
import torch.nn as nn

from torch_step_loop import run_peer

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
run_peer(model, opt, loss_fn, batches, steps, warmup, serve)
