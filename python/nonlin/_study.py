"""``nonlin.study``: ``nonlin study`` from Python, its tables as DataFrames."""

import html
import io

import numpy as np
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, column_or_1d

from . import _core


class Study:
    """The result of :func:`study`.

    Attributes
    ----------
    summary : pandas.DataFrame
        ``model, metric, n, mean, std, ci_low, ci_high`` (fractions, not
        percentages), as ``study.csv``.
    folds : pandas.DataFrame
        One row per (repeat, fold, model) with every metric, as ``folds.csv``.
    comparisons : pandas.DataFrame
        Every pair of models on the same folds (corrected resampled t-test),
        with its sentence, as ``comparisons.csv``.
    markdown : str
        The ``study.md`` report.
    plot_svg : str
        Box and strip plots of per-fold accuracy and MCC (multiclass:
        accuracy and macro-F1; regression: RMSE and MAE).
    importance : pandas.DataFrame
        ``model, feature, mean, std, ci_low, ci_high, folds, rank``: each
        network's permutation importance pooled over the held-out folds, as
        ``importance.csv``.
    """

    def __init__(self, tables):
        import pandas as pd

        def frame(key):
            return pd.read_csv(io.StringIO(tables[key]), keep_default_na=True)

        self.summary = frame("summary_csv")
        self.folds = frame("folds_csv")
        self.comparisons = frame("comparisons_csv")
        self.markdown = tables["markdown"]
        self.plot_svg = tables["plot_svg"]
        self.importance = frame("importance_csv")

    def table(self, metrics=("accuracy", "mcc", "roc_auc")):
        """Model × metric, ``mean [ci_low, ci_high]`` (a DataFrame)."""
        s = self.summary[self.summary["metric"].isin(metrics)]
        text = s.apply(
            lambda r: f"{r['mean']:.3f} [{r['ci_low']:.3f}, {r['ci_high']:.3f}]", axis=1
        )
        out = s.assign(value=text).pivot(index="model", columns="metric", values="value")
        order = list(dict.fromkeys(self.summary["model"]))
        return out.reindex(order)[[m for m in metrics if m in out.columns]]

    def _repr_html_(self):
        sentences = "".join(
            f"<li>{html.escape(str(s))}</li>"
            for s in self.comparisons.loc[self.comparisons["metric"] == "accuracy", "sentence"]
        )
        return (
            "<div><b>nonlin study</b> (mean [95% CI] over all folds)"
            f"{self.table().to_html()}{self.plot_svg}"
            f"<details><summary>accuracy comparisons</summary><ul>{sentences}</ul></details></div>"
        )

    def __repr__(self):
        return f"Study(models={list(dict.fromkeys(self.summary['model']))})"


def _study_task(y, task):
    """The task of a study's target, as ``nonlin study --task auto`` reads
    it: two distinct values → binary; text or booleans, or integers with at
    most 10 distinct values → multiclass; any other numbers → regression.
    ``task`` overrides it."""
    if task is not None:
        if task not in ("binary", "multiclass", "regression"):
            raise ValueError(
                f"task must be 'binary', 'multiclass' or 'regression', got {task!r}"
            )
        return task
    distinct = np.unique(y)
    if len(distinct) == 2:
        return "binary"
    numeric = y.dtype.kind in "fiu"
    if not numeric:
        return "multiclass"
    integral = bool(np.all(np.mod(distinct, 1) == 0))
    return "multiclass" if integral and len(distinct) <= 10 else "regression"


def study(
    X,
    y,
    models=None,
    *,
    repeats=10,
    folds=5,
    seed=0,
    epochs=1000,
    solver="sgd",
    learning_rate=0.01,
    momentum=0.0,
    nesterov=False,
    weight_decay=0.0,
    batch_size=None,
    init="chacha",
    pos_weight=None,
    baselines=True,
    task=None,
):
    """Repeated stratified cross-validation of several networks, as ``nonlin
    study``: every model is trained on the same folds (the scaler fit on each
    training fold, so pass raw features), with the ``logistic`` and
    ``majority`` baselines, confidence intervals and paired comparisons.

    ``models`` maps names to nonlin hidden specs (``{"relu": "5-relu",
    "linear": "5", "logistic": ""}``); ``None`` runs the default set (the
    tutorial's three models, ``5-tanh``, ``5-elu``). The training settings
    use PyTorch's names, as the CLI's flags (``weight_decay``, not
    ``alpha``); the default is the tutorial's full-batch SGD(lr=0.01) for
    1000 epochs. Binary ``y`` with any two labels: the metrics are about
    the larger label (``np.unique(y)[1]``); more labels are a multiclass
    study (accuracy, balanced accuracy, macro-F1, log loss), a continuous
    ``y`` a regression study (RMSE, MAE, R²). The task is read from ``y``
    as ``nonlin study`` reads a target column (two values: binary; text or
    integers with at most 10 values: multiclass; other numbers:
    regression); ``task="binary"|"multiclass"|"regression"`` overrides it.
    Returns a :class:`Study`.
    """
    names = getattr(X, "columns", None)
    X = check_array(X, dtype=np.float64)
    y = column_or_1d(np.asarray(y), warn=True)
    values = None
    if _study_task(y, task) == "regression":
        # A number: regression (RMSE, MAE, R²; least-squares and mean baselines).
        values = np.require(y, dtype=np.float64, requirements=["C", "A"])
        classes, y_idx = np.array([]), np.zeros(len(y), dtype=np.int64)
    else:
        check_classification_targets(y)
        classes, y_idx = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(f"study needs at least 2 classes in y, found {len(classes)}")
    if len(y) != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {len(y)} values")
    features = [str(c) for c in names] if names is not None else [f"x{j}" for j in range(X.shape[1])]
    tables = _core.study(
        np.require(X, dtype=np.float64, requirements=["C", "A"]),
        (y_idx == 1).astype(np.float32) if len(classes) == 2 else y_idx.astype(np.float32),
        models=None if models is None else [(str(k), str(v)) for k, v in models.items()],
        repeats=int(repeats),
        folds=int(folds),
        seed=int(seed),
        solver=solver,
        lr=float(learning_rate),
        # Passed when they apply or were given (then refused, naming them).
        momentum=float(momentum) if solver == "sgd" or momentum != 0.0 else None,
        nesterov=bool(nesterov) if solver == "sgd" or nesterov else None,
        weight_decay=float(weight_decay),
        epochs=int(epochs),
        batch_size=None if batch_size is None else int(batch_size),
        torch_init=init == "torch",
        pos_weight=pos_weight,
        baselines=bool(baselines),
        features=features,
        classes=max(len(classes), 2),
        values=values,
    )
    return Study(tables)
