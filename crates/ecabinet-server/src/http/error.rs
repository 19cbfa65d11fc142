use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ecabinet_domain::api::ErrorBody;

use crate::services::ServiceError;

/// The one error type every handler returns: a status, a stable `code` the
/// client can branch on, and a sentence the person can act on.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        let status = match &error {
            ServiceError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ServiceError::MalformedCode(_) | ServiceError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ServiceError::UnknownCode | ServiceError::NotFound(_) | ServiceError::NoKey(_) => {
                StatusCode::NOT_FOUND
            }
            ServiceError::CodeUsed | ServiceError::CodeExpired => StatusCode::GONE,
            ServiceError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ServiceError::DeviceRevoked
            | ServiceError::Forbidden(_)
            | ServiceError::BadSignature => StatusCode::FORBIDDEN,
            ServiceError::NoOrganisation | ServiceError::Unavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ServiceError::Conflict(_) | ServiceError::RoomHubTaken(_) => StatusCode::CONFLICT,
            ServiceError::RoomHubOrders(_) => StatusCode::SERVICE_UNAVAILABLE,
            ServiceError::Segment(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ServiceError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ServiceError::Session(refusal) => {
                use ecabinet_domain::session::rules::RefusalClass;
                match refusal.class() {
                    RefusalClass::Forbidden => StatusCode::FORBIDDEN,
                    RefusalClass::Conflict => StatusCode::CONFLICT,
                    RefusalClass::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
                    RefusalClass::NotFound => StatusCode::NOT_FOUND,
                }
            }
            ServiceError::Store(_) | ServiceError::Crypto(_) | ServiceError::Blob(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let code = error.code();
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            // Details go to the log, not to the client.
            tracing::error!(%error, "internal error");
            "the server failed to handle this request; the IT office can find the details in its log".to_owned()
        } else {
            error.to_string()
        };
        Self {
            status,
            code,
            message,
        }
    }
}

fn bad_input(message: String) -> ApiError {
    ApiError {
        status: StatusCode::BAD_REQUEST,
        code: "bad_request",
        message,
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let status = rejection.status();
        let mut error = bad_input(rejection.body_text());
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            error.status = status;
            error.code = "too_large";
        }
        error
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        bad_input(rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        bad_input(rejection.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.to_owned(),
            message: self.message,
        };
        let code = self.code;
        let mut response = (self.status, Json(body)).into_response();
        response.extensions_mut().insert(super::ErrorCode(code));
        response
    }
}
