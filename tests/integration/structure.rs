//! The compact serialization and its JSON, checked in the documented order
//! (`jws::verify`): size, segments, strict base64url, then one UTF-8 JSON
//! object per segment with no member twice.

use jwt_claims::{Claims, Error, Part, RegisteredClaim};
use serde_json::{Value, json};

use crate::support::*;

fn decode(token: &str) -> Result<BillingAccess, Error> {
    verifier()
        .decode::<BillingAccess>(token)
        .map(|decoded| decoded.into_claims())
}

fn invalid_json(part: Part, reason: &str) -> Error {
    Error::InvalidJson {
        part,
        reason: reason.into(),
    }
}

/// `json` with spaces appended until its base64url form does not end on a
/// 4-character boundary, so its last character has unused bits.
fn unaligned(json: &str) -> String {
    let mut json = json.to_owned();
    while json.len().is_multiple_of(3) {
        json.push(' ');
    }
    json
}

/// A valid token whose three segments all end off a 4-character boundary.
fn unaligned_token() -> String {
    craft(
        unaligned(&hs256_header("access")),
        unaligned(&billing_claims().to_string()),
    )
}

const PARTS: [Part; 3] = [Part::Header, Part::Payload, Part::Signature];

// ----- size -----

#[test]
fn rejects_a_one_megabyte_token_before_looking_at_it() {
    let [header, _, signature] = segments(&billing_token()).map(str::to_owned);
    let token = format!("{header}.{}.{signature}", "A".repeat(1 << 20));
    assert_eq!(
        decode(&token).unwrap_err(),
        Error::TokenTooLarge {
            limit: 64 * 1024,
            found: token.len()
        }
    );
    // Even garbage without a single dot is refused by size first.
    let garbage = "\u{0}".repeat(1 << 20);
    assert_eq!(
        decode(&garbage).unwrap_err(),
        Error::TokenTooLarge {
            limit: 64 * 1024,
            found: 1 << 20
        }
    );
}

#[test]
fn accepts_an_eleven_kilobyte_token_with_hundreds_of_claims() {
    let mut claims = billing_claims();
    for i in 0..270 {
        claims = with(
            claims,
            &format!("claim_{i:03}"),
            json!(format!("value number {i:03}")),
        );
    }
    let token = craft_json(&hs256_header("access"), &claims);
    assert!(
        (11 * 1024..12 * 1024).contains(&token.len()),
        "{}",
        token.len()
    );
    assert_eq!(decode(&token).unwrap(), billing());
    let all = verifier()
        .decode_runtime::<Value>(&token, &runtime(BillingAccess::policy()))
        .unwrap();
    assert_eq!(all.claims().as_object().unwrap().len(), 272);
}

#[test]
fn accepts_a_token_exactly_at_the_size_limit_and_rejects_one_byte_less() {
    let token = billing_token();
    let at_limit = verifier_builder()
        .shared_key(key())
        .max_token_size(token.len())
        .build()
        .unwrap();
    assert_eq!(
        at_limit.decode::<BillingAccess>(&token).unwrap().claims(),
        &billing()
    );
    let below = verifier_builder()
        .shared_key(key())
        .max_token_size(token.len() - 1)
        .build()
        .unwrap();
    assert_eq!(
        below.decode::<BillingAccess>(&token).unwrap_err(),
        Error::TokenTooLarge {
            limit: token.len() - 1,
            found: token.len()
        }
    );
}

// ----- segments -----

#[test]
fn rejects_every_segment_count_but_three() {
    let token = billing_token();
    let [header, payload, signature] = segments(&token);
    let cases = [
        (String::new(), 1),
        (header.to_owned(), 1),
        (format!("{header}.{payload}"), 2),
        (format!("{header}.{payload}.{signature}.{signature}"), 4),
        (
            format!("{header}.{payload}.{signature}.{header}.{payload}"),
            5,
        ),
        (format!("{token}."), 4),
        ("...".to_owned(), 4),
        (".".to_owned(), 2),
    ];
    for (token, found) in cases {
        assert_eq!(
            decode(&token).unwrap_err(),
            Error::WrongSegmentCount { found },
            "{token:?}"
        );
    }
}

#[test]
fn rejects_an_empty_signature_as_an_invalid_signature() {
    let token = replace_segment(&billing_token(), 2, "");
    assert_eq!(decode(&token).unwrap_err(), Error::InvalidSignature);
}

#[test]
fn rejects_empty_header_and_payload_segments_as_not_json_objects() {
    let token = billing_token();
    assert_eq!(
        decode(&replace_segment(&token, 0, "")).unwrap_err(),
        invalid_json(Part::Header, "not a JSON object")
    );
    let empty_payload = craft(hs256_header("access"), "");
    assert_eq!(
        decode(&empty_payload).unwrap_err(),
        invalid_json(Part::Payload, "not a JSON object")
    );
}

// ----- strict base64url -----

/// Applies `edit` to segment `index` of `token`.
fn edit_segment(token: &str, index: usize, edit: impl Fn(&str) -> String) -> String {
    replace_segment(token, index, &edit(segments(token)[index]))
}

#[test]
fn rejects_padding_in_each_segment() {
    let token = unaligned_token();
    assert_eq!(decode(&token).unwrap(), billing());
    for (index, part) in PARTS.into_iter().enumerate() {
        for padding in ["=", "==", "==="] {
            let padded = edit_segment(&token, index, |s| format!("{s}{padding}"));
            assert_eq!(
                decode(&padded).unwrap_err(),
                Error::InvalidBase64 { part },
                "{part} {padding}"
            );
        }
    }
}

#[test]
fn rejects_whitespace_anywhere_in_each_segment() {
    let token = billing_token();
    for (index, part) in PARTS.into_iter().enumerate() {
        for ws in [" ", "\n", "\r\n", "\t"] {
            let len = segments(&token)[index].len();
            // Leading, trailing, and in the middle.
            for at in [0, len, 8] {
                let spaced =
                    edit_segment(&token, index, |s| format!("{}{ws}{}", &s[..at], &s[at..]));
                assert_eq!(
                    decode(&spaced).unwrap_err(),
                    Error::InvalidBase64 { part },
                    "{spaced:?}"
                );
            }
        }
    }
}

#[test]
fn rejects_the_standard_base64_alphabet_in_each_segment() {
    let token = billing_token();
    for (index, part) in PARTS.into_iter().enumerate() {
        for standard in ['+', '/'] {
            let edited = edit_segment(&token, index, |s| {
                format!("{}{standard}{}", &s[..5], &s[6..])
            });
            assert_eq!(
                decode(&edited).unwrap_err(),
                Error::InvalidBase64 { part },
                "{edited:?}"
            );
        }
    }
}

#[test]
fn rejects_a_non_canonical_last_character_in_each_segment() {
    let token = unaligned_token();
    for (index, part) in PARTS.into_iter().enumerate() {
        let edited = edit_segment(&token, index, |s| {
            assert_ne!(s.len() % 4, 0, "{part} must end off a boundary");
            let (head, last) = s.split_at(s.len() - 1);
            // The lowest bit of the last character is unused: set it.
            format!("{head}{}", sextet_char(sextet(last.as_bytes()[0]) | 1))
        });
        assert_eq!(
            decode(&edited).unwrap_err(),
            Error::InvalidBase64 { part },
            "{edited:?}"
        );
    }
}

#[test]
fn rejects_an_impossible_segment_length() {
    let token = billing_token();
    for (index, part) in PARTS.into_iter().enumerate() {
        // 4n+1 characters cannot encode whole bytes.
        let edited = edit_segment(&token, index, |s| {
            let len = s.len() - s.len() % 4 + 1;
            s.chars().cycle().take(len).collect()
        });
        assert_eq!(
            decode(&edited).unwrap_err(),
            Error::InvalidBase64 { part },
            "{edited:?}"
        );
    }
}

#[test]
fn reports_the_first_bad_segment_when_several_are_bad() {
    let token = billing_token();
    let all_bad = format!(
        "{}=.{}=.{}=",
        segments(&token)[0],
        segments(&token)[1],
        segments(&token)[2]
    );
    assert_eq!(
        decode(&all_bad).unwrap_err(),
        Error::InvalidBase64 { part: Part::Header }
    );
    let [header, payload, signature] = segments(&token);
    let last_two_bad = format!("{header}.{payload}=.{signature}=");
    assert_eq!(
        decode(&last_two_bad).unwrap_err(),
        Error::InvalidBase64 {
            part: Part::Payload
        }
    );
}

#[test]
fn rejects_an_oversized_signature_as_invalid_not_as_a_crash() {
    // Longer than any algorithm's signature (RSA-8192 is 1024 bytes).
    let token = replace_segment(&billing_token(), 2, &b64(&[7; 1500]));
    assert_eq!(decode(&token).unwrap_err(), Error::InvalidSignature);
    let bad = replace_segment(&billing_token(), 2, &format!("{}*", b64(&[7; 1500])));
    assert_eq!(
        decode(&bad).unwrap_err(),
        Error::InvalidBase64 {
            part: Part::Signature
        }
    );
}

#[test]
fn accepts_headers_of_every_size_around_the_inline_buffer() {
    // The header decodes on the stack up to 512 bytes and on the heap above.
    for len in 490..=540 {
        let base = r#"{"alg":"HS256","typ":"access","pad":""}"#;
        let pad = "p".repeat(len - base.len());
        let header = format!(r#"{{"alg":"HS256","typ":"access","pad":"{pad}"}}"#);
        assert_eq!(header.len(), len);
        let token = craft(&header, billing_claims().to_string());
        assert_eq!(decode(&token).unwrap(), billing(), "header of {len} bytes");
    }
}

// ----- one UTF-8 JSON object per segment -----

#[test]
fn rejects_invalid_utf8_in_header_and_payload_whether_or_not_the_member_is_read() {
    // serde_json skips unread values without checking their UTF-8, so the
    // segment is checked as a whole (RFC 8259 §8.1): a bad byte in `x5u`
    // or in an unknown claim is refused like one in `typ` or `role`.
    let headers: [&[u8]; 3] = [
        b"{\"alg\":\"HS256\",\"typ\":\"acc\xffess\"}",
        b"{\"alg\":\"HS256\",\"typ\":\"access\",\"x5u\":\"\xff\"}",
        b"{\"alg\":\"HS256\",\"typ\":\"access\",\"\xc0\xaf\":1}",
    ];
    for (header, at) in headers.into_iter().zip([25, 37, 31]) {
        let token = craft(header, billing_claims().to_string());
        let reason = format!("invalid UTF-8 at byte {at}");
        assert_eq!(
            decode(&token).unwrap_err(),
            invalid_json(Part::Header, &reason),
            "{header:?}"
        );
    }
    let claims = with(billing_claims(), "note", json!("n")).to_string();
    let payloads = [
        replace_bytes(&claims, "admin", b"ad\xffmin"),
        replace_bytes(&claims, "\"n\"", b"\"\xc3\x28\""),
        replace_bytes(&claims, "user-1", b"\xed\xa0\x80"),
    ];
    for payload in payloads {
        let at = payload.iter().position(|b| !b.is_ascii()).unwrap();
        let token = craft(hs256_header("access"), &payload);
        let reason = format!("invalid UTF-8 at byte {at}");
        assert_eq!(
            decode(&token).unwrap_err(),
            invalid_json(Part::Payload, &reason),
            "{payload:?}"
        );
    }
}

#[test]
fn rejects_a_byte_order_mark_before_header_or_payload() {
    let header = format!("\u{feff}{}", hs256_header("access"));
    let token = craft(&header, billing_claims().to_string());
    assert_eq!(
        decode(&token).unwrap_err(),
        invalid_json(Part::Header, "not a JSON object")
    );
    let payload = format!("\u{feff}{}", billing_claims());
    let token = craft(hs256_header("access"), &payload);
    assert_eq!(
        decode(&token).unwrap_err(),
        invalid_json(Part::Payload, "not a JSON object")
    );
}

/// `text` with the first `from` replaced by the raw bytes `to`.
fn replace_bytes(text: &str, from: &str, to: &[u8]) -> Vec<u8> {
    let at = text.find(from).expect("present");
    [
        &text.as_bytes()[..at],
        to,
        &text.as_bytes()[at + from.len()..],
    ]
    .concat()
}

fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    text.encode_utf16()
        .flat_map(|unit| {
            if little_endian {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            }
        })
        .collect()
}

#[test]
fn rejects_utf16_header_and_payload() {
    let header = hs256_header("access");
    let payload = billing_claims().to_string();
    let le = craft(utf16(&header, true), &payload);
    assert_eq!(
        decode(&le).unwrap_err(),
        invalid_json(Part::Header, "key must be a string at line 1 column 2")
    );
    let be = craft(utf16(&header, false), &payload);
    assert_eq!(
        decode(&be).unwrap_err(),
        invalid_json(Part::Header, "not a JSON object")
    );
    let bom = craft(
        [&[0xff, 0xfe][..], &utf16(&header, true)].concat(),
        &payload,
    );
    assert_eq!(
        decode(&bom).unwrap_err(),
        invalid_json(Part::Header, "not a JSON object")
    );
    let le = craft(&header, utf16(&payload, true));
    assert_eq!(
        decode(&le).unwrap_err(),
        invalid_json(Part::Payload, "key must be a string at line 1 column 2")
    );
    let be = craft(&header, utf16(&payload, false));
    assert_eq!(
        decode(&be).unwrap_err(),
        invalid_json(Part::Payload, "not a JSON object")
    );
}

#[test]
fn rejects_lone_surrogates_in_strings_that_are_read() {
    let cases = [
        (
            r#""typ":"\ud800""#,
            "unexpected end of hex escape at line 1 column 29",
        ),
        (
            r#""typ":"\udc00""#,
            "lone leading surrogate in hex escape at line 1 column 28",
        ),
        (
            r#""typ":"\ud800\u0041""#,
            "lone leading surrogate in hex escape at line 1 column 34",
        ),
    ];
    for (typ, reason) in cases {
        let header = format!(r#"{{"alg":"HS256",{typ}}}"#);
        let token = craft(&header, billing_claims().to_string());
        assert_eq!(
            decode(&token).unwrap_err(),
            invalid_json(Part::Header, reason),
            "{header}"
        );
    }
    // In a claim of the claims type, and in a registered claim.
    let cases = [
        (
            "admin",
            r"\udc00",
            "lone leading surrogate in hex escape at line 1 column 109",
        ),
        (
            "admin",
            r"\ud800x",
            "unexpected end of hex escape at line 1 column 110",
        ),
        (
            "user-1",
            r"\ud83d",
            "unexpected end of hex escape at line 1 column 124",
        ),
    ];
    for (from, to, reason) in cases {
        let payload = billing_claims().to_string().replace(from, to);
        let token = craft(hs256_header("access"), &payload);
        assert_eq!(
            decode(&token).unwrap_err(),
            invalid_json(Part::Payload, reason),
            "{payload}"
        );
    }
}

#[test]
fn pins_lone_surrogate_escapes_in_members_nobody_reads_as_accepted() {
    // Pinned, not endorsed (see the report's open questions): `\ud800` is
    // grammatical JSON (RFC 8259 §7, §8.2), and serde_json does not decode
    // escapes in values it skips.
    let header = r#"{"alg":"HS256","typ":"access","x5u":"\ud800"}"#;
    assert_eq!(
        decode(&craft(header, billing_claims().to_string())).unwrap(),
        billing()
    );
    let payload = with(billing_claims(), "note", json!("placeholder"))
        .to_string()
        .replace("placeholder", r"\udfff");
    assert_eq!(
        decode(&craft(hs256_header("access"), &payload)).unwrap(),
        billing()
    );
}

#[test]
fn rejects_header_and_payload_that_are_not_objects() {
    for json in [
        "[]",
        r#"["alg","HS256"]"#,
        r#""HS256""#,
        "1",
        "null",
        "true",
        " ",
        "\n[{}]",
    ] {
        let header = craft(json, billing_claims().to_string());
        assert_eq!(
            decode(&header).unwrap_err(),
            invalid_json(Part::Header, "not a JSON object"),
            "{json}"
        );
        let payload = craft(hs256_header("access"), json);
        assert_eq!(
            decode(&payload).unwrap_err(),
            invalid_json(Part::Payload, "not a JSON object"),
            "{json}"
        );
    }
}

#[test]
fn rejects_json_extensions_in_the_header() {
    let cases = [
        (
            r#"{"alg":"HS256","typ":"access",}"#,
            "trailing comma at line 1 column 31",
        ),
        (
            r#"{/* c */"alg":"HS256","typ":"access"}"#,
            "key must be a string at line 1 column 2",
        ),
        (
            r#"{"alg":"HS256","typ":"access"} // c"#,
            "trailing characters at line 1 column 32",
        ),
        (
            r#"{"alg":"HS256","typ":"access","n":NaN}"#,
            "expected value at line 1 column 35",
        ),
        (
            r#"{"alg":"HS256","typ":"access","n":Infinity}"#,
            "expected value at line 1 column 35",
        ),
        (
            r#"{'alg':'HS256','typ':'access'}"#,
            "key must be a string at line 1 column 2",
        ),
        (
            r#"{alg:"HS256",typ:"access"}"#,
            "key must be a string at line 1 column 2",
        ),
        (
            r#"{"alg":"HS256","typ":"access"}{}"#,
            "trailing characters at line 1 column 31",
        ),
        (
            r#"{"alg":"HS256","typ":"access""#,
            "EOF while parsing an object at line 1 column 29",
        ),
    ];
    for (json, reason) in cases {
        let token = craft(json, billing_claims().to_string());
        assert_eq!(
            decode(&token).unwrap_err(),
            invalid_json(Part::Header, reason),
            "{json}"
        );
    }
}

#[test]
fn rejects_json_extensions_in_the_payload() {
    let valid = billing_claims().to_string();
    let body = &valid[1..valid.len() - 1];
    let cases = [
        (
            format!("{{{body},}}"),
            "trailing comma at line 1 column 126",
        ),
        (
            format!("{{/* c */{body}}}"),
            "key must be a string at line 1 column 2",
        ),
        (
            format!("{{{body}}} // c"),
            "trailing characters at line 1 column 127",
        ),
        (
            format!("{{{body},\"n\":NaN}}"),
            "expected value at line 1 column 130",
        ),
        (
            format!("{{{body},\"n\":-Infinity}}"),
            "invalid number at line 1 column 131",
        ),
        (
            format!("{{{body},'n':1}}"),
            "key must be a string at line 1 column 126",
        ),
        (
            format!("{{{body}}}{{}}"),
            "trailing characters at line 1 column 126",
        ),
        (
            format!("{{{body}"),
            "EOF while parsing an object at line 1 column 124",
        ),
    ];
    for (json, reason) in cases {
        let token = craft(hs256_header("access"), &json);
        assert_eq!(
            decode(&token).unwrap_err(),
            invalid_json(Part::Payload, reason),
            "{json}"
        );
    }
}

// ----- duplicate members -----

#[test]
fn rejects_duplicate_header_members_in_every_spelling() {
    let cases = [
        (r#"{"alg":"HS256","typ":"access","alg":"HS256"}"#, "alg"),
        (r#"{"alg":"HS256","typ":"access","alg":"none"}"#, "alg"),
        (r#"{"alg":"none","alg":"HS256","typ":"access"}"#, "alg"),
        (r#"{"alg":"HS256","typ":"access","\u0061lg":"none"}"#, "alg"),
        (r#"{"alg":"HS256","typ":"access","typ":"refresh"}"#, "typ"),
        (
            r#"{"alg":"HS256","typ":"access","kid":"a","kid":"b"}"#,
            "kid",
        ),
        (
            r#"{"alg":"HS256","typ":"access","x5u":"a","x5u":"b"}"#,
            "x5u",
        ),
        (
            r#"{"alg":"HS256","typ":"access","crit":[],"crit":[]}"#,
            "crit",
        ),
    ];
    for (json, name) in cases {
        let token = craft(json, billing_claims().to_string());
        assert_eq!(
            decode(&token).unwrap_err(),
            Error::DuplicateMember {
                part: Part::Header,
                name: name.into()
            },
            "{json}"
        );
    }
}

#[test]
fn rejects_duplicate_payload_members_registered_or_not() {
    let valid = billing_claims().to_string();
    let body = &valid[1..valid.len() - 1];
    let cases = [
        (format!(r#"{{{body},"exp":{}}}"#, NOW + 60), "exp"),
        (format!(r#"{{"exp":1,{body}}}"#), "exp"),
        (format!(r#"{{{body},"\u0065xp":{}}}"#, NOW + 60), "exp"),
        (format!(r#"{{{body},"aud":"reports"}}"#), "aud"),
        (format!(r#"{{{body},"sub":"admin"}}"#), "sub"),
        (format!(r#"{{{body},"role":"superuser"}}"#), "role"),
        (format!(r#"{{{body},"org_id":1}}"#), "org_id"),
        (format!(r#"{{{body},"extra":1,"extra":2}}"#), "extra"),
    ];
    for (json, name) in cases {
        let token = craft(hs256_header("access"), &json);
        assert_eq!(
            decode(&token).unwrap_err(),
            Error::DuplicateMember {
                part: Part::Payload,
                name: name.into()
            },
            "{json}"
        );
    }
}

#[test]
fn rejects_duplicate_members_hidden_behind_a_flattened_map() {
    let base = r#"{"iss":"https://auth.example.com","aud":"flex","exp":1700000600,"org_id":1"#;
    for (tail, name) in [
        (r#","color":"red","color":"blue"}"#, "color"),
        (r#","exp":1700000900}"#, "exp"),
        (r#","org_id":2}"#, "org_id"),
    ] {
        let token = craft(hs256_header("access"), format!("{base}{tail}"));
        assert_eq!(
            verifier().decode::<FlexibleAccess>(&token).unwrap_err(),
            Error::DuplicateMember {
                part: Part::Payload,
                name: name.into()
            },
            "{tail}"
        );
    }
    // Without duplicates the flattened map sees every member but the
    // registered claims.
    let token = craft(hs256_header("access"), format!(r#"{base},"color":"red"}}"#));
    let decoded = verifier().decode::<FlexibleAccess>(&token).unwrap();
    assert_eq!(
        decoded.claims().extra,
        [("color".to_owned(), json!("red"))].into_iter().collect()
    );
}

// ----- nesting depth of the JSON itself -----

fn deep(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn rejects_deeply_nested_json_where_it_is_read_without_crashing() {
    let payload = billing_claims()
        .to_string()
        .replace(r#""admin""#, &deep(10_000));
    let token = craft(hs256_header("access"), &payload);
    assert_eq!(
        decode(&token).unwrap_err(),
        Error::InvalidClaims {
            reason: "invalid type: sequence, expected a string at line 1 column 102".into()
        }
    );
    let payload = with(billing_claims(), "deep", json!(null))
        .to_string()
        .replace("null", &deep(10_000));
    let token = craft(hs256_header("access"), &payload);
    let err = verifier()
        .decode_runtime::<Value>(&token, &runtime(BillingAccess::policy()))
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidJson { part: Part::Payload, reason } if reason.starts_with("recursion limit exceeded")),
        "{err:?}"
    );
    let payload = billing_claims()
        .to_string()
        .replace(r#""billing""#, &deep(10_000));
    let token = craft(hs256_header("access"), &payload);
    let err = decode(&token).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidJson { part: Part::Payload, reason } if reason.starts_with("recursion limit exceeded")),
        "{err:?}"
    );
}

#[test]
fn pins_deeply_nested_json_in_members_nobody_reads_as_accepted() {
    // Pinned, not endorsed (see the report's open questions): serde_json
    // skips unread values iteratively, without its recursion limit, so a
    // typed decode accepts depth the runtime-policy decode into a `Value`
    // refuses. The size limit bounds it; nothing crashes.
    let payload = with(billing_claims(), "deep", json!(null))
        .to_string()
        .replace("null", &deep(10_000));
    let token = craft(hs256_header("access"), &payload);
    assert_eq!(decode(&token).unwrap(), billing());
    let header = format!(r#"{{"alg":"HS256","typ":"access","x5c":{}}}"#, deep(10_000));
    assert_eq!(
        decode(&craft(&header, billing_claims().to_string())).unwrap(),
        billing()
    );
    // A member the header does read is refused for its type, not crashed on.
    let header = format!(r#"{{"alg":"HS256","typ":"access","kid":{}}}"#, deep(10_000));
    assert_eq!(
        decode(&craft(&header, billing_claims().to_string())).unwrap_err(),
        Error::UnsupportedHeader {
            name: "kid",
            reason: "not a string"
        }
    );
}

#[test]
fn rejects_registered_claims_nested_too_deep_as_mistyped_claims() {
    let payload = billing_claims()
        .to_string()
        .replace(r#""user-1""#, &deep(100));
    let token = craft(hs256_header("access"), &payload);
    assert_eq!(
        decode(&token).unwrap_err(),
        Error::InvalidClaim {
            claim: RegisteredClaim::Subject,
            reason: "expected a string"
        }
    );
}

// ----- property: every single-byte change is caught -----

/// Every token that differs from `token` by one replaced or deleted byte,
/// with the index of the segment that byte was in (`None` for a dot).
fn single_byte_mutations(token: &str) -> Vec<(Option<usize>, String)> {
    const REPLACEMENTS: [u8; 12] = [
        b'A', b'z', b'0', b'-', b'_', b'.', b'=', b'+', b'/', b' ', b'\0', b'~',
    ];
    let mut mutations = Vec::new();
    let mut segment = 0;
    for (i, original) in token.bytes().enumerate() {
        let part = if original == b'.' {
            segment += 1;
            None
        } else {
            Some(segment)
        };
        let neighbours = [original.wrapping_add(1), original.wrapping_sub(1)]
            .into_iter()
            .filter(u8::is_ascii);
        for replacement in REPLACEMENTS
            .into_iter()
            .chain(neighbours)
            .filter(|&b| b != original)
        {
            let mut bytes = token.as_bytes().to_vec();
            bytes[i] = replacement;
            mutations.push((part, String::from_utf8(bytes).expect("ASCII")));
        }
        mutations.push((part, format!("{}{}", &token[..i], &token[i + 1..])));
    }
    mutations
}

#[test]
fn rejects_every_single_byte_mutation_of_a_valid_token() {
    let token = billing_token();
    assert_eq!(decode(&token).unwrap(), billing());
    assert_every_single_byte_mutation_rejected(&token, &verifier());
}

/// A billing token signed with `key`, and a verifier holding `public`.
fn signed_with(
    key: jwt_claims::PrivateKey,
    public: jwt_claims::PublicKey,
) -> (String, jwt_claims::Verifier) {
    let signer = jwt_claims::Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .shared_key(key)
        .build()
        .unwrap();
    let token = signer
        .issue(&billing())
        .subject("user-1")
        .encode()
        .unwrap()
        .into_string();
    let verifier = verifier_builder().shared_key(public).build().unwrap();
    let decoded = verifier.decode::<BillingAccess>(&token).unwrap();
    assert_eq!(decoded.into_claims(), billing());
    (token, verifier)
}

#[test]
fn rejects_every_single_byte_mutation_of_an_es256_token() {
    let alg = jwt_claims::Algorithm::ES256;
    let (token, verifier) = signed_with(private(alg, pem::P256), public(alg, pem::P256_PUB));
    assert_every_single_byte_mutation_rejected(&token, &verifier);
}

#[test]
fn rejects_every_single_byte_mutation_of_an_eddsa_token() {
    let alg = jwt_claims::Algorithm::EdDSA;
    let (token, verifier) = signed_with(private(alg, pem::ED25519), public(alg, pem::ED25519_PUB));
    assert_every_single_byte_mutation_rejected(&token, &verifier);
}

/// Every single-byte mutation of `token` is rejected, for a reason of the
/// segment it touched: nothing of the payload is read before the signature
/// verifies, so no claim error can ever show up.
fn assert_every_single_byte_mutation_rejected(token: &str, verifier: &jwt_claims::Verifier) {
    let mutations = single_byte_mutations(token);
    assert!(mutations.len() > token.len() * 12, "{}", mutations.len());
    for (part, mutated) in mutations {
        let err = verifier.decode::<BillingAccess>(&mutated).unwrap_err();
        let expected = match part {
            None => matches!(err, Error::WrongSegmentCount { found: 2 }),
            Some(0) => matches!(
                err,
                Error::WrongSegmentCount { .. }
                    | Error::InvalidBase64 { part: Part::Header }
                    | Error::InvalidJson {
                        part: Part::Header,
                        ..
                    }
                    | Error::DuplicateMember {
                        part: Part::Header,
                        ..
                    }
                    | Error::MissingAlgorithm
                    | Error::UnsupportedAlgorithm { .. }
                    | Error::AlgorithmMismatch { .. }
                    | Error::UnsupportedHeader { .. }
                    | Error::MissingType
                    | Error::WrongType { .. }
                    | Error::InvalidSignature
            ),
            Some(index) => {
                matches!(
                    err,
                    Error::WrongSegmentCount { .. } | Error::InvalidSignature
                ) || err == Error::InvalidBase64 { part: PARTS[index] }
            }
        };
        assert!(expected, "{mutated}: {err:?}");
    }
}
