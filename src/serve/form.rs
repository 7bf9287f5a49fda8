//! Reading a JSON request field by field, each value range-checked, every
//! error naming its field: the page's form speaks JSON, and nothing in it is
//! trusted.

use super::error::ApiError;
use serde_json::{Map, Value};

/// A JSON object whose fields are read one by one.
pub struct Form<'a> {
    obj: &'a Map<String, Value>,
    /// Prefix of field names in errors (`layers[1].`).
    prefix: String,
}

/// Parses a request body that must be a JSON object.
pub fn parse_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::field("body", "must be a JSON object")),
        Err(e) => Err(ApiError::field("body", format!("is not valid JSON: {e}"))),
    }
}

impl<'a> Form<'a> {
    pub fn new(obj: &'a Map<String, Value>) -> Form<'a> {
        Form {
            obj,
            prefix: String::new(),
        }
    }

    /// A nested object, its fields named `prefix.field`.
    pub fn nested(obj: &'a Map<String, Value>, prefix: String) -> Form<'a> {
        Form { obj, prefix }
    }

    /// The full name of `field` in errors.
    pub fn name(&self, field: &str) -> String {
        format!("{}{field}", self.prefix)
    }

    fn err(&self, field: &str, msg: impl Into<String>) -> ApiError {
        ApiError::field(self.name(field), msg)
    }

    /// Fails on a field not in `known` (a typo would otherwise be ignored).
    pub fn only(&self, known: &[&str]) -> Result<(), ApiError> {
        match self.obj.keys().find(|k| !known.contains(&k.as_str())) {
            Some(k) => Err(self.err(
                k,
                format!("is not a setting; the settings are: {}", known.join(", ")),
            )),
            None => Ok(()),
        }
    }

    /// The value, `None` when absent or null.
    pub fn get(&self, field: &str) -> Option<&'a Value> {
        self.obj.get(field).filter(|v| !v.is_null())
    }

    /// A number, or `None` (its range is the library's to check).
    pub fn opt_num(&self, field: &str) -> Result<Option<f64>, ApiError> {
        match self.get(field) {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| self.err(field, format!("must be a number, got {v}"))),
        }
    }

    /// A number as f32, or `None`.
    pub fn opt_f32(&self, field: &str) -> Result<Option<f32>, ApiError> {
        Ok(self.opt_num(field)?.map(|x| x as f32))
    }

    /// A whole number in `lo..=hi`, or `None`.
    pub fn opt_int(&self, field: &str, lo: u64, hi: u64) -> Result<Option<u64>, ApiError> {
        let Some(v) = self.get(field) else {
            return Ok(None);
        };
        let n = match v.as_u64() {
            Some(n) => n,
            None => {
                return Err(match v.as_f64() {
                    Some(x) if x.fract() == 0.0 && x > hi as f64 => {
                        self.err(field, format!("must be at most {hi}, got {v}"))
                    }
                    Some(_) => self.err(
                        field,
                        format!("must be a whole number from {lo} to {hi}, got {v}"),
                    ),
                    None => self.err(field, format!("must be a number, got {v}")),
                })
            }
        };
        if !(lo..=hi).contains(&n) {
            return Err(self.err(field, format!("must be between {lo} and {hi}, got {n}")));
        }
        Ok(Some(n))
    }

    /// A whole number in `lo..=hi` as usize, or `None`.
    pub fn opt_usize(&self, field: &str, lo: u64, hi: u64) -> Result<Option<usize>, ApiError> {
        Ok(self.opt_int(field, lo, hi)?.map(|n| n as usize))
    }

    /// A string, or `None`.
    pub fn opt_str(&self, field: &str) -> Result<Option<&'a str>, ApiError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) if s.len() <= 200 => Ok(Some(s)),
            Some(Value::String(_)) => Err(self.err(field, "is longer than 200 characters")),
            Some(v) => Err(self.err(field, format!("must be a string, got {v}"))),
        }
    }

    /// One of `choices`, `default` when absent.
    pub fn choice(
        &self,
        field: &str,
        default: &'a str,
        choices: &[&str],
    ) -> Result<&'a str, ApiError> {
        let s = self.opt_str(field)?.unwrap_or(default);
        if choices.contains(&s) {
            Ok(s)
        } else {
            Err(self.err(
                field,
                format!("must be one of {}, got '{s}'", choices.join(", ")),
            ))
        }
    }

    /// true or false, or `None`.
    pub fn opt_bool(&self, field: &str) -> Result<Option<bool>, ApiError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(self.err(field, format!("must be true or false, got {v}"))),
        }
    }

    /// An array of at most `max` items, or `None`.
    pub fn opt_array(&self, field: &str, max: usize) -> Result<Option<&'a Vec<Value>>, ApiError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Array(a)) if a.len() <= max => Ok(Some(a)),
            Some(Value::Array(a)) => Err(self.err(
                field,
                format!("may hold at most {max} items, got {}", a.len()),
            )),
            Some(v) => Err(self.err(field, format!("must be a list, got {v}"))),
        }
    }

    /// A list of strings (at most `max`), or `None`.
    pub fn opt_strings(&self, field: &str, max: usize) -> Result<Option<Vec<String>>, ApiError> {
        let Some(items) = self.opt_array(field, max)? else {
            return Ok(None);
        };
        items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => Ok(s.clone()),
                other => Err(self.err(
                    &format!("{field}[{i}]"),
                    format!("must be a string, got {other}"),
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

/// An array item that must be an object.
pub fn item<'a>(v: &'a Value, name: String) -> Result<Form<'a>, ApiError> {
    match v {
        Value::Object(obj) => Ok(Form::nested(obj, format!("{name}."))),
        other => Err(ApiError::field(
            name,
            format!("must be an object, got {other}"),
        )),
    }
}
