"""The timing loop and the --serve protocol the PyTorch peers of `npm run bench -- peers`
share (torch_cnn_step.py, torch_resnet_step.py): steps of sum-reduced loss, gradients divided
by the batch, the optimizer (and a scheduler) step; one JSON line {"impl": "torch", "batch",
"imagesPerSec", "msPerStep"} per request, the median step. With serve, answers "BATCH STEPS"
lines on stdin after one warm step per batch size, so the caller can interleave segments."""
import json
import sys
import time

import torch


def run_peer(model, opt, loss_fn, batches, steps, warmup, serve, sched=None, memory_format=torch.contiguous_format):
    data = {}

    def run(b, n, warm):
        if b not in data:
            data[b] = (torch.rand(b, 1, 28, 28).to(memory_format=memory_format), torch.randint(0, 10, (b,)))
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
            if sched is not None:
                sched.step()
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
