//! What the server answers when a request cannot be served: a status and a
//! JSON body `{"field": ..., "error": ...}` naming the form field at fault.

use super::wire::ErrorBody;
use super::words::{form_field, PageWords};
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
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            field: self.field.clone(),
            error: self.error.clone(),
        }
    }

    /// The same error about the form field `field` instead.
    pub fn at(self, field: impl Into<String>) -> ApiError {
        ApiError {
            field: Some(field.into()),
            ..self
        }
    }
}

impl From<Error> for ApiError {
    /// A library error in the words of the page ([`PageWords`]): a settings
    /// field becomes the form field that sets it; data errors belong to
    /// `data`, `target` or `features`.
    fn from(e: Error) -> ApiError {
        let field = match &e {
            Error::Invalid { field, .. } | Error::NotApplicable { field, .. } => form_field(field),
            Error::BadTarget { .. } => "target".into(),
            Error::MissingColumn { .. } | Error::MissingColumns { .. } => "features".into(),
            Error::Csv { .. }
            | Error::NotANumber { .. }
            | Error::Cell { .. }
            | Error::Data(_)
            | Error::Io { .. } => "data".into(),
            Error::Model { .. } => "layers".into(),
            Error::Config(_) | Error::Cancelled | Error::Diverged { .. } => "settings".into(),
        };
        ApiError::field(field, e.worded(&PageWords))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}
