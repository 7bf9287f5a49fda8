//! safetensors state dicts with PyTorch's `nn.Sequential` names
//! (`0.weight` `[out, in]`, `0.bias`, `2.weight`, ...), read defensively:
//! a model file may come from anywhere.

use crate::error::{Error, Result};
use crate::model::{Architecture, Network};
use safetensors::{tensor::TensorView, Dtype, SafeTensors};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Named f32 tensors plus the string metadata of the file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StateDict {
    pub metadata: BTreeMap<String, String>,
    /// name → (shape, row-major values)
    pub tensors: BTreeMap<String, (Vec<usize>, Vec<f32>)>,
}

impl StateDict {
    /// Reads a safetensors file; every tensor must be float32.
    pub fn read(path: &Path) -> Result<StateDict> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, "read the model file", e))?;
        StateDict::from_bytes(&bytes, &path.display().to_string())
    }

    /// Parses safetensors bytes; `name` identifies the file in errors. The
    /// header is validated (sizes, offsets, shapes) before any tensor is
    /// copied, so memory never exceeds what the file itself holds.
    pub fn from_bytes(bytes: &[u8], name: &str) -> Result<StateDict> {
        let st = SafeTensors::deserialize(bytes)
            .map_err(|e| Error::model(name, format!("not a valid safetensors file ({e})")))?;
        let (_, meta) = SafeTensors::read_metadata(bytes)
            .map_err(|e| Error::model(name, format!("not a valid safetensors file ({e})")))?;
        let metadata = meta
            .metadata()
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect();
        let mut tensors = BTreeMap::new();
        for (tname, view) in st.iter() {
            tensors.insert(
                tname.to_string(),
                (view.shape().to_vec(), f32_values(name, tname, &view)?),
            );
        }
        Ok(StateDict { metadata, tensors })
    }

    /// The state dict of a network.
    pub fn from_network(net: &Network) -> StateDict {
        let tensors = net
            .tensors()
            .iter()
            .map(|t| {
                (
                    t.name.clone(),
                    (t.shape.clone(), net.params[t.range.clone()].to_vec()),
                )
            })
            .collect();
        StateDict {
            metadata: BTreeMap::new(),
            tensors,
        }
    }

    /// Serializes to safetensors bytes (tensors little-endian f32).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let bytes: Vec<Vec<u8>> = self
            .tensors
            .values()
            .map(|(_, values)| le_bytes(values))
            .collect();
        let views: Vec<(String, TensorView)> = self
            .tensors
            .iter()
            .zip(&bytes)
            .map(|((name, (shape, _)), data)| {
                let view = TensorView::new(Dtype::F32, shape.clone(), data)
                    .map_err(|e| Error::Config(format!("tensor '{name}': {e}")))?;
                Ok((name.clone(), view))
            })
            .collect::<Result<_>>()?;
        let meta: HashMap<String, String> = self.metadata.clone().into_iter().collect();
        safetensors::serialize(views, if meta.is_empty() { None } else { Some(meta) })
            .map_err(|e| Error::Config(format!("could not serialize the model: {e}")))
    }

    /// Builds a network of `arch` from these tensors: every parameter tensor
    /// must be present with the right shape; extra tensors are an error.
    pub fn to_network(&self, arch: Architecture, name: &str) -> Result<Network> {
        let mut net = Network::with_params(arch.clone(), vec![0.0; arch.n_params()])?;
        let expected: Vec<_> = net.tensors().to_vec();
        for t in &expected {
            let (shape, values) = self.tensors.get(&t.name).ok_or_else(|| {
                Error::model(
                    name,
                    format!(
                        "tensor '{}' is missing; architecture {arch} needs {}",
                        t.name,
                        expected
                            .iter()
                            .map(|t| format!("{} {:?}", t.name, t.shape))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
            if *shape != t.shape {
                return Err(Error::model(
                    name,
                    format!(
                        "tensor '{}' has shape {shape:?}, architecture {arch} needs {:?}",
                        t.name, t.shape
                    ),
                ));
            }
            net.params[t.range.clone()].copy_from_slice(values);
        }
        if let Some(extra) = self
            .tensors
            .keys()
            .find(|k| !expected.iter().any(|t| &t.name == *k))
        {
            return Err(Error::model(
                name,
                format!("tensor '{extra}' does not belong to architecture {arch}"),
            ));
        }
        Ok(net)
    }
}

fn f32_values(file: &str, tname: &str, view: &TensorView) -> Result<Vec<f32>> {
    if view.dtype() != Dtype::F32 {
        return Err(Error::model(
            file,
            format!(
                "tensor '{tname}' is {:?}; nonlin models are float32 (F32)",
                view.dtype()
            ),
        ));
    }
    Ok(view
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

fn le_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Activation;

    #[test]
    fn round_trips_a_network() {
        let net = Network::new(Architecture::mlp(3, &[4], Activation::Relu), 7);
        let mut sd = StateDict::from_network(&net);
        sd.metadata.insert("k".into(), "v".into());
        let back = StateDict::from_bytes(&sd.to_bytes().unwrap(), "m").unwrap();
        assert_eq!(back, sd);
        assert_eq!(back.to_network(net.arch.clone(), "m").unwrap(), net);
        assert_eq!(back.tensors["2.weight"].0, vec![1, 4]);
    }

    #[test]
    fn wrong_shapes_and_garbage_are_rejected() {
        let net = Network::new(Architecture::mlp(3, &[4], Activation::Relu), 7);
        let sd = StateDict::from_network(&net);
        let other = Architecture::mlp(3, &[5], Activation::Relu);
        let e = sd.to_network(other, "m").unwrap_err().to_string();
        assert!(e.contains("shape [4, 3]"), "{e}");
        assert!(StateDict::from_bytes(b"12345678garbage", "m").is_err());
        assert!(StateDict::from_bytes(&[], "m").is_err());
    }
}
