"""nonlin: small neural networks on tabular data, PyTorch-exact and fast.

``nonlin.MLPClassifier`` (two or more classes) and ``nonlin.MLPRegressor``
are scikit-learn estimators trained by nonlin's engine (compiled Rust, in
``nonlin._core``); ``nonlin.study`` runs ``nonlin study`` and returns its
tables as pandas DataFrames.
"""

from ._core import __version__
from ._estimator import MLPClassifier
from ._regressor import MLPRegressor
from ._study import Study, study

__all__ = ["MLPClassifier", "MLPRegressor", "Study", "study", "__version__"]
