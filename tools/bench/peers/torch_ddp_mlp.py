"""PyTorch DDP baseline for `npm run bench -- peers --model mlp`: the source document's MLP
(784-128-relu-10, softmax cross-entropy, Adam 1e-3, eps 1e-7 as Keras) trained data-parallel
by torch.nn.parallel.DistributedDataParallel over gloo, WORLD processes x 1 thread each, at a
fixed GLOBAL batch (each rank takes GLOBAL / WORLD examples of every step), on real
Fashion-MNIST read from the IDX files: every epoch a seeded permutation shared by all ranks,
sliced per step and per rank, as DistributedSampler does but without a DataLoader (tensors
indexed in memory, the fastest a user would write).

Protocol:
1. this process is rank 0; it starts ranks 1..WORLD-1 as children (same script, --rank r),
   all meet through a TCP store on 127.0.0.1 (a free port);
2. each rank loads the data, builds the model with the same seed, wraps it in DDP;
3. rank 0 runs WARMUP steps, prints {"ready": true}, then reads "STEPS" lines on stdin;
   for each it broadcasts STEPS to the others (one small gloo broadcast per request, not
   per step), all ranks run STEPS steps after a barrier, and rank 0 prints one JSON line
   {"impl": "torch-ddp", "imagesPerSec", "msPerStep", "steps"}: wall time of the steps
   after the barrier up to the last optimizer step;
4. "0" (or end of input) stops every rank.
Usage: torch_ddp_mlp.py DATA_DIR [--world 2] [--global-batch 64] [--serve]
Without --serve it runs one epoch and prints one such line.
"""
import gzip
import json
import os
import socket
import subprocess
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn

WARMUP = 20


def opt(name, default):
    return type(default)(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def main():
    data_dir = sys.argv[1]
    world = opt("--world", 2)
    global_batch = opt("--global-batch", 64)
    rank = opt("--rank", 0)
    port = opt("--port", 0)
    serve = "--serve" in sys.argv
    torch.set_num_threads(1)
    children = []
    if rank == 0:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        for r in range(1, world):
            args = [sys.executable, __file__, data_dir, "--world", str(world), "--global-batch", str(global_batch), "--rank", str(r), "--port", str(port)]
            if serve:
                args.append("--serve")  # every rank must run the same protocol
            children.append(subprocess.Popen(args, stdin=subprocess.DEVNULL))
    store = dist.TCPStore("127.0.0.1", port, world, rank == 0)
    dist.init_process_group("gloo", store=store, rank=rank, world_size=world)

    x_all = torch.from_numpy(read_idx(os.path.join(data_dir, "train-images-idx3-ubyte.gz")).reshape(-1, 784).astype(np.float32) / 255.0)
    y_all = torch.from_numpy(read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte.gz")).astype(np.int64))
    n = x_all.shape[0]
    per_rank = global_batch // world
    steps_per_epoch = n // global_batch

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    ddp = nn.parallel.DistributedDataParallel(model)
    optimizer = torch.optim.Adam(ddp.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()  # mean over the rank's slice; DDP averages across ranks
    state = {"epoch": 0, "step": 0, "perm": None}

    def next_batch():
        if state["perm"] is None or state["step"] >= steps_per_epoch:
            g = torch.Generator().manual_seed(1000 + state["epoch"])
            state["perm"] = torch.randperm(n, generator=g)
            state["epoch"] += 1
            state["step"] = 0
        s = state["step"] * global_batch + rank * per_rank
        state["step"] += 1
        idx = state["perm"][s: s + per_rank]
        return x_all[idx], y_all[idx]

    def run(steps):
        dist.barrier()
        t = time.perf_counter()
        for _ in range(steps):
            x, y = next_batch()
            optimizer.zero_grad(set_to_none=True)
            loss_fn(ddp(x), y).backward()
            optimizer.step()
        return time.perf_counter() - t

    def report(steps, seconds):
        print(json.dumps({"impl": "torch-ddp", "world": world, "globalBatch": global_batch, "steps": steps,
                          "imagesPerSec": steps * global_batch / seconds, "msPerStep": seconds * 1000 / steps}), flush=True)

    run(WARMUP)
    if not serve:
        seconds = run(steps_per_epoch)
        if rank == 0:
            report(steps_per_epoch, seconds)
    else:
        if rank == 0:
            print(json.dumps({"ready": True}), flush=True)
        cmd = torch.zeros(1, dtype=torch.int64)
        lines = iter(sys.stdin) if rank == 0 else None
        while True:
            if rank == 0:
                line = next(lines, "0").strip() or "0"
                cmd[0] = int(line)
            dist.broadcast(cmd, 0)
            steps = int(cmd[0])
            if steps <= 0:
                break
            seconds = run(steps)
            if rank == 0:
                report(steps, seconds)
    dist.destroy_process_group()
    for c in children:
        c.wait()


if __name__ == "__main__":
    main()
