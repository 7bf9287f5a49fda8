"""The workloads of `benches/scale.rs` in PyTorch, for side-by-side figures.

Not part of the tests or CI. Usage:

    nonlin synth --rows 1000000 --out synth-1m.csv [--task multiclass|regression]
    python bench/pytorch/scale.py synth-1m.csv [--epochs 5] [--task multiclass|regression]

One epoch = training 12-64-ReLU-64-ReLU-K (SGD lr 0.1) on the first 80% of
the rows, then evaluating the loss and the task's figures on the last 20%
(no_grad): full batch, and mini-batches of 256 reshuffled every epoch; with
torch.set_num_threads(1) and (2). Prints the median epoch time of each.
The tasks, as nonlin trains them (`benches/tasks.rs`, `benches/scale.rs`):

- binary: K = 1, BCEWithLogitsLoss, correct counts on train and test;
- multiclass: K = 10 (the synthetic table's deciles), CrossEntropyLoss,
  argmax correct counts on train and test;
- regression: K = 1, MSELoss on the target standardized with the train
  rows' mean and std; RMSE on the train batches and RMSE/MAE/R² on the test
  rows in the target's units.
"""

import argparse
import statistics
import time

import numpy as np
import torch
from torch import nn


def load(path, task):
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    x = torch.from_numpy(data[:, :-1].astype(np.float32))
    y = data[:, -1]
    n_test = len(y) // 5
    n_train = len(y) - n_test
    scale = None
    if task == "multiclass":
        y = torch.from_numpy(y.astype(np.int64))
    elif task == "regression":
        mean, std = y[:n_train].mean(), y[:n_train].std()
        scale = (mean, std)
        y = torch.from_numpy(((y - mean) / std).astype(np.float32)).unsqueeze(1)
    else:
        y = torch.from_numpy(y.astype(np.float32)).unsqueeze(1)
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:], scale


def figures(task, out, y, scale):
    """What nonlin computes from a batch's outputs besides the loss."""
    with torch.no_grad():
        if task == "multiclass":
            return (out.argmax(1) == y).sum().item()
        if task == "regression":
            d = (out - y).double() * scale[1]
            sse, sae = (d * d).sum().item(), d.abs().sum().item()
            return sse, sae
        return (torch.round(torch.sigmoid(out)) == y).sum().item()


def epoch(task, model, opt, loss_fn, xtr, ytr, xte, yte, batch, gen, scale):
    if batch is None:
        opt.zero_grad()
        out = model(xtr)
        loss = loss_fn(out, ytr)
        loss.backward()
        opt.step()
        figures(task, out, ytr, scale)
    else:
        order = torch.randperm(len(ytr), generator=gen)
        for start in range(0, len(ytr), batch):
            idx = order[start : start + batch]
            opt.zero_grad()
            out = model(xtr[idx])
            loss = loss_fn(out, ytr[idx])
            loss.backward()
            opt.step()
            figures(task, out, ytr[idx], scale)
    with torch.no_grad():
        out = model(xte)
        loss_fn(out, yte).item()
        f = figures(task, out, yte, scale)
        if task == "regression":
            yu = yte.double() * scale[1]
            sst = ((yu - yu.mean()) ** 2).sum().item()
            _r2 = 1.0 - f[0] / sst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--task", default="binary", choices=["binary", "multiclass", "regression"])
    args = ap.parse_args()
    task = args.task
    xtr, ytr, xte, yte, scale = load(args.csv, task)
    k = 10 if task == "multiclass" else 1
    print(f"{task}: {len(ytr)} train / {len(yte)} test rows, torch {torch.__version__}")
    print("| workload | threads | median epoch (s) |")
    print("|---|---:|---:|")
    for batch in (None, 256):
        for threads in (1, 2):
            torch.set_num_threads(threads)
            torch.manual_seed(0)
            gen = torch.Generator().manual_seed(0)
            model = nn.Sequential(
                nn.Linear(12, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, k)
            )
            opt = torch.optim.SGD(model.parameters(), lr=0.1)
            loss_fn = {
                "binary": nn.BCEWithLogitsLoss(),
                "multiclass": nn.CrossEntropyLoss(),
                "regression": nn.MSELoss(),
            }[task]
            times = []
            for _ in range(args.epochs):
                t0 = time.perf_counter()
                epoch(task, model, opt, loss_fn, xtr, ytr, xte, yte, batch, gen, scale)
                times.append(time.perf_counter() - t0)
            name = "full batch" if batch is None else f"mini-batch {batch}"
            print(f"| {name} | {threads} | {statistics.median(times):.3f} |", flush=True)


if __name__ == "__main__":
    main()
