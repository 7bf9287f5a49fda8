"""Fit time of the tutorial model: nonlin.MLPClassifier vs scikit-learn's
MLPClassifier vs a plain PyTorch loop, on the same data and epochs.

The tutorial's model_non_linear (12-5-ReLU-1), full-batch SGD(lr=0.01), 1000
epochs, on the tutorial's split (StandardScaler on all rows, then
train_test_split(test_size=0.2, random_state=10)): 239 training rows.

Run from the repository root after installing the package (not part of CI):

    python python/bench/fit_speed.py [--repeats 7] [--epochs 1000]

PyTorch is optional (skipped when not installed); it runs with one thread.
Prints the median wall time of each, the speed-up of nonlin over the others,
and the Python-side overhead of ``fit`` over the engine's own epoch loop
(the time ``nonlin train`` spends training).
"""

import argparse
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLP
from sklearn.preprocessing import StandardScaler

import nonlin

DATA = Path(__file__).resolve().parents[2] / "data" / "heart_failure_clinical_records_dataset.csv"


def tutorial_split():
    df = pd.read_csv(DATA)
    X = StandardScaler().fit_transform(df.drop(columns="DEATH_EVENT").to_numpy(float))
    y = df["DEATH_EVENT"].to_numpy()
    return train_test_split(X, y, test_size=0.2, random_state=10)


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--epochs", type=int, default=1000)
    args = ap.parse_args()
    X, _, y, _ = tutorial_split()
    n, e = len(y), args.epochs
    warnings.simplefilter("ignore")

    common = dict(hidden_layer_sizes=(5,), activation="relu", solver="sgd",
                  learning_rate_init=0.01, momentum=0.0, alpha=0.0, batch_size=n,
                  max_iter=e, shuffle=False, tol=0.0, n_iter_no_change=e,
                  random_state=42)
    est = nonlin.MLPClassifier(init="torch", **common)
    engine = []

    def fit_nonlin():
        est.fit(X, y)
        engine.append(est.train_seconds_)

    t_nonlin = timed(fit_nonlin, args.repeats)
    t_engine = statistics.median(engine)
    t_sklearn = timed(lambda: SkMLP(learning_rate="constant", **common).fit(X, y),
                      max(1, args.repeats // 2))

    rows = [("nonlin.MLPClassifier.fit", t_nonlin),
            ("  of which the engine's epoch loop", t_engine),
            ("sklearn MLPClassifier.fit", t_sklearn)]
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        torch.set_num_threads(1)
        Xt = torch.from_numpy(X).float()
        yt = torch.from_numpy(y.astype(np.float32))

        def fit_torch():
            torch.manual_seed(42)
            model = torch.nn.Sequential(torch.nn.Linear(12, 5), torch.nn.ReLU(),
                                        torch.nn.Linear(5, 1))
            opt = torch.optim.SGD(model.parameters(), lr=0.01)
            loss_fn = torch.nn.BCEWithLogitsLoss()
            for _ in range(e):
                logits = model(Xt).squeeze()
                loss = loss_fn(logits, yt)
                opt.zero_grad()
                loss.backward()
                opt.step()

        rows.append(("PyTorch loop (1 thread)", timed(fit_torch, max(1, args.repeats // 2))))
    else:
        rows.append(("PyTorch loop", float("nan")))

    print(f"12-5-ReLU-1, full-batch SGD(lr=0.01), {e} epochs, {n} training rows; median of runs")
    for name, t in rows:
        per_epoch = t / e * 1e6
        shown = "not installed" if np.isnan(t) else f"{t * 1e3:9.2f} ms  ({per_epoch:8.2f} us/epoch)"
        print(f"  {name:<36} {shown}")
    print(f"  nonlin vs sklearn: {t_sklearn / t_nonlin:.0f}x faster")
    if torch is not None:
        print(f"  nonlin vs PyTorch: {rows[-1][1] / t_nonlin:.0f}x faster")
    print(f"  Python-side overhead over the engine: {(t_nonlin - t_engine) / t_engine * 100:.1f}%"
          f" ({(t_nonlin - t_engine) * 1e6:.0f} us per fit)")


if __name__ == "__main__":
    main()
