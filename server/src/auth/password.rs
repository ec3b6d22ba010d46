//! Password hashing (argon2id) with reused working memory.
//!
//! Each Argon2 check needs 19 MiB of working memory. Allocated per check, glibc's malloc keeps
//! the freed blocks in the arena of whichever blocking-pool thread ran it, so a crowd of
//! sign-ins left the server 170+ MiB resident before it synced anything. Here the memory is
//! allocated once per concurrent check (sign-ins take one slot per core) and reused, so it
//! stays at `cores × 19 MiB` however many devices sign in.

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{Mutex, OnceLock};

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("hashing a password: {0}")]
    Hash(String),
}

/// Working memory of finished checks, waiting for the next.
fn idle_memory() -> &'static Mutex<Vec<Vec<Block>>> {
    static IDLE: OnceLock<Mutex<Vec<Vec<Block>>>> = OnceLock::new();
    IDLE.get_or_init(|| Mutex::new(Vec::new()))
}

/// How many working memories are kept (more are allocated while more checks run at once).
fn kept() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Run one Argon2 computation on reused working memory.
fn hash_into(
    argon: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    let idle = || idle_memory().lock().unwrap_or_else(|p| p.into_inner());
    let mut memory = idle().pop().unwrap_or_default();
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::default());
    }
    let result = argon.hash_password_into_with_memory(
        password,
        salt,
        out,
        &mut memory[..params.block_count()],
    );
    let mut idle = idle();
    if idle.len() < kept() {
        idle.push(memory);
    }
    result
}

/// Hash a password for storage (argon2id, default parameters, random salt), as a PHC string.
/// Slow on purpose: call off the async runtime.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let err = |e: &dyn std::fmt::Display| PasswordError::Hash(e.to_string());
    let mut salt_bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| err(&e))?;
    let params = Params::default();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    hash_into(&argon, &params, password.as_bytes(), &salt_bytes, &mut out).map_err(|e| err(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: (&params).try_into().map_err(|e| err(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| err(&e))?),
    };
    Ok(phc.to_string())
}

/// Check a password against a stored PHC hash (any Argon2 variant and parameters it names);
/// an unparsable hash never matches. The comparison is constant-time (`Output`'s `==`).
pub fn verify_password(password: &str, stored: &str) -> bool {
    let check = || -> Option<bool> {
        let phc = PasswordHash::new(stored).ok()?;
        let algorithm = Algorithm::try_from(phc.algorithm).ok()?;
        let version = phc
            .version
            .map(Version::try_from)
            .transpose()
            .ok()?
            .unwrap_or_default();
        let params = Params::try_from(&phc).ok()?;
        let expected = phc.hash?;
        let mut salt_buf = [0u8; 64];
        let salt = phc.salt?.decode_b64(&mut salt_buf).ok()?;
        let argon = Argon2::new(algorithm, version, params.clone());
        let mut out = vec![0u8; expected.len()];
        hash_into(&argon, &params, password.as_bytes(), salt, &mut out).ok()?;
        Some(Output::new(&out).ok()? == expected)
    };
    check().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[test]
    fn a_hash_verifies_only_its_own_password() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$v=19$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct hors", &h));
        assert!(!verify_password("", &h));
    }

    #[test]
    fn agrees_with_the_argon2_crate_both_ways() {
        // A hash made by the crate's own hasher (as stored by earlier versions) verifies here,
        // and ours verifies with the crate's verifier.
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let theirs = Argon2::default()
            .hash_password(b"pw-1", &salt)
            .unwrap()
            .to_string();
        assert!(verify_password("pw-1", &theirs));
        assert!(!verify_password("pw-2", &theirs));
        let ours = hash_password("pw-3").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default().verify_password(b"pw-3", &parsed).is_ok());
        assert!(Argon2::default().verify_password(b"pw-4", &parsed).is_err());
    }

    #[test]
    fn other_parameters_and_variants_are_honoured() {
        // Cheaper parameters and argon2i: the stored string decides, not our defaults.
        let params = Params::new(1024, 2, 1, Some(16)).unwrap();
        let salt = SaltString::encode_b64(b"saltsaltsaltsalt").unwrap();
        let h = Argon2::new(Algorithm::Argon2i, Version::V0x13, params)
            .hash_password(b"x", &salt)
            .unwrap()
            .to_string();
        assert!(verify_password("x", &h));
        assert!(!verify_password("y", &h));
    }

    #[test]
    fn garbage_never_matches() {
        for stored in ["", "plain", "$argon2id$v=19$m=19456,t=2,p=1$", "$bcrypt$xx"] {
            assert!(!verify_password("", stored), "{stored:?}");
            assert!(!verify_password("plain", stored), "{stored:?}");
        }
    }
}
