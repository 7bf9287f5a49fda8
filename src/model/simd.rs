//! An eight-lane f32 vector for the engine's kernels. On x86_64 it is two
//! SSE registers (SSE2 is part of the x86_64 baseline, so no detection is
//! needed); elsewhere, a plain array. Every lane does IEEE `mul` then `add`
//! (never a fused multiply-add) and [`F8::sum`] reduces in one fixed order,
//! so both versions give the same bits.

#![allow(clippy::should_implement_trait)] // add/mul by value, like the intrinsics

#[cfg(target_arch = "x86_64")]
mod imp {
    use std::arch::x86_64::*;

    #[derive(Clone, Copy)]
    pub struct F8(__m128, __m128);

    impl F8 {
        #[inline(always)]
        pub fn zero() -> F8 {
            // SAFETY: SSE2 is always available on x86_64.
            unsafe { F8(_mm_setzero_ps(), _mm_setzero_ps()) }
        }
        #[inline(always)]
        pub fn splat(v: f32) -> F8 {
            unsafe { F8(_mm_set1_ps(v), _mm_set1_ps(v)) }
        }
        /// Loads `s[0..8]`.
        #[inline(always)]
        pub fn load(s: &[f32]) -> F8 {
            assert!(s.len() >= 8);
            // SAFETY: eight readable floats checked above; unaligned loads.
            unsafe { F8(_mm_loadu_ps(s.as_ptr()), _mm_loadu_ps(s.as_ptr().add(4))) }
        }
        /// Stores into `s[0..8]`.
        #[inline(always)]
        pub fn store(self, s: &mut [f32]) {
            assert!(s.len() >= 8);
            // SAFETY: eight writable floats checked above; unaligned stores.
            unsafe {
                _mm_storeu_ps(s.as_mut_ptr(), self.0);
                _mm_storeu_ps(s.as_mut_ptr().add(4), self.1);
            }
        }
        #[inline(always)]
        pub fn add(self, o: F8) -> F8 {
            unsafe { F8(_mm_add_ps(self.0, o.0), _mm_add_ps(self.1, o.1)) }
        }
        #[inline(always)]
        pub fn mul(self, o: F8) -> F8 {
            unsafe { F8(_mm_mul_ps(self.0, o.0), _mm_mul_ps(self.1, o.1)) }
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 8] {
            let mut a = [0.0; 8];
            self.store(&mut a);
            a
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod imp {
    #[derive(Clone, Copy)]
    pub struct F8([f32; 8]);

    impl F8 {
        #[inline(always)]
        pub fn zero() -> F8 {
            F8([0.0; 8])
        }
        #[inline(always)]
        pub fn splat(v: f32) -> F8 {
            F8([v; 8])
        }
        #[inline(always)]
        pub fn load(s: &[f32]) -> F8 {
            F8(s[..8].try_into().unwrap())
        }
        #[inline(always)]
        pub fn store(self, s: &mut [f32]) {
            s[..8].copy_from_slice(&self.0);
        }
        #[inline(always)]
        pub fn add(self, o: F8) -> F8 {
            F8(std::array::from_fn(|l| self.0[l] + o.0[l]))
        }
        #[inline(always)]
        pub fn mul(self, o: F8) -> F8 {
            F8(std::array::from_fn(|l| self.0[l] * o.0[l]))
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 8] {
            self.0
        }
    }
}

pub use imp::F8;

impl F8 {
    /// `self + a·b`, as a separate multiply and add.
    #[inline(always)]
    pub fn mul_add(self, a: F8, b: F8) -> F8 {
        self.add(a.mul(b))
    }

    /// Lane sum in the fixed order ((0+1)+(2+3)) + ((4+5)+(6+7)).
    #[inline(always)]
    pub fn sum(self) -> f32 {
        let c = self.to_array();
        ((c[0] + c[1]) + (c[2] + c[3])) + ((c[4] + c[5]) + (c[6] + c[7]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_add_multiply_and_sum_in_order() {
        let a: Vec<f32> = (0..8).map(|i| i as f32 + 0.5).collect();
        let b = F8::load(&a).mul_add(F8::splat(2.0), F8::load(&a));
        let mut out = [0.0; 8];
        b.store(&mut out);
        assert_eq!(out, std::array::from_fn(|i| a[i] + 2.0 * a[i]));
        assert_eq!(F8::load(&a).sum(), 32.0);
        assert_eq!(F8::zero().sum(), 0.0);
    }
}
