//! Both crypto backends accept and refuse the same keys, when the key is
//! built, with the same error: jwt-claims checks key parameters itself
//! before either backend sees them. Run on each backend:
//!
//! ```text
//! cargo test -p jwt-claims-tests --test integration
//! cargo test -p jwt-claims-tests --no-default-features --features rust_crypto --test integration
//! ```
//!
//! What legitimately differs per backend is asserted here for each, never
//! skipped: the RustCrypto backend cannot generate RSA keys.

use jwt_claims::{Algorithm, Error, PrivateKey, PublicKey, Signer, SigningKey, VerifyingKey};
use serde_json::Value;

use crate::support::*;

/// The backend this build of the suite runs on (aws-lc-rs wins when a
/// build enables both, as jwt-claims does).
const RUST_CRYPTO: bool = cfg!(all(feature = "rust_crypto", not(feature = "aws_lc_rs")));

/// An 8192-bit RSA key, the largest both backends verify (`tests/keys`,
/// OpenSSL 3 `genpkey`).
const RSA8192: &[u8] = include_bytes!("../keys/rsa8192.pem");
const RSA8192_PUB: &[u8] = include_bytes!("../keys/rsa8192.pub.pem");

fn invalid(algorithm: Algorithm, reason: &str) -> Error {
    Error::InvalidKey {
        algorithm,
        reason: reason.into(),
    }
}

/// Signs a billing token with `signing` and verifies it with `verifying`.
fn round_trip(
    signing: impl Into<SigningKey>,
    verifying: impl Into<VerifyingKey>,
) -> Result<(), Error> {
    let signer = Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .shared_key(signing)
        .build()?;
    let verifier = verifier_builder().shared_key(verifying).build()?;
    let token = signer.issue(&billing()).subject("user-1").encode()?;
    let decoded = verifier.decode::<BillingAccess>(token.as_str())?;
    assert_eq!(decoded.claims(), &billing());
    Ok(())
}

/// The members of a JWK, by name.
fn members(jwk: &str) -> serde_json::Map<String, Value> {
    match serde_json::from_str(jwk).unwrap() {
        Value::Object(members) => members,
        _ => unreachable!("a JWK is an object"),
    }
}

/// The modulus of `tests/keys/rsa2048.pem`, big-endian.
fn modulus() -> Vec<u8> {
    let jwk = public(Algorithm::RS256, pem::RSA2048_PUB).to_jwk();
    unb64(members(&jwk)["n"].as_str().unwrap())
}

fn rsa_public(n: &[u8], e: &[u8]) -> Result<PublicKey, Error> {
    let jwk = format!(r#"{{"kty":"RSA","n":"{}","e":"{}"}}"#, b64(n), b64(e));
    PublicKey::from_jwk(Algorithm::RS256, &jwk)
}

/// A PKCS#1 RSAPublicKey of `n` and `e` (RFC 8017 A.1.1).
fn pkcs1(n: &[u8], e: &[u8]) -> Vec<u8> {
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match content.len() {
            len @ 0..=0x7f => out.push(len as u8),
            len @ 0x80..=0xff => out.extend([0x81, len as u8]),
            len => out.extend([0x82, (len >> 8) as u8, len as u8]),
        }
        out.extend_from_slice(content);
        out
    }
    let integer = |bytes: &[u8]| {
        let padded = [&[0][..], bytes].concat();
        tlv(0x02, if bytes[0] & 0x80 != 0 { &padded } else { bytes })
    };
    tlv(0x30, &[integer(n), integer(e)].concat())
}

#[test]
fn refuses_rsa_public_keys_with_an_even_modulus_or_an_unusable_exponent() {
    let n = modulus();
    let mut even = n.clone();
    *even.last_mut().unwrap() &= 0xfe;
    let alg = Algorithm::RS256;
    let cases: [(&[u8], &[u8], &str); 6] = [
        (&n, &[1], "RSA public exponent is 1, at least 3 is required"),
        (&n, &[2], "RSA public exponent 2 is even"),
        (&n, &[1, 0, 0], "RSA public exponent 65536 is even"),
        (
            &n,
            &[2, 0, 0, 0, 1],
            "RSA public exponent is 34 bits, at most 33 are supported",
        ),
        (
            &n,
            &n,
            "RSA public exponent is 2048 bits, at most 33 are supported",
        ),
        (&even, &[1, 0, 1], "RSA modulus is even"),
    ];
    for (n, e, reason) in cases {
        // From a JWK and from DER, on either backend: the same refusal.
        assert_eq!(
            rsa_public(n, e).map(drop),
            Err(invalid(alg, reason)),
            "{e:?}"
        );
        assert_eq!(
            PublicKey::from_der(alg, &pkcs1(n, e)).map(drop),
            Err(invalid(alg, reason)),
            "{e:?}"
        );
    }
    // The smallest and largest exponents both backends take.
    for e in [&[3][..], &[1, 0, 1], &[1, 0xff, 0xff, 0xff, 0xff]] {
        assert!(rsa_public(&n, e).is_ok(), "{e:?}");
    }
}

#[test]
fn refuses_rsa_private_keys_with_an_unusable_exponent_with_the_public_key_error() {
    // aws-lc refused these itself as "not a valid RSA private key", the
    // RustCrypto backend the same; the parameters are now checked first,
    // for both, as for a public key.
    let alg = Algorithm::PS256;
    let exported = jwt_claims::dangerous::export_private_jwk(&private(alg, pem::RSA2048)).unwrap();
    let mut jwk = members(&exported);
    jwk.insert("e".into(), b64(&[1, 0, 0]).into());
    assert_eq!(
        PrivateKey::from_jwk(alg, &Value::Object(jwk).to_string()).map(drop),
        Err(invalid(alg, "RSA public exponent 65536 is even"))
    );
    // A 1024-bit key is weak with the same words from PEM on both.
    assert_eq!(
        PrivateKey::from_pem(alg, pem::RSA1024).map(drop),
        Err(Error::WeakKey {
            algorithm: alg,
            reason: "RSA modulus is 1024 bits, at least 2048 are required".into()
        })
    );
}

#[test]
fn an_8192_bit_rsa_key_verifies_its_own_tokens_on_both_backends() {
    // The RustCrypto provider used to parse RSA keys with a 4096-bit limit
    // on every verification: the key built, and then every token failed
    // as InvalidSignature. (One token per algorithm: an 8192-bit
    // signature takes seconds in a debug build of the RustCrypto backend.)
    for alg in [Algorithm::RS256, Algorithm::PS512] {
        let signing = private(alg, RSA8192);
        let token = Signer::builder()
            .issuer(ISSUER)
            .clock(clock())
            .shared_key(signing.clone())
            .build()
            .unwrap()
            .issue(&billing())
            .subject("user-1")
            .encode()
            .unwrap();
        for verifying in [signing.public_key(), public(alg, RSA8192_PUB)] {
            let verifier = verifier_builder().shared_key(verifying).build().unwrap();
            assert_eq!(
                verifier
                    .decode::<BillingAccess>(token.as_str())
                    .map(|decoded| decoded.claims().clone()),
                Ok(billing()),
                "{alg}"
            );
        }
    }
}

#[test]
fn rsa_key_generation_is_an_aws_lc_rs_feature() {
    let generated = PrivateKey::generate(Algorithm::RS256);
    if RUST_CRYPTO {
        assert_eq!(
            generated.map(drop),
            Err(Error::Configuration(
                jwt_claims::ConfigError::KeyGenerationFailed {
                    algorithm: Algorithm::RS256,
                    reason: "use the aws_lc_rs backend to generate RSA keys".into()
                }
            ))
        );
    } else {
        let key = generated.unwrap();
        let n = unb64(members(&key.public_key().to_jwk())["n"].as_str().unwrap());
        assert_eq!(n.len() * 8, 2048);
        assert_eq!(round_trip(key.clone(), key.public_key()), Ok(()));
    }
    // Every other algorithm generates on both.
    for alg in [Algorithm::ES256, Algorithm::ES384, Algorithm::EdDSA] {
        let key = PrivateKey::generate(alg).unwrap();
        assert_eq!(round_trip(key.clone(), key.public_key()), Ok(()), "{alg}");
    }
}

#[test]
fn refuses_an_ed25519_point_off_the_curve_when_the_key_is_built_on_both_backends() {
    // No point has y = 2. The RustCrypto backend refused it when the key
    // was built, aws-lc-rs only at the first signature: the key built and
    // verified nothing.
    let mut y2 = [0u8; 32];
    y2[0] = 2;
    let jwk = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#, b64(&y2));
    assert_eq!(
        PublicKey::from_jwk(Algorithm::EdDSA, &jwk).map(drop),
        Err(invalid(
            Algorithm::EdDSA,
            "Ed25519 public key is not a point on the curve"
        ))
    );
    assert_eq!(
        PublicKey::from_der(Algorithm::EdDSA, &y2).map(drop),
        Err(invalid(
            Algorithm::EdDSA,
            "Ed25519 public key is not a point on the curve"
        ))
    );
}

/// JWE is the aws-lc-rs backend's (README, "Encrypted tokens"): on the
/// pure-Rust one an encrypted purpose's tokens are refused with a typed
/// error both ways, and a signed-only token for it is still
/// `NotEncrypted`, never accepted.
#[cfg(not(feature = "aws_lc_rs"))]
#[test]
fn pure_rust_backend_refuses_encrypted_purposes_both_ways_with_a_typed_error() {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, jwt_claims::Claims)]
    #[jwt(typ = "contact", aud = "billing", ttl = "15m", encrypted)]
    struct Contact {
        iban: String,
    }

    #[derive(Serialize, Deserialize, jwt_claims::Claims)]
    #[jwt(typ = "contact", aud = "billing", ttl = "15m")]
    struct PlainContact {
        iban: String,
    }

    let unavailable = Error::UnsupportedEncryption {
        member: "alg",
        found: String::new(),
        reason: "JWE needs jwt-claims' aws_lc_rs backend (the default feature)",
    };
    let signer = signer();
    let contact = Contact {
        iban: "DE89".into(),
    };
    assert_eq!(signer.encode(&contact).map(drop), Err(unavailable.clone()));

    let verifier = verifier();
    // Five segments: a JWE, which this backend cannot open.
    assert_eq!(
        verifier.decode::<Contact>("eyJhIjoxfQ.a.b.c.d").map(drop),
        Err(unavailable)
    );
    let plain = signer
        .encode(&PlainContact {
            iban: "DE89".into(),
        })
        .unwrap();
    assert_eq!(
        verifier.decode::<Contact>(plain.as_str()).map(drop),
        Err(Error::NotEncrypted)
    );
}
