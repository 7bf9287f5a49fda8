//! Files nonlin reads and writes besides the data: atomic writes,
//! safetensors state dicts (PyTorch's `nn.Sequential` naming) and
//! checkpoints (a state dict plus what prediction needs).

pub mod atomic;
pub mod checkpoint;
pub mod state_dict;

pub use atomic::{write_atomic, OutputDir, Staged};
pub use checkpoint::Checkpoint;
pub use state_dict::StateDict;
