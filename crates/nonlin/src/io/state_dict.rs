//! safetensors state dicts with PyTorch's `nn.Sequential` names
//! (`0.weight` `[out, in]`, `0.bias`, `2.weight`, ...), read defensively:
//! a model file may come from anywhere.

use crate::error::{Error, Result};
use crate::model::{Architecture, Network};
use safetensors::{tensor::TensorView, Dtype, SafeTensorError, SafeTensors};
use serde::ser::SerializeMap;
use serde::Serialize;
use std::collections::BTreeMap;
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
        check_header_length(bytes, name)?;
        let (_, meta) =
            SafeTensors::read_metadata(bytes).map_err(|e| Error::model(name, explain(&e)))?;
        let st = SafeTensors::deserialize(bytes).map_err(|e| Error::model(name, explain(&e)))?;
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

    /// Whether the file carries nonlin's own metadata (`nonlin.*` keys),
    /// i.e. is a nonlin checkpoint rather than a plain state dict.
    pub fn has_nonlin_metadata(&self) -> bool {
        self.metadata.keys().any(|k| k.starts_with("nonlin."))
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

    /// Serializes to safetensors bytes (tensors little-endian f32), the
    /// same bytes every time: the header is written here, as
    /// `safetensors::serialize` lays it out (metadata first, then the
    /// tensors in name order, padded with spaces to 8 bytes), but with the
    /// metadata keys sorted — `safetensors` takes them in a `HashMap`, whose
    /// order changes from run to run.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        const MAX_HEADER: usize = 100_000_000;
        let mut data = Vec::new();
        let mut infos = Vec::with_capacity(self.tensors.len());
        for (name, (shape, values)) in &self.tensors {
            let bytes = le_bytes(values);
            // The check safetensors makes: the shape must hold these values.
            TensorView::new(Dtype::F32, shape.clone(), &bytes)
                .map_err(|e| Error::Config(format!("tensor '{name}': {e}")))?;
            infos.push((name, shape, (data.len(), data.len() + bytes.len())));
            data.extend_from_slice(&bytes);
        }
        let header = Header {
            metadata: &self.metadata,
            tensors: &infos,
        };
        let mut header = serde_json::to_vec(&header)
            .map_err(|e| Error::Config(format!("could not serialize the model: {e}")))?;
        header.resize(header.len().next_multiple_of(8), b' ');
        if header.len() > MAX_HEADER {
            return Err(Error::Config(
                "could not serialize the model: the header is larger than safetensors allows \
                 (100 MB)"
                    .into(),
            ));
        }
        let mut out = Vec::with_capacity(8 + header.len() + data.len());
        out.extend_from_slice(&(header.len() as u64).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&data);
        Ok(out)
    }

    /// Builds a network of `arch` from these tensors: every parameter tensor
    /// must be present with the right shape and finite values; extra tensors
    /// are an error. Shapes are compared before anything is allocated, so an
    /// architecture that claims huge layers cannot exhaust memory.
    pub fn to_network(&self, arch: Architecture, name: &str) -> Result<Network> {
        let layout = arch.layout();
        let expected = layout.tensors();
        let listing = || {
            expected
                .iter()
                .map(|t| format!("{} {:?}", t.name, t.shape))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for t in expected {
            let (shape, _) = self.tensors.get(&t.name).ok_or_else(|| {
                Error::model(
                    name,
                    format!(
                        "tensor '{}' is missing; architecture {arch} needs {}",
                        t.name,
                        listing()
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
        }
        if let Some(extra) = self
            .tensors
            .keys()
            .find(|k| !expected.iter().any(|t| t.name == **k))
        {
            return Err(Error::model(
                name,
                format!(
                    "tensor '{extra}' does not belong to architecture {arch}, which has {}",
                    listing()
                ),
            ));
        }
        // Shapes matched, so the sizes are those of tensors held in the file.
        let mut params = vec![0.0f32; layout.len()];
        for t in expected {
            let values = &self.tensors[&t.name].1;
            if let Some(i) = values.iter().position(|v| !v.is_finite()) {
                return Err(Error::model(
                    name,
                    format!(
                        "tensor '{}' holds {} at index {i}; weights must be finite",
                        t.name, values[i]
                    ),
                ));
            }
            if values.len() != t.range.len() {
                return Err(Error::model(
                    name,
                    format!(
                        "tensor '{}' holds {} values, its shape {:?} needs {}",
                        t.name,
                        values.len(),
                        t.shape,
                        t.range.len()
                    ),
                ));
            }
            params[t.range.clone()].copy_from_slice(values);
        }
        Network::with_params(arch, params).map_err(|e| Error::model(name, e.to_string()))
    }
}

/// A safetensors header: `{"__metadata__": {...}, name: {"dtype", "shape",
/// "data_offsets"}, ...}`, in the given (sorted) order.
struct Header<'a> {
    metadata: &'a BTreeMap<String, String>,
    tensors: &'a [(&'a String, &'a Vec<usize>, (usize, usize))],
}

impl Serialize for Header<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Info<'a> {
            dtype: Dtype,
            shape: &'a [usize],
            data_offsets: (usize, usize),
        }
        let mut m = s.serialize_map(None)?;
        if !self.metadata.is_empty() {
            m.serialize_entry("__metadata__", self.metadata)?;
        }
        for &(name, shape, data_offsets) in self.tensors {
            let info = Info {
                dtype: Dtype::F32,
                shape,
                data_offsets,
            };
            m.serialize_entry(name, &info)?;
        }
        m.end()
    }
}

/// The 8-byte little-endian header length must fit in the file; checked
/// here so that a truncated file or a lying length gets a plain message.
fn check_header_length(bytes: &[u8], name: &str) -> Result<()> {
    let Some(len) = bytes.get(..8) else {
        return Err(Error::model(
            name,
            format!(
                "the file is {} bytes long, too short for a safetensors file (truncated or empty?)",
                bytes.len()
            ),
        ));
    };
    let n = u64::from_le_bytes(len.try_into().expect("8 bytes"));
    let rest = (bytes.len() - 8) as u64;
    if n > rest {
        return Err(Error::model(
            name,
            format!(
                "the header claims {n} bytes but only {rest} bytes follow the 8-byte length \
                 (truncated, or not a safetensors file)"
            ),
        ));
    }
    Ok(())
}

/// A safetensors error in words for the person at the terminal.
fn explain(e: &SafeTensorError) -> String {
    use SafeTensorError as E;
    match e {
        E::InvalidHeader(_) | E::InvalidHeaderDeserialization(_) | E::JsonError(_) => {
            format!("the header is not valid safetensors JSON ({e})")
        }
        E::HeaderTooLarge => "the header is larger than safetensors allows (100 MB)".into(),
        E::HeaderTooSmall | E::InvalidHeaderLength => {
            format!("the header length is invalid ({e}); the file is truncated or not safetensors")
        }
        E::InvalidOffset(t) => format!(
            "tensor '{t}' has invalid data offsets: tensors must follow each other without \
             gaps or overlaps"
        ),
        E::TensorInvalidInfo | E::ValidationOverflow | E::MisalignedSlice => {
            format!("a tensor's data offsets do not match its dtype and shape ({e})")
        }
        E::MetadataIncompleteBuffer => "the tensor data does not match the file size: the \
             offsets in the header do not end where the file ends (truncated or padded file)"
            .into(),
        _ => format!("not a valid safetensors file ({e})"),
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
    fn bytes_are_those_of_safetensors_with_metadata_keys_sorted() {
        let net = Network::new(Architecture::parse("3-4-relu-2-1").unwrap(), 7);
        let mut sd = StateDict::from_network(&net);
        let theirs = |sd: &StateDict| {
            let bytes: Vec<Vec<u8>> = sd.tensors.values().map(|(_, v)| le_bytes(v)).collect();
            let views: Vec<(String, TensorView)> = sd
                .tensors
                .iter()
                .zip(&bytes)
                .map(|((n, (s, _)), b)| {
                    (
                        n.clone(),
                        TensorView::new(Dtype::F32, s.clone(), b).unwrap(),
                    )
                })
                .collect();
            let meta = (!sd.metadata.is_empty()).then(|| sd.metadata.clone().into_iter().collect());
            safetensors::serialize(views, meta).unwrap()
        };
        assert_eq!(sd.to_bytes().unwrap(), theirs(&sd));
        sd.metadata
            .insert("nonlin.arch".into(), "3-4-relu-2-1".into());
        assert_eq!(sd.to_bytes().unwrap(), theirs(&sd));
        for k in ["b", "a", "c", "z", "y"] {
            sd.metadata.insert(k.into(), "v".into());
        }
        let bytes = sd.to_bytes().unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains(r#"{"__metadata__":{"a":"v","b":"v","c":"v","nonlin.arch""#),
            "{text}"
        );
        assert_eq!(StateDict::from_bytes(&bytes, "m").unwrap(), sd);
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

    #[test]
    fn lying_headers_and_huge_architectures_are_rejected_cheaply() {
        let net = Network::new(Architecture::mlp(3, &[4], Activation::Relu), 7);
        let mut bytes = StateDict::from_network(&net).to_bytes().unwrap();
        bytes[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        let e = StateDict::from_bytes(&bytes, "m").unwrap_err().to_string();
        assert!(e.contains("the header claims"), "{e}");
        let e = StateDict::from_bytes(&bytes[..5], "m")
            .unwrap_err()
            .to_string();
        assert!(e.contains("too short"), "{e}");
        // Billions of parameters claimed: refused before any allocation.
        let sd = StateDict::from_network(&net);
        let huge = Architecture::parse("3-4000000000-relu-4000000000-1").unwrap();
        let e = sd.to_network(huge, "m").unwrap_err().to_string();
        assert!(e.contains("tensor '0.weight' has shape [4, 3]"), "{e}");
    }

    #[test]
    fn non_finite_weights_are_rejected() {
        let net = Network::new(Architecture::mlp(3, &[4], Activation::Relu), 7);
        let mut sd = StateDict::from_network(&net);
        sd.tensors.get_mut("2.bias").unwrap().1[0] = f32::NAN;
        let e = sd
            .to_network(net.arch.clone(), "m")
            .unwrap_err()
            .to_string();
        assert!(e.contains("'2.bias' holds NaN at index 0"), "{e}");
    }
}
