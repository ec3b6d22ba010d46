//! TLS for `serve`: the certificate chain and key from PEM files (`--tls-cert`/`--tls-key`), or a
//! self-signed certificate the server makes once and keeps in its data directory
//! (`--tls-self-signed`). The live configuration can be swapped (SIGHUP) without dropping
//! connections: each handshake takes the configuration current at that moment.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// Where the certificate chain and its private key are (PEM).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("TLS: cannot read {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("TLS: {path} holds no PEM certificate")]
    NoCertificate { path: PathBuf },
    #[error("TLS: the certificate and key do not make a usable configuration: {0}")]
    Config(#[from] rustls::Error),
    #[error("TLS: cannot make a self-signed certificate: {0}")]
    Generate(String),
    #[error("TLS: cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The SHA-256 fingerprint of a DER certificate as `openssl x509 -fingerprint -sha256` prints
/// it (`AB:CD:…`), what a user compares by eye.
pub fn fingerprint(der: &[u8]) -> String {
    fieldsync::cert_fingerprint(der)
}

/// Read a PEM chain and key into a server configuration (HTTP/1.1 ALPN); also returns the leaf
/// certificate's fingerprint.
pub fn load(files: &TlsFiles) -> Result<(Arc<rustls::ServerConfig>, String), TlsError> {
    let read_err = |path: &Path, e: &dyn std::fmt::Display| TlsError::Read {
        path: path.to_owned(),
        message: e.to_string(),
    };
    let chain = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| read_err(&files.cert, &e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| read_err(&files.cert, &e))?;
    let Some(leaf) = chain.first() else {
        return Err(TlsError::NoCertificate {
            path: files.cert.clone(),
        });
    };
    let print = fingerprint(leaf);
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| read_err(&files.key, &e))?;
    // The provider is named: a process that links two providers has no implicit default.
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((Arc::new(config), print))
}

/// The self-signed certificate kept in `data_dir/tls/`: made on first use (valid for
/// `localhost`, the loopback addresses and `names`), reused afterwards so the fingerprint the
/// devices pinned stays the same across restarts.
pub fn self_signed(data_dir: &Path, names: &[String]) -> Result<TlsFiles, TlsError> {
    let dir = data_dir.join("tls");
    let files = TlsFiles {
        cert: dir.join("self-signed-cert.pem"),
        key: dir.join("self-signed-key.pem"),
    };
    if files.cert.exists() && files.key.exists() {
        return Ok(files);
    }
    let mut sans = vec!["localhost".to_owned(), "127.0.0.1".into(), "::1".into()];
    sans.extend(
        names
            .iter()
            .filter(|n| !sans.contains(n))
            .cloned()
            .collect::<Vec<_>>(),
    );
    let generated =
        rcgen::generate_simple_self_signed(sans).map_err(|e| TlsError::Generate(e.to_string()))?;
    let write = |path: &Path, text: &str, private: bool| -> Result<(), TlsError> {
        let err = |source| TlsError::Write {
            path: path.to_owned(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(err)?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = private;
        let mut f = options.open(path).map_err(err)?;
        std::io::Write::write_all(&mut f, text.as_bytes()).map_err(err)
    };
    // Key first: a crash between the two leaves no certificate, so the next start makes both.
    write(&files.key, &generated.signing_key.serialize_pem(), true)?;
    write(&files.cert, &generated.cert.pem(), false)?;
    Ok(files)
}

/// The live TLS configuration of a serving server.
pub struct Tls {
    files: TlsFiles,
    current: RwLock<(Arc<rustls::ServerConfig>, String)>,
}

impl Tls {
    pub fn load(files: TlsFiles) -> Result<Self, TlsError> {
        let current = load(&files)?;
        Ok(Self {
            files,
            current: RwLock::new(current),
        })
    }

    /// Read the files again (after a renewal); on error the old configuration stays.
    /// Returns the new fingerprint.
    pub fn reload(&self) -> Result<String, TlsError> {
        let fresh = load(&self.files)?;
        let print = fresh.1.clone();
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        Ok(print)
    }

    /// The fingerprint of the certificate served now.
    pub fn fingerprint(&self) -> String {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .1
            .clone()
    }

    /// An acceptor with the configuration current now.
    pub fn acceptor(&self) -> tokio_rustls::TlsAcceptor {
        let config = self
            .current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .clone();
        tokio_rustls::TlsAcceptor::from(config)
    }

    pub fn files(&self) -> &TlsFiles {
        &self.files
    }
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("files", &self.files)
            .field("fingerprint", &self.fingerprint())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_signed_is_made_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let files = self_signed(dir.path(), &["hub.local".into()]).unwrap();
        let first = Tls::load(files.clone()).unwrap().fingerprint();
        assert_eq!(first.len(), 32 * 3 - 1, "{first}");
        let again = self_signed(dir.path(), &[]).unwrap();
        assert_eq!(again, files);
        assert_eq!(Tls::load(again).unwrap().fingerprint(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&files.key).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the key is private: {mode:o}");
        }
    }

    #[test]
    fn reload_picks_up_a_new_certificate_and_keeps_the_old_on_error() {
        let dir = tempfile::tempdir().unwrap();
        let files = self_signed(dir.path(), &[]).unwrap();
        let tls = Tls::load(files.clone()).unwrap();
        let old = tls.fingerprint();
        std::fs::write(&files.cert, "garbage").unwrap();
        assert!(tls.reload().is_err());
        assert_eq!(tls.fingerprint(), old);
        std::fs::remove_file(&files.cert).unwrap();
        std::fs::remove_file(&files.key).unwrap();
        self_signed(dir.path(), &[]).unwrap();
        let new = tls.reload().unwrap();
        assert_ne!(new, old);
        assert_eq!(tls.fingerprint(), new);
    }

    #[test]
    fn missing_or_empty_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let files = TlsFiles {
            cert: dir.path().join("nope.pem"),
            key: dir.path().join("nope.key"),
        };
        let err = load(&files).unwrap_err().to_string();
        assert!(err.contains("nope.pem"), "{err}");
        std::fs::write(&files.cert, "").unwrap();
        let err = load(&files).unwrap_err();
        assert!(matches!(err, TlsError::NoCertificate { .. }), "{err}");
    }
}
