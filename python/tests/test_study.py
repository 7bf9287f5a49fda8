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


def test_study_rejects_three_classes():
    X = np.random.RandomState(0).normal(size=(30, 2))
    with pytest.raises(ValueError, match="2 classes"):
        nonlin.study(X, np.arange(30) % 3, {"a": "2"})


def test_study_says_why_it_takes_binary_targets_only():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 2))
    for y, kind in [(X[:, 0] * 3.7, "continuous"), (np.arange(40) % 3, "3 classes")]:
        with pytest.raises(ValueError, match="2 classes") as info:
            nonlin.study(X, y, {"a": "2"})
        msg = str(info.value)
        assert kind in msg and "cross_validate" in msg and "--" not in msg
