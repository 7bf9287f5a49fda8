//! Seeded random streams shared by data splitting, initialisation and
//! training: numpy's MT19937 ([`Mt19937`]) and two draws over any
//! [`RngCore`] (the ChaCha8 streams). The bottom layer: it imports nothing
//! of nonlin.

pub mod mt19937;

pub use mt19937::Mt19937;

use rand_core::RngCore;

/// A uniform f64 in [0, 1) from the top 53 bits of one 64-bit draw.
pub fn unit_f64<R: RngCore + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform integer in `0..n` from 64-bit draws, without modulo bias
/// (draws at or above the largest multiple of `n` are rejected).
pub fn below<R: RngCore + ?Sized>(rng: &mut R, n: usize) -> usize {
    let n = n as u64;
    let zone = u64::MAX - u64::MAX % n;
    loop {
        let v = rng.next_u64();
        if v < zone {
            return (v % n) as usize;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha8Rng;
    use rand_core::SeedableRng;

    #[test]
    fn draws_stay_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for n in 1..50 {
            assert!(below(&mut rng, n) < n);
            let u = unit_f64(&mut rng);
            assert!((0.0..1.0).contains(&u));
        }
    }
}
