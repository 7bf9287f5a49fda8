//! The facts of every activation, in one table: its spec name and
//! spellings, its parameters (names, PyTorch keyword, default), the
//! `torch.nn` class and fixed constructor arguments, a one-line help text,
//! and how to build the [`Activation`] value from its parameters and back.
//!
//! The spec parser, `Display`, the `torch.nn` repr, checkpoint metadata
//! (`nonlin.layers`), the builder's checks and the CLI help all read this
//! table. Adding an activation is one enum variant, one entry here, and its
//! loops in `kernels::activation`.

use super::Activation;

/// Most parameters any activation takes.
pub const MAX_PARAMS: usize = 2;

/// One parameter of an activation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Param {
    /// Name in specs and help (`elu[:alpha]`).
    pub name: &'static str,
    /// The `torch.nn` constructor keyword (`negative_slope`).
    pub torch_name: &'static str,
    /// PyTorch's default.
    pub default: f32,
    /// Whether 0 is refused (softplus divides by its beta).
    pub nonzero: bool,
}

/// Everything nonlin knows about one activation besides its kernels.
#[derive(Debug, Clone, Copy)]
pub struct ActivationInfo {
    /// Spec name, as parsed and displayed (`leaky_relu`).
    pub name: &'static str,
    /// Other spellings the parser accepts.
    pub aliases: &'static [&'static str],
    /// Parameters in spec order (`softplus:beta:threshold`).
    pub params: &'static [Param],
    /// The `torch.nn` class (`LeakyReLU`).
    pub torch_class: &'static str,
    /// Constructor arguments that are not parameters, as `(keyword, string
    /// value)` (`GELU(approximate='tanh')`).
    pub torch_fixed: &'static [(&'static str, &'static str)],
    /// One line for `--help`.
    pub help: &'static str,
    /// The activation with these parameter values (one per [`Param`]).
    pub make: fn(&[f32]) -> Activation,
    /// The parameter values of `a` if `a` is this activation (unused
    /// slots 0), else `None`.
    pub values: fn(&Activation) -> Option<[f32; MAX_PARAMS]>,
}

impl ActivationInfo {
    /// The spec form with optional parameters, for help: `softplus[:beta[:threshold]]`.
    pub fn usage(&self) -> String {
        let mut s = self.name.to_string();
        for p in self.params {
            s.push_str(&format!("[:{}", p.name));
        }
        s.push_str(&"]".repeat(self.params.len()));
        s
    }
}

const ALPHA: Param = Param {
    name: "alpha",
    torch_name: "alpha",
    default: 1.0,
    nonzero: false,
};
const SLOPE: Param = Param {
    name: "slope",
    torch_name: "negative_slope",
    default: 0.01,
    nonzero: false,
};
const BETA: Param = Param {
    name: "beta",
    torch_name: "beta",
    default: 1.0,
    nonzero: true,
};
const THRESHOLD: Param = Param {
    name: "threshold",
    torch_name: "threshold",
    default: 20.0,
    nonzero: false,
};

/// Every activation, in the order help and errors list them.
pub const TABLE: &[ActivationInfo] = &[
    ActivationInfo {
        name: "relu",
        aliases: &[],
        params: &[],
        torch_class: "ReLU",
        torch_fixed: &[],
        help: "max(0, x)",
        make: |_| Activation::Relu,
        values: |a| matches!(a, Activation::Relu).then_some([0.0; MAX_PARAMS]),
    },
    ActivationInfo {
        name: "tanh",
        aliases: &[],
        params: &[],
        torch_class: "Tanh",
        torch_fixed: &[],
        help: "tanh(x)",
        make: |_| Activation::Tanh,
        values: |a| matches!(a, Activation::Tanh).then_some([0.0; MAX_PARAMS]),
    },
    ActivationInfo {
        name: "sigmoid",
        aliases: &[],
        params: &[],
        torch_class: "Sigmoid",
        torch_fixed: &[],
        help: "1 / (1 + e^-x)",
        make: |_| Activation::Sigmoid,
        values: |a| matches!(a, Activation::Sigmoid).then_some([0.0; MAX_PARAMS]),
    },
    ActivationInfo {
        name: "elu",
        aliases: &[],
        params: &[ALPHA],
        torch_class: "ELU",
        torch_fixed: &[],
        help: "x if x > 0, else alpha·(e^x - 1); alpha 1 by default",
        make: |p| Activation::Elu { alpha: p[0] },
        values: |a| match *a {
            Activation::Elu { alpha } => Some([alpha, 0.0]),
            _ => None,
        },
    },
    ActivationInfo {
        name: "leaky_relu",
        aliases: &["leakyrelu"],
        params: &[SLOPE],
        torch_class: "LeakyReLU",
        torch_fixed: &[],
        help: "x if x > 0, else slope·x; slope 0.01 by default",
        make: |p| Activation::LeakyRelu { slope: p[0] },
        values: |a| match *a {
            Activation::LeakyRelu { slope } => Some([slope, 0.0]),
            _ => None,
        },
    },
    ActivationInfo {
        name: "gelu",
        aliases: &[],
        params: &[],
        torch_class: "GELU",
        torch_fixed: &[],
        help: "x·Φ(x), the exact erf form",
        make: |_| Activation::Gelu,
        values: |a| matches!(a, Activation::Gelu).then_some([0.0; MAX_PARAMS]),
    },
    ActivationInfo {
        name: "gelu_tanh",
        aliases: &[],
        params: &[],
        torch_class: "GELU",
        torch_fixed: &[("approximate", "tanh")],
        help: "GELU with the tanh approximation",
        make: |_| Activation::GeluTanh,
        values: |a| matches!(a, Activation::GeluTanh).then_some([0.0; MAX_PARAMS]),
    },
    ActivationInfo {
        name: "silu",
        aliases: &["swish"],
        params: &[],
        torch_class: "SiLU",
        torch_fixed: &[],
        help: "x·sigmoid(x)",
        make: |_| Activation::Silu,
        values: |a| matches!(a, Activation::Silu).then_some([0.0; MAX_PARAMS]),
    },
    ActivationInfo {
        name: "softplus",
        aliases: &[],
        params: &[BETA, THRESHOLD],
        torch_class: "Softplus",
        torch_fixed: &[],
        help: "ln(1 + e^(beta·x)) / beta, x above the threshold; 1 and 20 by default",
        make: |p| Activation::Softplus {
            beta: p[0],
            threshold: p[1],
        },
        values: |a| match *a {
            Activation::Softplus { beta, threshold } => Some([beta, threshold]),
            _ => None,
        },
    },
    ActivationInfo {
        name: "identity",
        aliases: &["linear", "none"],
        params: &[],
        torch_class: "Identity",
        torch_fixed: &[],
        help: "x (no activation)",
        make: |_| Activation::Identity,
        values: |a| matches!(a, Activation::Identity).then_some([0.0; MAX_PARAMS]),
    },
];

/// The spec names of [`TABLE`], in its order.
pub const NAMES: [&str; TABLE.len()] = {
    let mut names = [""; TABLE.len()];
    let mut i = 0;
    while i < TABLE.len() {
        names[i] = TABLE[i].name;
        i += 1;
    }
    names
};

/// The entry of a spec name or alias (ASCII case-insensitive).
pub(crate) fn lookup(name: &str) -> Option<&'static ActivationInfo> {
    TABLE.iter().find(|e| {
        e.name.eq_ignore_ascii_case(name) || e.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    })
}

/// The entry of `a` and its parameter values.
pub(crate) fn describe(a: &Activation) -> (&'static ActivationInfo, [f32; MAX_PARAMS]) {
    TABLE
        .iter()
        .find_map(|e| (e.values)(a).map(|v| (e, v)))
        .expect("every activation has a table entry")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_builds_what_it_describes() {
        for e in TABLE {
            assert!(e.params.len() <= MAX_PARAMS, "{}", e.name);
            let defaults: Vec<f32> = e.params.iter().map(|p| p.default).collect();
            let a = (e.make)(&defaults);
            let (back, values) = describe(&a);
            assert_eq!(back.name, e.name);
            assert_eq!(&values[..e.params.len()], &defaults[..]);
            assert_eq!(lookup(e.name).unwrap().name, e.name);
        }
        assert_eq!(
            lookup("softplus").unwrap().usage(),
            "softplus[:beta[:threshold]]"
        );
    }
}
