//! Signing a compact JWS: the header written by hand, header and payload
//! encoded from one buffer.

use crate::key::SigningKey;
use crate::{Error, base64url};

/// Builds `header.payload.signature` from `json`: the header JSON in its
/// first `header_len` bytes, the payload after. The signature is made into
/// `json`'s allocation once both are encoded, so a token costs two
/// allocations, `json` and the token itself.
pub(crate) fn sign_json(
    mut json: Vec<u8>,
    header_len: usize,
    key: &SigningKey,
) -> Result<String, Error> {
    let (header, payload) = json.split_at(header_len);
    let mut token = String::with_capacity(json.len() * 4 / 3 + 96);
    base64url::encode_into(header, &mut token);
    token.push('.');
    base64url::encode_into(payload, &mut token);
    json.clear();
    key.sign_into(token.as_bytes(), &mut json)?;
    token.push('.');
    base64url::encode_into(&json, &mut token);
    Ok(token)
}

/// Appends the header JSON for `key`, with `typ` and optional `cty`, to
/// `out`: `{"alg":…,"typ":…,"cty":…,"kid":…}`, absent members left out,
/// strings escaped by serde_json, as a derived `Serialize` would write it.
pub(crate) fn write_header_json(
    out: &mut Vec<u8>,
    key: &SigningKey,
    typ: Option<&str>,
    cty: Option<&str>,
) {
    // Algorithm names are plain ASCII: nothing to escape.
    out.extend_from_slice(b"{\"alg\":\"");
    out.extend_from_slice(key.algorithm().name().as_bytes());
    out.push(b'"');
    for (name, value) in [("typ", typ), ("cty", cty), ("kid", key.kid())] {
        if let Some(value) = value {
            out.extend_from_slice(b",\"");
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":");
            serde_json::to_writer(&mut *out, value).expect("writing to a Vec cannot fail");
        }
    }
    out.push(b'}');
}

/// Signs `payload` under the header for `key`, `typ` and `cty`.
pub(crate) fn sign_payload(
    key: &SigningKey,
    typ: Option<&str>,
    cty: Option<&str>,
    payload: &[u8],
) -> Result<String, Error> {
    let mut json = Vec::with_capacity(payload.len() + 96);
    write_header_json(&mut json, key, typ, cty);
    let header_len = json.len();
    json.extend_from_slice(payload);
    sign_json(json, header_len, key)
}

/// Signs `payload` as a compact JWS with `typ` (if any) and the key's
/// `alg` and `kid` in the header.
///
/// # Errors
/// [`Error::SigningFailed`] if the crypto backend fails.
pub fn sign(key: &SigningKey, typ: Option<&str>, payload: &[u8]) -> Result<String, Error> {
    sign_payload(key, typ, None, payload)
}
