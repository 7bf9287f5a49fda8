//! What the server answers when a request cannot be served: a status and a
//! JSON body `{"field": ..., "error": ...}` naming the form field at fault.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use nonlin::Error;

/// An answer other than success.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    /// The form field at fault (`lr`, `layers[1].width`), if one is.
    pub field: Option<String>,
    pub error: String,
}

impl ApiError {
    /// 400: a field holds something the server does not accept.
    pub fn field(field: impl Into<String>, error: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            field: Some(field.into()),
            error: error.into(),
        }
    }

    /// 429: the server is at its cap of concurrent runs.
    pub fn busy(cap: usize) -> ApiError {
        ApiError {
            status: StatusCode::TOO_MANY_REQUESTS,
            field: None,
            error: format!(
                "the server is already running {cap} trainings, its limit; try again when one ends"
            ),
        }
    }

    /// 404: no such run, upload or file.
    pub fn not_found(what: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            field: None,
            error: what.into(),
        }
    }

    /// 500 for the few things that are the server's fault (a worker thread
    /// that could not be joined).
    pub fn internal(what: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            field: None,
            error: what.into(),
        }
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({ "field": self.field, "error": self.error })
    }
}

impl From<Error> for ApiError {
    /// A library error in the words of the page: a configuration field
    /// becomes the form field that sets it; data errors belong to `data`,
    /// `target` or `features`.
    fn from(e: Error) -> ApiError {
        let field = match &e {
            Error::Invalid { field, .. } | Error::NotApplicable { field, .. } => form_field(field),
            Error::BadTarget { .. } => "target",
            Error::MissingColumn { .. } | Error::MissingColumns { .. } => "features",
            Error::Csv { .. }
            | Error::NotANumber { .. }
            | Error::Cell { .. }
            | Error::Data(_)
            | Error::Io { .. } => "data",
            Error::Model { .. } => "layers",
            Error::Config(_) | Error::Cancelled | Error::Diverged { .. } => "settings",
        };
        let error = match &e {
            Error::Invalid { message, .. } | Error::NotApplicable { message, .. } => {
                nonlin::error::word_references(message, &nonlin::error::FieldNames)
            }
            other => other.to_string(),
        };
        ApiError::field(field, error)
    }
}

/// The form field of a configuration field.
fn form_field(field: &str) -> &'static str {
    match field {
        "models" | "hidden" | "arch" => "layers",
        "epochs" => "epochs",
        "batch_size" => "batch_size",
        "lr" => "lr",
        "momentum" => "momentum",
        "dampening" => "dampening",
        "nesterov" => "nesterov",
        "weight_decay" => "weight_decay",
        "beta1" => "beta1",
        "beta2" => "beta2",
        "eps" => "eps",
        "test_size" => "test_size",
        "repeats" => "repeats",
        "folds" => "folds",
        "seed" => "seed",
        _ => "settings",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}
