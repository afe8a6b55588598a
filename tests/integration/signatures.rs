//! Malformed and malleated signatures: each must fail as a plain
//! `InvalidSignature`, whatever its shape.

use jwt_claims::{Algorithm, Error, PublicKey, Signer, Verifier};

use crate::support::*;

fn token_and_verifier(
    algorithm: Algorithm,
    pem_private: &[u8],
    pem_public: &[u8],
) -> (String, Verifier) {
    let token = Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .shared_key(private(algorithm, pem_private))
        .build()
        .unwrap()
        .issue(&BillingAccess {
            org_id: 1,
            role: "viewer".into(),
        })
        .subject("alice")
        .jwt_id("the-one-token")
        .encode()
        .unwrap()
        .into_string();
    let verifier = verifier_builder()
        .key::<BillingAccess>(public(algorithm, pem_public))
        .build()
        .unwrap();
    (token, verifier)
}

fn with_signature(token: &str, signature: &[u8]) -> String {
    replace_segment(token, 2, &b64(signature))
}

/// `a - b` for big-endian numbers of equal length, `a >= b`.
fn sub_be(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; a.len()];
    let mut borrow = 0i16;
    for i in (0..a.len()).rev() {
        let mut d = i16::from(a[i]) - i16::from(b[i]) - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 256;
        }
        out[i] = d as u8;
    }
    out
}

/// `a + b` for little-endian numbers of equal length (no overflow here).
fn add_le(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; a.len()];
    let mut carry = 0u16;
    for i in 0..a.len() {
        let s = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = s as u8;
        carry = s >> 8;
    }
    out
}

#[test]
fn rejects_the_all_zero_psychic_ecdsa_signature() {
    // CVE-2022-21449: r = s = 0 "verified" in one JDK for any message.
    for algorithm in [Algorithm::ES256, Algorithm::ES384] {
        let (pem, public_pem, len) = match algorithm {
            Algorithm::ES256 => (pem::P256, pem::P256_PUB, 64),
            _ => (pem::P384, pem::P384_PUB, 96),
        };
        let (token, verifier) = token_and_verifier(algorithm, pem, public_pem);
        assert_eq!(
            verifier
                .decode::<BillingAccess>(&with_signature(&token, &vec![0; len]))
                .unwrap_err(),
            Error::InvalidSignature,
            "{algorithm}"
        );
    }
}

#[test]
fn rejects_a_der_encoded_ecdsa_signature_instead_of_fixed_width_r_s() {
    let (token, verifier) = token_and_verifier(Algorithm::ES256, pem::P256, pem::P256_PUB);
    let raw = unb64(segments(&token)[2]);
    let (r, s) = raw.split_at(32);
    // SEQUENCE { INTEGER r, INTEGER s }, as DER-producing libraries write it.
    let integer = |v: &[u8]| {
        let mut body = if v[0] & 0x80 != 0 { vec![0] } else { vec![] };
        body.extend_from_slice(v);
        [&[0x02, body.len() as u8][..], &body].concat()
    };
    let body = [integer(r), integer(s)].concat();
    let der = [&[0x30, body.len() as u8][..], &body].concat();
    assert_eq!(
        verifier
            .decode::<BillingAccess>(&with_signature(&token, &der))
            .unwrap_err(),
        Error::InvalidSignature
    );
    // r and s each cut or padded to the wrong width fail the same way.
    for bad in [
        &raw[..63],
        &[&raw[..], &[0]].concat()[..],
        &[&[0], &raw[..]].concat()[..],
    ] {
        assert_eq!(
            verifier
                .decode::<BillingAccess>(&with_signature(&token, bad))
                .unwrap_err(),
            Error::InvalidSignature
        );
    }
}

#[test]
fn pins_high_s_ecdsa_signatures_as_accepted_for_interop() {
    // (r, n - s) verifies whenever (r, s) does. RFC 7518 does not require
    // low S, and PyJWT and jose sign with a high S half of the time, so
    // refusing it would refuse their tokens. What this means for users: two
    // different token strings can carry the same claims, so a replay store
    // must key on `jti`, never on the token bytes.
    const P256_N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
        0x25, 0x51,
    ];
    let (token, verifier) = token_and_verifier(Algorithm::ES256, pem::P256, pem::P256_PUB);
    let raw = unb64(segments(&token)[2]);
    let flipped = [&raw[..32], &sub_be(&P256_N, &raw[32..])].concat();
    let malleated = with_signature(&token, &flipped);
    assert_ne!(malleated, token);
    let decoded = verifier.decode::<BillingAccess>(&malleated).unwrap();
    assert_eq!(decoded.registered().jwt_id(), Some("the-one-token"));
}

#[test]
fn rejects_an_ed25519_signature_with_s_not_below_the_group_order() {
    // S + L verifies in implementations that skip the S < L check
    // (RFC 8032 §5.1.7 requires it): a malleated copy of a valid token.
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let (token, verifier) = token_and_verifier(Algorithm::EdDSA, pem::ED25519, pem::ED25519_PUB);
    let raw = unb64(segments(&token)[2]);
    let malleated = [&raw[..32], &add_le(&raw[32..], &L)].concat();
    assert_eq!(
        verifier
            .decode::<BillingAccess>(&with_signature(&token, &malleated))
            .unwrap_err(),
        Error::InvalidSignature
    );
    assert!(verifier.decode::<BillingAccess>(&token).is_ok());
}

/// The 8 Ed25519 points of small order (libsodium's list), the identity
/// and y = -1 also with the sign bit set (x = 0 has no sign).
const SMALL_ORDER_ED25519: [&str; 10] = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000080",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
];

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// The Ed25519 public key `x` as a JWK, a SubjectPublicKeyInfo in DER and
/// in PEM: every way a public key comes in.
fn ed25519_imports(x: &[u8]) -> [Result<PublicKey, Error>; 4] {
    let spki = [&hex("302a300506032b6570032100")[..], x].concat();
    let base64 = b64(&spki).replace('-', "+").replace('_', "/");
    let pem = format!("-----BEGIN PUBLIC KEY-----\n{base64}=\n-----END PUBLIC KEY-----\n");
    let jwk = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#, b64(x));
    [
        PublicKey::from_jwk(Algorithm::EdDSA, &jwk),
        PublicKey::from_der(Algorithm::EdDSA, &spki),
        PublicKey::from_der(Algorithm::EdDSA, x),
        PublicKey::from_pem(Algorithm::EdDSA, pem.as_bytes()),
    ]
}

#[test]
fn refuses_small_order_ed25519_keys_under_which_any_payload_verifies() {
    // With the identity as the public key, the signature R = identity,
    // S = 0 satisfies [S]B = R + [k]A for every message: it verified any
    // payload, on both backends. The other small-order points do the same
    // for a fraction of all messages. They are refused when the key is
    // built, from every form.
    let refused = Error::InvalidKey {
        algorithm: Algorithm::EdDSA,
        reason: "Ed25519 public key is a point of small order, which verifies forged signatures"
            .into(),
    };
    for x in SMALL_ORDER_ED25519 {
        for imported in ed25519_imports(&hex(x)) {
            assert_eq!(imported.map(drop), Err(refused.clone()), "{x}");
        }
    }
    // A genuine key still imports from every form.
    let genuine = unb64("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
    for imported in ed25519_imports(&genuine) {
        assert_eq!(
            imported.unwrap().thumbprint(),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }
}

#[test]
fn refuses_ed25519_keys_whose_y_is_not_below_the_field_prime() {
    // y = p + 1 is a second encoding of the identity, y = p of a point of
    // order 4; RFC 8032 §5.1.3 has decoders reject every y >= p.
    let refused = Error::InvalidKey {
        algorithm: Algorithm::EdDSA,
        reason: "Ed25519 public key is not canonically encoded (its y is not below 2^255 - 19)"
            .into(),
    };
    for x in [
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ] {
        for imported in ed25519_imports(&hex(x)) {
            assert_eq!(imported.map(drop), Err(refused.clone()), "{x}");
        }
    }
}

#[test]
fn rejects_an_rsa_signature_that_is_not_exactly_the_modulus_length() {
    for algorithm in [Algorithm::RS256, Algorithm::PS256] {
        let (token, verifier) = token_and_verifier(algorithm, pem::RSA2048, pem::RSA2048_PUB);
        let raw = unb64(segments(&token)[2]);
        assert_eq!(raw.len(), 256);
        let prefixed = [&[0][..], &raw].concat();
        for bad in [&prefixed[..], &raw[1..], &raw[..255], &[]] {
            assert_eq!(
                verifier
                    .decode::<BillingAccess>(&with_signature(&token, bad))
                    .unwrap_err(),
                Error::InvalidSignature,
                "{algorithm} with {} bytes",
                bad.len()
            );
        }
        assert!(verifier.decode::<BillingAccess>(&token).is_ok());
    }
}

#[test]
fn rejects_an_hmac_tag_truncated_or_extended() {
    let token = signer()
        .issue(&BillingAccess {
            org_id: 1,
            role: "r".into(),
        })
        .subject("a")
        .encode()
        .unwrap();
    let raw = unb64(segments(token.as_str())[2]);
    for bad in [&raw[..16], &raw[..31], &[&raw[..], &[0]].concat()[..]] {
        assert_eq!(
            verifier()
                .decode::<BillingAccess>(&with_signature(token.as_str(), bad))
                .unwrap_err(),
            Error::InvalidSignature
        );
    }
}
