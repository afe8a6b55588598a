//! Shared fixtures: claims types for several purposes, a fixed clock, the
//! test keys, and tools to hand-craft tokens the library would never make.
//!
//! Hand-crafted tokens are signed with [`hmac_sha256`], a small reference
//! HMAC-SHA256 (FIPS 180-4, RFC 2104) written here so the suite needs no
//! crypto dependency of its own: a malicious header (`crit`, `jwk`, a
//! duplicate `alg`) cannot be produced through the library's signing API,
//! and a check that only fires on a correctly signed token needs a correct
//! signature. `support_hmac_matches_the_library` proves it agrees with the
//! library's signatures, and the `jws` module checks it against RFC 7515.

use std::collections::HashMap;

use jwt_claims::{
    Algorithm, Claims, FixedClock, HmacKey, Nested, Policy, PrivateKey, PublicKey, RuntimePurpose,
    Signer, Verifier, VerifierBuilder,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

// ----- time, issuer, keys -----

/// The instant every verifier and signer of the suite lives at.
pub const NOW: i64 = 1_700_000_000;

/// The issuer the signer and verifier are configured with.
pub const ISSUER: &str = "https://auth.example.com";

/// The shared HMAC secret (32 bytes, readable so a leak is easy to spot).
pub const SECRET: &[u8] = b"jwt-claims integration secret!!!";

/// A second secret, for "signed with another purpose's key" cases.
pub const OTHER_SECRET: &[u8] = b"another purpose's secret, 32 b!!";

pub fn clock() -> FixedClock {
    FixedClock::at_timestamp(NOW)
}

/// The HS256 key over [`SECRET`].
pub fn key() -> HmacKey {
    HmacKey::new(Algorithm::HS256, SECRET).expect("32-byte secret")
}

/// The HS256 key over [`OTHER_SECRET`].
pub fn other_key() -> HmacKey {
    HmacKey::new(Algorithm::HS256, OTHER_SECRET).expect("32-byte secret")
}

/// `policy` as a runtime purpose of its own (a fresh identity each call).
pub fn runtime(policy: &Policy) -> RuntimePurpose {
    RuntimePurpose::new(policy.clone()).expect("a policy that describes a purpose")
}

/// A verifier builder with the suite's clock and issuer, and no key yet.
pub fn verifier_builder() -> VerifierBuilder {
    Verifier::builder().issuer(ISSUER).clock(clock())
}

/// A verifier sharing [`key`] between every purpose.
pub fn verifier() -> Verifier {
    verifier_builder()
        .shared_key(key())
        .build()
        .expect("valid verifier")
}

/// A signer sharing [`key`] between every purpose.
pub fn signer() -> Signer {
    Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .shared_key(key())
        .build()
        .expect("valid signer")
}

/// The test keys of `tests/keys` (see its README).
pub mod pem {
    pub const RSA2048: &[u8] = include_bytes!("../keys/rsa2048.pem");
    pub const RSA2048_PUB: &[u8] = include_bytes!("../keys/rsa2048.pub.pem");
    pub const RSA2048_PKCS1: &[u8] = include_bytes!("../keys/rsa2048.pkcs1.pem");
    pub const RSA2048_PKCS1_PUB: &[u8] = include_bytes!("../keys/rsa2048.pkcs1.pub.pem");
    pub const RSA2048_B_PUB: &[u8] = include_bytes!("../keys/rsa2048-b.pub.pem");
    pub const RSA2048_B: &[u8] = include_bytes!("../keys/rsa2048-b.pem");
    pub const RSA1024: &[u8] = include_bytes!("../keys/rsa1024.pem");
    pub const RSA1024_PUB: &[u8] = include_bytes!("../keys/rsa1024.pub.pem");
    pub const P256: &[u8] = include_bytes!("../keys/p256.pem");
    pub const P256_PUB: &[u8] = include_bytes!("../keys/p256.pub.pem");
    pub const P256_SEC1: &[u8] = include_bytes!("../keys/p256.sec1.pem");
    pub const P256_DER: &[u8] = include_bytes!("../keys/p256.der");
    pub const P256_PUB_DER: &[u8] = include_bytes!("../keys/p256.pub.der");
    pub const P256_B: &[u8] = include_bytes!("../keys/p256-b.pem");
    pub const P256_B_PUB: &[u8] = include_bytes!("../keys/p256-b.pub.pem");
    pub const P384: &[u8] = include_bytes!("../keys/p384.pem");
    pub const P384_PUB: &[u8] = include_bytes!("../keys/p384.pub.pem");
    pub const ED25519: &[u8] = include_bytes!("../keys/ed25519.pem");
    pub const ED25519_PUB: &[u8] = include_bytes!("../keys/ed25519.pub.pem");
}

/// Examples from the RFCs, copied from their text; the tokens live in
/// `tests/vectors` (see its README for each one's source).
pub mod rfc {
    /// RFC 7515 Appendix A.1: an HS256 JWS (header `{"typ":"JWT",\r\n "alg":"HS256"}`).
    pub const A1_TOKEN: &str = include_str!("../vectors/rfc7515-a1.jws").trim_ascii();
    /// RFC 7515 Appendix A.1: the HMAC key, a JWK of `"kty":"oct"`.
    pub const A1_JWK: &str = r#"{"kty":"oct",
      "k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
    /// RFC 7515 Appendices A.1 to A.4: the payload, with its CRLFs.
    pub const PAYLOAD: &[u8] =
        b"{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
    /// RFC 7515 Appendix A.3: an ES256 JWS (header `{"alg":"ES256"}`).
    pub const A3_TOKEN: &str = include_str!("../vectors/rfc7515-a3.jws").trim_ascii();
    /// RFC 7515 Appendix A.3: the P-256 key, public part.
    pub const A3_PUBLIC_JWK: &str = r#"{"kty":"EC","crv":"P-256",
      "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
      "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;
    /// RFC 7515 Appendix A.3: the P-256 key with its private scalar.
    pub const A3_PRIVATE_JWK: &str = r#"{"kty":"EC","crv":"P-256",
      "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
      "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
      "d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}"#;
    /// RFC 8037 Appendix A.1: the Ed25519 key, public part (A.2).
    pub const ED25519_PUBLIC_JWK: &str =
        r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    /// RFC 8037 Appendix A.1: the Ed25519 key with its seed.
    pub const ED25519_PRIVATE_JWK: &str = r#"{"kty":"OKP","crv":"Ed25519",
      "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
      "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    /// RFC 8037 Appendix A.4: "Example of Ed25519 signing", signed.
    pub const ED25519_TOKEN: &str = include_str!("../vectors/rfc8037-a4.jws").trim_ascii();
    /// RFC 7515 Appendix A.2: an RS256 JWS (header `{"alg":"RS256"}`).
    pub const A2_TOKEN: &str = include_str!("../vectors/rfc7515-a2.jws").trim_ascii();
    /// RFC 7515 Appendix A.2.1: the RSA key with its private members.
    pub const A2_PRIVATE_JWK: &str = include_str!("../vectors/rfc7515-a2-rsa.private.jwk.json");
    /// RFC 7515 Appendix A.4: an ES512 JWS over the payload `Payload`.
    pub const A4_TOKEN: &str = include_str!("../vectors/rfc7515-a4.jws").trim_ascii();
    /// RFC 7515 Appendix A.4: the P-521 key.
    pub const A4_PRIVATE_JWK: &str = include_str!("../vectors/rfc7515-a4-p521.private.jwk.json");
    /// RFC 7520 §4: the payload every signature example signs.
    pub const COOKBOOK_PAYLOAD: &str = include_str!("../vectors/rfc7520-4-payload.txt");
    /// RFC 7520 §3.2: the P-521 key (`kid` `bilbo.baggins@hobbiton.example`).
    pub const COOKBOOK_P521_JWK: &str =
        include_str!("../vectors/rfc7520-3.2-p521.private.jwk.json");
    /// RFC 7520 §3.4: the RSA key (`kid` `bilbo.baggins@hobbiton.example`).
    pub const COOKBOOK_RSA_JWK: &str = include_str!("../vectors/rfc7520-3.4-rsa.private.jwk.json");
    /// RFC 7520 §3.5: the HMAC key (`kid` `018c0ae5-4d9b-471b-bfd6-eef314bc7037`).
    pub const COOKBOOK_HMAC_JWK: &str = include_str!("../vectors/rfc7520-3.5-hmac.jwk.json");
    /// RFC 7520 §4.1: RSA v1.5 signature (RS256).
    pub const COOKBOOK_4_1: &str = include_str!("../vectors/rfc7520-4.1.jws").trim_ascii();
    /// RFC 7520 §4.2: RSA-PSS signature (PS384).
    pub const COOKBOOK_4_2: &str = include_str!("../vectors/rfc7520-4.2.jws").trim_ascii();
    /// RFC 7520 §4.3: ECDSA signature (ES512).
    pub const COOKBOOK_4_3: &str = include_str!("../vectors/rfc7520-4.3.jws").trim_ascii();
    /// RFC 7520 §4.4: HMAC-SHA2 integrity protection (HS256).
    pub const COOKBOOK_4_4: &str = include_str!("../vectors/rfc7520-4.4.jws").trim_ascii();
}

/// The base64 body of a PEM file.
pub fn pem_body(pem: &[u8]) -> &str {
    let text = std::str::from_utf8(pem).expect("PEM is text");
    let start = text.find("-----\n").expect("a BEGIN line") + 6;
    let end = text.rfind("-----END").expect("an END line");
    &text[start..end]
}

/// A private key from one of [`pem`]'s files.
pub fn private(algorithm: Algorithm, pem: &[u8]) -> PrivateKey {
    PrivateKey::from_pem(algorithm, pem).expect("test private key")
}

/// A public key from one of [`pem`]'s files.
pub fn public(algorithm: Algorithm, pem: &[u8]) -> PublicKey {
    PublicKey::from_pem(algorithm, pem).expect("test public key")
}

// ----- claims types, one per purpose -----

/// The auth service's access token for the billing API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "billing", ttl = "15m", require = ["sub"])]
pub struct BillingAccess {
    pub org_id: u64,
    pub role: String,
}

/// A refresh token: long-lived, for the billing session, always with `jti`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "refresh", aud = "billing", ttl = "30d", require = ["sub", "jti"])]
pub struct Refresh {
    pub session: String,
}

/// An access token for the reports API: same `typ` as [`BillingAccess`],
/// another audience and another shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "reports", ttl = "15m")]
pub struct ReportsAccess {
    pub org_id: u64,
}

/// The innermost grant: a scope, nested in delegations and access tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "scope", aud = "billing", ttl = "5m")]
pub struct ScopeGrant {
    pub scope: String,
}

/// A delegation grant, which may itself carry a scope grant.
#[derive(Debug, Clone, Serialize, Deserialize, Claims)]
#[jwt(typ = "delegation", aud = "billing", ttl = "5m")]
pub struct DelegationGrant {
    pub on_behalf_of: String,
    #[jwt(nested)]
    pub inner: Option<Nested<ScopeGrant>>,
}

/// An access token acting for someone else: nested tokens at depth 2
/// (`grant`, `grants[i]`) and 3 (`grant.inner`, `grants[i].inner`).
#[derive(Debug, Clone, Serialize, Deserialize, Claims)]
#[jwt(typ = "delegated-access", aud = "billing", ttl = "15m")]
pub struct DelegatedAccess {
    pub org_id: u64,
    #[jwt(nested)]
    pub grant: Nested<DelegationGrant>,
    #[jwt(nested)]
    pub grants: Vec<Nested<DelegationGrant>>,
}

/// A token that may carry another of its own kind: nesting as deep as
/// anyone likes, to test the depth cap.
#[derive(Debug, Clone, Serialize, Deserialize, Claims)]
#[jwt(typ = "chain", aud = "chain", ttl = "5m")]
pub struct Chain {
    pub link: u32,
    #[jwt(nested)]
    pub next: Option<Nested<Chain>>,
}

/// A purpose pinned to ES256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "payments", alg = "ES256", ttl = "15m")]
pub struct PaymentsAccess {
    pub account: String,
}

/// A purpose allowing two RSA algorithms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "report", aud = "reports", algs = ["RS256", "PS256"], ttl = "15m")]
pub struct SignedReport {
    pub report_id: u64,
}

/// A purpose bound to its own issuer, not the verifier's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(
    typ = "access",
    aud = "partner",
    iss = "https://partner.example.com",
    ttl = "15m"
)]
pub struct PartnerAccess {
    pub partner_id: u64,
}

/// A purpose tolerating 30 s of clock skew.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "lenient", ttl = "1m", leeway = "30s")]
pub struct LenientAccess {
    pub org_id: u64,
}

/// A purpose refusing tokens issued more than 5 minutes ago.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "fresh", ttl = "1m", max_age = "5m")]
pub struct FreshAccess {
    pub org_id: u64,
}

/// A purpose with no `ttl`: every token needs an explicit expiry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "webhook", aud = "hooks")]
pub struct Webhook {
    pub event: String,
}

/// A purpose addressed to two audiences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "dashboard", aud = ["billing", "reports"], ttl = "15m", require = ["jti"])]
pub struct Dashboard {
    pub widgets: Vec<String>,
}

/// A purpose with a `#[serde(flatten)]` catch-all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "flex", ttl = "15m")]
pub struct FlexibleAccess {
    pub org_id: u64,
    #[serde(flatten)]
    pub extra: HashMap<String, Value>,
}

pub fn billing() -> BillingAccess {
    BillingAccess {
        org_id: 7,
        role: "admin".into(),
    }
}

/// A billing access token minted by the library for `user-1`.
pub fn billing_token() -> String {
    signer()
        .issue(&billing())
        .subject("user-1")
        .encode()
        .expect("encodes")
        .into_string()
}

/// The payload [`billing_token`] carries, as JSON to edit.
pub fn billing_claims() -> Value {
    json!({
        "iss": ISSUER,
        "sub": "user-1",
        "aud": "billing",
        "exp": NOW + 900,
        "iat": NOW,
        "org_id": 7,
        "role": "admin",
    })
}

/// `value` with `member` set to `to`.
pub fn with(mut value: Value, member: &str, to: Value) -> Value {
    value
        .as_object_mut()
        .expect("an object")
        .insert(member.to_owned(), to);
    value
}

/// `value` without `member`.
pub fn without(mut value: Value, member: &str) -> Value {
    value.as_object_mut().expect("an object").remove(member);
    value
}

// ----- hand-crafted tokens -----

/// The header the library writes for an HS256 token of type `typ`.
pub fn hs256_header(typ: &str) -> String {
    format!(r#"{{"alg":"HS256","typ":"{typ}"}}"#)
}

/// `header` and `payload` (any bytes) signed with [`SECRET`].
pub fn craft(header: impl AsRef<[u8]>, payload: impl AsRef<[u8]>) -> String {
    craft_with(SECRET, header, payload)
}

/// `header` and `payload` (any bytes) signed with HMAC-SHA256 over `secret`.
pub fn craft_with(secret: &[u8], header: impl AsRef<[u8]>, payload: impl AsRef<[u8]>) -> String {
    let input = format!("{}.{}", b64(header.as_ref()), b64(payload.as_ref()));
    let mac = hmac_sha256(secret, input.as_bytes());
    format!("{input}.{}", b64(&mac))
}

/// A correctly signed token with `header` and the JSON `payload`.
pub fn craft_json(header: &str, payload: &Value) -> String {
    craft(header, payload.to_string())
}

/// The three segments of a compact token.
pub fn segments(token: &str) -> [&str; 3] {
    let parts: Vec<&str> = token.split('.').collect();
    parts.try_into().expect("three segments")
}

/// Replaces segment `index` of `token` with `segment`.
pub fn replace_segment(token: &str, index: usize, segment: &str) -> String {
    let mut parts: Vec<&str> = token.split('.').collect();
    parts[index] = segment;
    parts.join(".")
}

// ----- base64url (RFC 4648 §5, unpadded) -----

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn b64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// Decodes base64url or standard base64 (for PEM bodies), ignoring
/// padding and whitespace. Panics on anything else: test data only.
pub fn unb64(text: &str) -> Vec<u8> {
    let sextets: Vec<u32> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b'=')
        .map(|b| match b {
            b'+' => 62,
            b'/' => 63,
            _ => ALPHABET
                .iter()
                .position(|&a| a == b)
                .expect("base64 character") as u32,
        })
        .collect();
    let mut out = Vec::with_capacity(sextets.len() * 3 / 4);
    for chunk in sextets.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &s)| n | s << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

/// The alphabet index of a base64url character.
pub fn sextet(c: u8) -> u8 {
    ALPHABET
        .iter()
        .position(|&a| a == c)
        .expect("base64url character") as u8
}

/// The base64url character of a 6-bit value.
pub fn sextet_char(value: u8) -> char {
    char::from(ALPHABET[usize::from(value)])
}

// ----- HMAC-SHA256 (FIPS 180-4, RFC 2104) -----

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&(data.len() as u64 * 8).to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
            *word = u32::from_be_bytes(bytes.try_into().expect("4 bytes"));
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for (k, w) in K.iter().zip(w) {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(*k)
                .wrapping_add(w);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            (hh, g, f, e, d, c, b, a) = (g, f, e, d.wrapping_add(t1), c, b, a, t1.wrapping_add(t2));
        }
        for (state, add) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *state = state.wrapping_add(add);
        }
    }
    let mut out = [0u8; 32];
    for (bytes, word) in out.chunks_exact_mut(4).zip(h) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    out
}

pub fn hmac_sha256(secret: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if secret.len() > 64 {
        block[..32].copy_from_slice(&sha256(secret));
    } else {
        block[..secret.len()].copy_from_slice(secret);
    }
    let inner: Vec<u8> = block
        .iter()
        .map(|b| b ^ 0x36)
        .chain(message.iter().copied())
        .collect();
    let outer: Vec<u8> = block
        .iter()
        .map(|b| b ^ 0x5c)
        .chain(sha256(&inner))
        .collect();
    sha256(&outer)
}

#[test]
fn support_sha256_matches_fips_180_examples() {
    let hex = |bytes: [u8; 32]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    assert_eq!(
        hex(sha256(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        hex(sha256(
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        )),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
}

#[test]
fn support_hmac_matches_the_library() {
    let payload = billing_claims().to_string();
    let from_library =
        jwt_claims::jws::sign(&key().into(), Some("access"), payload.as_bytes()).unwrap();
    assert_eq!(craft(hs256_header("access"), &payload), from_library);
    // A secret longer than the block is hashed first (RFC 2104 §2).
    let long = [0x42u8; 100];
    let long_key = HmacKey::new(Algorithm::HS256, &long).unwrap();
    let from_library =
        jwt_claims::jws::sign(&long_key.into(), Some("access"), payload.as_bytes()).unwrap();
    assert_eq!(
        craft_with(&long, hs256_header("access"), &payload),
        from_library
    );
}

#[test]
fn support_base64url_round_trips_every_length() {
    for len in 0..20 {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 251) as u8).collect();
        assert_eq!(unb64(&b64(&bytes)), bytes, "{len}");
    }
    assert_eq!(b64(&[0xfb, 0xff, 0x00]), "-_8A");
}
