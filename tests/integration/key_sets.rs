//! JWK Sets (RFC 7517 §5): a key the recipient cannot use is skipped and
//! reported, never fatal and never silent; a document that is not a set,
//! or that gives a member twice, is refused as a whole.

use jwt_claims::{Algorithm, Error, JwkSet, SkipReason};

use crate::support::*;

const ED: &str =
    r#"{"kty":"OKP","crv":"Ed25519","kid":"ed","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;

fn set(keys: &[&str]) -> Result<JwkSet, Error> {
    JwkSet::from_json(&format!(r#"{{"keys":[{}]}}"#, keys.join(",")))
}

/// Each skipped key as `(index, kid, reason)`.
fn skipped(set: &JwkSet) -> Vec<(usize, Option<String>, SkipReason)> {
    set.skipped()
        .iter()
        .map(|key| {
            (
                key.index(),
                key.kid().map(str::to_owned),
                key.reason().clone(),
            )
        })
        .collect()
}

/// The modulus of `tests/keys/rsa1024.pub.pem` as a JWK member, read from
/// its DER (which ends with the 128 octets of n and `02 03 01 00 01`, the
/// exponent): a weak key cannot be built to export it.
fn weak_modulus() -> String {
    let der = unb64(pem_body(pem::RSA1024_PUB));
    b64(&der[der.len() - 5 - 128..der.len() - 5])
}

#[test]
fn one_unusable_key_no_longer_fails_the_set_and_each_is_reported_with_its_reason() {
    // Each of these used to fail the whole set (so a remote set broke on
    // every refresh), or vanish without a word.
    let ed448 = r#"{"kty":"OKP","crv":"Ed448","alg":"EdDSA","kid":"448","x":"AAAA"}"#;
    let rsa_without_alg = r#"{"kty":"RSA","kid":"rsa","n":"AQAB","e":"AQAB"}"#;
    let weak = format!(
        r#"{{"kty":"RSA","alg":"RS256","kid":"weak","n":"{}","e":"AQAB"}}"#,
        weak_modulus()
    );
    let oct = r#"{"kty":"oct","kid":"secret","k":"c2VjcmV0"}"#;
    let enc = r#"{"kty":"EC","crv":"P-256","use":"enc","kid":"enc","x":"AA","y":"AA"}"#;
    let unknown_alg = r#"{"kty":"EC","crv":"P-256","alg":"ES256K","kid":"k1","x":"AA","y":"AA"}"#;
    let set = set(&[ed448, rsa_without_alg, &weak, ED, oct, enc, unknown_alg]).unwrap();
    assert_eq!(set.keys().len(), 1);
    assert_eq!(
        set.get("ed").map(|key| key.algorithm()),
        Some(Algorithm::EdDSA)
    );
    let kid = |kid: &str| Some(kid.to_owned());
    assert_eq!(
        skipped(&set),
        [
            (
                0,
                kid("448"),
                SkipReason::UnsupportedKeyType {
                    kty: "OKP".into(),
                    crv: Some("Ed448".into())
                }
            ),
            (1, kid("rsa"), SkipReason::MissingAlgorithm),
            (
                2,
                kid("weak"),
                SkipReason::Invalid(Error::WeakKey {
                    algorithm: Algorithm::RS256,
                    reason: "RSA modulus is 1024 bits, at least 2048 are required".into()
                })
            ),
            (4, kid("secret"), SkipReason::SymmetricKey),
            (5, kid("enc"), SkipReason::NotForVerifying { member: "use" }),
            (
                6,
                kid("k1"),
                SkipReason::UnsupportedAlgorithm {
                    alg: "ES256K".into()
                }
            ),
        ]
    );
    assert_eq!(
        set.skipped()[0].to_string(),
        r#"key [0] (kid "448"): key type "OKP" with curve "Ed448" is not supported"#
    );
}

#[test]
fn a_set_without_a_usable_key_imports_empty_with_every_key_reported() {
    let set = set(&[r#"{"kty":"OKP","crv":"X25519","x":"AAAA"}"#]).unwrap();
    assert!(set.keys().is_empty());
    assert_eq!(
        skipped(&set),
        [(
            0,
            None,
            SkipReason::UnsupportedKeyType {
                kty: "OKP".into(),
                crv: Some("X25519".into())
            }
        )]
    );
    let empty = JwkSet::from_json(r#"{"keys":[]}"#).unwrap();
    assert!(empty.keys().is_empty() && empty.skipped().is_empty());
}

#[test]
fn a_small_order_ed25519_key_in_a_set_is_skipped_not_used() {
    let identity = format!(
        r#"{{"kty":"OKP","crv":"Ed25519","kid":"id","x":"{}"}}"#,
        b64(&[&[1][..], &[0; 31]].concat())
    );
    let set = set(&[&identity, ED]).unwrap();
    assert_eq!(set.keys().len(), 1);
    assert_eq!(
        skipped(&set),
        [(
            0,
            Some("id".into()),
            SkipReason::Invalid(Error::InvalidKey {
                algorithm: Algorithm::EdDSA,
                reason:
                    "Ed25519 public key is a point of small order, which verifies forged signatures"
                        .into()
            })
        )]
    );
}

#[test]
fn skipped_kids_are_escaped_and_cut_as_untrusted_text() {
    let kid = format!("evil\n\u{1b}[2J\u{202e}{}", "x".repeat(100));
    let key = format!(
        r#"{{"kty":"oct","kid":{},"k":"c2VjcmV0"}}"#,
        serde_json::Value::from(kid)
    );
    let set = set(&[&key]).unwrap();
    let shown = set.skipped()[0].kid().unwrap();
    assert_eq!(
        shown,
        format!("evil\\u{{a}}\\u{{1b}}[2J\\u{{202e}}{}…", "x".repeat(54))
    );
    assert!(shown.chars().all(|c| c.is_ascii_graphic() || c == '…'));
}

#[test]
fn refuses_a_member_given_twice_in_the_set_or_in_one_of_its_keys() {
    // They were accepted, the last value winning: another parser, taking
    // the first, would read a different key from the same document.
    let other_x = r#""x":"3t9zzVSbCHn6bv2Tx0GDsSvYyKKqOnHe_iBePoQxaDU","#;
    let cases = [
        (
            format!(r#"{{"keys":[{ED}],"keys":[]}}"#),
            "member \"keys\" appears twice at line 1 column 107",
        ),
        (
            format!(
                r#"{{"keys":[{}]}}"#,
                ED.replace(r#""x":"#, &format!("{other_x}\"x\":"))
            ),
            "member \"x\" appears twice at line 1 column 102",
        ),
        (
            format!(
                r#"{{"keys":[{}]}}"#,
                ED.replace(r#""kid":"ed","#, r#""kid":"ed","kid":"ec","#)
            ),
            "member \"kid\" appears twice at line 1 column 54",
        ),
    ];
    for (json, reason) in cases {
        assert_eq!(
            JwkSet::from_json(&json).unwrap_err(),
            Error::InvalidKeySet {
                reason: format!("not valid JSON: {reason}")
            },
            "{json}"
        );
    }
}

#[test]
fn says_what_the_text_was_when_it_is_not_a_jwk_set() {
    let expected = "expected a JWK Set (a JSON object with a \"keys\" array), found";
    for (json, reason) in [
        // It said "invalid ES256 key: not a JWK Set": the algorithm was a
        // placeholder, and nothing said what had come instead.
        ("{}", format!("{expected} an object without \"keys\"")),
        (
            "<html><head><title>502 Bad Gateway</title></head></html>",
            format!(
                "{expected} text starting \"<html><head><title>502 Bad Gateway</title></head></html>\""
            ),
        ),
        ("", format!("{expected} no text")),
        ("[{\"keys\":[]}]", format!("{expected} an array")),
        (
            ED,
            format!("{expected} a single JWK: wrap it as {{\"keys\":[...]}}"),
        ),
        (
            r#"{"keys":null}"#,
            "\"keys\" is null, not an array".to_owned(),
        ),
    ] {
        let err = JwkSet::from_json(json).unwrap_err();
        assert_eq!(err, Error::InvalidKeySet { reason }, "{json}");
    }
    assert_eq!(
        JwkSet::from_json("{}").unwrap_err().to_string(),
        "invalid JWK Set: expected a JWK Set (a JSON object with a \"keys\" array), found an object without \"keys\""
    );
}
