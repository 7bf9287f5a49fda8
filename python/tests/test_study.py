"""nonlin.study: the CLI's study, its tables as DataFrames."""

import subprocess

import numpy as np
import pytest
from conftest import DATA_CSV, TARGET

import nonlin

pd = pytest.importorskip("pandas")


def test_study_tables_equal_the_cli(cli, tmp_path, heart):
    X, y = heart.drop(columns=[TARGET]), heart[TARGET]
    models = {"linear": "5", "relu": "5-relu"}
    s = nonlin.study(X, y, models, repeats=2, folds=3, epochs=100, seed=7)
    assert list(dict.fromkeys(s.summary["model"])) == ["linear", "relu", "logistic", "majority"]
    assert len(s.folds) == 2 * 3 * 4
    assert {"metric", "a", "b", "p_value", "sentence"} <= set(s.comparisons.columns)
    html = s._repr_html_()
    assert "<svg" in html and "<table" in html
    exp = tmp_path / "exp.toml"
    exp.write_text('[[model]]\nname = "linear"\narch = "5"\n[[model]]\nname = "relu"\narch = "5-relu"\n')
    out = tmp_path / "study"
    subprocess.run(
        [str(cli), "study", "--data", str(DATA_CSV), "--experiment", str(exp),
         "--repeats", "2", "--folds", "3", "--epochs", "100", "--seed", "7",
         "--out", str(out), "--no-plots", "--quiet"],
        check=True, capture_output=True,
    )
    cli_summary = pd.read_csv(out / "study.csv")
    pd.testing.assert_frame_equal(s.summary, cli_summary)
    pd.testing.assert_frame_equal(s.comparisons, pd.read_csv(out / "comparisons.csv"))


def test_study_compares_multiclass_and_regression_models():
    repo = __import__("pathlib").Path(__file__).resolve().parents[2]
    wine = pd.read_csv(repo / "data" / "wine.csv")
    X, y = wine.drop(columns=["cultivar"]), wine["cultivar"]
    s = nonlin.study(X, y, {"relu": "8-relu"}, repeats=1, folds=3, epochs=60,
                     learning_rate=0.1, seed=3)
    assert list(dict.fromkeys(s.summary["model"])) == ["relu", "logistic", "majority"]
    assert {"accuracy", "macro_f1", "log_loss"} <= set(s.summary["metric"])
    assert set(s.comparisons["metric"]) == {"accuracy", "macro_f1"}
    acc = s.summary[(s.summary.model == "relu") & (s.summary.metric == "accuracy")]["mean"].item()
    assert acc > 0.85
    # Importance of every feature for each network, ranked.
    relu = s.importance[s.importance.model == "relu"]
    assert len(relu) == 13 and sorted(relu["rank"]) == list(range(1, 14))

    diabetes = pd.read_csv(repo / "data" / "diabetes.csv")
    X, y = diabetes.drop(columns=["progression"]), diabetes["progression"].astype(float)
    s = nonlin.study(X, y, {"relu": "8-relu"}, repeats=1, folds=3, epochs=100,
                     learning_rate=0.05, seed=3)
    assert list(dict.fromkeys(s.summary["model"])) == ["relu", "linear", "mean"]
    r2 = s.summary[(s.summary.model == "linear") & (s.summary.metric == "r2")]["mean"].item()
    assert 0.3 < r2 < 0.7
    mean_r2 = s.summary[(s.summary.model == "mean") & (s.summary.metric == "r2")]["mean"].item()
    assert mean_r2 <= 0.0
    assert set(s.comparisons["metric"]) == {"rmse", "mae"}


def test_study_needs_two_classes():
    X = np.random.RandomState(0).normal(size=(30, 2))
    with pytest.raises(ValueError, match="at least 2 classes"):
        nonlin.study(X, np.zeros(30, dtype=int), {"a": "2"})
