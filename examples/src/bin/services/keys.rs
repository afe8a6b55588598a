//! The services' keys: from an environment variable (`NAME`, the key
//! itself) or a file (`NAME_FILE`, its path), never from the source; a
//! freshly generated key when neither is set, so the demo runs as is.

use std::time::Duration;

use jwt_claims::jwe::{DecryptionKey, KeyManagement};
use jwt_claims::{Algorithm, Error, HmacKey, PrivateKey};
use jwt_claims_axum::{ConfigError, RemoteKeySet};
use shared_claims::AUTH_ISSUER;

/// Auth's published keys as billing and reports fetch them from
/// `jwks_url`, each bound to auth's issuer. Their first fetch has begun;
/// await `ready()` before relying on it.
pub(crate) fn auth_key_set(jwks_url: &str) -> Result<RemoteKeySet, ConfigError> {
    RemoteKeySet::builder(jwks_url)
        .issuer(AUTH_ISSUER)
        .timeout(Duration::from_secs(1))
        // The demo's services talk over loopback; real ones use https://.
        .dangerous_allow_plain_http()
        .spawn()
}

/// Every key of the demo.
pub(crate) struct Keys {
    /// Auth's current ES256 key: signs access tokens, published.
    pub(crate) auth_current: PrivateKey,
    /// Auth's previous ES256 key, still published while tokens it signed
    /// live (the rotation is half done).
    pub(crate) auth_previous: PrivateKey,
    /// Auth's HS256 secret for refresh tokens, which only auth reads.
    pub(crate) auth_refresh: HmacKey,
    /// Reports' HS256 secret for its one-time export links.
    pub(crate) reports_links: HmacKey,
    /// Billing's ECDH-ES+A256KW key: auth encrypts payment details to its
    /// public half, which billing would publish.
    pub(crate) billing_decryption: DecryptionKey,
    /// Where each key came from, for the demo's first lines.
    pub(crate) origins: Vec<String>,
}

impl Keys {
    /// Loads or generates every key.
    pub(crate) fn load() -> Result<Keys, Error> {
        let mut origins = Vec::new();
        let mut private = |var: &str, kid: &str| -> Result<PrivateKey, Error> {
            let key = load(
                var,
                &mut origins,
                |var| PrivateKey::from_env(Algorithm::ES256, var),
                |path| PrivateKey::from_file(Algorithm::ES256, path),
                || PrivateKey::generate(Algorithm::ES256),
            )?;
            Ok(key.with_kid(kid))
        };
        let auth_current = private("AUTH_SIGNING_KEY", "auth-2026-12")?;
        let auth_previous = private("AUTH_PREVIOUS_SIGNING_KEY", "auth-2026-11")?;
        let mut secret = |var: &str| -> Result<HmacKey, Error> {
            load(
                var,
                &mut origins,
                |var| HmacKey::from_env(Algorithm::HS256, var),
                |path| HmacKey::from_file(Algorithm::HS256, path),
                || HmacKey::generate(Algorithm::HS256),
            )
        };
        let auth_refresh = secret("AUTH_REFRESH_SECRET")?;
        let reports_links = secret("REPORTS_LINK_SECRET")?;
        let alg = KeyManagement::EcdhEsA256Kw;
        let billing_decryption = load(
            "BILLING_DECRYPTION_KEY",
            &mut origins,
            |var| DecryptionKey::from_env(alg, var),
            |path| DecryptionKey::from_file(alg, path),
            || DecryptionKey::generate(alg),
        )?
        .with_kid("billing-enc-1");
        Ok(Keys {
            auth_current,
            auth_previous,
            auth_refresh,
            reports_links,
            billing_decryption,
            origins,
        })
    }
}

/// `var` from the environment, else from the file `var_FILE` names, else
/// generated; notes which in `origins`.
fn load<K>(
    var: &str,
    origins: &mut Vec<String>,
    from_env: impl FnOnce(&str) -> Result<K, Error>,
    from_file: impl FnOnce(&str) -> Result<K, Error>,
    generate: impl FnOnce() -> Result<K, Error>,
) -> Result<K, Error> {
    let file_var = format!("{var}_FILE");
    if std::env::var_os(var).is_some() {
        origins.push(format!("{var}: from the environment"));
        from_env(var)
    } else if let Some(path) = std::env::var_os(&file_var) {
        let path = path.to_string_lossy().into_owned();
        origins.push(format!("{var}: from {path} (${file_var})"));
        from_file(&path)
    } else {
        origins.push(format!("{var}: generated (set ${var} or ${file_var})"));
        generate()
    }
}
