//! JWE interop, both directions, with the npm `jose` package pinned in
//! `tests/interop`: for every (alg, enc) pair jwt-claims supports, jose
//! encrypts and we decrypt, and we encrypt and jose decrypts; and
//! sign-then-encrypt nested tokens (RFC 7519 §5.2) of an
//! `#[jwt(encrypted)]` purpose, made by jose's `sign_encrypt` and decoded
//! by [`Verifier::decode`], and made by [`Signer::encode`] and checked by
//! jose's `decrypt_verify`.
//!
//! Each direction is one batch: one node process. The keys are the fixed
//! ones of `tests/interop/jwe_keys` (see its README); the signing keys are
//! those of the JWS interop tests.

use jwt_claims::jwe::{
    ContentEncryption, DecryptionKey, EncryptionKey, JweDecrypter, JweEncrypter, KeyManagement,
};
use jwt_claims::{Algorithm, Claims, Signer, Verifier};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::interop::{Tool, signing_key, tool_key, verifying_key};
use crate::support::*;

// ----- the pairs, and their keys -----

/// One supported (alg, enc) pair and the fixed key it uses.
#[derive(Clone, Copy, Debug)]
struct Pair {
    alg: KeyManagement,
    enc: ContentEncryption,
    /// The key file's stem in `tests/interop/jwe_keys`.
    key: &'static str,
}

fn jwk_text(key: &str) -> &'static str {
    match key {
        "oct16" => include_str!("../interop/jwe_keys/oct16.jwk.json"),
        "oct32" => include_str!("../interop/jwe_keys/oct32.jwk.json"),
        "oct64" => include_str!("../interop/jwe_keys/oct64.jwk.json"),
        "p256" => include_str!("../interop/jwe_keys/p256.jwk.json"),
        "p384" => include_str!("../interop/jwe_keys/p384.jwk.json"),
        "x25519" => include_str!("../interop/jwe_keys/x25519.jwk.json"),
        "rsa2048" => include_str!("../interop/jwe_keys/rsa2048.jwk.json"),
        other => panic!("no key {other}"),
    }
}

impl Pair {
    /// A `kid` of its own for each (alg, key), so that one decrypter can
    /// hold every key and the token's `kid` picks it.
    fn kid(self) -> String {
        format!("{}:{}", self.alg, self.key)
    }

    /// The key as jose takes it: the JWK, with the pair's `kid`.
    fn jwk(self) -> Value {
        with(
            serde_json::from_str(jwk_text(self.key)).unwrap(),
            "kid",
            json!(self.kid()),
        )
    }

    fn decryption_key(self) -> DecryptionKey {
        DecryptionKey::from_jwk(self.alg, &self.jwk().to_string())
            .unwrap_or_else(|err| panic!("{self:?}: {err}"))
    }

    /// The recipient's key from its JWK (private members are not kept).
    fn encryption_key(self) -> EncryptionKey {
        EncryptionKey::from_jwk(self.alg, &self.jwk().to_string())
            .unwrap_or_else(|err| panic!("{self:?}: {err}"))
    }
}

/// Every supported pair: `dir` with the key of each enc's length; the AES
/// and RSA key wraps with every enc; the ECDH-ES family on P-256, P-384
/// and X25519 with every enc.
fn every_pair() -> Vec<Pair> {
    let mut pairs = Vec::new();
    for enc in ContentEncryption::ALL {
        let dir_key = match enc.key_len() {
            16 => "oct16",
            32 => "oct32",
            _ => "oct64",
        };
        let mut add = |alg, key| pairs.push(Pair { alg, enc, key });
        add(KeyManagement::Dir, dir_key);
        add(KeyManagement::A128Kw, "oct16");
        add(KeyManagement::A256Kw, "oct32");
        add(KeyManagement::RsaOaep, "rsa2048");
        add(KeyManagement::RsaOaep256, "rsa2048");
        for curve in ["p256", "p384", "x25519"] {
            add(KeyManagement::EcdhEs, curve);
            add(KeyManagement::EcdhEsA128Kw, curve);
            add(KeyManagement::EcdhEsA256Kw, curve);
        }
    }
    assert_eq!(pairs.len(), 4 + 4 * 4 + 4 * 3 * 3);
    // Every algorithm, every enc.
    for alg in KeyManagement::ALL {
        assert!(pairs.iter().any(|pair| pair.alg == alg), "{alg}");
    }
    pairs
}

/// The decryption key of each (alg, key file) once: the `dir` keys of 32
/// bytes serve two encs.
fn distinct_keys(pairs: &[Pair]) -> Vec<DecryptionKey> {
    let mut kids: Vec<String> = pairs.iter().map(|pair| pair.kid()).collect();
    kids.sort_unstable();
    kids.dedup();
    kids.iter()
        .map(|kid| {
            pairs
                .iter()
                .find(|pair| &pair.kid() == kid)
                .unwrap()
                .decryption_key()
        })
        .collect()
}

/// A decrypter holding every pair's key: the token's `kid` picks one.
fn decrypter(pairs: &[Pair]) -> JweDecrypter {
    let mut keys = distinct_keys(pairs).into_iter();
    let first = JweDecrypter::new(keys.next().unwrap());
    keys.fold(first, |decrypter, key| decrypter.with_key(key).unwrap())
}

/// A plaintext of its own for each job: every byte value, then its index.
fn plaintext(index: usize) -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..=255).collect();
    bytes.extend_from_slice(format!("job {index}: ünïcødé").as_bytes());
    bytes
}

/// What a JWE header must hold: the pair's alg, enc and kid; an `epk` of
/// the key's curve for ECDH-ES.
fn check_header(pair: Pair, header: &Value) {
    assert_eq!(header["alg"], json!(pair.alg.name()), "{pair:?}");
    assert_eq!(header["enc"], json!(pair.enc.name()), "{pair:?}");
    assert_eq!(header["kid"], json!(pair.kid()), "{pair:?}");
    let crv = match pair.key {
        "p256" => json!("P-256"),
        "p384" => json!("P-384"),
        "x25519" => json!("X25519"),
        _ => Value::Null,
    };
    assert_eq!(header["epk"]["crv"], crv, "{pair:?}");
}

// ----- the JWE layer -----

#[test]
fn jwes_jose_encrypts_with_every_pair_decrypt_here() {
    let pairs = every_pair();
    let jobs: Vec<Value> = pairs
        .iter()
        .enumerate()
        .map(|(index, pair)| {
            json!({
                "alg": pair.alg.name(),
                "enc": pair.enc.name(),
                "key": pair.jwk(),
                "plaintext_b64u": b64(&plaintext(index)),
                "header": { "kid": pair.kid() },
            })
        })
        .collect();
    let tokens = Tool::Jose.run("encrypt", &jobs);
    let decrypter = decrypter(&pairs);
    for (index, (pair, token)) in pairs.iter().zip(tokens).enumerate() {
        let token = token.as_str().expect("a token string");
        let decrypted = decrypter
            .decrypt(token)
            .unwrap_or_else(|err| panic!("{pair:?}: {err}"));
        assert_eq!(decrypted.plaintext(), plaintext(index), "{pair:?}");
        assert_eq!(decrypted.header().algorithm(), pair.alg, "{pair:?}");
        assert_eq!(
            decrypted.header().content_encryption(),
            pair.enc,
            "{pair:?}"
        );
        assert_eq!(decrypted.header().kid(), Some(pair.kid().as_str()));
        let header: Value =
            serde_json::from_slice(&unb64(token.split('.').next().unwrap())).unwrap();
        check_header(*pair, &header);
    }
}

#[test]
fn jwes_encrypted_here_with_every_pair_decrypt_in_jose() {
    let pairs = every_pair();
    let tokens: Vec<String> = pairs
        .iter()
        .enumerate()
        .map(|(index, pair)| {
            JweEncrypter::new(pair.encryption_key(), pair.enc)
                .unwrap_or_else(|err| panic!("{pair:?}: {err}"))
                .encrypt(&plaintext(index))
                .unwrap()
        })
        .collect();
    let jobs: Vec<Value> = pairs
        .iter()
        .zip(&tokens)
        .map(|(pair, token)| {
            json!({
                "alg": pair.alg.name(),
                "enc": pair.enc.name(),
                "key": pair.jwk(),
                "token": token,
            })
        })
        .collect();
    let results = Tool::Jose.run("decrypt", &jobs);
    for (index, (pair, result)) in pairs.iter().zip(results).enumerate() {
        assert_eq!(result["ok"], json!(true), "{pair:?}: {result}");
        assert_eq!(
            result["plaintext_b64u"],
            json!(b64(&plaintext(index))),
            "{pair:?}"
        );
        check_header(*pair, &result["header"]);
    }
}

#[test]
fn jose_refuses_a_jwe_encrypted_here_under_another_key_or_enc() {
    // jose's side of the allow-lists: the check is real there too.
    let pair = Pair {
        alg: KeyManagement::EcdhEsA256Kw,
        enc: ContentEncryption::A256Gcm,
        key: "p256",
    };
    let token = JweEncrypter::new(pair.encryption_key(), pair.enc)
        .unwrap()
        .encrypt(b"for p256 only")
        .unwrap();
    let other = Pair {
        key: "p384",
        ..pair
    };
    let results = Tool::Jose.run(
        "decrypt",
        &[
            json!({ "alg": pair.alg.name(), "enc": pair.enc.name(), "key": other.jwk(), "token": token }),
            json!({ "alg": pair.alg.name(), "enc": "A128GCM", "key": pair.jwk(), "token": token }),
        ],
    );
    for result in results {
        assert_eq!(result["ok"], json!(false), "{result}");
    }
}

// ----- nested: signed, then encrypted -----

/// An encrypted purpose per content encryption: a signer encrypts with
/// its purpose's first `enc`, so these four cover them all.
macro_rules! sealed_access {
    ($($name:ident = $enc:literal),* $(,)?) => {$(
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
        #[jwt(
            typ = "access",
            aud = "billing",
            ttl = "15m",
            require = ["sub", "iat"],
            encrypted,
            enc = $enc
        )]
        struct $name {
            org_id: u64,
            note: String,
        }
    )*};
}

sealed_access!(
    SealedA128Gcm = "A128GCM",
    SealedA256Gcm = "A256GCM",
    SealedA128CbcHs256 = "A128CBC-HS256",
    SealedA256CbcHs512 = "A256CBC-HS512",
);

/// The private claims every nested token carries.
fn sealed_fields() -> Value {
    json!({ "org_id": 7, "note": "ünïcødé \"quoted\" 🦀 \u{2028}" })
}

/// The whole claims set of a nested token issued at [`NOW`].
fn sealed_claims() -> Value {
    let mut claims = sealed_fields();
    for (name, value) in json!({
        "iss": ISSUER,
        "sub": "user-1",
        "aud": "billing",
        "iat": NOW,
        "exp": NOW + 900,
    })
    .as_object()
    .unwrap()
    {
        claims[name] = value.clone();
    }
    claims
}

/// The signing algorithm of the `index`th nested job: every one in turn.
fn signing_algorithm(index: usize) -> Algorithm {
    Algorithm::ALL[index % Algorithm::ALL.len()]
}

/// A verifier with every signing algorithm's key and every pair's
/// decryption key, for each sealed purpose.
fn sealed_verifier(pairs: &[Pair]) -> Verifier {
    let builder = Algorithm::ALL
        .into_iter()
        .fold(verifier_builder(), |builder, algorithm| {
            builder.shared_key(verifying_key(algorithm))
        });
    distinct_keys(pairs)
        .into_iter()
        .fold(builder, |builder, key| builder.shared_decryption_key(key))
        .build()
        .unwrap()
}

/// Decodes `token` as the sealed purpose of `enc`: the claims as JSON,
/// with the inner JWS's algorithm and subject.
fn decode_sealed(
    verifier: &Verifier,
    enc: ContentEncryption,
    token: &str,
) -> Result<(Value, Algorithm, Option<String>), jwt_claims::Error> {
    fn decode<T: Claims + Serialize + DeserializeOwned>(
        verifier: &Verifier,
        token: &str,
    ) -> Result<(Value, Algorithm, Option<String>), jwt_claims::Error> {
        let decoded = verifier.decode::<T>(token)?;
        Ok((
            serde_json::to_value(decoded.claims()).unwrap(),
            decoded.algorithm(),
            decoded.registered().subject().map(str::to_owned),
        ))
    }
    match enc {
        ContentEncryption::A128Gcm => decode::<SealedA128Gcm>(verifier, token),
        ContentEncryption::A256Gcm => decode::<SealedA256Gcm>(verifier, token),
        ContentEncryption::A128CbcHs256 => decode::<SealedA128CbcHs256>(verifier, token),
        _ => decode::<SealedA256CbcHs512>(verifier, token),
    }
}

/// A nested token of the sealed purpose of `pair.enc`, made here: signed
/// with `algorithm`'s key, encrypted to the pair's key.
fn seal_here(pair: Pair, algorithm: Algorithm) -> String {
    fn seal<T: Claims + Serialize + DeserializeOwned>(
        key: EncryptionKey,
        algorithm: Algorithm,
    ) -> String {
        let claims: T = serde_json::from_value(sealed_fields()).unwrap();
        Signer::builder()
            .issuer(ISSUER)
            .clock(clock())
            .shared_key(signing_key(algorithm))
            .encryption_key::<T>(key)
            .build()
            .unwrap()
            .issue(&claims)
            .subject("user-1")
            .encode()
            .unwrap()
            .into_string()
    }
    let key = pair.encryption_key();
    match pair.enc {
        ContentEncryption::A128Gcm => seal::<SealedA128Gcm>(key, algorithm),
        ContentEncryption::A256Gcm => seal::<SealedA256Gcm>(key, algorithm),
        ContentEncryption::A128CbcHs256 => seal::<SealedA128CbcHs256>(key, algorithm),
        _ => seal::<SealedA256CbcHs512>(key, algorithm),
    }
}

#[test]
fn nested_tokens_jose_signs_and_encrypts_with_every_pair_decode_here() {
    let pairs = every_pair();
    let jobs: Vec<Value> = pairs
        .iter()
        .enumerate()
        .map(|(index, pair)| {
            let algorithm = signing_algorithm(index);
            json!({
                "sign": {
                    "alg": algorithm.name(),
                    "key": tool_key(algorithm, true),
                    "header": { "typ": "access" },
                    "claims": sealed_claims(),
                },
                "encrypt": {
                    "alg": pair.alg.name(),
                    "enc": pair.enc.name(),
                    "key": pair.jwk(),
                    "header": { "kid": pair.kid() },
                },
            })
        })
        .collect();
    let tokens = Tool::Jose.run("sign_encrypt", &jobs);
    let verifier = sealed_verifier(&pairs);
    for (index, (pair, token)) in pairs.iter().zip(tokens).enumerate() {
        let token = token.as_str().expect("a token string");
        assert_eq!(token.split('.').count(), 5, "{pair:?}");
        let (claims, algorithm, subject) = decode_sealed(&verifier, pair.enc, token)
            .unwrap_or_else(|err| panic!("{pair:?} {}: {err}", signing_algorithm(index)));
        assert_eq!(claims, sealed_fields(), "{pair:?}");
        assert_eq!(algorithm, signing_algorithm(index), "{pair:?}");
        assert_eq!(subject.as_deref(), Some("user-1"), "{pair:?}");
    }
}

#[test]
fn nested_tokens_signed_and_encrypted_here_with_every_pair_verify_in_jose() {
    let pairs = every_pair();
    let tokens: Vec<String> = pairs
        .iter()
        .enumerate()
        .map(|(index, pair)| seal_here(*pair, signing_algorithm(index)))
        .collect();
    let jobs: Vec<Value> = pairs
        .iter()
        .zip(&tokens)
        .enumerate()
        .map(|(index, (pair, token))| {
            let algorithm = signing_algorithm(index);
            json!({
                "token": token,
                "decrypt": {
                    "alg": pair.alg.name(),
                    "enc": pair.enc.name(),
                    "key": pair.jwk(),
                },
                "verify": {
                    "alg": algorithm.name(),
                    "key": tool_key(algorithm, false),
                    "typ": "access",
                    "audience": "billing",
                    "issuer": ISSUER,
                    "now": NOW,
                },
            })
        })
        .collect();
    let results = Tool::Jose.run("decrypt_verify", &jobs);
    for (index, (pair, result)) in pairs.iter().zip(results).enumerate() {
        let algorithm = signing_algorithm(index);
        assert_eq!(result["ok"], json!(true), "{pair:?} {algorithm}: {result}");
        check_header(*pair, &result["header"]);
        assert_eq!(result["header"]["cty"], json!("JWT"), "{pair:?}");
        assert_eq!(
            result["inner_header"],
            json!({ "alg": algorithm.name(), "typ": "access" }),
            "{pair:?}"
        );
        assert_eq!(result["claims"], sealed_claims(), "{pair:?}");
    }
    // And ours decode here, the same tokens.
    let verifier = sealed_verifier(&pairs);
    for (pair, token) in pairs.iter().zip(&tokens) {
        let (claims, ..) = decode_sealed(&verifier, pair.enc, token).unwrap();
        assert_eq!(claims, sealed_fields(), "{pair:?}");
    }
}
