//! The threads that train: one per run (the cap on concurrent runs bounds
//! them), never the async runtime's, and at a lower scheduling priority so
//! the server keeps answering (`/health`, new pages, other streams) however
//! many runs are busy.

use super::error::ApiError;

/// Runs `job` on a new low-priority thread.
pub fn spawn(job: impl FnOnce() + Send + 'static) -> Result<(), ApiError> {
    std::thread::Builder::new()
        .name("nonlin-run".into())
        .spawn(move || {
            lower_priority();
            job();
        })
        .map(|_| ())
        .map_err(|e| ApiError::internal(format!("cannot start a training thread: {e}")))
}

/// Nice 10 for the calling thread (on Linux the nice value is per thread,
/// and threads it starts, such as a study's workers, inherit it).
#[cfg(unix)]
fn lower_priority() {
    // SAFETY: setpriority has no memory effects; a failure only leaves the
    // priority as it was.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

#[cfg(not(unix))]
fn lower_priority() {}
