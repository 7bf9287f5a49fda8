//! A run's event stream read message by message, while it trains.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};

/// Reads a stream's messages one by one.
pub struct Stream(BufReader<TcpStream>);

impl Stream {
    /// `POST /api/runs` with `req`.
    pub fn open(addr: SocketAddr, req: &Value) -> Stream {
        Stream(BufReader::new(super::send(
            addr,
            "POST",
            "/api/runs",
            req.to_string().as_bytes(),
        )))
    }

    pub fn next(&mut self) -> Value {
        loop {
            let mut line = String::new();
            assert!(self.0.read_line(&mut line).unwrap() > 0, "the stream ended");
            if let Some(d) = line.trim_end().strip_prefix("data: ") {
                return serde_json::from_str(d).unwrap();
            }
        }
    }

    /// Messages up to and including the first of type `kind`.
    pub fn until(&mut self, kind: &str) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let m = self.next();
            let stop = m["type"] == kind;
            seen.push(m);
            if stop {
                return seen;
            }
        }
    }
}

/// The `(train, test)` row counts the `started` message announces
/// (`"split": "142 train / 36 test (...)"`).
pub fn split_sizes(messages: &[Value]) -> (usize, usize) {
    let started = messages
        .iter()
        .find(|m| m["type"] == "started")
        .expect("a started message");
    let split = started["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|kv| kv[0] == "split")
        .and_then(|kv| kv[1].as_str())
        .expect("the split in the data summary");
    let words: Vec<&str> = split.split_whitespace().collect();
    (words[0].parse().unwrap(), words[3].parse().unwrap())
}
