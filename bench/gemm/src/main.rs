//! `gemm` (FMA, blocked, single-threaded) against nonlin's row kernels
//! (`nonlin::bench_internals`, separate multiply and add) for one layer's
//! forward, ∂weight and ∂input on a 4096-row feature-major block; best of
//! many runs, and the allocations `gemm` makes per call.

use gemm::{gemm, Parallelism};
use nonlin::bench_internals::{Backward, Forward};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
}
#[global_allocator]
static GLOBAL: Counting = Counting;

const N: usize = 4096;

/// Best time in µs of `f` over `reps` runs, after a warm-up.
fn best(reps: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut t = f64::INFINITY;
    for _ in 0..reps {
        let s = Instant::now();
        f();
        t = t.min(s.elapsed().as_secs_f64() * 1e6);
    }
    t
}

fn main() {
    let reps = 200;
    println!("layer     part       rows µs (GFLOP/s)   gemm µs (GFLOP/s)   gemm allocs/call");
    for (n_in, n_out) in [(12usize, 64usize), (64, 64), (64, 1), (20, 20)] {
        let val = |k: usize| ((k * 37 % 101) as f32 - 50.0) / 50.0;
        let w: Vec<f32> = (0..n_in * n_out).map(val).collect();
        let bias = vec![0.1f32; n_out];
        let x: Vec<f32> = (0..n_in * N).map(val).collect();
        let dy: Vec<f32> = (0..n_out * N).map(|k| val(k + 3)).collect();
        let (mut y, mut dx) = (vec![0.0f32; n_out * N], vec![0.0f32; n_in * N]);
        let (mut dw, mut db) = (vec![0.0f32; n_in * n_out], vec![0.0f32; n_out]);
        let flop = (2 * n_in * n_out * N) as f64;
        let rate = |us: f64| flop / us / 1e3;

        // Forward: Y[o,b] = bias[o] + Σ_i W[o,i]·X[i,b].
        let rows_f = best(reps, || {
            Forward { w: &w, bias: &bias, x: &x, y: &mut y, n_in, n_out, n: N }.apply()
        });
        let gemm_fwd = |y: &mut [f32]| {
            for o in 0..n_out {
                y[o * N..(o + 1) * N].fill(bias[o]);
            }
            // SAFETY: every pointer covers its matrix with these strides.
            unsafe {
                gemm(
                    n_out, N, n_in,
                    y.as_mut_ptr(), 1, N as isize, true,
                    w.as_ptr(), 1, n_in as isize,
                    x.as_ptr(), 1, N as isize,
                    1.0, 1.0, false, false, false, Parallelism::None,
                )
            }
        };
        let mut yg = vec![0.0f32; n_out * N];
        let gemm_f = best(reps, || gemm_fwd(&mut yg));
        let a0 = ALLOCS.load(Ordering::Relaxed);
        gemm_fwd(&mut yg);
        let allocs_f = ALLOCS.load(Ordering::Relaxed) - a0;
        let max_diff = y.iter().zip(&yg).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);

        // ∂W[o,i] = Σ_b dY[o,b]·X[i,b] (with ∂b), rows kernel without ∂input.
        let rows_w = best(reps, || {
            Backward { w: &w, x: &x, dy: &dy, dw: &mut dw, db: &mut db, dx: None, n_in, n_out, n: N }
                .apply()
        });
        let mut dwg = vec![0.0f32; n_in * n_out];
        let gemm_dw = |dwg: &mut [f32]| unsafe {
            gemm(
                n_out, n_in, N,
                dwg.as_mut_ptr(), 1, n_in as isize, false,
                dy.as_ptr(), 1, N as isize,
                x.as_ptr(), N as isize, 1,
                0.0, 1.0, false, false, false, Parallelism::None,
            )
        };
        let gemm_w = best(reps, || gemm_dw(&mut dwg));

        // ∂X[i,b] = Σ_o W[o,i]·dY[o,b]: the rows kernel's time is the whole
        // backward with ∂input minus the one without.
        let rows_wx = best(reps, || {
            Backward {
                w: &w, x: &x, dy: &dy, dw: &mut dw, db: &mut db, dx: Some(&mut dx), n_in, n_out, n: N,
            }
            .apply()
        });
        let rows_x = (rows_wx - rows_w).max(0.0);
        let mut dxg = vec![0.0f32; n_in * N];
        let gemm_dx = |dxg: &mut [f32]| unsafe {
            gemm(
                n_in, N, n_out,
                dxg.as_mut_ptr(), 1, N as isize, false,
                w.as_ptr(), n_in as isize, 1,
                dy.as_ptr(), 1, N as isize,
                0.0, 1.0, false, false, false, Parallelism::None,
            )
        };
        let gemm_x = best(reps, || gemm_dx(&mut dxg));
        let a0 = ALLOCS.load(Ordering::Relaxed);
        gemm_dw(&mut dwg);
        gemm_dx(&mut dxg);
        let allocs_b = ALLOCS.load(Ordering::Relaxed) - a0;

        let shape = format!("{n_in}x{n_out}");
        for (part, r, g, a) in [
            ("forward", rows_f, gemm_f, allocs_f),
            ("∂weight", rows_w, gemm_w, allocs_b),
            ("∂input", rows_x, gemm_x, allocs_b),
        ] {
            println!(
                "{shape:<9} {part:<9} {r:>8.1} ({:>5.1})      {g:>8.1} ({:>5.1})      {a}",
                rate(r),
                rate(g)
            );
        }
        println!("{shape:<9} forward max |rows − gemm| = {max_diff:e}");
    }
}
