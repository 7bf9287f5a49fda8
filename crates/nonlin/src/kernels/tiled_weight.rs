//! Register-tiled ∂weight of a linear layer over feature-major buffers
//! (`x[i·n + b]`, `dy[o·n + b]`): `dw[o,i] = Σ_b dy[o,b]·x[i,b]`.
//!
//! Every weight is summed in the order of `linear::dot_with` (the row
//! kernels'): eight lanes over the batch (lane `l` sums the rows
//! `b ≡ l mod 8` in order), the fixed pairwise lane sum, then the rows past
//! the last full vector one at a time. The lane order is part of the bits,
//! so the vectors stay eight lanes wide on every level; what the tiles
//! change is the loop nest: `RO` outputs × `RI` inputs of lane sums stay in
//! registers over the whole batch, so each loaded `dy` vector serves `RI`
//! weights and each `x` vector `RO`.

use super::simd::Lanes;

const LANES: usize = 8;

/// Raw views of one ∂weight call; every tile stays inside the slices the
/// entry point checked.
#[derive(Clone, Copy)]
struct Dw {
    x: *const f32,
    dy: *const f32,
    dw: *mut f32,
    n_in: usize,
    n: usize,
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
    assert!(x.len() >= n_in * n && dy.len() >= n_out * n);
    assert!(dw.len() >= n_in * n_out);
    let d = Dw {
        x: x.as_ptr(),
        dy: dy.as_ptr(),
        dw: dw.as_mut_ptr(),
        n_in,
        n,
    };
    let mut o = 0;
    // SAFETY: every call covers outputs o..o + RO <= n_out and inputs
    // 0..n_in over rows 0..n, inside the lengths asserted above.
    unsafe {
        if V::REGISTERS >= 32 {
            while o + 4 <= n_out {
                weight_outputs::<V, 4, 4>(d, o);
                o += 4;
            }
            match n_out - o {
                3 => weight_outputs::<V, 3, 4>(d, o),
                2 => weight_outputs::<V, 2, 6>(d, o),
                1 => weight_outputs::<V, 1, 8>(d, o),
                _ => {}
            }
        } else {
            while o + 4 <= n_out {
                weight_outputs::<V, 4, 2>(d, o);
                o += 4;
            }
            match n_out - o {
                3 => weight_outputs::<V, 3, 2>(d, o),
                2 => weight_outputs::<V, 2, 3>(d, o),
                1 => weight_outputs::<V, 1, 4>(d, o),
                _ => {}
            }
        }
    }
}

/// Outputs `o..o + RO`, every input: tiles of `RI` inputs, then of four,
/// two and one.
///
/// # Safety
/// `o + RO <= n_out` of the checked call.
#[inline(always)]
unsafe fn weight_outputs<V: Lanes, const RO: usize, const RI: usize>(d: Dw, o: usize) {
    let mut i = 0;
    while i + RI <= d.n_in {
        weight_tile::<V, RO, RI>(d, o, i);
        i += RI;
    }
    while i + 4 <= d.n_in {
        weight_tile::<V, RO, 4>(d, o, i);
        i += 4;
    }
    while i + 2 <= d.n_in {
        weight_tile::<V, RO, 2>(d, o, i);
        i += 2;
    }
    if i < d.n_in {
        weight_tile::<V, RO, 1>(d, o, i);
    }
}

/// `dw[o..o + RO, i..i + RI]`: `RO·RI` lane sums in registers over the
/// batch, then each one's lane sum and sequential tail.
///
/// # Safety
/// As [`weight_outputs`], with `i + RI <= n_in`.
#[inline(always)]
unsafe fn weight_tile<V: Lanes, const RO: usize, const RI: usize>(d: Dw, o: usize, i: usize) {
    let n = d.n;
    let full = n - n % LANES;
    let mut dys = [d.dy; RO];
    for (r, p) in dys.iter_mut().enumerate() {
        *p = d.dy.add((o + r) * n);
    }
    let mut xs = [d.x; RI];
    for (c, p) in xs.iter_mut().enumerate() {
        *p = d.x.add((i + c) * n);
    }
    let mut acc = [[V::zero(); RI]; RO];
    let mut b = 0;
    while b < full {
        let mut xv = [V::zero(); RI];
        for (v, p) in xv.iter_mut().zip(&xs) {
            *v = V::load_ptr(p.add(b));
        }
        for (acc, dyr) in acc.iter_mut().zip(&dys) {
            let g = V::load_ptr(dyr.add(b));
            for (a, &xv) in acc.iter_mut().zip(&xv) {
                *a = a.add(g.mul(xv));
            }
        }
        b += LANES;
    }
    // The lane sums, four vectors at a time where the lanes can.
    let mut sums = [[0.0f32; RI]; RO];
    let at = |k: usize| (k / RI, k % RI);
    let mut k = 0;
    while k + 4 <= RO * RI {
        let mut four = [V::zero(); 4];
        for (j, v) in four.iter_mut().enumerate() {
            let (r, c) = at(k + j);
            *v = acc[r][c];
        }
        let s = V::sum4(four);
        for (j, s) in s.into_iter().enumerate() {
            let (r, c) = at(k + j);
            sums[r][c] = s;
        }
        k += 4;
    }
    for k in k..RO * RI {
        let (r, c) = at(k);
        sums[r][c] = acc[r][c].sum();
    }
    // The tails (each one sequential over its rows), all RO·RI of them
    // side by side so that their dependency chains overlap.
    let mut tails = [[0.0f32; RI]; RO];
    for t in full..n {
        let mut xt = [0.0f32; RI];
        for (v, p) in xt.iter_mut().zip(&xs) {
            *v = *p.add(t);
        }
        for (tails, dyr) in tails.iter_mut().zip(&dys) {
            let g = *dyr.add(t);
            for (tail, &xv) in tails.iter_mut().zip(&xt) {
                *tail += g * xv;
            }
        }
    }
    for (r, (sums, tails)) in sums.into_iter().zip(tails).enumerate() {
        for (c, (sum, tail)) in sums.into_iter().zip(tails).enumerate() {
            *d.dw.add((o + r) * d.n_in + i + c) = sum + tail;
        }
    }
}
