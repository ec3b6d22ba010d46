//! Which https servers the app trusts: a certificate that chains to the system's roots, or —
//! for a small office's self-signed server — one certificate pinned by its SHA-256
//! fingerprint. The app asks first ([`Pins::asking`]): a certificate nobody confirmed is
//! refused and its fingerprint shown, to be compared with the one the server printed; only a
//! confirmed one is pinned. (Plain trust on first use, [`Pins::new`], is kept for tools and
//! tests.) Once pinned, a different self-signed certificate is refused: on hotel Wi-Fi that
//! is what an interception looks like.

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
    /// Nothing was pinned and the user must confirm this fingerprint first.
    Unconfirmed(String),
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
    /// Refuse an unpinned certificate until the user confirms it (the app's mode).
    ask_first: bool,
    /// The fingerprint last refused for want of a confirmation.
    unconfirmed: Option<String>,
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

    /// The app's trust: a fingerprint the user confirmed or an administrator handed out
    /// with the address (pinned then, replacing a saved one, and reported by
    /// [`Pins::take_new`]), else the saved pin; with neither, an unknown self-signed
    /// certificate is refused and its fingerprint kept for [`Pins::take_unconfirmed`]. A
    /// confirmation is only ever offered for a server with no pin, so a saved pin is replaced
    /// only by a fingerprint given on purpose.
    pub fn asking(pinned: Option<String>, confirmed: Option<String>) -> Arc<Self> {
        let new = confirmed.is_some() && confirmed != pinned;
        Arc::new(Self {
            state: Mutex::new(PinState {
                pinned: confirmed.or(pinned),
                new,
                ask_first: true,
                ..PinState::default()
            }),
        })
    }

    /// The fingerprint refused last for want of a confirmation, if any.
    pub fn take_unconfirmed(&self) -> Option<String> {
        self.state().unconfirmed.take()
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
            None if s.ask_first => {
                s.unconfirmed = Some(presented.to_owned());
                PinDecision::Unconfirmed(presented.to_owned())
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
            PinDecision::Unconfirmed(_) => Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            )),
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
    fn asking_refuses_an_unconfirmed_certificate_and_pins_a_confirmed_one() {
        let pins = Pins::asking(None, None);
        assert_eq!(pins.decide("AA"), PinDecision::Unconfirmed("AA".into()));
        assert_eq!(pins.pinned(), None, "nothing pinned without a confirmation");
        assert_eq!(pins.take_unconfirmed().as_deref(), Some("AA"));
        let confirmed = Pins::asking(None, Some("AA".into()));
        assert_eq!(confirmed.decide("AA"), PinDecision::Pinned);
        assert_eq!(confirmed.take_new().as_deref(), Some("AA"), "shown once");
        assert!(matches!(confirmed.decide("BB"), PinDecision::Refused(_)));
        // A saved pin stands unless a fingerprint is given on purpose.
        let saved = Pins::asking(Some("CC".into()), None);
        assert_eq!(saved.decide("CC"), PinDecision::Pinned);
        assert_eq!(saved.take_new(), None);
        // An administrator's new fingerprint (a replaced certificate) replaces the saved pin:
        // the new certificate passes and is saved, the old one no longer does.
        let rotated = Pins::asking(Some("CC".into()), Some("DD".into()));
        assert_eq!(rotated.decide("DD"), PinDecision::Pinned);
        assert_eq!(rotated.take_new().as_deref(), Some("DD"));
        assert!(matches!(rotated.decide("CC"), PinDecision::Refused(_)));
        // The same fingerprint again is nothing new.
        let same = Pins::asking(Some("CC".into()), Some("CC".into()));
        assert_eq!(same.take_new(), None);
    }

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
