//! TLS to PostgreSQL, as libpq's `sslmode` in the database URL says (rust-postgres itself
//! knows only disable/prefer/require and no `sslrootcert`, so both are taken out of the URL
//! here and turned into a rustls configuration on aws-lc-rs, the provider the rest uses):
//!
//! - `disable`: plain TCP (a database on the same host or a private network only);
//! - `prefer` (the default, as in libpq) and `require`: encrypted — `require` refuses a server
//!   without TLS — but the certificate is not checked: safe against listening, not against a
//!   machine in the middle;
//! - `verify-ca`: the certificate must chain to `sslrootcert` (a PEM file; required);
//! - `verify-full`: as `verify-ca` and it must name the host connected to; without
//!   `sslrootcert` the system's roots are used. The mode for a database across a network.

use crate::storage::{Result, StorageError};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// What the URL asks of the connection's security.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "disable" => SslMode::Disable,
            "prefer" | "allow" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(StorageError::Invalid(format!(
                    "sslmode={other} is not one of disable, prefer, require, verify-ca, \
                     verify-full"
                )));
            }
        })
    }
}

/// A database URL made ready to connect: the rust-postgres config and the TLS connector.
#[derive(Clone)]
pub struct Target {
    pub config: postgres::Config,
    pub tls: MakeRustlsConnect,
    pub mode: SslMode,
}

impl Target {
    /// Parse `url` (`postgres://…?sslmode=verify-full&sslrootcert=/etc/…/root.pem`, or the
    /// `key=value` form). Errors name the problem without the URL's password.
    pub fn parse(url: &str) -> Result<Self> {
        let (rest, mode, root) = take_tls_params(url)?;
        let mut config = postgres::Config::from_str(&rest).map_err(|e| {
            StorageError::Invalid(format!(
                "bad PostgreSQL URL {:?}: {e}",
                crate::storage::redact_url(url)
            ))
        })?;
        config.ssl_mode(match mode {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        });
        if mode == SslMode::VerifyCa && root.is_none() {
            return Err(StorageError::Invalid(
                "sslmode=verify-ca needs sslrootcert=<PEM file of the CA that signed the \
                 database's certificate>"
                    .into(),
            ));
        }
        let tls = MakeRustlsConnect::new(client_config(mode, root.as_ref())?);
        Ok(Self { config, tls, mode })
    }

    /// One connection outside the pool (leases, the change listener, migrations).
    pub fn connect(&self) -> Result<postgres::Client> {
        Ok(self.config.connect(self.tls.clone())?)
    }
}

/// Split `sslmode` and `sslrootcert` off the URL's query (or the `key=value` list).
fn take_tls_params(url: &str) -> Result<(String, SslMode, Option<PathBuf>)> {
    let (mut mode, mut root) = (SslMode::Prefer, None);
    let mut take = |key: &str, value: &str| -> Result<bool> {
        match key {
            "sslmode" => mode = SslMode::parse(value)?,
            "sslrootcert" => root = Some(PathBuf::from(value)),
            _ => return Ok(false),
        }
        Ok(true)
    };
    let rest = if url.contains("://") {
        match url.split_once('?') {
            None => url.to_owned(),
            Some((base, query)) => {
                let mut kept = Vec::new();
                for pair in query.split('&').filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    if !take(k, &percent_decode(v))? {
                        kept.push(pair);
                    }
                }
                if kept.is_empty() {
                    base.to_owned()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
        }
    } else {
        let mut kept = Vec::new();
        for pair in url.split_whitespace() {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            if !take(k.trim(), v.trim_matches('\''))? {
                kept.push(pair);
            }
        }
        kept.join(" ")
    };
    Ok((rest, mode, root))
}

/// `%2F` → `/` (a root certificate path in a URL query is often percent-encoded).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn client_config(mode: SslMode, root: Option<&PathBuf>) -> Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| StorageError::Invalid(format!("TLS to PostgreSQL: {e}")))?;
    let verifier: Arc<dyn ServerCertVerifier> = match (mode, root) {
        (SslMode::Disable | SslMode::Prefer | SslMode::Require, _) => {
            Arc::new(Unverified(provider))
        }
        (SslMode::VerifyCa | SslMode::VerifyFull, Some(path)) => {
            let roots = read_roots(path)?;
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| StorageError::Invalid(format!("sslrootcert: {e}")))?;
            Arc::new(Chain {
                inner: webpki,
                check_name: mode == SslMode::VerifyFull,
            })
        }
        (_, None) => Arc::new(
            rustls_platform_verifier::Verifier::new(provider)
                .map_err(|e| StorageError::Invalid(format!("system certificate roots: {e}")))?,
        ),
    };
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

fn read_roots(path: &PathBuf) -> Result<rustls::RootCertStore> {
    use rustls::pki_types::pem::PemObject;
    let shown = path.display();
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| StorageError::Invalid(format!("sslrootcert {shown}: {e}")))?
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| StorageError::Invalid(format!("sslrootcert {shown}: {e}")))?;
    let mut roots = rustls::RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(StorageError::Invalid(format!(
            "sslrootcert {shown} holds no usable certificate"
        )));
    }
    Ok(roots)
}

/// `prefer`/`require`: any certificate (libpq's meaning of these modes), but the handshake
/// itself is still checked, so the session keys belong to whoever holds that certificate.
#[derive(Debug)]
struct Unverified(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca` / `verify-full` against `sslrootcert`: the chain always, the host name only
/// for `verify-full`.
#[derive(Debug)]
struct Chain {
    inner: Arc<WebPkiServerVerifier>,
    check_name: bool,
}

impl ServerCertVerifier for Chain {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.check_name => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_parameters_are_taken_out_of_both_url_forms() {
        let (rest, mode, root) = take_tls_params(
            "postgres://fs:secret@db.internal/fieldsync?application_name=x&sslmode=verify-full&sslrootcert=%2Fetc%2Froot.pem",
        )
        .unwrap();
        assert_eq!(
            rest,
            "postgres://fs:secret@db.internal/fieldsync?application_name=x"
        );
        assert_eq!(mode, SslMode::VerifyFull);
        assert_eq!(root, Some(PathBuf::from("/etc/root.pem")));
        let (rest, mode, root) =
            take_tls_params("host=db user=fs sslmode=require dbname=fieldsync").unwrap();
        assert_eq!(rest, "host=db user=fs dbname=fieldsync");
        assert_eq!((mode, root), (SslMode::Require, None));
        let (_, mode, _) = take_tls_params("postgres://db/fieldsync").unwrap();
        assert_eq!(mode, SslMode::Prefer, "libpq's default");
        let err = take_tls_params("postgres://db/x?sslmode=sometimes")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("sslmode=sometimes"), "{err}");
        let err = Target::parse("postgres://db/x?sslmode=verify-ca")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("sslrootcert"), "{err}");
    }

    /// The URL with its query replaced (the test server's URL carries none).
    fn with(url: &str, query: &str) -> String {
        format!("{}?{query}", url.split('?').next().unwrap())
    }

    fn encrypted(target: &Target) -> std::result::Result<bool, String> {
        let mut c = target.connect().map_err(|e| e.to_string())?;
        let row = c
            .query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .map_err(|e| e.to_string())?;
        Ok(row.get(0))
    }

    /// Against the test server (Debian's cluster serves TLS with its snake-oil certificate):
    /// each mode encrypts and checks what it promises.
    #[test]
    fn each_sslmode_encrypts_and_checks_what_it_promises() {
        let Some(admin) = crate::storage::postgres::scratch::test_url_or_skip(
            "each_sslmode_encrypts_and_checks_what_it_promises",
        ) else {
            return;
        };
        let plain = Target::parse(&with(&admin, "sslmode=disable")).unwrap();
        let mut c = plain.connect().unwrap();
        let ssl: String = c.query_one("SHOW ssl", &[]).unwrap().get(0);
        if ssl != "on" {
            eprintln!("SKIPPED: the test PostgreSQL server does not offer TLS (ssl = {ssl})");
            return;
        }
        let cert_file: String = c.query_one("SHOW ssl_cert_file", &[]).unwrap().get(0);
        assert_eq!(encrypted(&plain), Ok(false));
        let require = Target::parse(&with(&admin, "sslmode=require")).unwrap();
        assert_eq!(encrypted(&require), Ok(true));
        let default = Target::parse(&admin).unwrap();
        assert_eq!(
            encrypted(&default),
            Ok(true),
            "prefer, as libpq, takes TLS when offered"
        );

        // A CA that did not sign the server's certificate: refused by verify-ca.
        let dir = tempfile::tempdir().unwrap();
        let stranger = dir.path().join("stranger.pem");
        let other = rcgen::generate_simple_self_signed(vec!["db.example".to_owned()]).unwrap();
        std::fs::write(&stranger, other.cert.pem()).unwrap();
        let wrong = Target::parse(&with(
            &admin,
            &format!("sslmode=verify-ca&sslrootcert={}", stranger.display()),
        ))
        .unwrap();
        let err = encrypted(&wrong).unwrap_err();
        assert!(err.to_lowercase().contains("certificate"), "{err}");

        if std::fs::metadata(&cert_file).is_err() {
            eprintln!("SKIPPED the verify checks: cannot read {cert_file}");
            return;
        }
        // The server's own (self-signed) certificate as the root: the chain holds…
        let ca = Target::parse(&with(
            &admin,
            &format!("sslmode=verify-ca&sslrootcert={cert_file}"),
        ))
        .unwrap();
        assert_eq!(encrypted(&ca), Ok(true));
        // …but it does not name 127.0.0.1, so verify-full refuses the same connection.
        let full = Target::parse(&with(
            &admin,
            &format!("sslmode=verify-full&sslrootcert={cert_file}"),
        ))
        .unwrap();
        if admin.contains("127.0.0.1") {
            let err = encrypted(&full).unwrap_err();
            assert!(err.to_lowercase().contains("certificate"), "{err}");
        }
    }
}
