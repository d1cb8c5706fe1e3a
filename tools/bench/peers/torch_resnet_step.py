"""PyTorch CPU peer of apps/trainer/models/resnet-small.json for `npm run bench -- peers`, so
the onnx backend's ResNet training step has a baseline written the way a PyTorch user would
write it (NCHW, torch's default layout; nn.BatchNorm2d; the softmax folded into the loss):
conv3x3x32 stem + BN + relu + maxpool, a 32-channel residual block (add, relu), maxpool,
conv3x3x64 + BN + relu, a 64-channel residual block, global average pooling, dense 10.
Keras BatchNormalization defaults map to momentum=0.01 (Keras 0.99), eps=1e-3; convs have
no bias (useBias false). Loss: sparse softmax cross-entropy summed, the gradient divided by
the batch; Adam (lr 0.002, eps 1e-7 as Keras) under the spec's warmup+cosine schedule.
Protocol as torch_cnn_step.py: one JSON line {"impl": "torch", "batch", "imagesPerSec",
"msPerStep"} per batch size, or with --serve "BATCH STEPS" lines on stdin, one answer each.
--channels-last runs the same model in torch.channels_last memory format (to compare)."""
import math
import sys

import torch
import torch.nn as nn

from torch_step_loop import run_peer

torch.set_num_threads(1)
serve = "--serve" in sys.argv
channels_last = "--channels-last" in sys.argv
args = [a for a in sys.argv[1:] if not a.startswith("--")]
batches = [int(b) for b in args[0].split(",")] if args else [64, 256]
steps = int(args[1]) if len(args) > 1 else 10
warmup = 3
torch.manual_seed(0)


def conv_bn(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01)]


class Residual(nn.Module):
    """conv-bn-relu-conv-bn, plus the block's input, then relu."""

    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(*conv_bn(c, c), nn.ReLU(), *conv_bn(c, c))

    def forward(self, x):
        return torch.relu(self.body(x) + x)


model = nn.Sequential(
    *conv_bn(1, 32), nn.ReLU(), nn.MaxPool2d(2),
    Residual(32), nn.MaxPool2d(2),
    *conv_bn(32, 64), nn.ReLU(),
    Residual(64),
    nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10),
)
model.train()
fmt = torch.channels_last if channels_last else torch.contiguous_format
model = model.to(memory_format=fmt)
opt = torch.optim.Adam(model.parameters(), lr=0.002, eps=1e-7)
WARMUP_STEPS, DECAY_STEPS, ALPHA = 200, 4490, 0.01


def warmup_cosine(step):
    if step < WARMUP_STEPS:
        return (step + 1) / WARMUP_STEPS
    t = min(step - WARMUP_STEPS, DECAY_STEPS) / DECAY_STEPS
    return ALPHA + (1 - ALPHA) * 0.5 * (1 + math.cos(math.pi * t))


sched = torch.optim.lr_scheduler.LambdaLR(opt, warmup_cosine)
loss_fn = nn.CrossEntropyLoss(reduction="sum")
run_peer(model, opt, loss_fn, batches, steps, warmup, serve, sched=sched, memory_format=fmt)
