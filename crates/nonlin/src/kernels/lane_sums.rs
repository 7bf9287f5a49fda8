//! Dot products and sums over eight fixed lanes: lane `l` takes the
//! elements at `j ≡ l (mod 8)` in order, the lanes are combined in the fixed
//! [`Lanes::sum`] order, then the elements past the last full vector are
//! added one at a time. The order is part of the engine's bits (∂weight and
//! the bias gradient of `linear.rs`, `tiled_weight.rs`).

use super::simd::Lanes;

const LANES: usize = 8;

/// Σ a·b on lanes `V`: lane `l` sums the products at `j ≡ l (mod 8)`, the
/// lanes are combined in the fixed [`Lanes::sum`] order, then the tail.
#[inline(always)]
pub(super) fn dot_with<V: Lanes>(a: &[f32], b: &[f32]) -> f32 {
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
pub(super) fn dot4_with<V: Lanes>(a: &[f32], bs: [&[f32]; 4]) -> [f32; 4] {
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
    let mut out = V::sum4([c0, c1, c2, c3]);
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
pub(super) fn sum_with<V: Lanes>(a: &[f32]) -> f32 {
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

/// `sums[r] = Σ rows[r·n .. (r+1)·n]` for every row, each in the order of
/// [`sum_with`]; four rows side by side so that their chains of additions
/// overlap (the bias gradient: one sum per output).
#[inline(always)]
pub(super) fn sum_rows_with<V: Lanes>(rows: &[f32], n: usize, sums: &mut [f32]) {
    let m = sums.len();
    let rows = &rows[..m * n];
    let full = n - n % LANES;
    let mut r = 0;
    while r + 4 <= m {
        let four: [&[f32]; 4] = [
            &rows[r * n..(r + 1) * n],
            &rows[(r + 1) * n..(r + 2) * n],
            &rows[(r + 2) * n..(r + 3) * n],
            &rows[(r + 3) * n..(r + 4) * n],
        ];
        let mut acc = [V::zero(); 4];
        let mut j = 0;
        while j < full {
            for (a, row) in acc.iter_mut().zip(&four) {
                *a = a.add(V::load(&row[j..j + LANES]));
            }
            j += LANES;
        }
        let lane_sums = V::sum4(acc);
        for ((sum, row), lanes) in sums[r..r + 4].iter_mut().zip(&four).zip(lane_sums) {
            let mut tail = 0.0;
            for &v in &row[full..] {
                tail += v;
            }
            *sum = lanes + tail;
        }
        r += 4;
    }
    for (k, sum) in sums.iter_mut().enumerate().skip(r) {
        *sum = sum_with::<V>(&rows[k * n..(k + 1) * n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::simd::F8;

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
    fn row_sums_have_the_single_sums_bits() {
        for (m, n) in [(1, 5), (4, 239), (7, 60), (9, 8), (5, 17)] {
            let rows: Vec<f32> = (0..m * n).map(|k| ((k * 37 % 101) as f32).sin()).collect();
            let mut sums = vec![0.0; m];
            sum_rows_with::<F8>(&rows, n, &mut sums);
            for (r, s) in sums.iter().enumerate() {
                assert_eq!(s.to_bits(), sum(&rows[r * n..(r + 1) * n]).to_bits());
            }
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
