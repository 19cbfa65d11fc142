use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::CryptoError;

/// Unpadded base64url: safe in URLs, JSON and file names.
pub fn b64_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn b64_decode(text: &str) -> Result<Vec<u8>, CryptoError> {
    Ok(URL_SAFE_NO_PAD.decode(text.trim())?)
}
