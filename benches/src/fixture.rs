//! The one token every contender decodes: the same claims, keys and
//! algorithm for jwt-claims, the peers and the floor.
//!
//! The claims are an RFC 9068-style access token of realistic size: the
//! seven registered claims and four of the purpose's own, 250 bytes of
//! JSON. The header is `{"alg":…,"typ":"at+jwt"}`: jwt-claims requires the
//! purpose's `typ`, and jwt-simple requires a `typ` of `JWT` or `…+jwt`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::DateTime;
use jwt_claims::{
    Algorithm, Claims, FixedClock, HmacKey, Policy, PrivateKey, PublicKey, RegisteredClaim,
    RuntimePurpose, Signer, SigningKey, Verifier, VerifyingKey,
};
use serde::{Deserialize, Serialize};

/// The issuer every contender checks.
pub const ISSUER: &str = "https://auth.example.com";
/// The audience every contender checks.
pub const AUDIENCE: &str = "billing";
/// The `typ` header of every token.
pub const TOKEN_TYPE: &str = "at+jwt";
/// The subject of every token.
pub const SUBJECT: &str = "user-4217";
/// The token id of every token.
pub const JWT_ID: &str = "5f0c7e3a-9b1d-4c2e-8a7f-3d6b2e1c9a04";
/// When the fixture tokens were issued: 2026-01-01T00:00:00Z.
pub const ISSUED_AT: i64 = 1_767_225_600;
/// When the fixture tokens expire: 2100-01-01T00:00:00Z, so a saved token
/// stays valid and every run decodes the same bytes.
pub const EXPIRES_AT: i64 = 4_102_444_800;
/// The lifetime of freshly encoded tokens (the purpose's `ttl`).
pub const TTL: Duration = Duration::from_secs(15 * 60);

/// The HS256 secret (32 bytes, the minimum RFC 7518 §3.2 allows).
pub const SECRET: &[u8] = b"jwt-claims benchmark secret, 32B";

/// Test keys shared with the integration suite (`tests/keys`): public,
/// never to be used anywhere else.
pub mod pem {
    /// P-256, PKCS#8.
    pub const P256: &str = include_str!("../../tests/keys/p256.pem");
    /// P-256, SubjectPublicKeyInfo.
    pub const P256_PUB: &str = include_str!("../../tests/keys/p256.pub.pem");
    /// Ed25519, PKCS#8.
    pub const ED25519: &str = include_str!("../../tests/keys/ed25519.pem");
    /// Ed25519, SubjectPublicKeyInfo.
    pub const ED25519_PUB: &str = include_str!("../../tests/keys/ed25519.pub.pem");
    /// RSA 2048, PKCS#8.
    pub const RSA2048: &str = include_str!("../../tests/keys/rsa2048.pem");
    /// RSA 2048, SubjectPublicKeyInfo.
    pub const RSA2048_PUB: &str = include_str!("../../tests/keys/rsa2048.pub.pem");
}

/// The algorithms benchmarked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alg {
    /// HMAC-SHA256.
    HS256,
    /// ECDSA P-256.
    ES256,
    /// Ed25519.
    EdDSA,
    /// RSASSA-PKCS1-v1_5 2048-bit.
    RS256,
}

impl Alg {
    /// Every algorithm benchmarked for decoding.
    pub const ALL: [Alg; 4] = [Alg::HS256, Alg::ES256, Alg::EdDSA, Alg::RS256];

    /// The `alg` name.
    pub fn name(self) -> &'static str {
        self.algorithm().name()
    }

    /// jwt-claims' algorithm.
    pub fn algorithm(self) -> Algorithm {
        match self {
            Alg::HS256 => Algorithm::HS256,
            Alg::ES256 => Algorithm::ES256,
            Alg::EdDSA => Algorithm::EdDSA,
            Alg::RS256 => Algorithm::RS256,
        }
    }

    /// The private key PEM (`None` for HS256).
    pub fn private_pem(self) -> Option<&'static str> {
        match self {
            Alg::HS256 => None,
            Alg::ES256 => Some(pem::P256),
            Alg::EdDSA => Some(pem::ED25519),
            Alg::RS256 => Some(pem::RSA2048),
        }
    }

    /// The public key PEM (`None` for HS256).
    pub fn public_pem(self) -> Option<&'static str> {
        match self {
            Alg::HS256 => None,
            Alg::ES256 => Some(pem::P256_PUB),
            Alg::EdDSA => Some(pem::ED25519_PUB),
            Alg::RS256 => Some(pem::RSA2048_PUB),
        }
    }

    /// jwt-claims' signing key.
    pub fn signing_key(self) -> SigningKey {
        match self.private_pem() {
            None => hmac_key().into(),
            Some(pem) => PrivateKey::from_pem(self.algorithm(), pem.as_bytes())
                .expect("test key parses")
                .into(),
        }
    }

    /// jwt-claims' verifying key.
    pub fn verifying_key(self) -> VerifyingKey {
        match self.public_pem() {
            None => hmac_key().into(),
            Some(pem) => PublicKey::from_pem(self.algorithm(), pem.as_bytes())
                .expect("test key parses")
                .into(),
        }
    }
}

/// The HS256 key over [`SECRET`].
pub fn hmac_key() -> HmacKey {
    HmacKey::new(Algorithm::HS256, SECRET).expect("32-byte secret")
}

/// The purpose's own claims, as jwt-claims sees them: the registered
/// claims are the framework's, read from `Decoded::registered`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Claims)]
#[jwt(aud = "billing", typ = "at+jwt", ttl = "15m", require = ["sub", "nbf"])]
pub struct Access {
    /// The organisation the token acts for.
    pub org_id: u64,
    /// The role within it.
    pub role: String,
    /// Space-separated OAuth scopes.
    pub scope: String,
    /// Whether the subject's e-mail address is verified.
    pub email_verified: bool,
}

impl Access {
    /// The claims of every fixture token.
    pub fn fixture() -> Access {
        Access {
            org_id: 81_723,
            role: "admin".into(),
            scope: "invoices:read payments:read".into(),
            email_verified: true,
        }
    }
}

/// The same purpose built at run time, for `decode_runtime`: one identity
/// for the process, so the verifier's keys registered for it are found.
pub fn runtime_purpose() -> &'static RuntimePurpose {
    static PURPOSE: std::sync::OnceLock<RuntimePurpose> = std::sync::OnceLock::new();
    PURPOSE.get_or_init(|| {
        let policy = Policy::new("bench.runtime-access", TOKEN_TYPE, [AUDIENCE])
            .with_required([RegisteredClaim::Subject, RegisteredClaim::NotBefore]);
        RuntimePurpose::new(policy).expect("a valid policy")
    })
}

/// What a runtime-policy decode reads the purpose's claims into: a plain
/// serde struct, no derive of jwt-claims.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct AccessFields {
    /// The organisation the token acts for.
    pub org_id: u64,
    /// The role within it.
    pub role: String,
    /// Space-separated OAuth scopes.
    pub scope: String,
    /// Whether the subject's e-mail address is verified.
    pub email_verified: bool,
}

/// Every claim of the token in one struct, as the floor and jsonwebtoken
/// read it: the registered claims are ordinary fields there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FullClaims {
    /// `iss`.
    pub iss: String,
    /// `sub`.
    pub sub: String,
    /// `aud` (a single audience, as the fixture token has it).
    pub aud: String,
    /// `exp`.
    pub exp: u64,
    /// `nbf`.
    pub nbf: u64,
    /// `iat`.
    pub iat: u64,
    /// `jti`.
    pub jti: String,
    /// The organisation the token acts for.
    pub org_id: u64,
    /// The role within it.
    pub role: String,
    /// Space-separated OAuth scopes.
    pub scope: String,
    /// Whether the subject's e-mail address is verified.
    pub email_verified: bool,
}

/// The borrowed twin of [`FullClaims`] the floor encodes from.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct FullClaimsRef<'a> {
    /// `iss`.
    pub iss: &'a str,
    /// `sub`.
    pub sub: &'a str,
    /// `aud`.
    pub aud: &'a str,
    /// `exp`.
    pub exp: u64,
    /// `nbf`.
    pub nbf: u64,
    /// `iat`.
    pub iat: u64,
    /// `jti`.
    pub jti: &'a str,
    /// The organisation the token acts for.
    pub org_id: u64,
    /// The role within it.
    pub role: &'a str,
    /// Space-separated OAuth scopes.
    pub scope: &'a str,
    /// Whether the subject's e-mail address is verified.
    pub email_verified: bool,
}

impl<'a> FullClaimsRef<'a> {
    /// The fixture claims issued at `iat`, expiring [`TTL`] later.
    pub fn issued_at(access: &'a Access, iat: u64) -> FullClaimsRef<'a> {
        FullClaimsRef {
            iss: ISSUER,
            sub: SUBJECT,
            aud: AUDIENCE,
            exp: iat + TTL.as_secs(),
            nbf: iat,
            iat,
            jti: JWT_ID,
            org_id: access.org_id,
            role: &access.role,
            scope: &access.scope,
            email_verified: access.email_verified,
        }
    }
}

/// Seconds since the Unix epoch, from the system clock.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// A signer issuing the fixture tokens: clock fixed at [`ISSUED_AT`].
pub fn fixture_signer(alg: Alg) -> Signer {
    Signer::builder()
        .issuer(ISSUER)
        .clock(FixedClock::at_timestamp(ISSUED_AT))
        .shared_key(alg.signing_key())
        .build()
        .expect("valid signer")
}

/// A signer on the system clock, as a service runs it, for encoding.
pub fn signer(alg: Alg) -> Signer {
    Signer::builder()
        .issuer(ISSUER)
        .key::<Access>(alg.signing_key())
        .build()
        .expect("valid signer")
}

/// A verifier on the system clock with the purpose's key, for both the
/// derived type and the runtime policy.
pub fn verifier(alg: Alg) -> Verifier {
    verifier_builder(alg).build().expect("valid verifier")
}

/// [`verifier`]'s builder, to adjust limits.
pub fn verifier_builder(alg: Alg) -> jwt_claims::VerifierBuilder {
    Verifier::builder()
        .issuer(ISSUER)
        .key::<Access>(alg.verifying_key())
        .purpose_key(runtime_purpose(), alg.verifying_key())
}

/// The fixture token for `alg`: issued at [`ISSUED_AT`], expiring at
/// [`EXPIRES_AT`].
pub fn token(alg: Alg) -> String {
    let expires = DateTime::from_timestamp(EXPIRES_AT, 0).expect("2100-01-01 is in range");
    fixture_signer(alg)
        .issue(&Access::fixture())
        .subject(SUBJECT)
        .jwt_id(JWT_ID)
        .expires_at(expires)
        .encode()
        .expect("fixture token encodes")
        .into_string()
}

/// The payload JSON of a compact token.
pub fn payload_json(token: &str) -> Vec<u8> {
    use base64::Engine as _;
    let payload = token.split('.').nth(1).expect("three segments");
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url payload")
}
