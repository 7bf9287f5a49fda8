//! Model: architecture (layers and activations), the parameter layout,
//! initialisation, and the network with its explicit forward and backward
//! passes (which call the loops in `crate::kernels`).

pub mod activation;
pub mod architecture;
pub mod builder;
pub mod init;
pub mod layout;
pub mod network;

pub use activation::Activation;
pub use architecture::{Architecture, Layer};
pub use builder::ArchitectureBuilder;
pub use layout::{LinearParams, ParamLayout, ParamTensor};
pub use network::{Network, Workspace};
