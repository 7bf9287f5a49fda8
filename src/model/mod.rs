//! Model: architecture (layers and activations), initialisation, and the
//! network with its explicit forward and backward passes.

pub mod activation;
pub mod architecture;
pub mod builder;
pub mod fastmath;
pub mod init;
pub mod lane_sums;
pub mod layout;
pub mod linear;
pub mod network;
pub mod pool;
pub mod simd;
pub mod tiled;
pub mod tiled_weight;

pub use activation::Activation;
pub use architecture::{Architecture, Layer};
pub use builder::ArchitectureBuilder;
pub use layout::{LinearParams, ParamLayout, ParamTensor};
pub use network::{Network, Workspace};
