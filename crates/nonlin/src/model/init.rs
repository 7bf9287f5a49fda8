//! PyTorch's default `nn.Linear` initialisation — weights, then bias, each
//! U(−1/√fan_in, 1/√fan_in) — from one of two seeded streams:
//! - ChaCha8 (the default): portable, the same numbers on every platform
//!   and `rand` version;
//! - `torch.manual_seed(seed)`: PyTorch's own CPU generator (MT19937) and its
//!   `uniform_` arithmetic, so the initial weights equal, bit for bit, those
//!   of `torch.manual_seed(seed); nn.Sequential(...)` on CPU.

use super::Architecture;
use crate::rng::{unit_f64, Mt19937};
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use serde::Serialize;

/// Which random stream draws the initial weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InitRng {
    #[default]
    ChaCha8,
    /// PyTorch's CPU generator after `torch.manual_seed(seed)`.
    Torch,
}

/// Parameters for `arch` in state-dict order from the chosen stream.
pub fn initialize(arch: &Architecture, seed: u64, rng: InitRng) -> Vec<f32> {
    match rng {
        InitRng::ChaCha8 => torch_default(arch, seed),
        InitRng::Torch => torch_manual_seed(arch, seed),
    }
}

/// `torch.manual_seed(seed)` then each `nn.Linear(in, out)` in order:
/// `kaiming_uniform_(weight, a=√5)` (bound `√3·gain/√in` with
/// `gain = √(2/(1+a²))`, in Python floats) and `uniform_(bias, −1/√in, 1/√in)`.
/// Each value is ATen's `uniform_real`: 24 random bits of one 32-bit MT19937
/// draw scaled to [0, 1) in double, times `(to − from)` computed in float,
/// plus `from`, rounded to float.
pub fn torch_manual_seed(arch: &Architecture, seed: u64) -> Vec<f32> {
    let mut mt = Mt19937::new(seed as u32);
    let layout = arch.layout();
    let mut params = vec![0.0f32; layout.len()];
    let mut uniform = |out: &mut [f32], bound: f64| {
        let (from, to) = (-bound as f32, bound as f32);
        let span = (to - from) as f64;
        for v in out {
            let x = (mt.next_u32() & 0xff_ffff) as f64 * (1.0 / (1u64 << 24) as f64);
            *v = (x * span + from as f64) as f32;
        }
    };
    for l in layout.linears() {
        let fan_in = l.in_features as f64;
        let a = 5f64.sqrt();
        let gain = (2.0 / (1.0 + a.powi(2))).sqrt();
        let w_bound = 3f64.sqrt() * (gain / fan_in.sqrt());
        uniform(&mut params[l.weight.clone()], w_bound);
        uniform(&mut params[l.bias.clone()], 1.0 / fan_in.sqrt());
    }
    params
}

/// Parameters for `arch` in state-dict order (each Linear: weight `[out,in]`,
/// then bias, both U(−1/√in, 1/√in)) from a ChaCha8 stream seeded with `seed`.
pub(crate) fn torch_default(arch: &Architecture, seed: u64) -> Vec<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let layout = arch.layout();
    let mut params = vec![0.0f32; layout.len()];
    for l in layout.linears() {
        let bound = 1.0 / (l.in_features as f64).sqrt();
        // The bias follows the weight: one run of draws covers both.
        for v in &mut params[l.weight.start..l.bias.end] {
            *v = ((2.0 * unit_f64(&mut rng) - 1.0) * bound) as f32;
        }
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Activation;

    #[test]
    fn init_is_seeded_and_within_bounds() {
        let arch = Architecture::mlp(12, &[5], Activation::Relu);
        let a = torch_default(&arch, 0);
        assert_eq!(a, torch_default(&arch, 0));
        assert_ne!(a, torch_default(&arch, 1));
        assert_eq!(a.len(), 71);
        let b1 = 1.0 / 12f32.sqrt();
        assert!(a[..65].iter().all(|v| v.abs() <= b1));
        assert!(a[..65].iter().any(|v| v.abs() > 0.8 * b1));
        let b2 = 1.0 / 5f32.sqrt();
        assert!(a[65..].iter().all(|v| v.abs() <= b2));
    }
}
