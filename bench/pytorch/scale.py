"""The workloads of `benches/scale.rs` in PyTorch, for side-by-side figures.

Not part of the tests or CI. Usage:

    nonlin synth --rows 1000000 --out synth-1m.csv
    python bench/pytorch/scale.py synth-1m.csv [--epochs 5]

One epoch = training 12-64-ReLU-64-ReLU-1 (SGD lr 0.1, BCEWithLogitsLoss) on
the first 80% of the rows, then evaluating loss and accuracy on the last 20%
(no_grad): full batch, and mini-batches of 256 reshuffled every epoch; with
torch.set_num_threads(1) and (2). Prints the median epoch time of each.
"""

import argparse
import statistics
import time

import numpy as np
import torch
from torch import nn


def load(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
    x, y = torch.from_numpy(data[:, :-1].copy()), torch.from_numpy(data[:, -1:].copy())
    n_test = len(y) // 5
    n_train = len(y) - n_test
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def epoch(model, opt, loss_fn, xtr, ytr, xte, yte, batch, gen):
    if batch is None:
        opt.zero_grad()
        loss = loss_fn(model(xtr), ytr)
        loss.backward()
        opt.step()
    else:
        order = torch.randperm(len(ytr), generator=gen)
        for start in range(0, len(ytr), batch):
            idx = order[start : start + batch]
            opt.zero_grad()
            loss = loss_fn(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
    with torch.no_grad():
        logits = model(xte)
        loss_fn(logits, yte).item()
        (torch.round(torch.sigmoid(logits)) == yte).sum().item()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--epochs", type=int, default=5)
    args = ap.parse_args()
    xtr, ytr, xte, yte = load(args.csv)
    print(f"{len(ytr)} train / {len(yte)} test rows, torch {torch.__version__}")
    print("| workload | threads | median epoch (s) |")
    print("|---|---:|---:|")
    for batch in (None, 256):
        for threads in (1, 2):
            torch.set_num_threads(threads)
            torch.manual_seed(0)
            gen = torch.Generator().manual_seed(0)
            model = nn.Sequential(
                nn.Linear(12, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1)
            )
            opt = torch.optim.SGD(model.parameters(), lr=0.1)
            loss_fn = nn.BCEWithLogitsLoss()
            times = []
            for _ in range(args.epochs):
                t0 = time.perf_counter()
                epoch(model, opt, loss_fn, xtr, ytr, xte, yte, batch, gen)
                times.append(time.perf_counter() - t0)
            name = "full batch" if batch is None else f"mini-batch {batch}"
            print(f"| {name} | {threads} | {statistics.median(times):.3f} |", flush=True)


if __name__ == "__main__":
    main()
