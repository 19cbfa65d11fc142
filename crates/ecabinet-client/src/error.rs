use ecabinet_domain::enrolment::CodeError;
use ecabinet_domain::ValidationError;
use serde::Serialize;
use thiserror::Error;

/// Everything the client engine can fail with. Each variant has a stable
/// [`ClientError::code`] the CLI and the UI branch on, and a message that says
/// what happened and what to do.
#[derive(Debug, Error)]
pub enum ClientError {
    #[error("this profile ({0}) is not enrolled yet: run `ecab enroll --server URL --code CODE` with the code from the secretariat")]
    NotEnrolled(String),
    #[error("this profile is already enrolled as device \"{device_name}\" of {person} on {server}; to enrol another device use a new --profile folder")]
    AlreadyEnrolled {
        device_name: String,
        person: String,
        server: String,
    },
    #[error("the profile at {path} is damaged ({detail}); move that folder aside and enrol this device again")]
    CorruptProfile { path: String, detail: String },
    #[error("this device was revoked by the organisation; its documents and keys have been erased. Ask the secretariat for a new enrolment code")]
    Revoked,
    #[error("this device has not reached the server for more than {days} days, so its documents are locked; connect to the network and sync (`ecab sync`) to read them again")]
    LeaseExpired { days: u32 },
    #[error("the page is no longer wanted; it was not rendered")]
    Cancelled,
    #[error("the device keys could not be unlocked: {0}")]
    Locked(String),
    #[error(transparent)]
    MalformedCode(#[from] CodeError),
    #[error(transparent)]
    InvalidInput(#[from] ValidationError),
    #[error("{0}")]
    InvalidArgument(String),
    /// The room's WebRTC side failed.
    #[error("the room: {0}")]
    Room(String),
    #[error("the server address {url:?} is not usable: {reason}")]
    InvalidServerUrl { url: String, reason: String },
    #[error("cannot reach the server at {url} ({detail}); your local data is kept, try again when the network is back")]
    ServerUnreachable { url: String, detail: String },
    /// The server refused the request; `code` is the server's own.
    #[error("{action} needs the room's connection, and the server cannot be reached ({detail}); nothing was sent. Reconnect and try again")]
    NeedsRoom {
        action: &'static str,
        url: String,
        detail: String,
    },
    #[error("{message}")]
    Server {
        status: u16,
        code: String,
        message: String,
    },
    #[error("the server's answer could not be trusted: {0}")]
    ServerIdentity(String),
    #[error("the server's answer was not understood: {0}")]
    Protocol(String),
    #[error("{kind} not found: {reference}")]
    NotFound {
        kind: &'static str,
        reference: String,
    },
    #[error("local database error: {0}")]
    Storage(#[from] sqlx::Error),
    #[error("local database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("file error at {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Pdf(String),
    /// PDFium crashed or hung on this document (in its own process).
    #[error("{0}")]
    Undisplayable(String),
    /// The app is locked (idle, or just started): the PIN opens it.
    #[error("the app is locked: enter your PIN")]
    PinRequired,
    #[error("wrong PIN ({tries_left} tries before a wait)")]
    WrongPin { tries_left: u32 },
    #[error("too many wrong PINs: try again in {seconds} s")]
    PinRetryLater { seconds: u32 },
    /// A signing token or certificate problem (PKCS#11, chain, signature).
    #[error("{0}")]
    Signing(String),
    /// An exchange package refused, and why (nothing was stored).
    #[error("the exchange package was refused: {0}")]
    Exchange(String),
    #[error("cryptographic error: {0}")]
    Crypto(#[from] ecabinet_crypto::CryptoError),
}

impl ClientError {
    /// The stable machine code of this error.
    pub fn code(&self) -> &str {
        match self {
            ClientError::NotEnrolled(_) => "not_enrolled",
            ClientError::AlreadyEnrolled { .. } => "already_enrolled",
            ClientError::CorruptProfile { .. } => "corrupt_profile",
            ClientError::Locked(_) => "keys_locked",
            ClientError::Revoked => "device_revoked",
            ClientError::LeaseExpired { .. } => "lease_expired",
            ClientError::Cancelled => "cancelled",
            ClientError::MalformedCode(_) => "malformed_code",
            ClientError::InvalidInput(_) => "invalid_input",
            ClientError::InvalidArgument(_) => "invalid_argument",
            ClientError::Room(_) => "room_failed",
            ClientError::InvalidServerUrl { .. } => "invalid_server_url",
            ClientError::ServerUnreachable { .. } => "server_unreachable",
            ClientError::NeedsRoom { .. } => "needs_room",
            ClientError::Server { code, .. } => code,
            ClientError::ServerIdentity(_) => "server_identity",
            ClientError::Protocol(_) => "protocol",
            ClientError::NotFound { .. } => "not_found",
            ClientError::Storage(_) | ClientError::Migration(_) => "storage",
            ClientError::Io { .. } => "io",
            ClientError::Pdf(_) => "pdf",
            ClientError::Undisplayable(_) => "undisplayable",
            ClientError::PinRequired => "pin_required",
            ClientError::WrongPin { .. } => "wrong_pin",
            ClientError::PinRetryLater { .. } => "pin_retry_later",
            ClientError::Signing(_) => "signing",
            ClientError::Exchange(_) => "exchange_refused",
            ClientError::Crypto(_) => "crypto",
        }
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        ClientError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    /// The `{code, message}` pair the UI shows.
    pub fn to_ui(&self) -> UiError {
        UiError {
            code: self.code().to_owned(),
            message: self.to_string(),
        }
    }
}

/// An error as the UI receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UiError {
    pub code: String,
    pub message: String,
}

impl From<ClientError> for UiError {
    fn from(error: ClientError) -> Self {
        error.to_ui()
    }
}

pub type ClientResult<T> = Result<T, ClientError>;

impl From<ecabinet_sign::SignError> for ClientError {
    fn from(error: ecabinet_sign::SignError) -> Self {
        ClientError::Signing(error.to_string())
    }
}
