"""nonlin: small neural networks on tabular data, PyTorch-exact and fast.

``nonlin.MLPClassifier`` is a scikit-learn estimator trained by nonlin's
engine (compiled Rust, in ``nonlin._core``); ``nonlin.study`` runs
``nonlin study`` and returns its tables as pandas DataFrames.
"""

from ._core import __version__
from ._estimator import MLPClassifier
from ._study import Study, study

__all__ = ["MLPClassifier", "Study", "study", "__version__"]
