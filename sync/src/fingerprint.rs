//! Certificate fingerprints: how the server prints its self-signed certificate at start and how
//! the app pins it, in one format so a user can compare them by eye.

use sha2::{Digest, Sha256};

/// The SHA-256 of a DER certificate as `openssl x509 -fingerprint -sha256` prints it:
/// upper-case hex pairs joined by `:`.
pub fn cert_fingerprint(der: &[u8]) -> String {
    let hex = hex::encode_upper(Sha256::digest(der));
    let pairs: Vec<&str> = (0..hex.len()).step_by(2).map(|i| &hex[i..i + 2]).collect();
    pairs.join(":")
}

#[cfg(test)]
mod tests {
    #[test]
    fn openssl_format() {
        // sha256("") = e3b0c442…
        let f = super::cert_fingerprint(b"");
        assert!(f.starts_with("E3:B0:C4:42:"), "{f}");
        assert_eq!(f.len(), 95);
    }
}
