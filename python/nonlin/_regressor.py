"""``nonlin.MLPRegressor``: scikit-learn's regressor API on nonlin's engine."""

from numbers import Real

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _settings
from ._base import BaseMLP

#: scikit-learn's loss names → what nonlin trains with (PyTorch's modules).
LOSSES = {
    "squared_error": "MSELoss",
    "absolute_error": "L1Loss",
    "huber": "HuberLoss(delta)",
}


class MLPRegressor(RegressorMixin, BaseMLP):
    """An MLP regressor trained by nonlin's engine (PyTorch's arithmetic):
    one output, trained on the target standardized on the training rows
    (their mean and population std, as ``nonlin train`` does), its
    predictions mapped back to the target's units.

    The constructor mirrors :class:`sklearn.neural_network.MLPRegressor`
    where an argument means the same, with its defaults, and takes nonlin's
    ``arch``, ``activation`` names, ``adamw`` and ``init`` as
    :class:`nonlin.MLPClassifier` does. Its own:

    loss : {"squared_error", "absolute_error", "huber"}, default="squared_error"
        PyTorch's ``MSELoss`` (the mean of ``d²``; scikit-learn's squared
        loss is half of it), ``L1Loss`` or ``HuberLoss(delta)``, on the
        standardized target.
    delta : float, default=1.0
        ``HuberLoss``'s threshold, in standard deviations of the target;
        only with ``loss="huber"`` (any other value is refused otherwise).

    ``fit(X, y, sample_weight)`` weights the rows as scikit-learn does (the
    loss is ``Σ sᵢ·lossᵢ / Σ sᵢ``); the target's mean and std are those of
    the rows, unweighted. ``loss_curve_`` is the training loss on the
    standardized target; ``history_`` adds the training RMSE and R² in the
    target's units. With ``early_stopping`` the validation *loss* is
    watched (``history_["val_loss"]``); ``validation_scores_`` (R² in
    scikit-learn) is ``None``. One target column only.
    """

    _parameter_constraints: dict = {
        **BaseMLP._parameter_constraints,
        "loss": [StrOptions(set(LOSSES))],
        "delta": [Interval(Real, 0, None, closed="neither")],
    }

    _tasks = ("regression",)

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate_init=0.001,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        loss="squared_error",
        delta=1.0,
        arch=None,
        init="chacha",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.loss = loss
        self.delta = delta
        self.arch = arch
        self.init = init

    def fit(self, X, y, sample_weight=None):
        """Train on ``X`` (n_samples, n_features) and the numeric target
        ``y`` (n_samples,), the rows weighted by ``sample_weight`` if given.
        The GIL is released while the engine trains."""
        self._validate_params()
        y_name = getattr(y, "name", None)
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], y_numeric=True)
        values = np.require(y, dtype=np.float64, requirements=["C", "A"])
        # δ is passed when it applies or was given (then refused by name).
        delta = float(self.delta) if self.loss == "huber" or _settings.given(self, "delta") else None
        return self._fit_engine(
            X, values, "regression", sample_weight, y_name, loss=self.loss, delta=delta
        )

    def _set_history(self, h):
        super()._set_history(h)
        self.history_["train_rmse"] = np.asarray(h["train_rmse"], dtype=np.float64)
        self.history_["train_r2"] = np.asarray(h["train_r2"], dtype=np.float64)
        self.validation_scores_ = None
        self.best_validation_score_ = None

    def predict(self, X):
        """Predictions in the target's units, shape (n_samples,): the
        network's float32 output ``o`` mapped back as ``o·scale + mean``
        in float64."""
        _, values = self._forward(X)
        return values

    @property
    def target_mean_(self):
        """The training rows' target mean (the standardization's shift)."""
        check_is_fitted(self, "_core")
        return self._core.target_scale[0]

    @property
    def target_scale_(self):
        """The training rows' target population std (1 for a constant target)."""
        check_is_fitted(self, "_core")
        return self._core.target_scale[1]

    out_activation_ = "identity"
