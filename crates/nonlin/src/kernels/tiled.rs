//! Register-tiled linear kernels: forward and ∂input, over the same
//! feature-major buffers as [`super::linear`] (`x[i·n + b]`); ∂weight is in
//! [`super::tiled_weight`].
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
//! What changes is the loop nest. The batch is cut into column blocks of
//! `C` vectors (eight rows each); inside a block, tiles of `R` outputs (or
//! inputs, for ∂input) × `C` vectors stay in registers for the whole
//! reduction, so each broadcast weight is used `C` times and each loaded
//! vector `R` times, and the block's inputs stay in L1 while every tile of
//! outputs reads them. The last `n mod 8` rows run as one zero-padded vector
//! whose padding lanes are discarded (every lane of forward and ∂input is
//! its own sum, so the padding changes no bits).

use super::simd::Lanes;
use std::ops::Range;

const LANES: usize = 8;

/// Vectors of batch rows a tile holds for `V`'s register file.
const fn columns<V: Lanes>() -> usize {
    if V::REGISTERS >= 32 {
        3
    } else {
        2
    }
}

/// Vector `c` of a tile's `C` vectors of rows starting at `row`: eight
/// rows, or the first `cols` (zero-padded) when it is the last vector of a
/// partial tile.
///
/// # Safety
/// The rows read must be inside the buffer.
#[inline(always)]
unsafe fn load_vector<V: Lanes, const C: usize, const FULL: bool>(
    row: *const f32,
    c: usize,
    cols: usize,
) -> V {
    let p = row.add(c * LANES);
    if FULL || c + 1 < C {
        V::load_ptr(p)
    } else {
        V::load_part(p, cols)
    }
}

/// Stores vector `c` of a tile (see [`load_vector`]).
///
/// # Safety
/// The rows written must be inside the buffer.
#[inline(always)]
unsafe fn store_vector<V: Lanes, const C: usize, const FULL: bool>(
    v: V,
    row: *mut f32,
    c: usize,
    cols: usize,
) {
    let p = row.add(c * LANES);
    if FULL || c + 1 < C {
        v.store_ptr(p)
    } else {
        let mut buf = [0.0f32; LANES];
        v.store(&mut buf);
        for (k, &b) in buf.iter().enumerate().take(cols) {
            *p.add(k) = b;
        }
    }
}

/// Raw views of one forward call; every tile stays inside the slices the
/// entry point checked.
#[derive(Clone, Copy)]
struct Fwd {
    w: *const f32,
    bias: *const f32,
    x: *const f32,
    y: *mut f32,
    n_in: usize,
    n: usize,
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
    assert!(w.len() >= n_in * n_out && bias.len() >= n_out);
    assert!(x.len() >= n_in * n && y.len() >= n_out * n);
    let f = Fwd {
        w: w.as_ptr(),
        bias: bias.as_ptr(),
        x: x.as_ptr(),
        y: y.as_mut_ptr(),
        n_in,
        n,
    };
    let c = columns::<V>();
    let mut b = 0;
    // SAFETY: each call below covers outputs 0..n_out and rows b..b + cols
    // with b + cols <= n, inside the lengths asserted above.
    unsafe {
        if c == 3 {
            while b + 3 * LANES <= n {
                forward_outputs::<V, 3, true>(f, n_out, b, LANES);
                b += 3 * LANES;
            }
        }
        while b + 2 * LANES <= n {
            forward_outputs::<V, 2, true>(f, n_out, b, LANES);
            b += 2 * LANES;
        }
        while b + LANES <= n {
            forward_outputs::<V, 1, true>(f, n_out, b, LANES);
            b += LANES;
        }
        if b < n {
            forward_outputs::<V, 1, false>(f, n_out, b, n - b);
        }
    }
}

/// Every output for the rows `b..` of one column block: tiles of four
/// outputs, then one tile of the remaining one to three.
///
/// # Safety
/// Rows `b..b + (C − 1)·8 + cols` and outputs `0..n_out` are inside `f`.
#[inline(always)]
unsafe fn forward_outputs<V: Lanes, const C: usize, const FULL: bool>(
    f: Fwd,
    n_out: usize,
    b: usize,
    cols: usize,
) {
    let mut o = 0;
    while o + 4 <= n_out {
        forward_tile::<V, 4, C, FULL>(f, o, b, cols);
        o += 4;
    }
    match n_out - o {
        3 => forward_tile::<V, 3, C, FULL>(f, o, b, cols),
        2 => forward_tile::<V, 2, C, FULL>(f, o, b, cols),
        1 => forward_tile::<V, 1, C, FULL>(f, o, b, cols),
        _ => {}
    }
}

/// Outputs `o..o + R` × rows `b..` (`C` vectors, the last holding `cols`
/// rows): the forward order, all `R·C` sums in registers.
///
/// # Safety
/// As [`forward_outputs`], with `o + R <= n_out`.
#[inline(always)]
unsafe fn forward_tile<V: Lanes, const R: usize, const C: usize, const FULL: bool>(
    f: Fwd,
    o: usize,
    b: usize,
    cols: usize,
) {
    let (n, n_in) = (f.n, f.n_in);
    let xb = f.x.add(b);
    let wo = f.w.add(o * n_in);
    let mut acc = [[V::zero(); C]; R];
    for (r, acc) in acc.iter_mut().enumerate() {
        *acc = [V::splat(*f.bias.add(o + r)); C];
    }
    let groups = n_in - n_in % 4;
    let mut i = 0;
    while i < groups {
        let mut xs = [[V::zero(); 4]; C];
        for (c, xs) in xs.iter_mut().enumerate() {
            for (k, x) in xs.iter_mut().enumerate() {
                *x = load_vector::<V, C, FULL>(xb.add((i + k) * n), c, cols);
            }
        }
        for (r, acc) in acc.iter_mut().enumerate() {
            let wr = wo.add(r * n_in + i);
            let (w0, w1) = (V::splat(*wr), V::splat(*wr.add(1)));
            let (w2, w3) = (V::splat(*wr.add(2)), V::splat(*wr.add(3)));
            for (a, x) in acc.iter_mut().zip(&xs) {
                let lo = w0.mul(x[0]).add(w1.mul(x[1]));
                let hi = w2.mul(x[2]).add(w3.mul(x[3]));
                *a = a.add(lo.add(hi));
            }
        }
        i += 4;
    }
    while i < n_in {
        let mut xs = [V::zero(); C];
        for (c, x) in xs.iter_mut().enumerate() {
            *x = load_vector::<V, C, FULL>(xb.add(i * n), c, cols);
        }
        for (r, acc) in acc.iter_mut().enumerate() {
            let wi = V::splat(*wo.add(r * n_in + i));
            for (a, &x) in acc.iter_mut().zip(&xs) {
                *a = a.add(wi.mul(x));
            }
        }
        i += 1;
    }
    for (r, acc) in acc.into_iter().enumerate() {
        let yr = f.y.add((o + r) * n + b);
        for (c, a) in acc.into_iter().enumerate() {
            store_vector::<V, C, FULL>(a, yr, c, cols);
        }
    }
}

/// Raw views of one ∂input call.
#[derive(Clone, Copy)]
struct Din {
    w: *const f32,
    dy: *const f32,
    dx: *mut f32,
    n_in: usize,
    n_out: usize,
    n: usize,
    /// The first input computed: row `i − first` of `dx` holds input `i`.
    first: usize,
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
    inputs: Range<usize>,
) {
    assert!(inputs.start <= inputs.end && inputs.end <= n_in);
    assert!(w.len() >= n_in * n_out && dy.len() >= n_out * n);
    assert!(dx.len() >= inputs.len() * n);
    let d = Din {
        w: w.as_ptr(),
        dy: dy.as_ptr(),
        dx: dx.as_mut_ptr(),
        n_in,
        n_out,
        n,
        first: inputs.start,
    };
    // SAFETY: every sweep covers a sub-range of `inputs`, checked above.
    unsafe {
        if n_out <= STREAM_MAX_OUTPUTS && n >= STREAM_MIN_ROWS {
            // Few outputs: dy's block is small and the writes dominate, so
            // sweep the batch for four inputs at a time (four write streams).
            let mut i = inputs.start;
            while i < inputs.end {
                let end = (i + 4).min(inputs.end);
                input_sweep::<V>(d, i..end);
                i = end;
            }
        } else {
            input_sweep::<V>(d, inputs);
        }
    }
}

/// Outputs up to which, from [`STREAM_MIN_ROWS`] rows, [`backward_input`]
/// sweeps the batch per four inputs rather than per column block (measured:
/// the 64×1 layer at 4096 rows, 68 → 18 µs).
const STREAM_MAX_OUTPUTS: usize = 4;

/// See [`STREAM_MAX_OUTPUTS`].
const STREAM_MIN_ROWS: usize = 1024;

/// [`backward_input`] for `inputs`, column block by column block.
///
/// # Safety
/// `inputs` and rows `0..n` are inside the buffers of `d`.
#[inline(always)]
unsafe fn input_sweep<V: Lanes>(d: Din, inputs: Range<usize>) {
    let n = d.n;
    let c = columns::<V>();
    let mut b = 0;
    // SAFETY: each call covers the inputs `inputs` and rows b..b + cols
    // with b + cols <= n, inside `d` (the caller's contract).
    unsafe {
        if c == 3 {
            while b + 3 * LANES <= n {
                input_block::<V, 3, true>(d, &inputs, b, LANES);
                b += 3 * LANES;
            }
        }
        while b + 2 * LANES <= n {
            input_block::<V, 2, true>(d, &inputs, b, LANES);
            b += 2 * LANES;
        }
        while b + LANES <= n {
            input_block::<V, 1, true>(d, &inputs, b, LANES);
            b += LANES;
        }
        if b < n {
            input_block::<V, 1, false>(d, &inputs, b, n - b);
        }
    }
}

/// Every input of `inputs` for the rows `b..` of one column block: tiles of
/// four inputs, then one of the remaining one to three.
///
/// # Safety
/// Rows `b..b + (C − 1)·8 + cols` and `inputs` are inside `d`.
#[inline(always)]
unsafe fn input_block<V: Lanes, const C: usize, const FULL: bool>(
    d: Din,
    inputs: &Range<usize>,
    b: usize,
    cols: usize,
) {
    let mut i = inputs.start;
    while i + 4 <= inputs.end {
        input_tile::<V, 4, C, FULL>(d, i, b, cols);
        i += 4;
    }
    match inputs.end - i {
        3 => input_tile::<V, 3, C, FULL>(d, i, b, cols),
        2 => input_tile::<V, 2, C, FULL>(d, i, b, cols),
        1 => input_tile::<V, 1, C, FULL>(d, i, b, cols),
        _ => {}
    }
}

/// Inputs `i..i + R` × rows `b..` (`C` vectors): `0`, then `+ w·dy` over
/// the outputs in order, all `R·C` sums in registers.
///
/// # Safety
/// As [`input_block`], with `i + R <= inputs.end`.
#[inline(always)]
unsafe fn input_tile<V: Lanes, const R: usize, const C: usize, const FULL: bool>(
    d: Din,
    i: usize,
    b: usize,
    cols: usize,
) {
    let n = d.n;
    let dyb = d.dy.add(b);
    let wi = d.w.add(i);
    let mut acc = [[V::zero(); C]; R];
    for o in 0..d.n_out {
        let mut g = [V::zero(); C];
        for (c, g) in g.iter_mut().enumerate() {
            *g = load_vector::<V, C, FULL>(dyb.add(o * n), c, cols);
        }
        let wo = wi.add(o * d.n_in);
        for (r, acc) in acc.iter_mut().enumerate() {
            let wr = V::splat(*wo.add(r));
            for (a, &g) in acc.iter_mut().zip(&g) {
                *a = a.add(wr.mul(g));
            }
        }
    }
    for (r, acc) in acc.into_iter().enumerate() {
        let dxr = d.dx.add((i - d.first + r) * n + b);
        for (c, a) in acc.into_iter().enumerate() {
            store_vector::<V, C, FULL>(a, dxr, c, cols);
        }
    }
}
