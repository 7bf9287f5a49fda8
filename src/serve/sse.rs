//! A run's messages as a Server-Sent Events response. Dropping the response
//! (the page closed, the connection broke) cancels the run.

use super::control::Control;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::mpsc::Receiver;

/// Messages buffered between a run and its page; a full buffer makes the
/// run wait (bounded, so a slow page never grows a queue).
pub const BUFFER: usize = 64;

/// Stops the run when dropped.
struct CancelOnDrop(Arc<Control>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// The SSE response carrying every message of `rx`.
pub fn stream(
    rx: Receiver<String>,
    control: Arc<Control>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let guard = CancelOnDrop(control);
    let events = stream::unfold((rx, guard), |(mut rx, guard)| async move {
        let msg = rx.recv().await?;
        Some((Ok(Event::default().data(msg)), (rx, guard)))
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}
