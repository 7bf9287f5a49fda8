//! `nn.Linear` forward and backward over feature-major buffers
//! (`x[i·n + b]` is input feature `i` of batch row `b`). Every inner loop runs
//! over the contiguous batch dimension; reductions use eight fixed lanes so
//! they vectorize and stay bit-for-bit deterministic.

use super::lane_sums::{dot4_with, dot_with, sum_rows_with, sum_with};
use super::simd::{self, Kernel, Lanes};
use super::{tiled, tiled_weight};
use std::ops::Range;

/// The two kernel families for a linear layer. Both sum every output in the
/// same order (same bits); which is faster depends on the shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// One output row (or one weight-gradient row) at a time, plain loops
    /// the compiler vectorizes: best for single-output layers.
    Rows,
    /// Register tiles of several outputs × several vectors of batch rows
    /// (`kernels::tiled`, `kernels::tiled_weight`): best from two outputs up.
    Tiled,
}

/// The family for each pass of one layer call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Choice {
    /// [`Forward`].
    pub forward: Path,
    /// ∂weight and bias in [`Backward`] (∂input always runs on tiles: they
    /// measured faster on every shape).
    pub weight: Path,
}

/// The one place the kernel family is chosen for a layer call of `n_in`
/// inputs, `n_out` outputs and `n` batch rows. Measured with
/// `cargo bench --bench scale -- kernels` (BENCHMARKS.md, "Kernels, second
/// pass"): the tiles win from two outputs up, on the tutorial's 239 and 60
/// rows as on 256- and 4096-row blocks, except the forward pass of a narrow
/// input at thousands of rows (12×64 at 4096 rows: rows 155 µs, tiles
/// 184 µs); a single output (`…×1`) runs as fast or faster on the row
/// kernels.
pub(crate) fn choose(n_in: usize, n_out: usize, n: usize) -> Choice {
    let forward = if n_out >= 2 && (n_in >= 32 || n < 1024) {
        Path::Tiled
    } else {
        Path::Rows
    };
    let weight = if n_out >= 2 { Path::Tiled } else { Path::Rows };
    Choice { forward, weight }
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
        let path = choose(self.n_in, self.n_out, self.n).forward;
        self.apply_on(path)
    }

    /// Runs on the given kernel family (for benchmarks and tests).
    pub fn apply_on(self, path: Path) {
        simd::dispatch_wide(On { kernel: self, path })
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
        let path = choose(self.n_in, self.n_out, self.n).weight;
        self.apply_on(path)
    }

    /// Runs on the given kernel family (for benchmarks and tests).
    pub fn apply_on(self, path: Path) {
        simd::dispatch_wide(On { kernel: self, path })
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
            sum_rows_with::<V>(dy, n, &mut db[..n_out]);
            tiled_weight::backward_weight::<V>(x, dy, dw, n_in, n_out, n);
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

/// ∂input of a linear layer alone, for the inputs `inputs`:
/// `dx[(i − inputs.start)·n + b] = Σ_o W[o,i]·dy[o,b]`, the same sums in the
/// same order as [`Backward`]'s. Training runs ∂input inside [`Backward`];
/// this exists so the kernels benchmark can time the pass by itself.
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
        simd::dispatch_wide(self)
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

#[cfg(test)]
mod tests {
    use super::*;

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

    /// Shapes `(n_in, n_out, n)` for the bit tests: the tails of the batch
    /// (column blocks of 24, 16 and 8 rows, then a padded vector), of the
    /// four-input groups, of the output and input tiles (1 to 3 left over,
    /// ∂weight's 4, 6 and 8 inputs), and the tutorial's and wide layers.
    pub(crate) const BIT_SHAPES: [(usize, usize, usize); 18] = [
        (12, 64, 37),
        (64, 64, 64),
        (64, 1, 19),
        (5, 3, 8),
        (7, 9, 1),
        (13, 6, 45),
        (20, 20, 239),
        (6, 3, 33),
        (12, 5, 239),
        (5, 1, 60),
        (12, 20, 60),
        (20, 1, 239),
        (3, 7, 41),
        (9, 2, 23),
        (10, 6, 50),
        (17, 11, 97),
        (1, 1, 3),
        (64, 64, 300),
    ];

    /// Rows and tiles give the same bits on every shape, on every
    /// instruction-set level this CPU has (the baseline's bits).
    #[test]
    fn tiled_kernels_have_the_row_kernels_bits() {
        use simd::Level;
        for (n_in, n_out, n) in BIT_SHAPES {
            let val = |k: usize, m: usize| ((k * m % 97) as f32 - 48.0) / 13.0;
            let w: Vec<f32> = (0..n_in * n_out).map(|k| val(k, 31)).collect();
            let bias: Vec<f32> = (0..n_out).map(|k| val(k, 7)).collect();
            let x: Vec<f32> = (0..n_in * n).map(|k| val(k, 53)).collect();
            let dy: Vec<f32> = (0..n_out * n).map(|k| val(k, 17) / 9.0).collect();
            let run = |level: Level, path: Path| {
                let mut y = vec![0.0; n_out * n];
                let kernel = Forward {
                    w: &w,
                    bias: &bias,
                    x: &x,
                    y: &mut y,
                    n_in,
                    n_out,
                    n,
                };
                simd::dispatch_at(level, On { kernel, path }).ok()?;
                let (mut dw, mut db) = (vec![0.0; n_in * n_out], vec![0.0; n_out]);
                let mut dx = vec![0.0; n_in * n];
                let kernel = Backward {
                    w: &w,
                    x: &x,
                    dy: &dy,
                    dw: &mut dw,
                    db: &mut db,
                    dx: Some(&mut dx),
                    n_in,
                    n_out,
                    n,
                };
                simd::dispatch_at(level, On { kernel, path }).ok()?;
                Some([y, dw, db, dx].map(|v| v.iter().map(|f| f.to_bits()).collect::<Vec<u32>>()))
            };
            let rows = run(Level::Baseline, Path::Rows).unwrap();
            for level in [Level::Baseline, Level::Avx2, Level::Avx512] {
                for path in [Path::Rows, Path::Tiled] {
                    if let Some(got) = run(level, path) {
                        assert_eq!(rows, got, "{n_in}x{n_out}, n = {n}, {level:?}, {path:?}");
                    }
                }
            }
            // The definitions: forward = bias, then groups of four inputs
            // ((w0·x0 + w1·x1) + (w2·x2 + w3·x3)), then single inputs;
            // ∂input = 0, then + w·dy over the outputs in order.
            let (mut y, mut dx) = (vec![0u32; n_out * n], vec![0u32; n_in * n]);
            for b in 0..n {
                for o in 0..n_out {
                    let (wo, xb) = (&w[o * n_in..], |i: usize| x[i * n + b]);
                    let mut acc = bias[o];
                    let mut i = 0;
                    while i + 4 <= n_in {
                        acc += (wo[i] * xb(i) + wo[i + 1] * xb(i + 1))
                            + (wo[i + 2] * xb(i + 2) + wo[i + 3] * xb(i + 3));
                        i += 4;
                    }
                    for (k, &wk) in wo[..n_in].iter().enumerate().skip(i) {
                        acc += wk * xb(k);
                    }
                    y[o * n + b] = acc.to_bits();
                }
                for i in 0..n_in {
                    let mut acc = 0.0f32;
                    for o in 0..n_out {
                        acc += w[o * n_in + i] * dy[o * n + b];
                    }
                    dx[i * n + b] = acc.to_bits();
                }
            }
            assert_eq!(rows[0], y, "forward {n_in}x{n_out}, n = {n}");
            assert_eq!(rows[3], dx, "∂input {n_in}x{n_out}, n = {n}");
        }
    }
}
