//! Eight-lane f32 vectors for the engine's kernels, and the run-time choice
//! of instruction set.
//!
//! [`Lanes`] is the vector interface; [`F8`] implements it with two SSE
//! registers on x86_64 (SSE2 is part of the baseline) or a plain array
//! elsewhere, [`F8Avx`] with one AVX register, and [`F8Avx512`] with the same
//! AVX register inside code compiled for AVX-512 (the same 8-lane operations,
//! but 32 vector registers, so kernels may use larger register tiles). Every
//! lane does IEEE `mul` then `add` (never a fused multiply-add) and
//! [`Lanes::sum`] reduces in one fixed order, so every implementation gives
//! the same bits: the level is purely a speed choice ([`level`]), checked
//! bit for bit by tests.

#![allow(clippy::should_implement_trait)] // add/mul by value, like the intrinsics

use std::sync::atomic::{AtomicU8, Ordering};

/// Eight f32 lanes.
pub(crate) trait Lanes: Copy {
    /// Vector registers the compiled code has (16 for SSE and AVX2, 32 with
    /// AVX-512): kernels size their register tiles by it.
    const REGISTERS: usize = 16;
    fn zero() -> Self;
    /// All eight lanes `v`.
    #[inline(always)]
    fn splat(v: f32) -> Self {
        Self::load(&[v; 8])
    }
    /// Loads `s[0..8]`.
    fn load(s: &[f32]) -> Self;
    /// Stores into `s[0..8]`.
    fn store(self, s: &mut [f32]);
    /// Loads the eight floats at `p`.
    ///
    /// # Safety
    /// `p..p + 8` must be readable.
    unsafe fn load_ptr(p: *const f32) -> Self;
    /// Stores the eight lanes at `p`.
    ///
    /// # Safety
    /// `p..p + 8` must be writable.
    unsafe fn store_ptr(self, p: *mut f32);
    /// Loads the `cols` (1..=8) floats at `p` into the first lanes, the
    /// others zero.
    ///
    /// # Safety
    /// `p..p + cols` must be readable.
    #[inline(always)]
    unsafe fn load_part(p: *const f32, cols: usize) -> Self {
        let mut buf = [0.0f32; 8];
        for (k, v) in buf.iter_mut().enumerate().take(cols) {
            *v = *p.add(k);
        }
        Self::load(&buf)
    }
    /// The sums of four vectors, each in the [`Lanes::sum`] order.
    #[inline(always)]
    fn sum4(v: [Self; 4]) -> [f32; 4] {
        v.map(Self::sum)
    }
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
        fn splat(v: f32) -> F8 {
            unsafe { F8(_mm_set1_ps(v), _mm_set1_ps(v)) }
        }
        #[inline(always)]
        unsafe fn load_ptr(p: *const f32) -> F8 {
            F8(_mm_loadu_ps(p), _mm_loadu_ps(p.add(4)))
        }
        #[inline(always)]
        unsafe fn store_ptr(self, p: *mut f32) {
            _mm_storeu_ps(p, self.0);
            _mm_storeu_ps(p.add(4), self.1);
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
        fn splat(v: f32) -> F8Avx {
            unsafe { F8Avx(_mm256_set1_ps(v)) }
        }
        #[inline(always)]
        unsafe fn load_ptr(p: *const f32) -> F8Avx {
            F8Avx(_mm256_loadu_ps(p))
        }
        #[inline(always)]
        unsafe fn store_ptr(self, p: *mut f32) {
            _mm256_storeu_ps(p, self.0)
        }
        #[inline(always)]
        unsafe fn load_part(p: *const f32, cols: usize) -> F8Avx {
            // Lanes below `cols` selected; masked lanes are not read.
            static MASK: [i32; 16] = [-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0];
            let mask = _mm256_loadu_si256(MASK.as_ptr().add(8 - cols) as *const __m256i);
            F8Avx(_mm256_maskload_ps(p, mask))
        }
        #[inline(always)]
        fn sum4(v: [F8Avx; 4]) -> [f32; 4] {
            // hadd pairs neighbours: ((c0+c1)+(c2+c3)) of each vector in
            // the low half, ((c4+c5)+(c6+c7)) in the high half, then one
            // add of the halves: the order of `Lanes::sum`, four at once.
            unsafe {
                let ab = _mm256_hadd_ps(v[0].0, v[1].0);
                let cd = _mm256_hadd_ps(v[2].0, v[3].0);
                let q = _mm256_hadd_ps(ab, cd);
                let s = _mm_add_ps(_mm256_castps256_ps128(q), _mm256_extractf128_ps(q, 1));
                let mut out = [0.0f32; 4];
                _mm_storeu_ps(out.as_mut_ptr(), s);
                out
            }
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

    /// [`F8Avx`] inside code compiled for AVX-512 (`avx512f`, `avx512vl`):
    /// the same 8-lane operations, with 32 vector registers for the tiles.
    /// Only used after [`super::level`] returned [`super::Level::Avx512`].
    #[derive(Clone, Copy)]
    pub struct F8Avx512(F8Avx);

    // Every operation is F8Avx's (so the same bits); SAFETY as F8Avx's.
    impl Lanes for F8Avx512 {
        const REGISTERS: usize = 32;
        #[inline(always)]
        fn zero() -> Self {
            Self(F8Avx::zero())
        }
        #[inline(always)]
        fn splat(v: f32) -> Self {
            Self(F8Avx::splat(v))
        }
        #[inline(always)]
        fn load(s: &[f32]) -> Self {
            Self(F8Avx::load(s))
        }
        #[inline(always)]
        fn store(self, s: &mut [f32]) {
            self.0.store(s)
        }
        #[inline(always)]
        unsafe fn load_ptr(p: *const f32) -> Self {
            Self(F8Avx::load_ptr(p))
        }
        #[inline(always)]
        unsafe fn store_ptr(self, p: *mut f32) {
            self.0.store_ptr(p)
        }
        #[inline(always)]
        unsafe fn load_part(p: *const f32, cols: usize) -> Self {
            Self(F8Avx::load_part(p, cols))
        }
        #[inline(always)]
        fn sum4(v: [Self; 4]) -> [f32; 4] {
            F8Avx::sum4(v.map(|x| x.0))
        }
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            Self(self.0.add(o.0))
        }
        #[inline(always)]
        fn mul(self, o: Self) -> Self {
            Self(self.0.mul(o.0))
        }
        #[inline(always)]
        fn to_array(self) -> [f32; 8] {
            self.0.to_array()
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
        unsafe fn load_ptr(p: *const f32) -> F8 {
            F8(std::ptr::read_unaligned(p as *const [f32; 8]))
        }
        #[inline(always)]
        unsafe fn store_ptr(self, p: *mut f32) {
            std::ptr::write_unaligned(p as *mut [f32; 8], self.0)
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

pub(crate) use imp::F8;
#[cfg(target_arch = "x86_64")]
pub(crate) use imp::{F8Avx, F8Avx512};

/// A kernel written once over any [`Lanes`]; [`dispatch`] runs it with the
/// best lanes the CPU has. Implementations mark `run` `#[inline(always)]` so
/// that the whole body is compiled inside the AVX2-enabled frame.
pub(crate) trait Kernel {
    type Output;
    fn run<V: Lanes>(self) -> Self::Output;
}

/// Runs `k` on AVX2 lanes (and AVX2-compiled loops) when [`level`] allows,
/// else on the baseline lanes. Same operations either way, so same bits.
#[inline]
pub(crate) fn dispatch<K: Kernel>(k: K) -> K::Output {
    match dispatch_at(level().min(Level::Avx2), k) {
        Ok(out) => out,
        Err(k) => k.run::<F8>(),
    }
}

/// As [`dispatch`], and on AVX-512-compiled code when [`level`] allows: for
/// the linear kernels, whose register tiles grow with the register file.
/// (The activation and loss loops stay on [`dispatch`]: compiled for
/// AVX-512 the compiler vectorizes them differently, and a tutorial epoch
/// measured ≈3 µs slower.)
#[inline]
pub(crate) fn dispatch_wide<K: Kernel>(k: K) -> K::Output {
    match dispatch_at(level(), k) {
        Ok(out) => out,
        Err(k) => k.run::<F8>(),
    }
}

/// Runs `k` at the given level, or hands it back when this CPU lacks it
/// (for tests and benchmarks that compare the levels).
#[inline]
pub(crate) fn dispatch_at<K: Kernel>(level: Level, k: K) -> Result<K::Output, K> {
    if level > supported() {
        return Err(k);
    }
    match level {
        Level::Baseline => Ok(k.run::<F8>()),
        // SAFETY: the CPU has the features (checked just above).
        #[cfg(target_arch = "x86_64")]
        Level::Avx2 => Ok(unsafe { dispatch_avx2(k) }),
        #[cfg(target_arch = "x86_64")]
        Level::Avx512 => Ok(unsafe { dispatch_avx512(k) }),
        #[cfg(not(target_arch = "x86_64"))]
        _ => Err(k),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn dispatch_avx2<K: Kernel>(k: K) -> K::Output {
    k.run::<F8Avx>()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,avx512f,avx512vl")]
unsafe fn dispatch_avx512<K: Kernel>(k: K) -> K::Output {
    k.run::<F8Avx512>()
}

/// The instruction-set levels the kernels are compiled for, slowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    /// SSE2 (x86_64) or plain arrays elsewhere.
    Baseline,
    /// AVX2: one 8-lane register, 16 registers.
    Avx2,
    /// AVX-512 (`avx512f`, `avx512vl`): the AVX2 operations with 32 registers.
    Avx512,
}

/// The best level this CPU has, detected once.
pub(crate) fn supported() -> Level {
    static SUPPORTED: AtomicU8 = AtomicU8::new(0);
    let code = match SUPPORTED.load(Ordering::Relaxed) {
        0 => {
            #[cfg(target_arch = "x86_64")]
            let code = if is_x86_feature_detected!("avx2")
                && is_x86_feature_detected!("avx512f")
                && is_x86_feature_detected!("avx512vl")
            {
                3
            } else if is_x86_feature_detected!("avx2") {
                2
            } else {
                1
            };
            #[cfg(not(target_arch = "x86_64"))]
            let code = 1;
            SUPPORTED.store(code, Ordering::Relaxed);
            code
        }
        c => c,
    };
    from_code(code)
}

fn from_code(code: u8) -> Level {
    match code {
        3 => Level::Avx512,
        2 => Level::Avx2,
        _ => Level::Baseline,
    }
}

/// 0 = the best supported, 1 = baseline only (see [`force_baseline`]).
static FORCED: AtomicU8 = AtomicU8::new(0);

/// The level the kernels run at: the best the CPU has, unless
/// [`force_baseline`] was called. One atomic load after the first call.
#[inline]
pub(crate) fn level() -> Level {
    if FORCED.load(Ordering::Relaxed) == 1 {
        Level::Baseline
    } else {
        supported()
    }
}

/// True when the kernels take an AVX2 (or better) path.
#[inline]
pub fn avx2() -> bool {
    level() >= Level::Avx2
}

/// Makes every kernel take the baseline path (`true`) or the best one the
/// CPU has (`false`). The results are identical either way; this exists so
/// tests and benchmarks can prove and measure that.
pub fn force_baseline(on: bool) {
    FORCED.store(u8::from(on), Ordering::Relaxed);
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
        let vs: [V; 4] = std::array::from_fn(|k| {
            let s: Vec<f32> = (0..8).map(|l| ((k * 8 + l) as f32).sin() * 1e3).collect();
            V::load(&s)
        });
        assert_eq!(V::sum4(vs).map(f32::to_bits), vs.map(|v| v.sum().to_bits()));
        for cols in 1..=8 {
            // SAFETY: `a` holds eight floats.
            let part = unsafe { V::load_part(a.as_ptr(), cols) }.to_array();
            assert_eq!(
                part,
                std::array::from_fn(|l| if l < cols { a[l] } else { 0.0 })
            );
        }
    }

    #[test]
    fn lanes_add_multiply_and_sum_in_order() {
        check::<F8>();
        #[cfg(target_arch = "x86_64")]
        if supported() >= Level::Avx2 {
            check::<F8Avx>();
        }
        #[cfg(target_arch = "x86_64")]
        if supported() >= Level::Avx512 {
            check::<F8Avx512>();
        }
    }
}
