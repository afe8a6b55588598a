//! Hostile input: tokens built to make a verifier spend time or memory.

use aws_lc_rs::hmac;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::fixture::{EXPIRES_AT, ISSUED_AT, ISSUER, JWT_ID, SECRET, SUBJECT, TOKEN_TYPE};

/// One MiB.
pub const MIB: usize = 1 << 20;

/// A size limit raised to admit [`audience_flood`], to measure what
/// happens past the default limit.
pub const RAISED_LIMIT: usize = 2 * MIB;

/// How many audiences [`audience_flood`] names.
pub const FLOOD_AUDIENCES: usize = 100_000;

/// A 1 MiB token of three well-formed base64url segments: garbage that
/// costs a verifier whatever it does before checking the size.
pub fn oversized() -> String {
    let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"HS256","typ":"{TOKEN_TYPE}"}}"#));
    let signature = "A".repeat(43);
    let payload = "A".repeat(MIB - header.len() - signature.len() - 2);
    format!("{header}.{payload}.{signature}")
}

/// A correctly signed HS256 token (the fixture key) whose `aud` is an array
/// of [`FLOOD_AUDIENCES`] strings, none of them the verifier's audience:
/// 1.2 MB, so over the default 64 KiB limit.
pub fn audience_flood() -> String {
    let mut audiences = String::with_capacity(FLOOD_AUDIENCES * 8);
    for i in 0..FLOOD_AUDIENCES {
        if i > 0 {
            audiences.push(',');
        }
        audiences.push_str(&format!("\"a{i}\""));
    }
    let header = format!(r#"{{"alg":"HS256","typ":"{TOKEN_TYPE}"}}"#);
    let payload = format!(
        r#"{{"iss":"{ISSUER}","sub":"{SUBJECT}","aud":[{audiences}],"exp":{EXPIRES_AT},"nbf":{ISSUED_AT},"iat":{ISSUED_AT},"jti":"{JWT_ID}","org_id":1,"role":"admin","scope":"x","email_verified":true}}"#
    );
    let mut token = URL_SAFE_NO_PAD.encode(header);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(payload, &mut token);
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, SECRET), token.as_bytes());
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(tag.as_ref(), &mut token);
    token
}
