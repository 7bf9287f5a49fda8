//! A persistent fork–join pool for the kernels: `threads − 1` worker threads
//! started once (per [`crate::train::Trainer`]), then reused for every
//! phase of every step. [`Pool::run`] hands one closure to every thread
//! (the caller is thread 0) and returns when all are done; nothing is
//! allocated per call and no task is spawned.
//!
//! Idle workers spin on a generation counter for [`SPIN`] (phases of one
//! step follow each other within microseconds), then park until the next
//! call unparks them, so a pool between runs costs no CPU.

use std::cell::UnsafeCell;
use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long an idle worker spins before it parks.
const SPIN: Duration = Duration::from_micros(200);

/// The most threads a pool takes (a sanity bound on the setting).
pub const MAX_THREADS: usize = 64;

/// A job as the workers see it: a borrowed closure with its lifetime erased.
/// It is only dereferenced between its publication and the caller's wait
/// for every worker in [`Pool::run`], while the borrow is alive.
type JobPtr = *const (dyn Fn(usize) + Sync + 'static);

struct Shared {
    /// Bumped once per [`Pool::run`]; workers run the job of each new value.
    generation: AtomicUsize,
    /// Workers done with the current generation.
    done: AtomicUsize,
    /// Set when a worker's part of the job panicked.
    panicked: AtomicBool,
    /// Workers that entered their loop.
    started: AtomicUsize,
    stop: AtomicBool,
    job: UnsafeCell<Option<JobPtr>>,
}

// SAFETY: `job` is written only by the pool's owner before it bumps
// `generation` (release) and read by workers after they observe the new
// generation (acquire); the owner does not write it again until every worker
// reported `done`. The pointee is `Sync`.
unsafe impl Sync for Shared {}
unsafe impl Send for Shared {}

/// A fixed set of threads that run one closure at a time, together.
pub struct Pool {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

impl Pool {
    /// Starts `threads − 1` workers (`threads` is clamped to
    /// `1..=MAX_THREADS`; a pool of one thread runs everything on the caller).
    pub fn new(threads: usize) -> std::io::Result<Pool> {
        let threads = threads.clamp(1, MAX_THREADS);
        let shared = Arc::new(Shared {
            generation: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            panicked: AtomicBool::new(false),
            started: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            job: UnsafeCell::new(None),
        });
        let mut pool = Pool {
            shared,
            workers: Vec::with_capacity(threads - 1),
        };
        for index in 1..threads {
            let shared = Arc::clone(&pool.shared);
            let handle = thread::Builder::new()
                .name(format!("nonlin-kernel-{index}"))
                .spawn(move || work(&shared, index))?;
            pool.workers.push(handle);
        }
        // Returns with every worker running (and done allocating whatever
        // starting a thread allocates).
        while pool.shared.started.load(Ordering::Acquire) != threads - 1 {
            thread::yield_now();
        }
        Ok(pool)
    }

    /// Threads taking part in [`Pool::run`], the caller included.
    pub fn threads(&self) -> usize {
        self.workers.len() + 1
    }

    /// Runs `job(t)` for every thread index `t` in `0..threads()` at once
    /// (the caller runs `t = 0`) and returns when all have finished. A panic
    /// in any part is re-raised here after every thread is done.
    pub fn run(&mut self, job: &(dyn Fn(usize) + Sync)) {
        if self.workers.is_empty() {
            job(0);
            return;
        }
        let s = &*self.shared;
        // SAFETY: only the lifetime is erased; the workers dereference the
        // pointer only until they bump `done`, and this function does not
        // return (or unwind) before all of them have.
        let ptr: JobPtr = unsafe { std::mem::transmute(job as *const (dyn Fn(usize) + Sync)) };
        // SAFETY: no worker reads `job` now: all reported `done` for the
        // previous generation (or none has run yet).
        unsafe { *s.job.get() = Some(ptr) };
        s.done.store(0, Ordering::Relaxed);
        s.generation.fetch_add(1, Ordering::Release);
        for w in &self.workers {
            w.thread().unpark();
        }
        let mine = panic::catch_unwind(AssertUnwindSafe(|| job(0)));
        let expected = self.workers.len();
        let mut spins = 0u32;
        while s.done.load(Ordering::Acquire) != expected {
            if spins < 1 << 12 {
                std::hint::spin_loop();
                spins += 1;
            } else {
                thread::yield_now();
            }
        }
        if let Err(e) = mine {
            panic::resume_unwind(e);
        }
        if s.panicked.swap(false, Ordering::Relaxed) {
            panic!("a kernel thread panicked");
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        self.shared.generation.fetch_add(1, Ordering::Release);
        for w in self.workers.drain(..) {
            w.thread().unpark();
            let _ = w.join();
        }
    }
}

/// A worker's loop: wait for a new generation (spin, then park), run its
/// part, report done.
fn work(s: &Shared, index: usize) {
    let mut seen = 0;
    s.started.fetch_add(1, Ordering::Release);
    loop {
        let start = Instant::now();
        let mut spins = 0u32;
        loop {
            let g = s.generation.load(Ordering::Acquire);
            if g != seen {
                seen = g;
                break;
            }
            spins = spins.wrapping_add(1);
            if spins % 64 != 0 || start.elapsed() < SPIN {
                std::hint::spin_loop();
            } else {
                // The owner unparks after every bump: no wake-up is lost.
                thread::park();
            }
        }
        if s.stop.load(Ordering::Relaxed) {
            return;
        }
        // SAFETY: published before the generation we acquired; valid until
        // we bump `done` (see `Pool::run`).
        let job = unsafe { (*s.job.get()).expect("a job is published with its generation") };
        if panic::catch_unwind(AssertUnwindSafe(|| unsafe { (*job)(index) })).is_err() {
            s.panicked.store(true, Ordering::Relaxed);
        }
        s.done.fetch_add(1, Ordering::Release);
    }
}

/// Part `t` of `0..total` split into `parts` contiguous ranges whose sizes
/// differ by at most one (earlier parts larger).
pub fn part(total: usize, parts: usize, t: usize) -> Range<usize> {
    let (base, extra) = (total / parts, total % parts);
    let start = t * base + t.min(extra);
    start..start + base + usize::from(t < extra)
}

/// A mutable buffer shared by the threads of one [`Pool::run`], each writing
/// its own disjoint part.
pub struct Disjoint<'a> {
    ptr: *mut f32,
    len: usize,
    _buf: std::marker::PhantomData<&'a mut [f32]>,
}

// SAFETY: a `Disjoint` only hands out slices through `part`, whose contract
// is that concurrent callers ask for disjoint ranges.
unsafe impl Sync for Disjoint<'_> {}
unsafe impl Send for Disjoint<'_> {}

impl<'a> Disjoint<'a> {
    /// Shares `buf` for one run.
    pub fn new(buf: &'a mut [f32]) -> Disjoint<'a> {
        Disjoint {
            ptr: buf.as_mut_ptr(),
            len: buf.len(),
            _buf: std::marker::PhantomData,
        }
    }

    /// The elements `range` of the buffer.
    ///
    /// # Safety
    /// No two live slices obtained from the same `Disjoint` may overlap.
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn part(&self, range: Range<usize>) -> &mut [f32] {
        assert!(range.start <= range.end && range.end <= self.len);
        // SAFETY: in bounds (checked); exclusive by the caller's contract.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(range.start), range.len()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cover_the_range_in_order() {
        for total in 0..20 {
            for parts in 1..5 {
                let mut next = 0;
                for t in 0..parts {
                    let r = part(total, parts, t);
                    assert_eq!(r.start, next);
                    assert!(r.len() == total / parts || r.len() == total / parts + 1);
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
    }

    #[test]
    fn every_thread_runs_its_part_each_time() {
        for threads in 1..=3 {
            let mut pool = Pool::new(threads).unwrap();
            assert_eq!(pool.threads(), threads);
            let mut buf = vec![0.0f32; 10];
            for round in 1..=100 {
                let shared = Disjoint::new(&mut buf);
                pool.run(&|t| {
                    // SAFETY: `part` gives each thread its own range.
                    let mine = unsafe { shared.part(part(10, threads, t)) };
                    for v in mine {
                        *v += 1.0;
                    }
                });
                assert!(buf.iter().all(|&v| v == round as f32));
            }
        }
    }

    #[test]
    fn a_panic_in_a_worker_reaches_the_caller() {
        let mut pool = Pool::new(2).unwrap();
        let r = panic::catch_unwind(AssertUnwindSafe(|| {
            pool.run(&|t| assert!(t == 0, "worker part fails"))
        }));
        assert!(r.is_err());
        // The pool still works afterwards.
        let count = AtomicUsize::new(0);
        pool.run(&|_| {
            count.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(count.load(Ordering::Relaxed), 2);
    }
}
