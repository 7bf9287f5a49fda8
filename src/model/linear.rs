//! `nn.Linear` forward and backward over feature-major buffers
//! (`x[i·n + b]` is input feature `i` of batch row `b`). Every inner loop runs
//! over the contiguous batch dimension; reductions use eight fixed lanes so
//! they vectorize and stay bit-for-bit deterministic.

use super::simd::{self, Kernel, Lanes};
use super::tiled;
use std::ops::Range;

/// The two kernel families for a linear layer. Both sum every output in the
/// same order (same bits); which is faster depends on the shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// One output row (or one weight-gradient row) at a time: best for the
    /// tutorial's narrow layers.
    Rows,
    /// Register tiles of several outputs × eight batch rows
    /// ([`super::tiled`]): best for wide layers.
    Tiled,
}

/// The one place the kernel family is chosen for a layer shape. Measured
/// with `cargo bench --bench scale -- kernels` (4096-row calls, BENCHMARKS.md):
/// the row kernels win on every shape measured, from the tutorial's 12×5 to
/// 64×64 (they keep each output's weights in registers across the batch),
/// so tiles run only on request ([`Forward::apply_on`]) until a tile kernel
/// measures faster — except ∂input, which runs on tiles on both paths (the
/// 16-row tiles measured faster on every shape, same bits).
pub fn choose(n_in: usize, n_out: usize) -> Path {
    let _ = (n_in, n_out);
    Path::Rows
}

/// A kernel with the family it runs on.
struct On<K> {
    kernel: K,
    path: Path,
}

/// Forward pass of a linear layer: `y[o] = bias[o] + Σ_i W[o,i] · x[i]` for
/// each batch row; `W` is `[out, in]`.
pub struct Forward<'a> {
    pub w: &'a [f32],
    pub bias: &'a [f32],
    pub x: &'a [f32],
    pub y: &'a mut [f32],
    pub n_in: usize,
    pub n_out: usize,
    /// Batch rows.
    pub n: usize,
}

impl Forward<'_> {
    /// Runs on the best kernels this CPU has and the family [`choose`]
    /// picks for the shape (same bits on all of them).
    pub fn apply(self) {
        let path = choose(self.n_in, self.n_out);
        self.apply_on(path)
    }

    /// Runs on the given kernel family (for benchmarks and tests).
    pub fn apply_on(self, path: Path) {
        simd::dispatch(On { kernel: self, path })
    }
}

impl Kernel for On<Forward<'_>> {
    type Output = ();
    #[inline(always)]
    fn run<V: Lanes>(self) {
        let Forward {
            w,
            bias,
            x,
            y,
            n_in,
            n_out,
            n,
        } = self.kernel;
        match self.path {
            Path::Rows => forward_impl(w, bias, x, y, n_in, n_out, n),
            Path::Tiled => tiled::forward::<V>(w, bias, x, y, n_in, n_out, n),
        }
    }
}

#[inline(always)]
fn forward_impl(
    w: &[f32],
    bias: &[f32],
    x: &[f32],
    y: &mut [f32],
    n_in: usize,
    n_out: usize,
    n: usize,
) {
    let x = &x[..n_in * n];
    for o in 0..n_out {
        let yo = &mut y[o * n..(o + 1) * n];
        yo.fill(bias[o]);
        let wo = &w[o * n_in..(o + 1) * n_in];
        // Four inputs per pass over the output row: fewer loads/stores of `yo`.
        let mut i = 0;
        while i + 4 <= n_in {
            let (w0, w1, w2, w3) = (wo[i], wo[i + 1], wo[i + 2], wo[i + 3]);
            let x0 = &x[i * n..(i + 1) * n];
            let x1 = &x[(i + 1) * n..(i + 2) * n];
            let x2 = &x[(i + 2) * n..(i + 3) * n];
            let x3 = &x[(i + 3) * n..(i + 4) * n];
            for b in 0..n {
                yo[b] += (w0 * x0[b] + w1 * x1[b]) + (w2 * x2[b] + w3 * x3[b]);
            }
            i += 4;
        }
        while i < n_in {
            let wi = wo[i];
            for (yv, &xv) in yo.iter_mut().zip(&x[i * n..(i + 1) * n]) {
                *yv += wi * xv;
            }
            i += 1;
        }
    }
}

/// Gradients of a linear layer for the whole batch:
/// `dW[o,i] = Σ_b dy[o,b]·x[i,b]`, `db[o] = Σ_b dy[o,b]` (overwritten, not
/// accumulated) and, when `dx` is given, `dx[i,b] = Σ_o W[o,i]·dy[o,b]`.
pub struct Backward<'a> {
    pub w: &'a [f32],
    pub x: &'a [f32],
    pub dy: &'a [f32],
    pub dw: &'a mut [f32],
    pub db: &'a mut [f32],
    pub dx: Option<&'a mut [f32]>,
    pub n_in: usize,
    pub n_out: usize,
    /// Batch rows.
    pub n: usize,
}

impl Backward<'_> {
    /// Runs on the best kernels this CPU has and the family [`choose`]
    /// picks for the shape (same bits on all of them).
    pub fn apply(self) {
        let path = choose(self.n_in, self.n_out);
        self.apply_on(path)
    }

    /// Runs on the given kernel family (for benchmarks and tests).
    pub fn apply_on(self, path: Path) {
        simd::dispatch(On { kernel: self, path })
    }
}

impl Kernel for On<Backward<'_>> {
    type Output = ();
    #[inline(always)]
    fn run<V: Lanes>(self) {
        let Backward {
            w,
            x,
            dy,
            dw,
            db,
            dx,
            n_in,
            n_out,
            n,
        } = self.kernel;
        if self.path == Path::Tiled {
            for o in 0..n_out {
                db[o] = sum_with::<V>(&dy[o * n..(o + 1) * n]);
            }
            tiled::backward_weight::<V>(x, dy, dw, n_in, n_out, n);
            if let Some(dx) = dx {
                tiled::backward_input::<V>(w, dy, dx, n_in, n_out, n, 0..n_in);
            }
            return;
        }
        for o in 0..n_out {
            let dyo = &dy[o * n..(o + 1) * n];
            db[o] = sum_with::<V>(dyo);
            let dwo = &mut dw[o * n_in..(o + 1) * n_in];
            // Four inputs per pass over dy[o]: each dy value is loaded once for four dots.
            let mut i = 0;
            while i + 4 <= n_in {
                let d4 = dot4_with::<V>(
                    dyo,
                    [
                        &x[i * n..(i + 1) * n],
                        &x[(i + 1) * n..(i + 2) * n],
                        &x[(i + 2) * n..(i + 3) * n],
                        &x[(i + 3) * n..(i + 4) * n],
                    ],
                );
                dwo[i..i + 4].copy_from_slice(&d4);
                i += 4;
            }
            while i < n_in {
                dwo[i] = dot_with::<V>(dyo, &x[i * n..(i + 1) * n]);
                i += 1;
            }
        }
        // ∂input on register tiles for every shape: the same sums in the
        // same order as the plain loop, measured faster on every layer shape
        // (BENCHMARKS.md, "A million rows").
        if let Some(dx) = dx {
            tiled::backward_input::<V>(w, dy, dx, n_in, n_out, n, 0..n_in);
        }
    }
}

/// ∂input of a linear layer for the inputs `inputs` only:
/// `dx[(i − inputs.start)·n + b] = Σ_o W[o,i]·dy[o,b]`, the same sums in the
/// same order as [`Backward`]'s (so threads may split a layer's inputs).
pub struct InputGrad<'a> {
    pub w: &'a [f32],
    pub dy: &'a [f32],
    /// `inputs.len() · n` values.
    pub dx: &'a mut [f32],
    pub n_in: usize,
    pub n_out: usize,
    /// Batch rows.
    pub n: usize,
    pub inputs: Range<usize>,
}

impl InputGrad<'_> {
    /// Runs on the best kernels this CPU has (same bits on all of them).
    pub fn apply(self) {
        simd::dispatch(self)
    }
}

impl Kernel for InputGrad<'_> {
    type Output = ();
    #[inline(always)]
    fn run<V: Lanes>(self) {
        let InputGrad {
            w,
            dy,
            dx,
            n_in,
            n_out,
            n,
            inputs,
        } = self;
        tiled::backward_input::<V>(w, dy, dx, n_in, n_out, n, inputs)
    }
}

const LANES: usize = 8;

/// Σ a·b on lanes `V`: lane `l` sums the products at `j ≡ l (mod 8)`, the
/// lanes are combined in the fixed [`Lanes::sum`] order, then the tail.
#[inline(always)]
fn dot_with<V: Lanes>(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let full = n - n % LANES;
    let mut acc = V::zero();
    let mut j = 0;
    while j < full {
        acc = acc.mul_add(V::load(&a[j..]), V::load(&b[j..]));
        j += LANES;
    }
    let mut tail = 0.0;
    for t in full..n {
        tail += a[t] * b[t];
    }
    acc.sum() + tail
}

/// Four [`dot_with`]s sharing each load of `a`.
#[inline(always)]
fn dot4_with<V: Lanes>(a: &[f32], bs: [&[f32]; 4]) -> [f32; 4] {
    let n = a.len();
    let full = n - n % LANES;
    let (b0, b1, b2, b3) = (&bs[0][..n], &bs[1][..n], &bs[2][..n], &bs[3][..n]);
    let (mut c0, mut c1, mut c2, mut c3) = (V::zero(), V::zero(), V::zero(), V::zero());
    let mut j = 0;
    while j < full {
        let av = V::load(&a[j..]);
        c0 = c0.mul_add(av, V::load(&b0[j..]));
        c1 = c1.mul_add(av, V::load(&b1[j..]));
        c2 = c2.mul_add(av, V::load(&b2[j..]));
        c3 = c3.mul_add(av, V::load(&b3[j..]));
        j += LANES;
    }
    let mut out = [c0.sum(), c1.sum(), c2.sum(), c3.sum()];
    for (k, b) in [b0, b1, b2, b3].iter().enumerate() {
        let mut tail = 0.0;
        for t in full..n {
            tail += a[t] * b[t];
        }
        out[k] += tail;
    }
    out
}

/// Σ a on lanes `V`, in the same lane order as [`dot_with`].
#[inline(always)]
fn sum_with<V: Lanes>(a: &[f32]) -> f32 {
    let full = a.len() - a.len() % LANES;
    let mut acc = V::zero();
    let mut j = 0;
    while j < full {
        acc = acc.add(V::load(&a[j..]));
        j += LANES;
    }
    let mut tail = 0.0;
    for &v in &a[full..] {
        tail += v;
    }
    acc.sum() + tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::simd::F8;

    fn dot(a: &[f32], b: &[f32]) -> f32 {
        dot_with::<F8>(a, b)
    }

    fn dot4(a: &[f32], bs: [&[f32]; 4]) -> [f32; 4] {
        dot4_with::<F8>(a, bs)
    }

    fn sum(a: &[f32]) -> f32 {
        sum_with::<F8>(a)
    }

    #[test]
    fn forward_and_backward_match_a_hand_computation() {
        // 2 inputs, 2 outputs, batch of 3, feature-major.
        let w = [1.0, 2.0, -1.0, 0.5];
        let b = [0.1, -0.2];
        let x = [1.0, 2.0, 3.0, /* feature 1 */ -1.0, 0.0, 1.0];
        let mut y = [0.0; 6];
        Forward {
            w: &w,
            bias: &b,
            x: &x,
            y: &mut y,
            n_in: 2,
            n_out: 2,
            n: 3,
        }
        .apply();
        assert_eq!(y, [0.1 - 1.0, 2.1, 5.1, -0.2 - 1.5, -2.2, -2.7]);
        let dy = [1.0, 0.0, 1.0, 0.5, 0.5, 0.5];
        let (mut dw, mut db, mut dx) = ([0.0; 4], [0.0; 2], [0.0; 6]);
        Backward {
            w: &w,
            x: &x,
            dy: &dy,
            dw: &mut dw,
            db: &mut db,
            dx: Some(&mut dx),
            n_in: 2,
            n_out: 2,
            n: 3,
        }
        .apply();
        assert_eq!(db, [2.0, 1.5]);
        assert_eq!(dw, [4.0, 0.0, 3.0, 0.0]);
        assert_eq!(dx, [0.5, -0.5, 0.5, 2.25, 0.25, 2.25]);
    }

    /// Rows and tiles give the same bits on every shape (tails of the batch,
    /// of the four-input groups and of the output tiles), on both lane types.
    #[test]
    fn tiled_kernels_have_the_row_kernels_bits() {
        fn check<V: Lanes>() {
            for (n_in, n_out, n) in [
                (12, 64, 37),
                (64, 64, 64),
                (64, 1, 19),
                (5, 3, 8),
                (7, 9, 1),
                (13, 6, 45),
                (20, 20, 239),
                (6, 3, 33),
            ] {
                let val = |k: usize, m: usize| ((k * m % 97) as f32 - 48.0) / 13.0;
                let w: Vec<f32> = (0..n_in * n_out).map(|k| val(k, 31)).collect();
                let bias: Vec<f32> = (0..n_out).map(|k| val(k, 7)).collect();
                let x: Vec<f32> = (0..n_in * n).map(|k| val(k, 53)).collect();
                let dy: Vec<f32> = (0..n_out * n).map(|k| val(k, 17) / 9.0).collect();
                let run = |path: Path| {
                    let mut y = vec![0.0; n_out * n];
                    On {
                        kernel: Forward {
                            w: &w,
                            bias: &bias,
                            x: &x,
                            y: &mut y,
                            n_in,
                            n_out,
                            n,
                        },
                        path,
                    }
                    .run::<V>();
                    let (mut dw, mut db, mut dx) = (
                        vec![0.0; n_in * n_out],
                        vec![0.0; n_out],
                        vec![0.0; n_in * n],
                    );
                    On {
                        kernel: Backward {
                            w: &w,
                            x: &x,
                            dy: &dy,
                            dw: &mut dw,
                            db: &mut db,
                            dx: Some(&mut dx),
                            n_in,
                            n_out,
                            n,
                        },
                        path,
                    }
                    .run::<V>();
                    [y, dw, db, dx].map(|v| v.iter().map(|f| f.to_bits()).collect::<Vec<u32>>())
                };
                let rows = run(Path::Rows);
                assert_eq!(rows, run(Path::Tiled), "{n_in}x{n_out}, n = {n}");
                // ∂input's definition: 0, then + w·dy over the outputs in order.
                let mut dx = vec![0u32; n_in * n];
                for i in 0..n_in {
                    for b in 0..n {
                        let mut acc = 0.0f32;
                        for o in 0..n_out {
                            acc += w[o * n_in + i] * dy[o * n + b];
                        }
                        dx[i * n + b] = acc.to_bits();
                    }
                }
                assert_eq!(rows[3], dx, "∂input {n_in}x{n_out}, n = {n}");
            }
        }
        check::<F8>();
        #[cfg(target_arch = "x86_64")]
        if simd::avx2() {
            check::<simd::F8Avx>();
        }
    }

    #[test]
    fn dot_handles_tails() {
        let a: Vec<f32> = (0..19).map(|i| i as f32).collect();
        assert_eq!(dot(&a, &a), (0..19).map(|i| (i * i) as f32).sum::<f32>());
        assert_eq!(sum(&a), 171.0);
        let b: Vec<f32> = (0..19).map(|i| (i as f32).sin()).collect();
        let d4 = dot4(&b, [&a, &b, &a, &a]);
        assert_eq!(d4, [dot(&b, &a), dot(&b, &b), dot(&b, &a), dot(&b, &a)]);
    }

    /// The SIMD dot equals, bit for bit, the plain-array definition of its
    /// order (eight lanes, fixed pairwise lane sum, sequential tail) — what
    /// the portable fallback computes on other architectures.
    #[test]
    fn simd_dot_has_the_portable_bits() {
        let a: Vec<f32> = (0..239)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0)
            .collect();
        let b: Vec<f32> = (0..239)
            .map(|i| ((i * 53 % 97) as f32 - 48.0) / 3.0)
            .collect();
        let mut lanes = [0.0f32; 8];
        let full = 239 - 239 % 8;
        for j in (0..full).step_by(8) {
            for l in 0..8 {
                lanes[l] += a[j + l] * b[j + l];
            }
        }
        let mut tail = 0.0f32;
        for t in full..239 {
            tail += a[t] * b[t];
        }
        let c = lanes;
        let want = (((c[0] + c[1]) + (c[2] + c[3])) + ((c[4] + c[5]) + (c[6] + c[7]))) + tail;
        assert_eq!(dot(&a, &b).to_bits(), want.to_bits());
        let naive: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - naive).abs() < 1e-2 * naive.abs().max(1.0));
    }
}
