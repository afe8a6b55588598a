//! Key import: PEM, DER, JWK and JWK Set parsing for every algorithm. The
//! first byte picks the algorithm (modulo 12) and the format (its value
//! divided by 12, modulo 8); the rest is the key text or bytes.
//!
//! Properties of every key that imports: a public key's exported JWK
//! imports to the same key (same RFC 7638 thumbprint); a private key's
//! signature verifies under its public key; a JWK Set's export imports to
//! the same set, and what a set skipped is reported as printable text.

#![no_main]

use jwt_claims::jws::{self, JwsVerifier};
use jwt_claims::{Algorithm, Error, HmacKey, JwkSet, PrivateKey, PublicKey};
use libfuzzer_sys::fuzz_target;

fn public_round_trips(key: &PublicKey) {
    let jwk = key.to_jwk();
    let again = PublicKey::from_jwk(key.algorithm(), &jwk)
        .unwrap_or_else(|err| panic!("the exported JWK {jwk} does not import: {err}"));
    assert_eq!(again.thumbprint(), key.thumbprint());
    assert_eq!(again.to_jwk(), jwk);
}

fn private_signs(key: PrivateKey) {
    let public = key.public_key();
    public_round_trips(&public);
    let token = jws::sign(&key.into(), None, b"fuzz").expect("a parsed key signs");
    let verified = JwsVerifier::new(public)
        .expect("one key is a valid key set")
        .verify(&token);
    assert_eq!(verified.map(|v| v.into_payload()), Ok(b"fuzz".to_vec()));
}

fn hmac_signs(key: HmacKey) {
    let token = jws::sign(&key.clone().into(), None, b"fuzz").expect("HMAC signs");
    let verifier = JwsVerifier::new(key).expect("one key is a valid key set");
    assert!(verifier.verify(&token).is_ok());
}

/// What the library's echo of a set-supplied string must be: printable
/// ASCII, each control or non-ASCII character written as one `\u{..}`
/// escape, at most `Error::MAX_ECHO` characters kept (an escape counts as
/// one, as the library counts it), and `…` where it cut.
fn echoed(kid: &str) {
    let mut kept = 0;
    let mut rest = kid;
    while let Some(c) = rest.chars().next() {
        if c == '…' {
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let escape = rest
            .strip_prefix("\\u{")
            .and_then(|after| after.split_once('}'))
            .filter(|(hex, _)| {
                (1..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit())
            });
        rest = match escape {
            Some((_, after)) => after,
            None => {
                assert!(c == ' ' || c.is_ascii_graphic(), "{c:?} unescaped in {kid}");
                &rest[1..]
            }
        };
        kept += 1;
    }
    assert!(kept <= Error::MAX_ECHO, "{kept} characters kept: {kid}");
}

fn rejected(err: Error) {
    let message = err.to_string();
    assert!(message.len() <= 2048, "{message}");
    assert!(
        matches!(
            err,
            Error::InvalidKey { .. } | Error::WeakKey { .. } | Error::InvalidKeySet { .. }
        ),
        "{err:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let algorithm = Algorithm::ALL[usize::from(selector) % Algorithm::ALL.len()];
    let text = std::str::from_utf8(bytes).ok();
    let outcome = match (selector / 12) % 8 {
        0 => PrivateKey::from_pem(algorithm, bytes).map(private_signs),
        1 => PublicKey::from_pem(algorithm, bytes).map(|key| public_round_trips(&key)),
        2 => PrivateKey::from_der(algorithm, bytes).map(private_signs),
        3 => PublicKey::from_der(algorithm, bytes).map(|key| public_round_trips(&key)),
        4 => match text {
            Some(jwk) => PrivateKey::from_jwk(algorithm, jwk).map(private_signs),
            None => return,
        },
        5 => match text {
            Some(jwk) => PublicKey::from_jwk(algorithm, jwk).map(|key| public_round_trips(&key)),
            None => return,
        },
        6 => match text {
            Some(jwk) if selector & 0x80 == 0 => HmacKey::from_jwk(algorithm, jwk).map(hmac_signs),
            Some(secret) => HmacKey::from_base64url(algorithm, secret).map(hmac_signs),
            None => return,
        },
        _ => match text {
            Some(json) => JwkSet::from_json(json).map(|set| {
                for key in set.keys() {
                    public_round_trips(key);
                }
                for skipped in set.skipped() {
                    echoed(skipped.kid().unwrap_or_default());
                    assert!(skipped.to_string().len() <= 2048, "{skipped}");
                }
                let again = JwkSet::from_json(&set.to_json()).expect("an exported set imports");
                assert_eq!(again.to_json(), set.to_json());
                assert!(again.skipped().is_empty(), "{:?}", again.skipped());
            }),
            None => return,
        },
    };
    if let Err(err) = outcome {
        rejected(err);
    }
});
