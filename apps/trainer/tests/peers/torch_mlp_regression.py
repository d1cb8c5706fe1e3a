#!/usr/bin/env python3
"""PyTorch peer of the regression test: the same dense network as the test's model spec,
initialised as Keras does (Glorot-uniform weights, zero biases), trained with Adam on the
mean squared error of each global batch, shuffled every epoch; prints one JSON line with
the test-set MSE for every seed given.

Usage: python3 torch_mlp_regression.py train.csv test.csv '{"hidden":[32],"epochs":..,"batch":..,"lr":..,"seeds":[..]}'
"""
import json
import sys

import numpy as np
import torch


def read(path):
    data = np.loadtxt(path, delimiter=',', skiprows=1, dtype=np.float32)
    return torch.from_numpy(data[:, :-1]), torch.from_numpy(data[:, -1:])


def run(cfg, seed, train, test):
    torch.manual_seed(seed)
    x, y = train
    layers, width = [], x.shape[1]
    for h in cfg['hidden']:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, 1))
    model = torch.nn.Sequential(*layers)
    for m in model:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            torch.nn.init.zeros_(m.bias)
    opt = torch.optim.Adam(model.parameters(), lr=cfg['lr'], eps=1e-7)
    g = torch.Generator().manual_seed(seed)
    for _ in range(cfg['epochs']):
        for idx in torch.randperm(len(y), generator=g).split(cfg['batch']):
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(x[idx]), y[idx]).backward()
            opt.step()
    with torch.no_grad():
        tx, ty = test
        return float(torch.nn.functional.mse_loss(model(tx), ty))


if __name__ == '__main__':
    torch.set_num_threads(1)
    cfg = json.loads(sys.argv[3])
    train, test = read(sys.argv[1]), read(sys.argv[2])
    print(json.dumps({'test_mse': [run(cfg, s, train, test) for s in cfg['seeds']]}))
