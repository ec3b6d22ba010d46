//! Staying signed in: the access token every request carries lives an hour (the server's
//! `token_ttl_secs`); when the server answers that it lapsed, the device's refresh token gets
//! a new one and the request is tried once more, so a user types their password only when
//! the refresh token itself is gone (expired after 30 days, signed out, or the device
//! revoked).

use super::net::{self, NetError};
use super::store::{SharedStore, lock, meta};

/// Renew the access token with the stored refresh token and keep it; the new token. Without
/// a refresh token (a profile signed in before they existed) or when the server refuses it,
/// `Unauthorized`: sign in with the password. `DeviceRevoked` passes through.
pub fn renew(
    client: &reqwest::blocking::Client,
    server: &str,
    store: &SharedStore,
) -> Result<String, NetError> {
    let refresh = lock(store).meta(meta::REFRESH_TOKEN).ok().flatten();
    let Some(refresh) = refresh else {
        return Err(NetError::Unauthorized);
    };
    let fresh = net::refresh(client, server, &refresh)?;
    let store = lock(store);
    store
        .set_meta(meta::TOKEN, Some(&fresh.token))
        .and_then(|_| {
            store.set_meta(
                meta::TOKEN_EXPIRES_MS,
                Some(&fresh.expires_at_ms.to_string()),
            )
        })
        .map_err(|e| NetError::Protocol(e.to_string()))?;
    Ok(fresh.token)
}
