//! Register-tiled linear kernels for wide layers, over the same
//! feature-major buffers as [`super::linear`] (`x[i·n + b]`).
//!
//! Each output element is summed in exactly the order of the row kernels in
//! `linear.rs`, so both families give the same bits and the choice between
//! them (`linear::choose`) is a matter of speed only:
//! - forward: `bias`, then `((w0·x0 + w1·x1) + (w2·x2 + w3·x3))` per group of
//!   four inputs, then the remaining inputs one at a time;
//! - ∂input: `0`, then `+ w·dy` over the outputs in order;
//! - ∂weight: eight lanes over the batch, the fixed pairwise lane sum, then
//!   the sequential tail (`linear::dot_with`).
//!
//! What changes is the loop nest: a tile of several outputs × eight batch
//! columns stays in registers for the whole reduction, so a wide layer reads
//! each input value once per tile instead of once per output row.

use super::simd::Lanes;

const LANES: usize = 8;

#[inline(always)]
fn splat<V: Lanes>(v: f32) -> V {
    V::load(&[v; LANES])
}

/// Forward: `y[o,b] = bias[o] + Σ_i w[o,i]·x[i,b]`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) fn forward<V: Lanes>(
    w: &[f32],
    bias: &[f32],
    x: &[f32],
    y: &mut [f32],
    n_in: usize,
    n_out: usize,
    n: usize,
) {
    let mut o = 0;
    while o + 4 <= n_out {
        forward_rows::<V, 4>(w, bias, x, y, n_in, n, o);
        o += 4;
    }
    while o < n_out {
        forward_rows::<V, 1>(w, bias, x, y, n_in, n, o);
        o += 1;
    }
}

/// Outputs `o..o+R` of [`forward`], eight batch columns at a time.
#[inline(always)]
fn forward_rows<V: Lanes, const R: usize>(
    w: &[f32],
    bias: &[f32],
    x: &[f32],
    y: &mut [f32],
    n_in: usize,
    n: usize,
    o: usize,
) {
    let full = n - n % LANES;
    let groups = n_in - n_in % 4;
    let wr: [&[f32]; R] = std::array::from_fn(|r| &w[(o + r) * n_in..(o + r + 1) * n_in]);
    let mut b = 0;
    while b < full {
        let mut acc: [V; R] = std::array::from_fn(|r| splat(bias[o + r]));
        let mut i = 0;
        while i < groups {
            let x0 = V::load(&x[i * n + b..]);
            let x1 = V::load(&x[(i + 1) * n + b..]);
            let x2 = V::load(&x[(i + 2) * n + b..]);
            let x3 = V::load(&x[(i + 3) * n + b..]);
            for r in 0..R {
                let wv = &wr[r][i..i + 4];
                let lo = splat::<V>(wv[0]).mul(x0).add(splat::<V>(wv[1]).mul(x1));
                let hi = splat::<V>(wv[2]).mul(x2).add(splat::<V>(wv[3]).mul(x3));
                acc[r] = acc[r].add(lo.add(hi));
            }
            i += 4;
        }
        while i < n_in {
            let xi = V::load(&x[i * n + b..]);
            for r in 0..R {
                acc[r] = acc[r].add(splat::<V>(wr[r][i]).mul(xi));
            }
            i += 1;
        }
        for (r, a) in acc.into_iter().enumerate() {
            a.store(&mut y[(o + r) * n + b..]);
        }
        b += LANES;
    }
    for b in full..n {
        for r in 0..R {
            let wv = wr[r];
            let mut acc = bias[o + r];
            let mut i = 0;
            while i < groups {
                acc += (wv[i] * x[i * n + b] + wv[i + 1] * x[(i + 1) * n + b])
                    + (wv[i + 2] * x[(i + 2) * n + b] + wv[i + 3] * x[(i + 3) * n + b]);
                i += 4;
            }
            while i < n_in {
                acc += wv[i] * x[i * n + b];
                i += 1;
            }
            y[(o + r) * n + b] = acc;
        }
    }
}

/// ∂input: `dx[i − inputs.start, b] = Σ_o w[o,i]·dy[o,b]` for the inputs
/// `inputs` (all of them: `0..n_in`).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) fn backward_input<V: Lanes>(
    w: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    n_in: usize,
    n_out: usize,
    n: usize,
    inputs: std::ops::Range<usize>,
) {
    let first = inputs.start;
    let mut i = first;
    while i + 4 <= inputs.end {
        input_rows::<V, 4>(w, dy, dx, n_in, n_out, n, i, first);
        i += 4;
    }
    while i < inputs.end {
        input_rows::<V, 1>(w, dy, dx, n_in, n_out, n, i, first);
        i += 1;
    }
}

/// Inputs `i..i+R` of [`backward_input`]: tiles of `R` inputs × 16 rows
/// (`2R` independent sums in registers), then of `R` × 8, then the tail.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn input_rows<V: Lanes, const R: usize>(
    w: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    n_in: usize,
    n_out: usize,
    n: usize,
    i: usize,
    first: usize,
) {
    let k = i - first;
    let full = n - n % LANES;
    let mut b = 0;
    while b + 2 * LANES <= full {
        let (mut lo, mut hi) = ([V::zero(); R], [V::zero(); R]);
        for o in 0..n_out {
            let g = &dy[o * n + b..o * n + b + 2 * LANES];
            let (g0, g1) = (V::load(&g[..LANES]), V::load(&g[LANES..]));
            let wo = &w[o * n_in + i..o * n_in + i + R];
            for r in 0..R {
                let wr = splat::<V>(wo[r]);
                lo[r] = lo[r].add(wr.mul(g0));
                hi[r] = hi[r].add(wr.mul(g1));
            }
        }
        for r in 0..R {
            let d = &mut dx[(k + r) * n + b..(k + r) * n + b + 2 * LANES];
            lo[r].store(&mut d[..LANES]);
            hi[r].store(&mut d[LANES..]);
        }
        b += 2 * LANES;
    }
    while b < full {
        let mut acc = [V::zero(); R];
        for o in 0..n_out {
            let g = V::load(&dy[o * n + b..]);
            let wo = &w[o * n_in + i..o * n_in + i + R];
            for r in 0..R {
                acc[r] = acc[r].add(splat::<V>(wo[r]).mul(g));
            }
        }
        for (r, a) in acc.into_iter().enumerate() {
            a.store(&mut dx[(k + r) * n + b..]);
        }
        b += LANES;
    }
    for b in full..n {
        for r in 0..R {
            let mut acc = 0.0f32;
            for o in 0..n_out {
                acc += w[o * n_in + i + r] * dy[o * n + b];
            }
            dx[(k + r) * n + b] = acc;
        }
    }
}

/// ∂weight: `dw[o,i] = Σ_b dy[o,b]·x[i,b]`, overwriting `dw`.
#[inline(always)]
pub(super) fn backward_weight<V: Lanes>(
    x: &[f32],
    dy: &[f32],
    dw: &mut [f32],
    n_in: usize,
    n_out: usize,
    n: usize,
) {
    let mut o = 0;
    while o + 4 <= n_out {
        let mut i = 0;
        while i + 2 <= n_in {
            weight_tile::<V, 4, 2>(x, dy, dw, n_in, n, o, i);
            i += 2;
        }
        while i < n_in {
            weight_tile::<V, 4, 1>(x, dy, dw, n_in, n, o, i);
            i += 1;
        }
        o += 4;
    }
    while o < n_out {
        let mut i = 0;
        while i + 2 <= n_in {
            weight_tile::<V, 1, 2>(x, dy, dw, n_in, n, o, i);
            i += 2;
        }
        while i < n_in {
            weight_tile::<V, 1, 1>(x, dy, dw, n_in, n, o, i);
            i += 1;
        }
        o += 1;
    }
}

/// `dw[o..o+RO, i..i+RI]` of [`backward_weight`]: RO·RI lane accumulators.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn weight_tile<V: Lanes, const RO: usize, const RI: usize>(
    x: &[f32],
    dy: &[f32],
    dw: &mut [f32],
    n_in: usize,
    n: usize,
    o: usize,
    i: usize,
) {
    let full = n - n % LANES;
    let dys: [&[f32]; RO] = std::array::from_fn(|r| &dy[(o + r) * n..(o + r + 1) * n]);
    let xs: [&[f32]; RI] = std::array::from_fn(|c| &x[(i + c) * n..(i + c + 1) * n]);
    let mut acc = [[V::zero(); RI]; RO];
    let mut b = 0;
    while b < full {
        let xv: [V; RI] = std::array::from_fn(|c| V::load(&xs[c][b..]));
        for r in 0..RO {
            let g = V::load(&dys[r][b..]);
            for c in 0..RI {
                acc[r][c] = acc[r][c].add(g.mul(xv[c]));
            }
        }
        b += LANES;
    }
    for r in 0..RO {
        for c in 0..RI {
            let mut tail = 0.0f32;
            for t in full..n {
                tail += dys[r][t] * xs[c][t];
            }
            dw[(o + r) * n_in + i + c] = acc[r][c].sum() + tail;
        }
    }
}
