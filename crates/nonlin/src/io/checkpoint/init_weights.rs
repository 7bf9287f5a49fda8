//! Starting weights for `nonlin train --init-weights`, read from a model
//! file: a nonlin checkpoint or a plain PyTorch state dict.

use super::Checkpoint;
use crate::error::{setting, Error, Result};
use crate::io::StateDict;
use crate::model::{Architecture, Network};
use std::path::Path;

/// Starting weights for `nonlin train --init-weights`: a nonlin checkpoint
/// (fully validated; its architecture must be `arch`) or a plain state dict
/// with `nn.Sequential` names (as PyTorch saves them).
pub fn init_network(path: &Path, arch: &Architecture) -> Result<Network> {
    let name = path.display().to_string();
    let sd = StateDict::read(path)?;
    if sd.has_nonlin_metadata() {
        let ckpt = Checkpoint::from_state_dict(&sd, &name)?;
        if ckpt.net.arch != *arch {
            return Err(Error::model(
                name,
                format!(
                    "it is a nonlin checkpoint of architecture {}, but this run trains {arch}; \
                     give the matching {} (or {}/{})",
                    ckpt.net.arch,
                    setting("models"),
                    setting("hidden"),
                    setting("activation")
                ),
            ));
        }
        Ok(ckpt.net)
    } else {
        sd.to_network(arch.clone(), &name)
    }
}
