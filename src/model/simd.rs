//! Eight-lane f32 vectors for the engine's kernels, and the run-time choice
//! of instruction set.
//!
//! [`Lanes`] is the vector interface; [`F8`] implements it with two SSE
//! registers on x86_64 (SSE2 is part of the baseline) or a plain array
//! elsewhere, and [`F8Avx`] with one AVX register. Every lane does IEEE
//! `mul` then `add` (never a fused multiply-add) and [`Lanes::sum`] reduces
//! in one fixed order, so every implementation gives the same bits: the AVX2
//! path is purely a speed choice ([`avx2`]), checked bit for bit by tests.

#![allow(clippy::should_implement_trait)] // add/mul by value, like the intrinsics

use std::sync::atomic::{AtomicU8, Ordering};

/// Eight f32 lanes.
pub trait Lanes: Copy {
    fn zero() -> Self;
    /// Loads `s[0..8]`.
    fn load(s: &[f32]) -> Self;
    /// Stores into `s[0..8]`.
    fn store(self, s: &mut [f32]);
    fn add(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    fn to_array(self) -> [f32; 8];

    /// `self + a·b`, as a separate multiply and add.
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        self.add(a.mul(b))
    }

    /// Lane sum in the fixed order ((0+1)+(2+3)) + ((4+5)+(6+7)).
    #[inline(always)]
    fn sum(self) -> f32 {
        let c = self.to_array();
        ((c[0] + c[1]) + (c[2] + c[3])) + ((c[4] + c[5]) + (c[6] + c[7]))
    }
}

#[cfg(target_arch = "x86_64")]
mod imp {
    use super::Lanes;
    use std::arch::x86_64::*;

    /// Two SSE registers.
    #[derive(Clone, Copy)]
    pub struct F8(__m128, __m128);

    // SAFETY (all methods): SSE2 is always available on x86_64; loads and
    // stores check that eight floats are there.
    impl Lanes for F8 {
        #[inline(always)]
        fn zero() -> F8 {
            unsafe { F8(_mm_setzero_ps(), _mm_setzero_ps()) }
        }
        #[inline(always)]
        fn load(s: &[f32]) -> F8 {
            assert!(s.len() >= 8);
            unsafe { F8(_mm_loadu_ps(s.as_ptr()), _mm_loadu_ps(s.as_ptr().add(4))) }
        }
        #[inline(always)]
        fn store(self, s: &mut [f32]) {
            assert!(s.len() >= 8);
            unsafe {
                _mm_storeu_ps(s.as_mut_ptr(), self.0);
                _mm_storeu_ps(s.as_mut_ptr().add(4), self.1);
            }
        }
        #[inline(always)]
        fn add(self, o: F8) -> F8 {
            unsafe { F8(_mm_add_ps(self.0, o.0), _mm_add_ps(self.1, o.1)) }
        }
        #[inline(always)]
        fn mul(self, o: F8) -> F8 {
            unsafe { F8(_mm_mul_ps(self.0, o.0), _mm_mul_ps(self.1, o.1)) }
        }
        #[inline(always)]
        fn to_array(self) -> [f32; 8] {
            let mut a = [0.0; 8];
            self.store(&mut a);
            a
        }
    }

    /// One AVX register. Only used inside functions compiled with AVX2
    /// enabled and called after [`super::avx2`] returned true.
    #[derive(Clone, Copy)]
    pub struct F8Avx(__m256);

    // SAFETY (all methods): reached only from `#[target_feature(enable =
    // "avx2")]` code that runs after AVX2 was detected; loads and stores
    // check that eight floats are there.
    impl Lanes for F8Avx {
        #[inline(always)]
        fn zero() -> F8Avx {
            unsafe { F8Avx(_mm256_setzero_ps()) }
        }
        #[inline(always)]
        fn load(s: &[f32]) -> F8Avx {
            assert!(s.len() >= 8);
            unsafe { F8Avx(_mm256_loadu_ps(s.as_ptr())) }
        }
        #[inline(always)]
        fn store(self, s: &mut [f32]) {
            assert!(s.len() >= 8);
            unsafe { _mm256_storeu_ps(s.as_mut_ptr(), self.0) }
        }
        #[inline(always)]
        fn add(self, o: F8Avx) -> F8Avx {
            unsafe { F8Avx(_mm256_add_ps(self.0, o.0)) }
        }
        #[inline(always)]
        fn mul(self, o: F8Avx) -> F8Avx {
            unsafe { F8Avx(_mm256_mul_ps(self.0, o.0)) }
        }
        #[inline(always)]
        fn to_array(self) -> [f32; 8] {
            let mut a = [0.0; 8];
            self.store(&mut a);
            a
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod imp {
    use super::Lanes;

    /// A plain array (the compiler vectorizes it where it can).
    #[derive(Clone, Copy)]
    pub struct F8([f32; 8]);

    impl Lanes for F8 {
        #[inline(always)]
        fn zero() -> F8 {
            F8([0.0; 8])
        }
        #[inline(always)]
        fn load(s: &[f32]) -> F8 {
            F8(s[..8].try_into().unwrap())
        }
        #[inline(always)]
        fn store(self, s: &mut [f32]) {
            s[..8].copy_from_slice(&self.0);
        }
        #[inline(always)]
        fn add(self, o: F8) -> F8 {
            F8(std::array::from_fn(|l| self.0[l] + o.0[l]))
        }
        #[inline(always)]
        fn mul(self, o: F8) -> F8 {
            F8(std::array::from_fn(|l| self.0[l] * o.0[l]))
        }
        #[inline(always)]
        fn to_array(self) -> [f32; 8] {
            self.0
        }
    }
}

#[cfg(target_arch = "x86_64")]
pub use imp::F8Avx;
pub use imp::F8;

/// A kernel written once over any [`Lanes`]; [`dispatch`] runs it with the
/// best lanes the CPU has. Implementations mark `run` `#[inline(always)]` so
/// that the whole body is compiled inside the AVX2-enabled frame.
pub trait Kernel {
    type Output;
    fn run<V: Lanes>(self) -> Self::Output;
}

/// Runs `k` on AVX2 lanes (and AVX2-compiled loops) when [`avx2`] says so,
/// else on the baseline lanes. Same operations either way, so same bits.
#[inline]
pub fn dispatch<K: Kernel>(k: K) -> K::Output {
    #[cfg(target_arch = "x86_64")]
    if avx2() {
        // SAFETY: AVX2 was detected on this CPU.
        return unsafe { dispatch_avx2(k) };
    }
    k.run::<F8>()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn dispatch_avx2<K: Kernel>(k: K) -> K::Output {
    k.run::<F8Avx>()
}

/// 0 = not yet detected, 1 = baseline only, 2 = AVX2.
static LEVEL: AtomicU8 = AtomicU8::new(0);

/// True when the kernels may take their AVX2 path: the CPU has it and
/// [`force_baseline`] was not called. Detected once, then one atomic load.
#[inline]
pub fn avx2() -> bool {
    match LEVEL.load(Ordering::Relaxed) {
        0 => {
            #[cfg(target_arch = "x86_64")]
            let level = if std::arch::is_x86_feature_detected!("avx2") {
                2
            } else {
                1
            };
            #[cfg(not(target_arch = "x86_64"))]
            let level = 1;
            LEVEL.store(level, Ordering::Relaxed);
            level == 2
        }
        l => l == 2,
    }
}

/// Makes every kernel take the baseline path (`true`) or the best one the
/// CPU has (`false`). The results are identical either way; this exists so
/// tests and benchmarks can prove and measure that.
pub fn force_baseline(on: bool) {
    if on {
        LEVEL.store(1, Ordering::Relaxed);
    } else {
        LEVEL.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<V: Lanes>() {
        let a: Vec<f32> = (0..8).map(|i| i as f32 + 0.5).collect();
        let b = V::load(&a).mul_add(V::load(&[2.0; 8]), V::load(&a));
        let mut out = [0.0; 8];
        b.store(&mut out);
        assert_eq!(out, std::array::from_fn(|i| a[i] + 2.0 * a[i]));
        assert_eq!(V::load(&a).sum(), 32.0);
        assert_eq!(V::zero().sum(), 0.0);
    }

    #[test]
    fn lanes_add_multiply_and_sum_in_order() {
        check::<F8>();
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            check::<F8Avx>();
        }
    }
}
