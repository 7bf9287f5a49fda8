//! Files nonlin reads and writes besides the data: atomic writes and
//! safetensors state dicts (PyTorch's `nn.Sequential` naming).

pub mod atomic;
pub mod state_dict;

pub use atomic::{write_atomic, OutputDir, Staged};
pub use state_dict::StateDict;
