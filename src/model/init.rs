//! PyTorch's default `nn.Linear` initialisation — weights, then bias, each
//! U(−1/√fan_in, 1/√fan_in) — drawn from ChaCha8, a portable seeded stream
//! (the same numbers on every platform and `rand` version).

use super::{Architecture, Layer};
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// A uniform f64 in [0, 1) from the top 53 bits of one draw.
pub fn unit_f64(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Parameters for `arch` in state-dict order (each Linear: weight `[out,in]`, bias).
pub fn torch_default(arch: &Architecture, seed: u64) -> Vec<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut params = Vec::with_capacity(arch.n_params());
    for layer in &arch.layers {
        if let Layer::Linear {
            in_features,
            out_features,
        } = *layer
        {
            let bound = 1.0 / (in_features as f64).sqrt();
            for _ in 0..(in_features + 1) * out_features {
                params.push(((2.0 * unit_f64(&mut rng) - 1.0) * bound) as f32);
            }
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
