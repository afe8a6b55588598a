//! The JWE layer and encrypted purposes: `JweDecrypter::decrypt` with fixed
//! keys of six kinds (A128KW, `dir`, A256KW, ECDH-ES+A256KW on P-256,
//! ECDH-ES on X25519, RSA-OAEP-256: the test keys of
//! `tests/interop/jwe_keys`), and `Verifier::decode` of an
//! `#[jwt(encrypted)]` purpose holding a nested token.
//!
//! The first byte's bits: 0 raw (the rest is the token) or crafted; 1-3
//! the recipient key (crafted); 4 the encrypted purpose (crafted: the
//! plaintext is a JWS that `src/lib.rs`'s crafted format builds, and the
//! verifier decodes the JWE; otherwise the plaintext is the bytes as given
//! and the raw layer decrypts); 5 a stricter decrypter (A256GCM and
//! A128CBC-HS256 only, 4 KiB limit).
//!
//! A crafted input is `header 0xFD plaintext [0xFD edits]`. The header is
//! the protected header's JSON, every `$$` in it replaced by the public
//! members (`"kty":…,"crv":…,"x":…`) of a fixed ephemeral key on the
//! recipient's curve, so `"epk":{$$}` is the ephemeral key the token is
//! encrypted with. The target encrypts the plaintext to the key under that
//! header, with a fixed CEK and IV, then applies the edits: triples of a
//! 16-bit little-endian offset into the token and the ASCII byte (the low
//! 7 bits) to write there.
//!
//! Properties, beyond "never panics": every rejection as `src/lib.rs`
//! checks it (bounded, no token echoed, no control character); a token
//! that decrypts, raw or crafted, stops decrypting when its tag changes; a
//! crafted token that decrypts gives back exactly the plaintext and the
//! header it was encrypted with, edited or not; and an unedited crafted
//! token whose header names the key's algorithm (its `kid`, if any, and
//! its ephemeral key, for ECDH-ES) decrypts: jwt-claims decrypts what it
//! encrypts, and an encrypted purpose then fails, if at all, inside the
//! JWS, never at the JWE layer.

#![no_main]

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_claims::jwe::{self, ContentEncryption, Curve, DecryptionKey, JweDecrypter, KeyManagement};
use jwt_claims::{Algorithm, Claims, Decoded, Error, FixedClock, HmacKey, Nested, Verifier};
use jwt_claims_fuzz::{Access, ISSUER, NOW, SECRET, Scope, check_rejection};
use libfuzzer_sys::fuzz_target;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An encrypted purpose: an HS256 JWS under [`SECRET`] inside a JWE to
/// any of the fixed keys, optionally carrying a scope token.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(typ = "sealed", aud = "fuzz", ttl = "15m", encrypted)]
struct Sealed {
    /// A string.
    note: String,
    /// A nested scope token.
    #[jwt(nested)]
    inner: Option<Nested<Scope>>,
}

/// The purpose's `typ`, which an outer header may also carry.
const SEALED_TYPE: &str = "sealed";

/// The recipient keys: algorithm, JWK (its `kid` kept) and a `kid` to use
/// instead (one secret serves two algorithms).
const KEYS: [(KeyManagement, &str, Option<&str>); 6] = [
    (KeyManagement::A128Kw, OCT16, None),
    (KeyManagement::Dir, OCT32, None),
    (KeyManagement::A256Kw, OCT32, Some("jwe-oct32-kw")),
    (KeyManagement::EcdhEsA256Kw, P256, None),
    (KeyManagement::EcdhEs, X25519, None),
    (KeyManagement::RsaOaep256, RSA2048, None),
];

const OCT16: &str = include_str!("../../tests/interop/jwe_keys/oct16.jwk.json");
const OCT32: &str = include_str!("../../tests/interop/jwe_keys/oct32.jwk.json");
const P256: &str = include_str!("../../tests/interop/jwe_keys/p256.jwk.json");
const X25519: &str = include_str!("../../tests/interop/jwe_keys/x25519.jwk.json");
const RSA2048: &str = include_str!("../../tests/interop/jwe_keys/rsa2048.jwk.json");

/// The fixed ephemeral keys: RFC 7518 Appendix C's Alice (P-256) and RFC
/// 7748 §6.1's Alice (X25519).
const P256_EPHEMERAL: (&str, &str, &str) = (
    "gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0",
    "SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps",
    "0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo",
);
const X25519_EPHEMERAL: (&str, &str) = (
    "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo",
    "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo",
);

/// The CEK (its first `key_len` bytes) and IV of every crafted token.
const CEK: [u8; 64] = *b"jwt-claims fuzzing CEK, 64 bytes: the longest enc takes all 64 B";
const IV: [u8; 16] = *b"fuzzing IV, 16 B";

/// The stricter decrypter's limit and content encryptions.
const STRICT_MAX_SIZE: usize = 4096;
const STRICT_ENCS: [ContentEncryption; 2] =
    [ContentEncryption::A256Gcm, ContentEncryption::A128CbcHs256];

struct Fixture {
    keys: Vec<DecryptionKey>,
    p256_ephemeral: DecryptionKey,
    x25519_ephemeral: DecryptionKey,
    all: JweDecrypter,
    strict: JweDecrypter,
    verifier: Verifier,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let keys: Vec<DecryptionKey> = KEYS
            .iter()
            .map(|&(alg, jwk, kid)| {
                let key = DecryptionKey::from_jwk(alg, jwk).expect("a test key");
                match kid {
                    Some(kid) => key.with_kid(kid),
                    None => key,
                }
            })
            .collect();
        let (x, y, d) = P256_EPHEMERAL;
        let p256_ephemeral = DecryptionKey::from_jwk(
            KeyManagement::EcdhEs,
            &format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}","y":"{y}","d":"{d}"}}"#),
        )
        .expect("RFC 7518 C's key");
        let (x, d) = X25519_EPHEMERAL;
        let x25519_ephemeral = DecryptionKey::from_jwk(
            KeyManagement::EcdhEs,
            &format!(r#"{{"kty":"OKP","crv":"X25519","x":"{x}","d":"{d}"}}"#),
        )
        .expect("RFC 7748's key");
        let mut all = JweDecrypter::new(keys[0].clone());
        for key in &keys[1..] {
            all = all.with_key(key.clone()).expect("distinct kids");
        }
        let strict = all
            .clone()
            .with_content_encryptions(STRICT_ENCS)
            .with_max_size(STRICT_MAX_SIZE);
        let mut builder = Verifier::builder()
            .issuer(ISSUER)
            .clock(FixedClock::at_timestamp(NOW))
            .shared_key(HmacKey::new(Algorithm::HS256, SECRET).expect("32 bytes"));
        for key in &keys {
            builder = builder.decryption_key::<Sealed>(key.clone());
        }
        Fixture {
            keys,
            p256_ephemeral,
            x25519_ephemeral,
            all,
            strict,
            verifier: builder.build().expect("a valid verifier"),
        }
    })
}

impl Fixture {
    fn decrypter(&self, mode: u8) -> (&JweDecrypter, bool) {
        if mode & 0x20 != 0 {
            (&self.strict, true)
        } else {
            (&self.all, false)
        }
    }

    /// The fixed ephemeral key on `key`'s curve (P-256 for a key of none).
    fn ephemeral(&self, key: &DecryptionKey) -> &DecryptionKey {
        match key.curve() {
            Some(Curve::X25519) => &self.x25519_ephemeral,
            _ => &self.p256_ephemeral,
        }
    }
}

/// The public JWK members of a fixed ephemeral key, for `$$`.
fn epk_members(curve: Option<Curve>) -> String {
    match curve {
        Some(Curve::X25519) => {
            format!(r#""kty":"OKP","crv":"X25519","x":"{}""#, X25519_EPHEMERAL.0)
        }
        _ => format!(
            r#""kty":"EC","crv":"P-256","x":"{}","y":"{}""#,
            P256_EPHEMERAL.0, P256_EPHEMERAL.1
        ),
    }
}

/// `token` with the first character of its tag changed.
fn flip_tag(token: &str) -> String {
    let (rest, tag) = token
        .rsplit_once('.')
        .expect("a decrypted token has five parts");
    let flipped = if tag.starts_with('A') { 'B' } else { 'A' };
    format!("{rest}.{flipped}{}", tag.get(1..).unwrap_or_default())
}

/// What an accepted token of the encrypted purpose must hold.
fn sealed_accepted(decoded: &Decoded<Sealed>) {
    if let Some(inner) = &decoded.claims().inner {
        assert!(inner.claims().is_some(), "a nested token left unverified");
    }
    let exp = decoded.registered().expires_at().timestamp();
    assert!(exp > NOW, "accepted an expired token");
}

fn raw(fixture: &Fixture, mode: u8, token: &str) {
    let (decrypter, _) = fixture.decrypter(mode);
    match decrypter.decrypt(token) {
        Ok(_) => assert_eq!(
            decrypter.decrypt(&flip_tag(token)).map(|_| ()),
            Err(Error::DecryptionFailed),
            "a changed tag decrypts: {token}"
        ),
        Err(err) => check_rejection(&err, token),
    }
    match fixture.verifier.decode::<Sealed>(token) {
        Ok(decoded) => {
            sealed_accepted(&decoded);
            assert_eq!(
                fixture
                    .verifier
                    .decode::<Sealed>(&flip_tag(token))
                    .map(|_| ()),
                Err(Error::DecryptionFailed),
                "a changed tag decodes: {token}"
            );
        }
        Err(err) => check_rejection(&err, token),
    }
    // A purpose that is not encrypted, handed a JWE (or anything else).
    if let Err(err) = fixture.verifier.decode::<Access>(token) {
        check_rejection(&err, token);
    }
}

/// The members of a crafted header the library acts on, read with plain
/// serde_json: what the token must decrypt to, and whether it must.
struct HeaderView {
    members: Map<String, Value>,
}

impl HeaderView {
    fn of(header: &[u8]) -> Option<HeaderView> {
        match serde_json::from_slice(header) {
            Ok(Value::Object(members)) => Some(HeaderView { members }),
            _ => None,
        }
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.members.get(name).and_then(Value::as_str)
    }

    fn enc(&self) -> Option<ContentEncryption> {
        self.text("enc")
            .and_then(|name| ContentEncryption::from_name(name).ok())
    }

    /// Whether `key` decrypts the token encrypted under this header, by
    /// a decrypter that allows `encs` up to `max_size` bytes: the header
    /// names the key's algorithm, its `kid` if any, an allowed `enc`, and
    /// for ECDH-ES the fixed ephemeral key, member for member. (`false`
    /// means "not predicted", not "must fail".)
    fn decrypts(
        &self,
        key: &DecryptionKey,
        encs: &[ContentEncryption],
        max_size: usize,
        token: &str,
    ) -> bool {
        let named = self.text("alg") == Some(key.algorithm().name())
            && self
                .members
                .get("kid")
                .is_none_or(|kid| kid.as_str() == key.kid());
        let allowed = self.enc().is_some_and(|enc| encs.contains(&enc)) && token.len() <= max_size;
        let ephemeral = match key.curve() {
            None => true,
            Some(curve) => self
                .members
                .get("epk")
                .and_then(Value::as_object)
                .is_some_and(|epk| {
                    let text = |name: &str| epk.get(name).and_then(Value::as_str);
                    match curve {
                        Curve::X25519 => {
                            text("kty") == Some("OKP")
                                && text("crv") == Some("X25519")
                                && text("x") == Some(X25519_EPHEMERAL.0)
                        }
                        _ => {
                            text("kty") == Some("EC")
                                && text("crv") == Some("P-256")
                                && text("x") == Some(P256_EPHEMERAL.0)
                                && text("y") == Some(P256_EPHEMERAL.1)
                        }
                    }
                }),
        };
        named && allowed && ephemeral
    }

    /// Whether the outer header is one the encrypted purpose takes as it
    /// is: `cty: "JWT"`, and no `typ` or the purpose's.
    fn nests_a_jwt(&self) -> bool {
        self.text("cty") == Some("JWT")
            && self
                .members
                .get("typ")
                .is_none_or(|typ| typ.as_str() == Some(SEALED_TYPE))
    }
}

/// `haystack` with every `$$` replaced by `with`.
fn substitute(haystack: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len() + with.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(b"$$") {
            out.extend_from_slice(with);
            i += 2;
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

fn crafted(fixture: &Fixture, mode: u8, rest: &[u8]) {
    let mut sections = rest.splitn(3, |&b| b == 0xFD);
    let header = sections.next().unwrap_or_default();
    let body = sections.next().unwrap_or_default();
    let edits = sections.next().unwrap_or_default();
    let key = &fixture.keys[usize::from((mode >> 1) & 7) % fixture.keys.len()];
    let nested = mode & 0x10 != 0;
    let plaintext = if nested {
        match jwt_claims_fuzz::token(0, body) {
            Some(jws) => jws.into_bytes(),
            None => return,
        }
    } else {
        body.to_vec()
    };

    let header = substitute(header, epk_members(key.curve()).as_bytes());
    let protected = URL_SAFE_NO_PAD.encode(&header);
    let view = HeaderView::of(&header);
    let enc = view.as_ref().and_then(HeaderView::enc);
    let cek = enc.map(|enc| &CEK[..enc.key_len()]);
    let iv = &IV[..enc.map_or(12, ContentEncryption::iv_len)];
    let ephemeral = key.curve().map(|_| fixture.ephemeral(key));
    let encrypted = jwe::__encrypt_fixed(
        &key.encryption_key(),
        &protected,
        cek,
        iv,
        ephemeral,
        &plaintext,
    );
    let (original, ours) = match encrypted {
        Ok(token) => (token, true),
        // A header the library refuses: the same header on dummy parts,
        // for its error paths.
        Err(_) => {
            let mut token = protected;
            token.push_str("..");
            URL_SAFE_NO_PAD.encode_string(iv, &mut token);
            token.push('.');
            URL_SAFE_NO_PAD.encode_string(&plaintext, &mut token);
            token.push('.');
            URL_SAFE_NO_PAD.encode_string([0; 16], &mut token);
            (token, false)
        }
    };
    let mut bytes = original.clone().into_bytes();
    for edit in edits.chunks_exact(3) {
        let at = usize::from(u16::from_le_bytes([edit[0], edit[1]])) % bytes.len();
        bytes[at] = edit[2] & 0x7F;
    }
    let token = String::from_utf8(bytes).expect("ASCII stays UTF-8");
    let untouched = ours && token == original;

    if nested {
        let must = untouched
            && view.as_ref().is_some_and(|view| {
                view.nests_a_jwt()
                    && view.decrypts(key, &ContentEncryption::ALL, usize::MAX, &token)
            });
        match fixture.verifier.decode::<Sealed>(&token) {
            Ok(decoded) => sealed_accepted(&decoded),
            Err(err) => {
                if must {
                    assert!(
                        !matches!(
                            err,
                            Error::DecryptionFailed
                                | Error::EncryptionNotAllowed { .. }
                                | Error::UnknownKey { .. }
                                | Error::UnsupportedEncryption { .. }
                                | Error::UnsupportedHeader { .. }
                                | Error::UnsupportedCritical
                                | Error::MissingContentType
                                | Error::UnexpectedContentType { .. }
                                | Error::NotEncrypted
                                | Error::WrongSegmentCount { .. }
                        ),
                        "our own JWE refused at the JWE layer: {err:?}\n{token}"
                    );
                }
                check_rejection(&err, &token);
            }
        }
        return;
    }

    let (decrypter, strict) = fixture.decrypter(mode);
    let (encs, max_size): (&[ContentEncryption], usize) = if strict {
        (&STRICT_ENCS, STRICT_MAX_SIZE)
    } else {
        (
            &ContentEncryption::ALL,
            jwt_claims::jws::DEFAULT_MAX_TOKEN_SIZE,
        )
    };
    let must = untouched
        && view
            .as_ref()
            .is_some_and(|view| view.decrypts(key, encs, max_size, &token));
    match decrypter.decrypt(&token) {
        Ok(decrypted) => {
            assert!(
                ours,
                "a token the library refused to make decrypts: {token}"
            );
            assert_eq!(decrypted.plaintext(), plaintext, "{token}");
            let header = decrypted.header();
            assert_eq!(header.algorithm(), key.algorithm());
            if let Some(view) = &view {
                assert_eq!(Some(header.content_encryption()), enc);
                assert_eq!(header.kid(), view.text("kid"));
                assert_eq!(header.token_type(), view.text("typ"));
                assert_eq!(header.content_type(), view.text("cty"));
            }
            assert_eq!(
                decrypter.decrypt(&flip_tag(&token)).map(|_| ()),
                Err(Error::DecryptionFailed),
                "a changed tag decrypts: {token}"
            );
        }
        Err(err) => {
            assert!(!must, "our own JWE does not decrypt: {err:?}\n{token}");
            check_rejection(&err, &token);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let fixture = fixture();
    if mode & 1 == 1 {
        if let Ok(token) = std::str::from_utf8(rest) {
            raw(fixture, mode, token);
        }
    } else {
        crafted(fixture, mode, rest);
    }
});
