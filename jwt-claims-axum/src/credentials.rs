//! Where a request's token is read from, read strictly.
//!
//! The `Authorization` header follows RFC 6750 §2.1: the scheme `Bearer`
//! in any case, one or more spaces, a b64token (letters, digits,
//! `-._~+/`, then `=` padding only), and nothing else. Another scheme
//! (`Basic …`) is no bearer credential. Two `Authorization` headers, an
//! oversize value, or a value outside the grammar is malformed: 400
//! `invalid_request`. A query parameter is never read (RFC 6750 §2.3 is
//! deprecated by RFC 9700 §4.3.2: URLs end up in logs and `Referer`s).
//!
//! With two places, the first one that holds credentials decides: a
//! malformed or invalid token there never falls back to the other place,
//! so an attacker cannot plant a second token to be tried.

use std::sync::Arc;

use http::HeaderMap;
use http::header::{AUTHORIZATION, COOKIE};

use crate::ConfigError;

/// Where the token of a request is looked for: the `Authorization: Bearer`
/// header (the default), a named cookie, or both in a chosen order.
///
/// ```
/// use jwt_claims_axum::TokenSource;
///
/// let api = TokenSource::authorization_header();
/// let browser = TokenSource::cookie("__Host-access")?;
/// // Browsers send the cookie, API clients the header; a request with
/// // both is judged by its header alone.
/// let both = TokenSource::header_then_cookie("__Host-access")?;
/// # Ok::<(), jwt_claims_axum::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenSource {
    first: Place,
    then: Option<Place>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Place {
    Header,
    Cookie(Arc<str>),
}

impl Default for TokenSource {
    fn default() -> TokenSource {
        TokenSource::authorization_header()
    }
}

impl TokenSource {
    /// `Authorization: Bearer <token>` only (the default).
    pub fn authorization_header() -> TokenSource {
        TokenSource {
            first: Place::Header,
            then: None,
        }
    }

    /// The cookie `name` only. Read [`crate::cookie`] first: a cookie
    /// source needs `HttpOnly`, `Secure`, `SameSite` and CSRF protection.
    ///
    /// # Errors
    /// [`ConfigError::InvalidCookieName`] when `name` is not an RFC 6265
    /// token.
    pub fn cookie(name: &str) -> Result<TokenSource, ConfigError> {
        Ok(TokenSource {
            first: cookie_place(name)?,
            then: None,
        })
    }

    /// The `Authorization` header; only when it holds no bearer
    /// credentials, the cookie `name`.
    ///
    /// # Errors
    /// As [`TokenSource::cookie`].
    pub fn header_then_cookie(name: &str) -> Result<TokenSource, ConfigError> {
        Ok(TokenSource {
            first: Place::Header,
            then: Some(cookie_place(name)?),
        })
    }

    /// The cookie `name`; only when there is no such cookie, the
    /// `Authorization` header.
    ///
    /// # Errors
    /// As [`TokenSource::cookie`].
    pub fn cookie_then_header(name: &str) -> Result<TokenSource, ConfigError> {
        Ok(TokenSource {
            first: cookie_place(name)?,
            then: Some(Place::Header),
        })
    }

    /// Whether a cookie is one of the places (then unsafe methods need
    /// CSRF protection).
    pub fn reads_cookie(&self) -> bool {
        matches!(self.first, Place::Cookie(_)) || matches!(self.then, Some(Place::Cookie(_)))
    }

    /// The credentials of a request: from the first place that has any.
    /// `max` bounds the token's length.
    pub(crate) fn read<'h>(&self, headers: &'h HeaderMap, max: usize) -> Credentials<'h> {
        match self.first.read(headers, max) {
            Credentials::Absent => match &self.then {
                Some(place) => place.read(headers, max),
                None => Credentials::Absent,
            },
            decided => decided,
        }
    }
}

fn cookie_place(name: &str) -> Result<Place, ConfigError> {
    if !name.is_empty() && name.bytes().all(is_tchar) {
        Ok(Place::Cookie(name.into()))
    } else {
        Err(ConfigError::InvalidCookieName {
            name: name.to_owned(),
        })
    }
}

/// What one place of a request holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Credentials<'h> {
    /// No bearer credentials here.
    Absent,
    /// Credentials here, but not well-formed; the text says how (for
    /// logs, never for the response).
    Malformed(&'static str),
    /// A token: not yet verified, and its grammar checked only if it does
    /// not decode (see [`outside_grammar`]).
    Token(&'h str),
}

impl Place {
    fn read<'h>(&self, headers: &'h HeaderMap, max: usize) -> Credentials<'h> {
        match self {
            Place::Header => authorization(headers, max),
            Place::Cookie(name) => cookie(headers, name, max),
        }
    }
}

/// The bearer token of the `Authorization` header (RFC 6750 §2.1).
fn authorization(headers: &HeaderMap, max: usize) -> Credentials<'_> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Credentials::Absent;
    };
    if values.next().is_some() {
        return Credentials::Malformed("two Authorization headers");
    }
    let bytes = value.as_bytes();
    // "Bearer" and at least one space come before the token.
    if bytes.len() > max.saturating_add(8) {
        return Credentials::Malformed("an oversize Authorization header");
    }
    // The usual spelling: the scheme below would be read as `Bearer` too.
    if let Some(rest) = bytes.strip_prefix(b"Bearer ") {
        return bearer_token(rest, max);
    }
    let (scheme, rest) = match bytes.iter().position(|&b| b == b' ') {
        Some(space) => (&bytes[..space], &bytes[space..]),
        None => (bytes, &[][..]),
    };
    if scheme.is_empty() || !scheme.iter().all(|&b| is_tchar(b)) {
        return Credentials::Malformed("an Authorization scheme that is not a token");
    }
    if !scheme.eq_ignore_ascii_case(b"bearer") {
        // Basic, Digest, ...: credentials, but not ours.
        return Credentials::Absent;
    }
    bearer_token(rest, max)
}

/// What follows the `Bearer` scheme: spaces, then the token.
fn bearer_token(rest: &[u8], max: usize) -> Credentials<'_> {
    let token = trim_leading_spaces(rest);
    if token.is_empty() {
        return Credentials::Malformed("a Bearer scheme without a token");
    }
    if token.len() > max {
        return Credentials::Malformed("an oversize token");
    }
    present(token)
}

/// The token of cookie `name`, from every `Cookie` header (HTTP/2 sends
/// one a cookie). A cookie given twice is malformed: a subdomain can set
/// a second cookie of the same name (cookie tossing), and which one the
/// browser lists first is not the server's to guess.
fn cookie<'h>(headers: &'h HeaderMap, name: &str, max: usize) -> Credentials<'h> {
    let mut found = None;
    for value in headers.get_all(COOKIE) {
        for pair in value.as_bytes().split(|&b| b == b';') {
            let pair = trim_spaces(pair);
            let Some(eq) = pair.iter().position(|&b| b == b'=') else {
                continue;
            };
            if &pair[..eq] != name.as_bytes() {
                continue;
            }
            if found.is_some() {
                return Credentials::Malformed("the cookie given twice");
            }
            found = Some(&pair[eq + 1..]);
        }
    }
    let Some(mut token) = found else {
        return Credentials::Absent;
    };
    // RFC 6265 §4.1.1: a cookie value may be quoted.
    if token.len() >= 2 && token[0] == b'"' && token[token.len() - 1] == b'"' {
        token = &token[1..token.len() - 1];
    }
    if token.is_empty() {
        return Credentials::Malformed("an empty cookie");
    }
    if token.len() > max {
        return Credentials::Malformed("an oversize cookie");
    }
    present(token)
}

/// A token found in its place. Its b64token grammar is checked only when
/// it fails to decode ([`outside_grammar`]): a compact JWS that decodes is
/// base64url and dots, inside the grammar, so a good token is scanned once,
/// by the verifier.
fn present(token: &[u8]) -> Credentials<'_> {
    match std::str::from_utf8(token) {
        Ok(token) => Credentials::Token(token),
        // Not ASCII, so not a b64token.
        Err(_) => Credentials::Malformed(GRAMMAR),
    }
}

/// How a token outside the grammar is described (for logs).
pub(crate) const GRAMMAR: &str = "a token outside the b64token grammar";

/// Whether a token that failed to decode was not even a b64token: then
/// the request is malformed (400), not the token invalid (401).
pub(crate) fn outside_grammar(token: &str) -> bool {
    !is_b64token(token.as_bytes())
}

/// RFC 6750 §2.1: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_b64token(token: &[u8]) -> bool {
    let body = token.iter().position(|&b| b == b'=').unwrap_or(token.len());
    body > 0
        && token[..body].iter().all(|&b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
        && token[body..].iter().all(|&b| b == b'=')
}

/// RFC 9110 §5.6.2 `tchar`: what a scheme or a cookie name is made of.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

fn trim_leading_spaces(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
    &bytes[start..]
}

fn trim_spaces(bytes: &[u8]) -> &[u8] {
    let bytes = trim_leading_spaces(bytes);
    let end = bytes.iter().rposition(|&b| b != b' ').map_or(0, |i| i + 1);
    &bytes[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &[u8])]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_bytes(value).unwrap());
        }
        map
    }

    /// What the request is judged to hold once a token that fails to
    /// decode has had its grammar checked.
    fn judged(credentials: Credentials<'_>) -> Credentials<'_> {
        match credentials {
            Credentials::Token(token) if outside_grammar(token) => Credentials::Malformed(GRAMMAR),
            other => other,
        }
    }

    fn header(value: &[u8]) -> Credentials<'static> {
        let map = Box::leak(Box::new(headers(&[("authorization", value)])));
        judged(authorization(map, 64))
    }

    #[test]
    fn reads_the_bearer_scheme_in_any_case_with_one_or_more_spaces() {
        assert_eq!(header(b"Bearer a.b.c"), Credentials::Token("a.b.c"));
        assert_eq!(header(b"bEaReR a.b.c"), Credentials::Token("a.b.c"));
        assert_eq!(header(b"Bearer   a.b.c"), Credentials::Token("a.b.c"));
        assert_eq!(
            header(b"Bearer aZ09-._~+/=="),
            Credentials::Token("aZ09-._~+/==")
        );
    }

    #[test]
    fn the_usual_spelling_reads_as_any_other_spelling_of_the_scheme() {
        // `Bearer ` takes the short path, `bearer ` the general one.
        let long = "a".repeat(65);
        for rest in [
            "a.b.c",
            "  a.b.c",
            "",
            " ",
            "a.b.c ",
            "a b",
            "=abc",
            "a\"b",
            "\ta.b.c",
            long.as_str(),
            &long[1..],
        ] {
            assert_eq!(
                header(format!("Bearer {rest}").as_bytes()),
                header(format!("bearer {rest}").as_bytes()),
                "{rest:?}"
            );
        }
    }

    #[test]
    fn another_scheme_is_no_bearer_credential() {
        assert_eq!(header(b"Basic dXNlcjpwYXNz"), Credentials::Absent);
        assert_eq!(header(b"Negotiate"), Credentials::Absent);
        assert_eq!(header(b"Bearerx a.b.c"), Credentials::Absent);
    }

    #[test]
    fn refuses_what_the_b64token_grammar_does_not_allow() {
        for bad in [
            &b"Bearer"[..],
            b"Bearer ",
            b"Bearer a.b.c ",
            b"Bearer a b",
            b"Bearer a,b",
            b"Bearer =abc",
            b"Bearer ab=c",
            b"Bearer a\"b",
            b"Bearer\ta.b.c",
            b"Bearer a.b.c\x80",
        ] {
            assert!(
                matches!(header(bad), Credentials::Malformed(_)),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn refuses_two_authorization_headers_and_oversize_values() {
        let two = headers(&[
            ("authorization", b"Bearer a"),
            ("authorization", b"Basic b"),
        ]);
        assert_eq!(
            authorization(&two, 64),
            Credentials::Malformed("two Authorization headers")
        );
        let long = format!("Bearer {}", "a".repeat(65));
        assert_eq!(
            header(long.as_bytes()),
            Credentials::Malformed("an oversize token")
        );
        let longer = format!("Bearer {}", "a".repeat(200));
        assert_eq!(
            header(longer.as_bytes()),
            Credentials::Malformed("an oversize Authorization header")
        );
        let exact = format!("Bearer {}", "a".repeat(64));
        assert_eq!(header(exact.as_bytes()), Credentials::Token(&exact[7..]));
    }

    #[test]
    fn reads_a_named_cookie_among_others_and_across_cookie_headers() {
        let map = headers(&[("cookie", b"theme=dark; at=a.b.c"), ("cookie", b"x=1")]);
        assert_eq!(cookie(&map, "at", 64), Credentials::Token("a.b.c"));
        let quoted = headers(&[("cookie", b"at=\"a.b.c\"")]);
        assert_eq!(cookie(&quoted, "at", 64), Credentials::Token("a.b.c"));
        let other = headers(&[("cookie", b"att=a.b.c; xat=d")]);
        assert_eq!(cookie(&other, "at", 64), Credentials::Absent);
    }

    #[test]
    fn refuses_a_cookie_given_twice_empty_or_outside_the_grammar() {
        let twice = headers(&[("cookie", b"at=a; theme=x"), ("cookie", b"at=b")]);
        assert_eq!(
            cookie(&twice, "at", 64),
            Credentials::Malformed("the cookie given twice")
        );
        let empty = headers(&[("cookie", b"at=")]);
        assert_eq!(
            cookie(&empty, "at", 64),
            Credentials::Malformed("an empty cookie")
        );
        let bad = headers(&[("cookie", b"at=a%20b")]);
        assert_eq!(
            judged(cookie(&bad, "at", 64)),
            Credentials::Malformed(GRAMMAR)
        );
    }

    #[test]
    fn the_first_place_with_credentials_decides() {
        let source = TokenSource::header_then_cookie("at").unwrap();
        let both = headers(&[("authorization", b"Bearer h"), ("cookie", b"at=c")]);
        assert_eq!(source.read(&both, 64), Credentials::Token("h"));
        let basic = headers(&[("authorization", b"Basic h"), ("cookie", b"at=c")]);
        assert_eq!(source.read(&basic, 64), Credentials::Token("c"));
        let malformed = headers(&[("authorization", b"Bearer h h"), ("cookie", b"at=c")]);
        assert!(matches!(
            judged(source.read(&malformed, 64)),
            Credentials::Malformed(_)
        ));

        let source = TokenSource::cookie_then_header("at").unwrap();
        assert_eq!(source.read(&both, 64), Credentials::Token("c"));
        let bad_cookie = headers(&[("authorization", b"Bearer h"), ("cookie", b"at=%")]);
        assert!(matches!(
            judged(source.read(&bad_cookie, 64)),
            Credentials::Malformed(_)
        ));
        let header_only = headers(&[("authorization", b"Bearer h")]);
        assert_eq!(source.read(&header_only, 64), Credentials::Token("h"));
    }

    #[test]
    fn cookie_names_are_rfc_6265_tokens() {
        assert!(TokenSource::cookie("__Host-access").is_ok());
        for bad in ["", "a b", "a=b", "a;b", "a\"b", "é"] {
            assert_eq!(
                TokenSource::cookie(bad),
                Err(ConfigError::InvalidCookieName { name: bad.into() })
            );
        }
    }
}
