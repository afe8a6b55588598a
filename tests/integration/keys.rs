//! Typed keys: every algorithm signs and verifies, every key form loads,
//! weak and mismatched keys are refused when built, and no key material
//! ever shows in `Debug`.

use jwt_claims::{
    Algorithm, Error, HmacKey, PrivateKey, PublicKey, Signer, SigningKey, Verifier, VerifyingKey,
    dangerous, jws::JwsVerifier,
};

use crate::support::*;

/// Encodes a billing token with `signing` and decodes it with `verifying`.
fn round_trip(
    signing: impl Into<SigningKey>,
    verifying: impl Into<VerifyingKey>,
) -> Result<Algorithm, Error> {
    let signer = Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .shared_key(signing)
        .build()?;
    let verifier = verifier_builder().shared_key(verifying).build()?;
    let token = signer.issue(&billing()).subject("user-1").encode()?;
    let decoded = verifier.decode::<BillingAccess>(token.as_str())?;
    assert_eq!(decoded.claims(), &billing());
    Ok(decoded.algorithm())
}

fn invalid(algorithm: Algorithm, reason: &str) -> Error {
    Error::InvalidKey {
        algorithm,
        reason: reason.into(),
    }
}

/// Every algorithm with a key pair from `tests/keys` (HMAC: a secret of
/// the hash's length), and the length of its signatures.
fn every_algorithm() -> Vec<(Algorithm, SigningKey, VerifyingKey, usize)> {
    let mut keys: Vec<(Algorithm, SigningKey, VerifyingKey, usize)> = Vec::new();
    for (alg, len) in [
        (Algorithm::HS256, 32),
        (Algorithm::HS384, 48),
        (Algorithm::HS512, 64),
    ] {
        let key = HmacKey::new(alg, &vec![0x5a; len]).unwrap();
        keys.push((alg, key.clone().into(), key.into(), len));
    }
    let pairs = [
        (Algorithm::RS256, pem::RSA2048, pem::RSA2048_PUB, 256),
        (Algorithm::RS384, pem::RSA2048, pem::RSA2048_PUB, 256),
        (Algorithm::RS512, pem::RSA2048, pem::RSA2048_PUB, 256),
        (Algorithm::PS256, pem::RSA2048, pem::RSA2048_PUB, 256),
        (Algorithm::PS384, pem::RSA2048, pem::RSA2048_PUB, 256),
        (Algorithm::PS512, pem::RSA2048, pem::RSA2048_PUB, 256),
        (Algorithm::ES256, pem::P256, pem::P256_PUB, 64),
        (Algorithm::ES384, pem::P384, pem::P384_PUB, 96),
        (Algorithm::EdDSA, pem::ED25519, pem::ED25519_PUB, 64),
    ];
    for (alg, private_pem, public_pem, len) in pairs {
        keys.push((
            alg,
            private(alg, private_pem).into(),
            public(alg, public_pem).into(),
            len,
        ));
    }
    keys
}

#[test]
fn every_algorithm_round_trips_sign_then_verify() {
    let keys = every_algorithm();
    assert_eq!(keys.iter().map(|k| k.0).collect::<Vec<_>>(), Algorithm::ALL);
    for (alg, signing, verifying, signature_len) in keys {
        assert_eq!(signing.algorithm(), alg);
        assert_eq!(verifying.algorithm(), alg);
        let token = jwt_claims::jws::sign(
            &signing,
            Some("access"),
            billing_claims().to_string().as_bytes(),
        )
        .unwrap();
        assert_eq!(
            unb64(segments(&token)[0]),
            format!(r#"{{"alg":"{alg}","typ":"access"}}"#).into_bytes()
        );
        assert_eq!(unb64(segments(&token)[2]).len(), signature_len, "{alg}");
        assert_eq!(round_trip(signing.clone(), verifying.clone()), Ok(alg));
        assert_eq!(signing.verifying_key().algorithm(), alg);
        assert_eq!(
            round_trip(signing, signing_verifying_key(alg)),
            Ok(alg),
            "{alg} via verifying_key()"
        );
    }
}

/// The verifying key derived from the signing key, not loaded from a file.
fn signing_verifying_key(alg: Algorithm) -> VerifyingKey {
    every_algorithm()
        .into_iter()
        .find(|k| k.0 == alg)
        .unwrap()
        .1
        .verifying_key()
}

#[test]
fn rejects_a_signature_made_with_another_key_of_the_same_algorithm() {
    let cases: [(Algorithm, &[u8], &[u8]); 3] = [
        (Algorithm::RS256, pem::RSA2048_B, pem::RSA2048_PUB),
        (Algorithm::PS256, pem::RSA2048_B, pem::RSA2048_PUB),
        (Algorithm::ES256, pem::P256_B, pem::P256_PUB),
    ];
    for (alg, attacker, genuine) in cases {
        assert_eq!(
            round_trip(private(alg, attacker), public(alg, genuine)),
            Err(Error::InvalidSignature),
            "{alg}"
        );
    }
    assert_eq!(
        round_trip(
            private(Algorithm::ES256, pem::P256_B),
            public(Algorithm::ES256, pem::P256_B_PUB)
        ),
        Ok(Algorithm::ES256)
    );
    assert_eq!(round_trip(other_key(), key()), Err(Error::InvalidSignature));
}

#[test]
fn loads_rsa_keys_from_pkcs8_and_pkcs1_pem_interchangeably() {
    for (private_pem, public_pem) in [
        (pem::RSA2048, pem::RSA2048_PUB),
        (pem::RSA2048, pem::RSA2048_PKCS1_PUB),
        (pem::RSA2048_PKCS1, pem::RSA2048_PUB),
        (pem::RSA2048_PKCS1, pem::RSA2048_PKCS1_PUB),
    ] {
        let alg = Algorithm::PS384;
        assert_eq!(
            round_trip(private(alg, private_pem), public(alg, public_pem)),
            Ok(alg)
        );
    }
}

#[test]
fn loads_ec_keys_from_pkcs8_sec1_pem_and_der_interchangeably() {
    let alg = Algorithm::ES256;
    let privates = [
        private(alg, pem::P256),
        private(alg, pem::P256_SEC1),
        PrivateKey::from_der(alg, pem::P256_DER).unwrap(),
        PrivateKey::from_der(alg, &unb64(pem_body(pem::P256))).unwrap(),
    ];
    let publics = [
        public(alg, pem::P256_PUB),
        PublicKey::from_der(alg, pem::P256_PUB_DER).unwrap(),
    ];
    for private in &privates {
        for public in &publics {
            assert_eq!(round_trip(private.clone(), public.clone()), Ok(alg));
        }
    }
}

#[test]
fn loads_rsa_and_ed25519_keys_from_der() {
    let rsa = PrivateKey::from_der(Algorithm::RS256, &unb64(pem_body(pem::RSA2048_PKCS1))).unwrap();
    let rsa_pub =
        PublicKey::from_der(Algorithm::RS256, &unb64(pem_body(pem::RSA2048_PKCS1_PUB))).unwrap();
    assert_eq!(round_trip(rsa, rsa_pub), Ok(Algorithm::RS256));
    let ed = PrivateKey::from_der(Algorithm::EdDSA, &unb64(pem_body(pem::ED25519))).unwrap();
    let ed_pub = PublicKey::from_der(Algorithm::EdDSA, &unb64(pem_body(pem::ED25519_PUB))).unwrap();
    assert_eq!(round_trip(ed, ed_pub), Ok(Algorithm::EdDSA));
}

// ----- JWK -----

#[test]
fn loads_ec_keys_from_the_rfc_7515_jwk() {
    let private = PrivateKey::from_jwk(Algorithm::ES256, rfc::A3_PRIVATE_JWK).unwrap();
    let from_jwk = PublicKey::from_jwk(Algorithm::ES256, rfc::A3_PUBLIC_JWK).unwrap();
    assert_eq!(round_trip(private.clone(), from_jwk), Ok(Algorithm::ES256));
    assert_eq!(
        round_trip(private.clone(), private.public_key()),
        Ok(Algorithm::ES256)
    );
    // Not the key of tests/keys/p256.pem.
    assert_eq!(
        round_trip(private, public(Algorithm::ES256, pem::P256_PUB)),
        Err(Error::InvalidSignature)
    );
}

#[test]
fn loads_ed25519_keys_from_the_rfc_8037_jwk_and_reproduces_its_signature() {
    let private = PrivateKey::from_jwk(Algorithm::EdDSA, rfc::ED25519_PRIVATE_JWK).unwrap();
    let public = PublicKey::from_jwk(Algorithm::EdDSA, rfc::ED25519_PUBLIC_JWK).unwrap();
    assert_eq!(
        round_trip(private.clone(), public.clone()),
        Ok(Algorithm::EdDSA)
    );
    // Ed25519 is deterministic: RFC 8037 A.4 byte for byte.
    let token =
        jwt_claims::jws::sign(&private.into(), None, b"Example of Ed25519 signing").unwrap();
    assert_eq!(token, rfc::ED25519_TOKEN);
    let verified = JwsVerifier::new(public)
        .unwrap()
        .verify(rfc::ED25519_TOKEN)
        .unwrap();
    assert_eq!(verified.payload(), b"Example of Ed25519 signing");
}

#[test]
fn loads_an_hmac_key_from_the_rfc_7515_jwk() {
    let key = HmacKey::from_jwk(Algorithm::HS256, rfc::A1_JWK).unwrap();
    assert_eq!(round_trip(key.clone(), key), Ok(Algorithm::HS256));
    let k =
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
    let from_b64 = HmacKey::from_base64url(Algorithm::HS256, k).unwrap();
    let from_padded = HmacKey::from_base64url(Algorithm::HS256, &format!("{k}==")).unwrap();
    assert_eq!(round_trip(from_b64, from_padded), Ok(Algorithm::HS256));
}

/// The JWK members of the RSA key of `tests/keys/rsa2048.pkcs1.pem`, read
/// from its PKCS#1 DER (RFC 8017 A.1.2): n, e, d, p, q, dp, dq, qi.
fn rsa_jwk_members() -> Vec<(&'static str, String)> {
    fn element(input: &[u8]) -> (u8, &[u8], &[u8]) {
        let (len, header) = match input[1] {
            short @ 0..=0x7f => (usize::from(short), 2),
            long => {
                let n = usize::from(long & 0x7f);
                (
                    input[2..2 + n]
                        .iter()
                        .fold(0, |len, &b| len << 8 | usize::from(b)),
                    2 + n,
                )
            }
        };
        (
            input[0],
            &input[header..header + len],
            &input[header + len..],
        )
    }
    let der = unb64(pem_body(pem::RSA2048_PKCS1));
    let (tag, mut body, _) = element(&der);
    assert_eq!(tag, 0x30);
    let mut integers = Vec::new();
    while !body.is_empty() {
        let (tag, value, rest) = element(body);
        assert_eq!(tag, 0x02);
        let first = value.iter().position(|&b| b != 0).unwrap_or(value.len());
        integers.push(b64(&value[first..]));
        body = rest;
    }
    let names = ["version", "n", "e", "d", "p", "q", "dp", "dq", "qi"];
    assert_eq!(integers.len(), names.len());
    names.into_iter().zip(integers).skip(1).collect()
}

fn jwk(members: &[(&str, String)]) -> String {
    let fields: Vec<String> = members
        .iter()
        .map(|(name, value)| format!(r#""{name}":"{value}""#))
        .collect();
    format!("{{{}}}", fields.join(","))
}

#[test]
fn loads_rsa_keys_from_jwk_members() {
    let members = rsa_jwk_members();
    let mut private_jwk = vec![("kty", "RSA".to_owned())];
    private_jwk.extend(members.iter().cloned());
    let public_jwk: Vec<(&str, String)> = private_jwk
        .iter()
        .filter(|(name, _)| ["kty", "n", "e"].contains(name))
        .cloned()
        .collect();
    assert_eq!(public_jwk.len(), 3);
    assert_eq!(public_jwk[2].1, "AQAB");
    for alg in [Algorithm::RS256, Algorithm::PS512] {
        let from_jwk = PrivateKey::from_jwk(alg, &jwk(&private_jwk)).unwrap();
        let public_from_jwk = PublicKey::from_jwk(alg, &jwk(&public_jwk)).unwrap();
        assert_eq!(
            round_trip(from_jwk.clone(), public(alg, pem::RSA2048_PUB)),
            Ok(alg)
        );
        assert_eq!(
            round_trip(private(alg, pem::RSA2048), public_from_jwk),
            Ok(alg)
        );
        assert_eq!(round_trip(from_jwk.clone(), from_jwk.public_key()), Ok(alg));
    }
}

#[test]
fn refuses_rsa_jwk_integers_with_leading_zero_octets_and_ec_members_not_of_the_field_size() {
    // RFC 7518 §6.3.1: n and e are the minimal octets of the integer. A
    // padded n was accepted and the key exported (and thumbprinted) as
    // the minimal one: two texts for one key, where peers such as jose
    // write only the minimal one.
    let members = rsa_jwk_members();
    let n = unb64(&members[0].1);
    let padded_n = b64(&[&[0][..], &n].concat());
    let public_jwk =
        |n: &str, e: &str| jwk(&[("kty", "RSA".into()), ("n", n.into()), ("e", e.into())]);
    let leading_zero = |name: &str| {
        invalid(
            Algorithm::RS256,
            &format!(
                "JWK \"{name}\" has a leading zero octet: RFC 7518 §6.3.1 requires the minimal encoding"
            ),
        )
    };
    assert_eq!(
        PublicKey::from_jwk(Algorithm::RS256, &public_jwk(&padded_n, "AQAB")).map(drop),
        Err(leading_zero("n"))
    );
    assert_eq!(
        PublicKey::from_jwk(Algorithm::RS256, &public_jwk(&members[0].1, "AAEAAQ")).map(drop),
        Err(leading_zero("e"))
    );
    let mut private_jwk = vec![("kty", "RSA".to_owned())];
    private_jwk.extend(members.iter().cloned());
    private_jwk[1].1 = padded_n;
    assert_eq!(
        PrivateKey::from_jwk(Algorithm::RS256, &jwk(&private_jwk)).map(drop),
        Err(leading_zero("n"))
    );
    // The private members are read as numbers: a padded d still loads.
    let mut padded_d = vec![("kty", "RSA".to_owned())];
    padded_d.extend(members.iter().cloned());
    padded_d[3].1 = b64(&[&[0][..], &unb64(&members[2].1)].concat());
    assert_eq!(padded_d[3].0, "d");
    assert!(PrivateKey::from_jwk(Algorithm::RS256, &jwk(&padded_d)).is_ok());
    // EC coordinates and Ed25519 keys have one size: no more, no fewer
    // octets (a leading zero kept or dropped).
    let x = unb64("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU");
    let with_x = |x: &[u8]| {
        rfc::A3_PUBLIC_JWK.replace("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", &b64(x))
    };
    assert_eq!(
        PublicKey::from_jwk(Algorithm::ES256, &with_x(&[&[0][..], &x].concat())).map(drop),
        Err(invalid(
            Algorithm::ES256,
            "JWK \"x\" is 33 bytes, expected 32"
        ))
    );
    let ed = unb64("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
    assert_eq!(
        PublicKey::from_jwk(
            Algorithm::EdDSA,
            &format!(
                r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#,
                b64(&[&[0][..], &ed].concat())
            )
        )
        .map(drop),
        Err(invalid(
            Algorithm::EdDSA,
            "JWK \"x\" is 33 bytes, expected 32"
        ))
    );
}

#[test]
fn takes_the_kid_of_a_jwk() {
    let with_kid = rfc::A3_PRIVATE_JWK.replace(r#""kty":"EC","#, r#""kty":"EC","kid":"rfc-a3","#);
    let key = PrivateKey::from_jwk(Algorithm::ES256, &with_kid).unwrap();
    assert_eq!(key.kid(), Some("rfc-a3"));
    assert_eq!(key.public_key().kid(), Some("rfc-a3"));
    let public = PublicKey::from_jwk(
        Algorithm::ES256,
        &rfc::A3_PUBLIC_JWK.replace('{', r#"{"kid":"p","#),
    )
    .unwrap();
    assert_eq!(public.kid(), Some("p"));
}

#[test]
fn rejects_jwks_that_do_not_fit_the_algorithm_or_the_use() {
    let es = Algorithm::ES256;
    let add = |jwk: &str, member: &str| jwk.replacen('{', &format!("{{{member},"), 1);
    let cases = [
        (
            PublicKey::from_jwk(es, &add(rfc::A3_PUBLIC_JWK, r#""alg":"ES384""#)).map(drop),
            r#"JWK is for "ES384""#,
        ),
        (
            PublicKey::from_jwk(es, &add(rfc::A3_PUBLIC_JWK, r#""use":"enc""#)).map(drop),
            r#"JWK "use" is "enc", not "sig""#,
        ),
        (
            PublicKey::from_jwk(es, &add(rfc::A3_PUBLIC_JWK, r#""key_ops":["sign"]"#)).map(drop),
            r#"JWK "key_ops" does not allow verify"#,
        ),
        (
            PrivateKey::from_jwk(es, &add(rfc::A3_PRIVATE_JWK, r#""key_ops":["verify"]"#))
                .map(drop),
            r#"JWK "key_ops" does not allow sign"#,
        ),
        (
            PublicKey::from_jwk(es, rfc::A3_PRIVATE_JWK).map(drop),
            "this JWK holds a private key: load it with PrivateKey and call public_key()",
        ),
        (
            PrivateKey::from_jwk(es, rfc::A3_PUBLIC_JWK).map(drop),
            r#"this JWK holds no private key (no "d")"#,
        ),
        (
            PublicKey::from_jwk(es, rfc::ED25519_PUBLIC_JWK).map(drop),
            r#"JWK has "kty": "OKP", expected "EC""#,
        ),
        (
            PublicKey::from_jwk(es, &rfc::A3_PUBLIC_JWK.replace("P-256", "P-384")).map(drop),
            r#"JWK curve is "P-384", expected "P-256""#,
        ),
        (
            PublicKey::from_jwk(es, &rfc::A3_PUBLIC_JWK.replace("f83O", "f83O=")).map(drop),
            r#"JWK "x" is not base64url"#,
        ),
    ];
    for (result, reason) in cases {
        assert_eq!(result, Err(invalid(es, reason)));
    }
    // A seed that does not match its public key.
    let mismatched = rfc::ED25519_PRIVATE_JWK.replace("nWGxne", "AWGxne");
    assert_eq!(
        PrivateKey::from_jwk(Algorithm::EdDSA, &mismatched).map(drop),
        Err(invalid(Algorithm::EdDSA, "not a valid Ed25519 private key"))
    );
}

// ----- weak keys -----

#[test]
fn rejects_hmac_secrets_shorter_than_the_hash() {
    for (alg, min) in [
        (Algorithm::HS256, 32),
        (Algorithm::HS384, 48),
        (Algorithm::HS512, 64),
    ] {
        for len in [0, 1, min / 2, min - 1] {
            assert_eq!(
                HmacKey::new(alg, &vec![1; len]).map(drop),
                Err(Error::WeakKey {
                    algorithm: alg,
                    reason: format!("secret is {len} bytes, at least {min} are required")
                })
            );
        }
        assert_eq!(HmacKey::new(alg, &vec![1; min]).unwrap().algorithm(), alg);
    }
    assert_eq!(
        HmacKey::from_base64url(Algorithm::HS256, &b64(b"short")).map(drop),
        Err(Error::WeakKey {
            algorithm: Algorithm::HS256,
            reason: "secret is 5 bytes, at least 32 are required".into()
        })
    );
    assert_eq!(
        HmacKey::from_jwk(
            Algorithm::HS256,
            &format!(r#"{{"kty":"oct","k":"{}"}}"#, b64(b"short"))
        )
        .map(drop),
        Err(Error::WeakKey {
            algorithm: Algorithm::HS256,
            reason: "secret is 5 bytes, at least 32 are required".into()
        })
    );
}

#[test]
fn dangerous_short_secrets_work_but_only_for_hmac_and_never_empty() {
    let legacy = dangerous::hmac_key_with_short_secret(Algorithm::HS256, b"legacy").unwrap();
    assert_eq!(round_trip(legacy.clone(), legacy), Ok(Algorithm::HS256));
    assert_eq!(
        dangerous::hmac_key_with_short_secret(Algorithm::HS256, b"").map(drop),
        Err(invalid(Algorithm::HS256, "the secret is empty"))
    );
    assert_eq!(
        dangerous::hmac_key_with_short_secret(Algorithm::RS256, b"legacy").map(drop),
        Err(invalid(
            Algorithm::RS256,
            "not an HMAC algorithm: use PublicKey or PrivateKey for asymmetric algorithms"
        ))
    );
}

#[test]
fn rejects_rsa_1024_public_and_private_keys_as_weak() {
    for alg in [Algorithm::RS256, Algorithm::RS512, Algorithm::PS256] {
        assert_eq!(
            PublicKey::from_pem(alg, pem::RSA1024_PUB).map(drop),
            Err(Error::WeakKey {
                algorithm: alg,
                reason: "RSA modulus is 1024 bits, at least 2048 are required".into()
            })
        );
        assert_eq!(
            PrivateKey::from_pem(alg, pem::RSA1024).map(drop),
            Err(Error::WeakKey {
                algorithm: alg,
                reason: "RSA modulus is 1024 bits, at least 2048 are required".into()
            })
        );
    }
}

// ----- keys of the wrong kind -----

#[test]
fn rejects_a_public_key_where_a_private_key_is_needed_and_vice_versa() {
    let cases: [(Algorithm, &[u8], &[u8]); 4] = [
        (Algorithm::RS256, pem::RSA2048_PUB, pem::RSA2048),
        (Algorithm::RS256, pem::RSA2048_PKCS1_PUB, pem::RSA2048_PKCS1),
        (Algorithm::ES256, pem::P256_PUB, pem::P256_SEC1),
        (Algorithm::EdDSA, pem::ED25519_PUB, pem::ED25519),
    ];
    for (alg, public_pem, private_pem) in cases {
        assert_eq!(
            PrivateKey::from_pem(alg, public_pem).map(drop),
            Err(invalid(
                alg,
                "this is a public key: signing needs the private key"
            ))
        );
        assert_eq!(
            PublicKey::from_pem(alg, private_pem).map(drop),
            Err(invalid(
                alg,
                "this is a private key: load it with PrivateKey and call public_key()"
            ))
        );
    }
}

#[test]
fn rejects_keys_of_another_curve_or_family() {
    let cases: [(Algorithm, &[u8], &[u8], &str); 6] = [
        (Algorithm::ES256, pem::P384, pem::P384_PUB, "P-256"),
        (Algorithm::ES384, pem::P256, pem::P256_PUB, "P-384"),
        (Algorithm::ES256, pem::ED25519, pem::ED25519_PUB, "P-256"),
        (Algorithm::ES256, pem::RSA2048, pem::RSA2048_PUB, "P-256"),
        (Algorithm::RS256, pem::P256, pem::P256_PUB, "RSA"),
        (Algorithm::EdDSA, pem::P256, pem::P256_PUB, "Ed25519"),
    ];
    for (alg, private_pem, public_pem, kind) in cases {
        assert_eq!(
            PrivateKey::from_pem(alg, private_pem).map(drop),
            Err(invalid(alg, &format!("not a valid {kind} private key")))
        );
        assert_eq!(
            PublicKey::from_pem(alg, public_pem).map(drop),
            Err(invalid(
                alg,
                &format!("the SubjectPublicKeyInfo holds another kind of key than {kind}")
            ))
        );
    }
    // Labels that name the wrong family.
    assert_eq!(
        PrivateKey::from_pem(Algorithm::RS256, pem::P256_SEC1).map(drop),
        Err(invalid(Algorithm::RS256, "not a valid RSA private key"))
    );
    assert_eq!(
        PrivateKey::from_pem(Algorithm::ES256, pem::RSA2048_PKCS1).map(drop),
        Err(invalid(Algorithm::ES256, "not a valid P-256 private key"))
    );
    assert_eq!(
        PublicKey::from_pem(Algorithm::ES256, pem::RSA2048_PKCS1_PUB).map(drop),
        Err(invalid(
            Algorithm::ES256,
            "an RSA PUBLIC KEY cannot verify this algorithm"
        ))
    );
}

#[test]
fn rejects_hmac_algorithms_for_asymmetric_keys_and_the_reverse() {
    let hmac = "an HMAC algorithm needs an HmacKey, not an asymmetric key";
    assert_eq!(
        PublicKey::from_pem(Algorithm::HS256, pem::RSA2048_PUB).map(drop),
        Err(invalid(Algorithm::HS256, hmac))
    );
    assert_eq!(
        PrivateKey::from_pem(Algorithm::HS512, pem::RSA2048).map(drop),
        Err(invalid(Algorithm::HS512, hmac))
    );
    // An `oct` JWK fits an HMAC algorithm's family check, but is no
    // asymmetric key (this used to reach an `unreachable!`).
    let oct_with_d = rfc::A1_JWK.replace('{', r#"{"d":"AQAB","#);
    assert_eq!(
        PublicKey::from_jwk(Algorithm::HS256, rfc::A1_JWK).map(drop),
        Err(invalid(Algorithm::HS256, hmac))
    );
    assert_eq!(
        PrivateKey::from_jwk(Algorithm::HS256, &oct_with_d).map(drop),
        Err(invalid(Algorithm::HS256, hmac))
    );
    assert_eq!(
        PrivateKey::from_jwk(Algorithm::HS384, rfc::A1_JWK).map(drop),
        Err(invalid(Algorithm::HS384, hmac))
    );
    assert_eq!(
        HmacKey::new(Algorithm::ES256, &[0; 64]).map(drop),
        Err(invalid(
            Algorithm::ES256,
            "not an HMAC algorithm: use PublicKey or PrivateKey for asymmetric algorithms"
        ))
    );
}

#[test]
fn rejects_input_that_is_not_a_usable_pem_key() {
    let cases: [(&[u8], &str); 4] = [
        (b"not a pem", "not a PEM block"),
        (
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "X.509 certificates are not accepted: give the certificate's public key",
        ),
        (
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
            "encrypted private keys are not supported: decrypt it first",
        ),
        (
            b"-----BEGIN SECRET-----\nAAAA\n-----END SECRET-----\n",
            "unexpected PEM label \"SECRET\"",
        ),
    ];
    for (input, reason) in cases {
        assert_eq!(
            PublicKey::from_pem(Algorithm::ES256, input).map(drop),
            Err(invalid(Algorithm::ES256, reason))
        );
        assert_eq!(
            PrivateKey::from_pem(Algorithm::ES256, input).map(drop),
            Err(invalid(Algorithm::ES256, reason))
        );
    }
    assert_eq!(
        PublicKey::from_der(Algorithm::ES256, b"\x30\x03\x02\x01\x00").map(drop),
        Err(invalid(Algorithm::ES256, "not a valid P-256 public key"))
    );
}

// ----- the verifier's keys decide the algorithm -----

#[test]
fn rejects_a_token_whose_algorithm_no_configured_key_has() {
    let es384 = public(Algorithm::ES384, pem::P384_PUB);
    assert_eq!(
        round_trip(private(Algorithm::ES256, pem::P256), es384),
        Err(Error::AlgorithmMismatch {
            expected: vec![Algorithm::ES384],
            found: Algorithm::ES256
        })
    );
    // The same RSA key, bound to another RSA algorithm.
    assert_eq!(
        round_trip(
            private(Algorithm::RS256, pem::RSA2048),
            public(Algorithm::PS256, pem::RSA2048_PUB)
        ),
        Err(Error::AlgorithmMismatch {
            expected: vec![Algorithm::PS256],
            found: Algorithm::RS256
        })
    );
    // With several keys, each algorithm is listed once, in order.
    let verifier: Verifier = verifier_builder()
        .shared_key(public(Algorithm::RS256, pem::RSA2048_PUB))
        .shared_key(public(Algorithm::ES256, pem::P256_PUB))
        .shared_key(public(Algorithm::RS256, pem::RSA2048_B_PUB).with_kid("b"))
        .build()
        .unwrap();
    let token = Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .shared_key(private(Algorithm::EdDSA, pem::ED25519))
        .build()
        .unwrap()
        .issue(&billing())
        .subject("u")
        .encode()
        .unwrap();
    assert_eq!(
        verifier
            .decode::<BillingAccess>(token.as_str())
            .unwrap_err(),
        Error::AlgorithmMismatch {
            expected: vec![Algorithm::RS256, Algorithm::ES256],
            found: Algorithm::EdDSA
        }
    );
}

#[test]
fn public_key_of_a_private_key_keeps_its_algorithm_and_kid() {
    let key = private(Algorithm::ES384, pem::P384).with_kid("ec-1");
    let public = key.public_key();
    assert_eq!(
        (public.algorithm(), public.kid()),
        (Algorithm::ES384, Some("ec-1"))
    );
}

// ----- Debug -----

#[test]
fn debug_of_every_key_type_shows_no_key_material() {
    let hmac = key().with_kid("h1");
    let private_key = private(Algorithm::ES256, pem::P256).with_kid("e1");
    let public_key = public(Algorithm::RS256, pem::RSA2048_PUB);
    let cases = [
        (
            format!("{hmac:?}"),
            r#"HmacKey { algorithm: HS256, kid: Some("h1"), issuer: None, secret: "[redacted]" }"#,
        ),
        (
            format!("{private_key:?}"),
            r#"PrivateKey { algorithm: ES256, kid: Some("e1"), key: "[redacted]" }"#,
        ),
        (
            format!("{public_key:?}"),
            "PublicKey { algorithm: RS256, kid: None, issuer: None, .. }",
        ),
        (
            format!("{:?}", SigningKey::from(hmac.clone())),
            r#"HmacKey { algorithm: HS256, kid: Some("h1"), issuer: None, secret: "[redacted]" }"#,
        ),
        (
            format!("{:?}", VerifyingKey::from(hmac)),
            r#"HmacKey { algorithm: HS256, kid: Some("h1"), issuer: None, secret: "[redacted]" }"#,
        ),
        (
            format!("{:?}", SigningKey::from(private_key.clone())),
            r#"PrivateKey { algorithm: ES256, kid: Some("e1"), key: "[redacted]" }"#,
        ),
        (
            format!("{:?}", VerifyingKey::from(private_key.public_key())),
            r#"PublicKey { algorithm: ES256, kid: Some("e1"), issuer: None, .. }"#,
        ),
        (
            format!("{:#?}", key()),
            "HmacKey {\n    algorithm: HS256,\n    kid: None,\n    issuer: None,\n    secret: \"[redacted]\",\n}",
        ),
    ];
    for (debug, expected) in cases {
        assert_eq!(debug, expected);
    }
    // Every key of the suite, every form: no secret bytes as text.
    for (_, signing, verifying, _) in every_algorithm() {
        for debug in [
            format!("{signing:?}"),
            format!("{verifying:?}"),
            format!("{signing:#?}"),
        ] {
            assert!(
                !debug.contains("5a") && !debug.contains("90, 90") && !debug.contains("MII"),
                "{debug}"
            );
        }
    }
    let verifier = verifier();
    let signer = signer();
    for debug in [
        format!("{verifier:?}"),
        format!("{signer:?}"),
        format!("{verifier:#?}"),
    ] {
        assert!(
            !debug.contains("integration secret") && !debug.contains(&b64(SECRET)[..16]),
            "{debug}"
        );
    }
}

#[test]
fn rejects_an_ecdsa_signature_in_der_form() {
    // JWS wants the fixed r || s form (RFC 7518 §3.4); the same signature
    // as an ASN.1 SEQUENCE of two INTEGERs is not accepted.
    let key = private(Algorithm::ES256, pem::P256);
    let token = jwt_claims::jws::sign(
        &key.clone().into(),
        Some("access"),
        billing_claims().to_string().as_bytes(),
    )
    .unwrap();
    let raw = unb64(segments(&token)[2]);
    let integer = |half: &[u8]| {
        let digits = &half[half.iter().position(|&b| b != 0).unwrap_or(half.len())..];
        let pad = digits.first().is_some_and(|b| b & 0x80 != 0);
        let mut out = vec![0x02, (digits.len() + usize::from(pad)) as u8];
        if pad {
            out.push(0);
        }
        out.extend_from_slice(digits);
        out
    };
    let body = [integer(&raw[..32]), integer(&raw[32..])].concat();
    let der = [vec![0x30, body.len() as u8], body].concat();
    let verifier = verifier_builder()
        .shared_key(key.public_key())
        .build()
        .unwrap();
    assert_eq!(
        verifier.decode::<BillingAccess>(&token).unwrap().claims(),
        &billing()
    );
    let der_token = replace_segment(&token, 2, &b64(&der));
    assert_eq!(
        verifier.decode::<BillingAccess>(&der_token).unwrap_err(),
        Error::InvalidSignature
    );
    // Truncated or extended fixed-form signatures fail the same way.
    for signature in [
        &raw[..63],
        &[&raw[..], &[0]].concat()[..],
        &[0; 64][..],
        &[],
    ] {
        let token = replace_segment(&token, 2, &b64(signature));
        assert_eq!(
            verifier.decode::<BillingAccess>(&token).unwrap_err(),
            Error::InvalidSignature
        );
    }
}

#[test]
fn refuses_malformed_jwks_without_panicking() {
    let rsa = rsa_jwk_members();
    let n = rsa[0].1.clone();
    let public_cases = [
        (
            Algorithm::RS256,
            r#"{"kty":"RSA","n":"","e":"AQAB"}"#.to_owned(),
        ),
        (
            Algorithm::RS256,
            format!(r#"{{"kty":"RSA","n":"{n}","e":""}}"#),
        ),
        (
            Algorithm::RS256,
            format!(r#"{{"kty":"RSA","n":"{n}","e":"AA"}}"#),
        ),
        (
            Algorithm::RS256,
            r#"{"kty":"RSA","n":"AA","e":"AQAB"}"#.to_owned(),
        ),
        (
            Algorithm::RS256,
            format!(r#"{{"kty":"RSA","n":"{}","e":"AQAB"}}"#, b64(&[0xff; 100])),
        ),
        (Algorithm::RS256, r#"{"kty":"RSA"}"#.to_owned()),
        (
            Algorithm::ES256,
            format!(
                r#"{{"kty":"EC","crv":"P-256","x":"{0}","y":"{0}"}}"#,
                b64(&[0; 32])
            ),
        ),
        (
            Algorithm::ES256,
            format!(
                r#"{{"kty":"EC","crv":"P-256","x":"{0}","y":"{0}"}}"#,
                b64(&[1; 31])
            ),
        ),
        (
            Algorithm::ES384,
            format!(
                r#"{{"kty":"EC","crv":"P-384","x":"{0}","y":"{0}"}}"#,
                b64(&[0xff; 48])
            ),
        ),
        (
            Algorithm::EdDSA,
            format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#, b64(&[1; 31])),
        ),
        (Algorithm::ES256, "not json".to_owned()),
        (Algorithm::ES256, "[]".to_owned()),
        (Algorithm::ES256, r#"{"crv":"P-256"}"#.to_owned()),
        (Algorithm::ES256, r#"{"kty":1}"#.to_owned()),
        (Algorithm::ES256, r#"{"kty":"EC","kty":"EC"}"#.to_owned()),
        (Algorithm::HS256, rfc::A1_JWK.to_owned()),
    ];
    for (alg, jwk) in public_cases {
        let err = PublicKey::from_jwk(alg, &jwk).map(drop).expect_err(&jwk);
        assert!(
            matches!(&err, Error::InvalidKey { algorithm, .. } | Error::WeakKey { algorithm, .. } if *algorithm == alg),
            "{jwk}: {err:?}"
        );
    }
    let private_cases = [
        (
            Algorithm::RS256,
            jwk(&[
                ("kty", "RSA".into()),
                ("n", n.clone()),
                ("e", "AQAB".into()),
                ("d", "AQAB".into()),
            ]),
        ),
        (
            Algorithm::RS256,
            jwk(&[("kty", "RSA".to_owned())]
                .into_iter()
                .chain(rsa.iter().map(|(k, _)| (*k, "AQAB".to_owned())))
                .collect::<Vec<_>>()),
        ),
        (
            Algorithm::ES256,
            rfc::A3_PRIVATE_JWK.replace(
                "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI",
                &b64(&[0; 32]),
            ),
        ),
        (
            Algorithm::ES256,
            rfc::A3_PRIVATE_JWK.replace(
                "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI",
                &b64(&[0xff; 32]),
            ),
        ),
        (
            Algorithm::ES256,
            rfc::A3_PRIVATE_JWK.replace(
                "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI",
                &b64(&[1; 31]),
            ),
        ),
        (
            Algorithm::EdDSA,
            rfc::ED25519_PRIVATE_JWK.replace(
                "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
                &b64(&[0; 32]),
            ),
        ),
        (Algorithm::HS256, r#"{"kty":"oct","k":""}"#.to_owned()),
        (Algorithm::HS256, r#"{"kty":"oct","k":"==="}"#.to_owned()),
        (Algorithm::HS256, r#"{"kty":"oct"}"#.to_owned()),
    ];
    for (alg, jwk) in private_cases {
        let err = if alg.is_hmac() {
            HmacKey::from_jwk(alg, &jwk).map(drop).unwrap_err()
        } else {
            PrivateKey::from_jwk(alg, &jwk).map(drop).unwrap_err()
        };
        assert!(
            matches!(&err, Error::InvalidKey { algorithm, .. } | Error::WeakKey { algorithm, .. } if *algorithm == alg),
            "{jwk}: {err:?}"
        );
    }
}

#[test]
fn keys_verifier_signer_and_errors_are_send_and_sync() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<HmacKey>();
    send_sync::<PublicKey>();
    send_sync::<PrivateKey>();
    send_sync::<SigningKey>();
    send_sync::<VerifyingKey>();
    send_sync::<Verifier>();
    send_sync::<Signer>();
    send_sync::<Error>();
    send_sync::<jwt_claims::Token<BillingAccess>>();
    send_sync::<jwt_claims::Decoded<DelegatedAccess>>();
}

#[test]
fn refuses_rsa_public_keys_above_8192_bits_which_could_never_verify() {
    // The backends verify 2048 to 8192-bit moduli only: a larger key would
    // build and then fail every signature, so it is refused when built.
    let jwk = format!(r#"{{"kty":"RSA","n":"{}","e":"AQAB"}}"#, b64(&[0xff; 1100]));
    assert_eq!(
        PublicKey::from_jwk(Algorithm::RS256, &jwk).map(drop),
        Err(Error::InvalidKey {
            algorithm: Algorithm::RS256,
            reason: "RSA modulus is 8800 bits, at most 8192 are supported".into()
        })
    );
}

#[test]
fn refuses_compressed_ec_points_and_exports_the_rfc_key_as_given() {
    // A compressed point used to be accepted with its halves exported as
    // x and y; JWK export and thumbprints need the uncompressed point.
    let x = unb64("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU");
    let y = unb64("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
    let compressed = [&[0x02 | (y[31] & 1)][..], &x].concat();
    assert_eq!(
        PublicKey::from_der(Algorithm::ES256, &compressed).map(drop),
        Err(invalid(
            Algorithm::ES256,
            "compressed EC points are not supported: give the uncompressed point"
        ))
    );
    let key = PublicKey::from_der(Algorithm::ES256, &[&[4][..], &x, &y].concat()).unwrap();
    assert_eq!(
        key.to_jwk(),
        r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","alg":"ES256","use":"sig"}"#
    );
    let from_jwk = PublicKey::from_jwk(Algorithm::ES256, rfc::A3_PUBLIC_JWK).unwrap();
    assert_eq!(from_jwk.thumbprint(), key.thumbprint());
    assert_eq!(
        jwt_claims::jws::JwsVerifier::new(key)
            .unwrap()
            .verify(rfc::A3_TOKEN)
            .unwrap()
            .payload(),
        rfc::PAYLOAD
    );
}
