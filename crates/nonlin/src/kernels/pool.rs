//! A persistent pool for the training steps: `threads − 1` worker threads
//! started once (per [`crate::train::Trainer`]), then reused for every step.
//! [`Pool::run`] splits a job (a batch's row blocks) into tasks that the
//! caller and the workers claim one at a time from a shared counter, and
//! returns when every task is done; nothing is allocated per call and
//! nothing is spawned.
//!
//! Claiming (rather than one fixed share per thread) keeps a job fast when
//! a worker is late — descheduled on a busy machine, or still waking up: the
//! caller simply runs the tasks the worker did not take. Which thread runs a
//! task never changes its result (each task writes its own outputs).
//!
//! Idle workers spin on a generation counter for `SPIN` (50 µs; the steps of an
//! epoch follow each other within microseconds), then park until the next
//! call unparks them, so a pool between runs costs no CPU.

use std::cell::UnsafeCell;
use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::*};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long an idle worker spins before it parks.
const SPIN: Duration = Duration::from_micros(50);

/// The most threads a pool takes (a sanity bound on the setting).
pub(crate) const MAX_THREADS: usize = 64;

/// A job as the workers see it: a borrowed closure with its lifetime erased.
/// It is only dereferenced while the job is open (see [`Pool::run`]), when
/// the borrow is alive.
type JobPtr = *const (dyn Fn(usize, usize) + Sync + 'static);

struct Shared {
    /// Bumped once per [`Pool::run`] (and on shutdown) to wake the workers.
    generation: AtomicUsize,
    /// True while the current job's tasks may be claimed.
    open: AtomicBool,
    /// Workers inside the current job (between checking `open` and leaving).
    active: AtomicUsize,
    /// The next task to claim, and the current job's number of tasks.
    next: AtomicUsize,
    tasks: AtomicUsize,
    /// Set when a worker's task panicked.
    panicked: AtomicBool,
    /// Workers that entered their loop.
    started: AtomicUsize,
    stop: AtomicBool,
    job: UnsafeCell<Option<JobPtr>>,
}

// SAFETY: `job` is written only by the pool's owner while the job is closed
// and no worker is active, before `open` is set; workers read it only after
// they registered as active and saw `open` set, and the owner waits for
// `active` to drop to zero after closing. The pointee is `Sync`.
unsafe impl Sync for Shared {}
unsafe impl Send for Shared {}

/// A fixed set of threads that run the tasks of one closure at a time.
pub(crate) struct Pool {
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
            open: AtomicBool::new(false),
            active: AtomicUsize::new(0),
            next: AtomicUsize::new(0),
            tasks: AtomicUsize::new(0),
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
        while pool.shared.started.load(Acquire) != threads - 1 {
            thread::yield_now();
        }
        Ok(pool)
    }

    /// Threads that may take part in [`Pool::run`], the caller included.
    pub fn threads(&self) -> usize {
        self.workers.len() + 1
    }

    /// Runs `job(t)` for every task `t` in `0..tasks`, each exactly once, on
    /// whichever threads claim them (the caller takes part), and returns
    /// when all are done. A panic in any task is re-raised here after every
    /// thread has left the job.
    #[allow(dead_code)] // the trainer calls `run_on_threads`; the tests, this
    pub fn run(&mut self, tasks: usize, job: &(dyn Fn(usize) + Sync)) {
        self.run_on_threads(tasks, &|_, t| job(t))
    }

    /// [`Pool::run`] with `job(thread, task)`: `thread` in `0..threads()`
    /// (0 is the caller) names the thread running the task, for per-thread
    /// buffers — one thread never runs two tasks at once.
    pub fn run_on_threads(&mut self, tasks: usize, job: &(dyn Fn(usize, usize) + Sync)) {
        if self.workers.is_empty() || tasks <= 1 {
            (0..tasks).for_each(|t| job(0, t));
            return;
        }
        let s = &*self.shared;
        // SAFETY: only the lifetime is erased; workers dereference the
        // pointer only while the job is open or they are active, and this
        // function closes it and waits for them before it returns or unwinds.
        let ptr: JobPtr =
            unsafe { std::mem::transmute(job as *const (dyn Fn(usize, usize) + Sync)) };
        // SAFETY: the job is closed and no worker is active (the previous
        // call waited), so no one reads `job` now.
        unsafe { *s.job.get() = Some(ptr) };
        s.next.store(0, Relaxed);
        s.tasks.store(tasks, Relaxed);
        s.open.store(true, SeqCst);
        s.generation.fetch_add(1, SeqCst);
        for w in &self.workers {
            w.thread().unpark();
        }
        let mine = panic::catch_unwind(AssertUnwindSafe(|| claim_and_run(s, job, 0, tasks)));
        s.open.store(false, SeqCst);
        let mut spins = 0u32;
        while s.active.load(SeqCst) != 0 {
            if spins < 1 << 10 {
                std::hint::spin_loop();
                spins += 1;
            } else {
                thread::yield_now();
            }
        }
        let theirs = s.panicked.swap(false, Relaxed);
        if let Err(e) = mine {
            panic::resume_unwind(e);
        }
        if theirs {
            panic!("a kernel thread panicked");
        }
    }
}

/// Claims tasks of the current job until none is left.
fn claim_and_run(s: &Shared, job: &(dyn Fn(usize, usize) + Sync), thread: usize, tasks: usize) {
    loop {
        let t = s.next.fetch_add(1, Relaxed);
        if t >= tasks {
            return;
        }
        job(thread, t);
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared.stop.store(true, SeqCst);
        self.shared.generation.fetch_add(1, SeqCst);
        for w in self.workers.drain(..) {
            w.thread().unpark();
            let _ = w.join();
        }
    }
}

/// A worker's loop: wait for a new generation (spin, then park), then claim
/// tasks of the open job, if it is still open.
fn work(s: &Shared, index: usize) {
    let mut seen = 0;
    // Whatever parking allocates the first time (the thread's handle),
    // before the pool counts as started.
    thread::park_timeout(Duration::from_nanos(1));
    s.started.fetch_add(1, Release);
    loop {
        let start = Instant::now();
        let mut spins = 0u32;
        loop {
            let g = s.generation.load(Acquire);
            if g != seen {
                seen = g;
                break;
            }
            spins = spins.wrapping_add(1);
            if !spins.is_multiple_of(64) || start.elapsed() < SPIN {
                std::hint::spin_loop();
            } else {
                // The owner unparks after every bump: no wake-up is lost.
                thread::park();
            }
        }
        if s.stop.load(SeqCst) {
            return;
        }
        // Register first, then look: the owner closes, then waits for
        // `active` to be zero (both sequentially consistent), so either it
        // sees us here or we see the job closed.
        s.active.fetch_add(1, SeqCst);
        if s.open.load(SeqCst) {
            // SAFETY: published before `open` was set; valid while we are active.
            let job = unsafe { (*s.job.get()).expect("an open job is published") };
            let tasks = s.tasks.load(Relaxed);
            // SAFETY: as above.
            let job = unsafe { &*job };
            if panic::catch_unwind(AssertUnwindSafe(|| claim_and_run(s, job, index, tasks)))
                .is_err()
            {
                s.panicked.store(true, Relaxed);
            }
        }
        s.active.fetch_sub(1, SeqCst);
    }
}

/// A mutable buffer shared by the threads of one [`Pool::run`], each writing
/// its own disjoint part.
pub(crate) struct Disjoint<'a, T = f32> {
    ptr: *mut T,
    len: usize,
    _buf: std::marker::PhantomData<&'a mut [T]>,
}

// SAFETY: a `Disjoint` only hands out slices through `part`, whose contract
// is that concurrent callers ask for disjoint ranges.
unsafe impl<T: Send> Sync for Disjoint<'_, T> {}
unsafe impl<T: Send> Send for Disjoint<'_, T> {}

impl<'a, T> Disjoint<'a, T> {
    /// Shares `buf` for one run.
    pub fn new(buf: &'a mut [T]) -> Disjoint<'a, T> {
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
    pub unsafe fn part(&self, range: Range<usize>) -> &mut [T] {
        assert!(range.start <= range.end && range.end <= self.len);
        // SAFETY: in bounds (checked); exclusive by the caller's contract.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(range.start), range.len()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Part `t` of `0..total` split into `parts` contiguous ranges whose sizes
    /// differ by at most one (earlier parts larger).
    fn part(total: usize, parts: usize, t: usize) -> Range<usize> {
        let (base, extra) = (total / parts, total % parts);
        let start = t * base + t.min(extra);
        start..start + base + usize::from(t < extra)
    }

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
    fn every_task_runs_once_each_time() {
        for threads in 1..=3 {
            let mut pool = Pool::new(threads).unwrap();
            assert_eq!(pool.threads(), threads);
            let mut buf = vec![0.0f32; 10];
            for round in 1..=100 {
                let shared = Disjoint::new(&mut buf);
                pool.run(4, &|t| {
                    // SAFETY: `part` gives each task its own range.
                    let mine = unsafe { shared.part(part(10, 4, t)) };
                    for v in mine {
                        *v += 1.0;
                    }
                });
                assert!(buf.iter().all(|&v| v == round as f32));
            }
        }
    }

    #[test]
    fn a_panic_in_a_task_reaches_the_caller() {
        let mut pool = Pool::new(2).unwrap();
        let r = panic::catch_unwind(AssertUnwindSafe(|| {
            pool.run(64, &|t| assert!(t < 3, "a task fails"))
        }));
        assert!(r.is_err());
        // The pool still works afterwards.
        let count = AtomicUsize::new(0);
        pool.run(5, &|_| {
            count.fetch_add(1, Relaxed);
        });
        assert_eq!(count.load(Relaxed), 5);
    }
}
