"""nonlin: small neural networks on tabular data, PyTorch-exact and fast.

``nonlin.MLPClassifier`` is a scikit-learn estimator trained by nonlin's
engine (compiled Rust, in ``nonlin._core``).
"""

from ._core import __version__
from ._estimator import MLPClassifier

__all__ = ["MLPClassifier", "__version__"]
