"""From scikit-learn's constructor arguments to the engine's settings.

Kept apart from the estimator so that every mapping (and its caveats) is
stated once: solver → optimizer, ``alpha`` → weight decay, ``batch_size``,
``random_state`` → seed, ``activation`` → nonlin activation.
"""

import inspect
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

#: scikit-learn's activation names that differ from nonlin's.
SKLEARN_ACTIVATIONS = {"logistic": "sigmoid"}


def seed_of(random_state):
    """The engine's seed: an int ``random_state`` is used as is (so
    ``random_state=42, init="torch"`` is ``torch.manual_seed(42)``); ``None``
    or a ``RandomState`` draws one, as scikit-learn estimators do."""
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def architecture(est):
    """Keyword arguments naming the network for ``_core.fit``:
    ``arch`` (a nonlin hidden spec) wins over ``hidden_layer_sizes`` +
    ``activation``."""
    if est.arch is not None:
        return {"arch": str(est.arch)}
    sizes = est.hidden_layer_sizes
    if isinstance(sizes, Integral):
        sizes = [sizes]
    sizes = [int(h) for h in sizes]
    if any(h < 1 for h in sizes):
        raise ValueError(
            f"hidden_layer_sizes must be > 0, got {list(est.hidden_layer_sizes)}."
        )
    activation = SKLEARN_ACTIVATIONS.get(est.activation, est.activation)
    return {"hidden": sizes, "activation": activation}


def batch_rows(batch_size, n_samples):
    """scikit-learn's rule: ``"auto"`` is ``min(200, n_samples)``, an int
    is clipped to ``n_samples``. A batch of all rows is full-batch training."""
    if batch_size == "auto":
        return min(200, n_samples)
    return int(min(max(batch_size, 1), n_samples))


def _default(est, name):
    """The constructor's default of parameter ``name``."""
    return inspect.signature(type(est).__init__).parameters[name].default


def given(est, name):
    """Whether the user gave parameter ``name``: for a parameter with a
    default, a value other than the constructor's."""
    value = getattr(est, name)
    default = _default(est, name)
    return not (value is default or value == default)


#: Adam's parameters: scikit-learn's names and the engine's.
ADAM_PARAMETERS = (("beta_1", "beta1"), ("beta_2", "beta2"), ("epsilon", "eps"))


def solver(est):
    """Optimizer keyword arguments for ``_core.fit``.

    A parameter of the chosen solver is always passed (scikit-learn's
    default applies); a parameter of another solver only when given (a
    value other than the default), so that the library refuses it, naming
    it: ``MLPClassifier(solver="adam", momentum=0.5)`` is an error.

    scikit-learn's ``alpha`` is an L2 penalty on the loss,
    ``loss + 0.5·alpha·‖W‖² / batch_rows``, whose gradient adds
    ``(alpha / batch_rows)·W``: that is PyTorch's coupled ``weight_decay =
    alpha / batch_rows`` (``_core.fit`` divides by the rows of the actual
    batch size after any validation hold-out). Unlike scikit-learn, the
    decay also applies to the biases, as ``torch.optim`` applies it to every
    parameter.
    """
    kw = {"solver": est.solver, "lr": float(est.learning_rate_init)}
    sgd = est.solver == "sgd"
    if sgd or given(est, "momentum"):
        kw["momentum"] = float(est.momentum)
    if sgd or given(est, "nesterovs_momentum"):
        # PyTorch refuses Nesterov without momentum; scikit-learn ignores it.
        kw["nesterov"] = bool(est.nesterovs_momentum) and not (sgd and est.momentum == 0)
    for name, key in ADAM_PARAMETERS:
        if not sgd or given(est, name):
            kw[key] = float(getattr(est, name))
    return kw
