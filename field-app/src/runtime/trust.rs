//! Which https servers the app trusts: a certificate that chains to the system's roots, or —
//! for a small office's self-signed server — the one certificate seen on first contact, pinned
//! by its SHA-256 fingerprint (trust on first use, like SSH). Once pinned, a different
//! self-signed certificate is refused: on hotel Wi-Fi that is what an interception looks like.

use fieldsync_i18n::t;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::sync::{Arc, Mutex};

/// A self-signed certificate that is not the pinned one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub pinned: String,
    pub presented: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&t!(
            "eng-trust-changed",
            pinned = &self.pinned,
            presented = &self.presented
        ))
    }
}

impl std::error::Error for Refusal {}

/// What the verifier decided about a certificate the system roots did not vouch for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinDecision {
    /// It is the pinned certificate.
    Pinned,
    /// Nothing was pinned yet: trusted now, and pinned from here on.
    FirstUse,
    Refused(Refusal),
}

/// The pin state shared by the app's HTTP clients of one profile (sans-IO: no TLS in here).
#[derive(Debug, Default)]
pub struct Pins {
    state: Mutex<PinState>,
}

#[derive(Debug, Default)]
struct PinState {
    pinned: Option<String>,
    /// Pinned by this process on first use and not yet saved with the server settings.
    new: bool,
    refused: Option<Refusal>,
}

impl Pins {
    /// Start from the fingerprint saved with the server settings, if any.
    pub fn new(pinned: Option<String>) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(PinState {
                pinned,
                ..PinState::default()
            }),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, PinState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Decide on a certificate (its fingerprint) the system roots did not vouch for.
    pub fn decide(&self, presented: &str) -> PinDecision {
        let mut s = self.state();
        match &s.pinned {
            Some(p) if p == presented => PinDecision::Pinned,
            Some(p) => {
                let refusal = Refusal {
                    pinned: p.clone(),
                    presented: presented.to_owned(),
                };
                s.refused = Some(refusal.clone());
                PinDecision::Refused(refusal)
            }
            None => {
                s.pinned = Some(presented.to_owned());
                s.new = true;
                PinDecision::FirstUse
            }
        }
    }

    pub fn pinned(&self) -> Option<String> {
        self.state().pinned.clone()
    }

    /// The fingerprint pinned on first use since the last call (to save and show once).
    pub fn take_new(&self) -> Option<String> {
        let mut s = self.state();
        std::mem::take(&mut s.new)
            .then(|| s.pinned.clone())
            .flatten()
    }

    /// The last refusal, if any (to tell the user why a connection failed).
    pub fn take_refusal(&self) -> Option<Refusal> {
        self.state().refused.take()
    }
}

/// System roots first; otherwise the pin decides.
#[derive(Debug)]
struct PinningVerifier {
    system: Arc<dyn ServerCertVerifier>,
    pins: Arc<Pins>,
}

impl ServerCertVerifier for PinningVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let system = self.system.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        if system.is_ok() {
            return system;
        }
        match self.pins.decide(&fieldsync::cert_fingerprint(end_entity)) {
            PinDecision::Pinned | PinDecision::FirstUse => Ok(ServerCertVerified::assertion()),
            PinDecision::Refused(r) => Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::Other(rustls::OtherError(Arc::new(r))),
            )),
        }
    }

    // The handshake signatures are checked whatever vouched for the certificate: they prove
    // the server holds the certificate's key.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.system.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.system.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.system.supported_verify_schemes()
    }
}

/// A rustls client configuration (HTTP/1.1) that trusts the system roots or the pin.
pub fn client_config(pins: Arc<Pins>) -> Result<rustls::ClientConfig, rustls::Error> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let system = Arc::new(rustls_platform_verifier::Verifier::new(provider.clone())?);
    let verifier = Arc::new(PinningVerifier { system, pins });
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_use_pins_then_only_that_certificate_passes() {
        let pins = Pins::new(None);
        assert_eq!(pins.decide("AA"), PinDecision::FirstUse);
        assert_eq!(pins.take_new().as_deref(), Some("AA"));
        assert_eq!(pins.take_new(), None, "reported once");
        assert_eq!(pins.decide("AA"), PinDecision::Pinned);
        let PinDecision::Refused(r) = pins.decide("BB") else {
            panic!("a changed certificate passed");
        };
        assert_eq!((r.pinned.as_str(), r.presented.as_str()), ("AA", "BB"));
        assert!(r.to_string().contains("changed"), "{r}");
        assert_eq!(pins.take_refusal(), Some(r));
        assert_eq!(
            pins.pinned().as_deref(),
            Some("AA"),
            "a refusal keeps the pin"
        );
    }

    #[test]
    fn a_saved_pin_is_enforced_from_the_start() {
        let pins = Pins::new(Some("AA".into()));
        assert!(matches!(pins.decide("BB"), PinDecision::Refused(_)));
        assert_eq!(pins.decide("AA"), PinDecision::Pinned);
        assert_eq!(pins.take_new(), None);
    }

    #[test]
    fn the_config_builds() {
        client_config(Pins::new(None)).unwrap();
    }
}
