//! Malformed and malleated signatures: each must fail as a plain
//! `InvalidSignature`, whatever its shape.

use jwt_claims::{Algorithm, Error, Signer, Verifier};

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
