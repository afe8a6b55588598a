//! The JWE protected header (RFC 7516 §4), read strictly: one JSON
//! object, no member twice at any depth, `zip` and `crit` refused, keys
//! never taken from `jwk`, `jku`, `x5u` or `x5c`.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::key::Curve;
use super::{ContentEncryption, KeyManagement};
use crate::Error;
use crate::base64url;
use crate::error::Part;

/// The members jwt-claims acts on; every other is read past.
#[derive(Debug)]
pub(crate) struct Header {
    pub(crate) alg: KeyManagement,
    pub(crate) enc: ContentEncryption,
    pub(crate) kid: Option<String>,
    pub(crate) typ: Option<String>,
    pub(crate) cty: Option<String>,
    pub(crate) epk: Option<(Curve, Vec<u8>)>,
    pub(crate) apu: Vec<u8>,
    pub(crate) apv: Vec<u8>,
}

fn bad(name: &'static str, reason: &'static str) -> Error {
    Error::UnsupportedHeader { name, reason }
}

fn string(members: &Map<String, Value>, name: &'static str) -> Result<Option<String>, Error> {
    match members.get(name) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value.clone())),
        Some(_) => Err(bad(name, "not a string")),
    }
}

fn party_info(members: &Map<String, Value>, name: &'static str) -> Result<Vec<u8>, Error> {
    match string(members, name)? {
        None => Ok(Vec::new()),
        Some(text) => base64url::decode(&text).ok_or(bad(name, "not base64url")),
    }
}

/// Parses the decoded protected header.
pub(crate) fn parse(bytes: &[u8]) -> Result<Header, Error> {
    match parse_flat(bytes) {
        Some(header) => Ok(header),
        None => parse_members(bytes),
    }
}

/// The usual header without a key agreement, as jwt-claims and most
/// libraries write it: `{"alg":…,"enc":…}` and any of `kid`, `typ`,
/// `cty`, each once, string values of printable ASCII without escapes, no
/// whitespace, `alg` and `enc` supported ones. It is what
/// [`parse_members`] makes of the same bytes, without building a map of
/// the members (a third of a `dir` decryption's instructions). Anything
/// else, every error included, is `None`: `parse_members` reads it.
fn parse_flat(bytes: &[u8]) -> Option<Header> {
    let text = core::str::from_utf8(bytes).ok()?;
    let mut rest = text.strip_prefix('{')?;
    let [mut alg, mut enc, mut kid, mut typ, mut cty] = [None; 5];
    loop {
        let (name, after) = crate::jws::flat_string(rest)?;
        let (value, after) = crate::jws::flat_string(after.strip_prefix(':')?)?;
        let slot = match name {
            "alg" => &mut alg,
            "enc" => &mut enc,
            "kid" => &mut kid,
            "typ" => &mut typ,
            "cty" => &mut cty,
            _ => return None,
        };
        if slot.replace(value).is_some() {
            return None;
        }
        match after.as_bytes() {
            [b'}'] => break,
            [b',', ..] => rest = &after[1..],
            _ => return None,
        }
    }
    let alg = KeyManagement::from_name(alg?).ok()?;
    if alg.is_ecdh() {
        return None;
    }
    Some(Header {
        alg,
        enc: ContentEncryption::from_name(enc?).ok()?,
        kid: kid.map(str::to_owned),
        typ: typ.map(str::to_owned),
        cty: cty.map(str::to_owned),
        epk: None,
        apu: Vec::new(),
        apv: Vec::new(),
    })
}

/// Any header, through serde: every rule, and every error.
fn parse_members(bytes: &[u8]) -> Result<Header, Error> {
    // No member twice: at the top, as a JWS header's, a
    // `DuplicateMember`; inside one (`epk` is an object), `Unique` refuses.
    let members = crate::json::parse(bytes, Part::Header, |de, duplicate| {
        de.deserialize_map(Members { duplicate })
    })?;
    if members.contains_key("zip") {
        return Err(bad(
            "zip",
            "compressed JWEs are refused: decompression bombs, and compression leaks plaintext through length (RFC 8725 §3.6)",
        ));
    }
    if members.contains_key("crit") {
        return Err(Error::UnsupportedCritical);
    }
    let alg = match members.get("alg") {
        Some(Value::String(name)) => KeyManagement::from_name(name)?,
        Some(_) => return Err(bad("alg", "not a string")),
        None => return Err(Error::MissingAlgorithm),
    };
    let enc = match members.get("enc") {
        Some(Value::String(name)) => ContentEncryption::from_name(name)?,
        Some(_) => return Err(bad("enc", "not a string")),
        None => return Err(bad("enc", "missing: a JWE names its content encryption")),
    };
    let epk = match (members.get("epk"), alg.is_ecdh()) {
        (None, false) => None,
        (Some(_), false) => return Err(bad("epk", "only ECDH-ES carries an ephemeral key")),
        (None, true) => {
            return Err(bad(
                "epk",
                "missing: ECDH-ES needs the sender's ephemeral key",
            ));
        }
        (Some(Value::Object(jwk)), true) => Some(ephemeral(jwk)?),
        (Some(_), true) => return Err(bad("epk", "not a JWK object")),
    };
    Ok(Header {
        alg,
        enc,
        kid: string(&members, "kid")?,
        typ: string(&members, "typ")?,
        cty: string(&members, "cty")?,
        epk,
        apu: party_info(&members, "apu")?,
        apv: party_info(&members, "apv")?,
    })
}

/// The header's members, a repeated name told through `duplicate` (which
/// [`crate::json::parse`] makes an [`Error::DuplicateMember`]).
struct Members<'a> {
    duplicate: &'a mut Option<String>,
}

impl<'de> Visitor<'de> for Members<'_> {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JOSE header object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if members.contains_key(&name) {
                *self.duplicate = Some(crate::error::echo(&name));
                return Err(de::Error::custom("duplicate member"));
            }
            let crate::json::Unique(value) = map.next_value()?;
            members.insert(name, value);
        }
        Ok(members)
    }
}

/// The ephemeral public key: `EC` (P-256, P-384) or `OKP` (X25519), its
/// coordinates of the curve's length. Whether the point is on the curve
/// is the key agreement's to tell (and its failure is the one plain
/// decryption error).
fn ephemeral(jwk: &Map<String, Value>) -> Result<(Curve, Vec<u8>), Error> {
    let text = |name: &str| jwk.get(name).and_then(Value::as_str);
    let curve = match (text("kty"), text("crv")) {
        (Some("EC"), Some("P-256")) => Curve::P256,
        (Some("EC"), Some("P-384")) => Curve::P384,
        (Some("OKP"), Some("X25519")) => Curve::X25519,
        _ => return Err(bad("epk", "not a P-256, P-384 or X25519 public key")),
    };
    if jwk.contains_key("d") {
        return Err(bad("epk", "holds a private key"));
    }
    let coordinate = |name: &str| text(name).and_then(base64url::decode);
    let x = coordinate("x").ok_or(bad("epk", "no base64url \"x\""))?;
    let y = match curve {
        Curve::X25519 => None,
        _ => Some(coordinate("y").ok_or(bad("epk", "no base64url \"y\""))?),
    };
    let point = curve
        .point(&x, y.as_deref())
        .ok_or(bad("epk", "coordinates of the wrong length for its curve"))?;
    Ok((curve, point))
}

/// The protected header jwt-claims writes, members in a fixed order.
pub(crate) fn write(
    alg: KeyManagement,
    enc: ContentEncryption,
    kid: Option<&str>,
    typ: Option<&str>,
    cty: Option<&str>,
    epk: Option<&(Curve, Vec<u8>)>,
) -> String {
    let quoted = |text: &str| Value::String(text.to_owned()).to_string();
    let mut out = format!(r#"{{"alg":"{}","enc":"{}""#, alg.name(), enc.name());
    for (name, value) in [("kid", kid), ("typ", typ), ("cty", cty)] {
        if let Some(value) = value {
            out.push_str(&format!(",\"{name}\":{}", quoted(value)));
        }
    }
    if let Some((curve, point)) = epk {
        out.push_str(&format!(",\"epk\":{{{}}}", curve.jwk_members(point)));
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flat_reading_agrees_with_serde_or_steps_aside() {
        let flat = [
            r#"{"alg":"dir","enc":"A256GCM"}"#,
            r#"{"alg":"A256KW","enc":"A128CBC-HS256","cty":"JWT","kid":"billing-2026"}"#,
            r#"{"enc":"A128GCM","typ":"contact+jwt","alg":"RSA-OAEP-256"}"#,
            r#"{"alg":"RSA-OAEP","enc":"A256CBC-HS512","kid":" ~!#$%&'()*+,-./:;<=>?@[]^_`{|}"}"#,
        ];
        for json in flat {
            let header = parse_flat(json.as_bytes());
            assert!(header.is_some(), "{json}");
            assert_eq!(
                format!("{header:?}"),
                format!("{:?}", parse_members(json.as_bytes()).ok()),
                "{json}"
            );
        }
        let not_flat = [
            &br#"{}"#[..],
            br#"{"alg":"dir"}"#,
            br#"{"enc":"A256GCM"}"#,
            br#" {"alg":"dir","enc":"A256GCM"}"#,
            br#"{"alg":"dir","enc":"A256GCM"} "#,
            br#"{"alg": "dir","enc":"A256GCM"}"#,
            br#"{"alg":"dir","enc":"A256GCM",}"#,
            br#"{"alg":"dir","enc":"A256GCM"}x"#,
            br#"{"alg":"dir","enc":"A256GCM","alg":"dir"}"#,
            br#"{"alg":"dir","enc":"A256GCM","\u0061lg":"A128KW"}"#,
            br#"{"alg":"dir","enc":"A256\u0047CM"}"#,
            br#"{"alg":"dir","enc":"A256GCM","zip":"DEF"}"#,
            br#"{"alg":"dir","enc":"A256GCM","crit":"exp"}"#,
            br#"{"alg":"dir","enc":"A256GCM","kid":1}"#,
            br#"{"alg":"dir","enc":"A256GCM","kid":null}"#,
            br#"{"alg":"dir","enc":"A256GCM","jku":"https://evil"}"#,
            br#"{"alg":"dir","enc":"A256GCM","apu":"AAAA"}"#,
            br#"{"alg":"RSA1_5","enc":"A256GCM"}"#,
            br#"{"alg":"PBES2-HS256+A128KW","enc":"A256GCM"}"#,
            br#"{"alg":"dir","enc":"A192GCM"}"#,
            br#"{"alg":"ECDH-ES","enc":"A256GCM"}"#,
            br#"{"alg":"ECDH-ES+A256KW","enc":"A256GCM","kid":"k"}"#,
            "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":\"k\u{e9}\"}".as_bytes(),
            b"{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":\"k\x7f\"}",
            br#"{"alg":"dir","enc":"A256GCM""#,
            br#"{"alg""#,
        ];
        for json in not_flat {
            assert!(
                parse_flat(json).is_none(),
                "{:?}",
                String::from_utf8_lossy(json)
            );
        }
    }

    #[test]
    fn a_member_twice_is_a_duplicate_member_as_in_a_jws_header() {
        for (json, name) in [
            (r#"{"alg":"A128KW","enc":"A128GCM","alg":"dir"}"#, "alg"),
            (
                r#"{"alg":"A128KW","\u0065nc":"A256GCM","enc":"A128GCM"}"#,
                "enc",
            ),
            (r#"{"alg":"A128KW","enc":"A128GCM","x":1,"x":1}"#, "x"),
        ] {
            assert_eq!(
                parse(json.as_bytes()).unwrap_err(),
                Error::DuplicateMember {
                    part: Part::Header,
                    name: name.to_owned()
                },
                "{json}"
            );
        }
    }

    #[test]
    fn a_member_twice_inside_the_ephemeral_key_is_refused() {
        let json = r#"{"alg":"ECDH-ES","enc":"A128GCM","epk":{"kty":"OKP","crv":"X25519","x":"AAAA","x":"AAAA"}}"#;
        let err = parse(json.as_bytes()).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidJson { part: Part::Header, reason } if reason.starts_with("member \"x\" appears twice")),
            "{err}"
        );
    }
}
