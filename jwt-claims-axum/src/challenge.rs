//! RFC 6750 answers: the status, the `WWW-Authenticate` challenge and the
//! body of every refusal, and the parameter types they are built from.
//!
//! | fault | status | `WWW-Authenticate` |
//! |---|---|---|
//! | no credentials | 401 | `Bearer realm="…"` |
//! | malformed credentials | 400 | `Bearer realm="…", error="invalid_request", error_description="…"` |
//! | expired token | 401 | `Bearer realm="…", error="invalid_token", error_description="the token expired"` |
//! | any other token fault, wrong purpose, revoked, replayed | 401 | `Bearer realm="…", error="invalid_token", error_description="the token is invalid"` |
//! | a guard refuses a valid token | 403 | `Bearer realm="…", error="insufficient_scope", error_description="…"[, scope="…"]` |
//! | key source or token store unavailable | 503 | none; `Retry-After` instead |
//! | the server's configuration | 500 | none |
//!
//! Every value in a challenge is fixed configuration, checked against RFC
//! 6750 §3's character sets when it is built: nothing of the token, its
//! claims, its `kid` or the expected audience and issuer ever reaches a
//! response.

use std::sync::Arc;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderValue, StatusCode};
use jwt_claims::ErrorKind;

use crate::ConfigError;

/// Why a request was refused, as the client is told it (see the
/// [module](crate::challenge) table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// No bearer credentials in any configured place: 401 without an
    /// `error` (RFC 6750 §3.1).
    Missing,
    /// Credentials present but not well-formed (two `Authorization`
    /// headers, an oversize value, bytes outside the b64token grammar, a
    /// cookie given twice): 400 `invalid_request`.
    Malformed,
    /// The token expired (or is older than its purpose's `max_age`): 401
    /// `invalid_token` with the expired description, on which clients
    /// refresh.
    Expired,
    /// Every other fault of the token, its purpose (RFC 9068 §4), a
    /// revoked or replayed token: 401 `invalid_token` with one fixed
    /// description.
    Invalid,
    /// A guard refused a valid token: 403 `insufficient_scope`.
    InsufficientScope,
    /// A key source or token store did not answer: 503 with
    /// `Retry-After`. The token may be good.
    Unavailable,
    /// The server's own configuration is wrong: 500.
    Misconfigured,
}

impl Fault {
    /// The status this fault answers with.
    ///
    /// ```
    /// use jwt_claims_axum::Fault;
    /// use http::StatusCode;
    ///
    /// assert_eq!(Fault::Malformed.status(), StatusCode::BAD_REQUEST);
    /// assert_eq!(Fault::Unavailable.status(), StatusCode::SERVICE_UNAVAILABLE);
    /// ```
    pub const fn status(self) -> StatusCode {
        match self {
            Fault::Missing | Fault::Expired | Fault::Invalid => StatusCode::UNAUTHORIZED,
            Fault::Malformed => StatusCode::BAD_REQUEST,
            Fault::InsufficientScope => StatusCode::FORBIDDEN,
            Fault::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Fault::Misconfigured => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The RFC 6750 §3.1 `error` code, if the challenge carries one.
    pub const fn error_code(self) -> Option<&'static str> {
        match self {
            Fault::Malformed => Some("invalid_request"),
            Fault::Expired | Fault::Invalid => Some("invalid_token"),
            Fault::InsufficientScope => Some("insufficient_scope"),
            Fault::Missing | Fault::Unavailable | Fault::Misconfigured => None,
        }
    }

    /// The fault a verifier's error answers with: expired tokens as
    /// [`Fault::Expired`], not-yet-valid and every other token fault as
    /// [`Fault::Invalid`].
    pub(crate) fn of(kind: ErrorKind) -> Fault {
        match kind {
            ErrorKind::Expired => Fault::Expired,
            ErrorKind::NotYetValid | ErrorKind::Invalid => Fault::Invalid,
            ErrorKind::Unavailable => Fault::Unavailable,
            ErrorKind::Misconfigured => Fault::Misconfigured,
        }
    }
}

/// What actually happened, for logs and for handlers that take
/// `Result<Bearer<T>, Rejection>`; never written to a response (two
/// causes of one [`Fault`] answer byte-identically).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Cause {
    /// No bearer credentials were present.
    NoCredentials,
    /// The credentials were malformed; the text says how.
    Malformed(&'static str),
    /// The verifier or the token store refused the token (revoked and
    /// replayed tokens, an unavailable store included).
    Token(jwt_claims::Error),
    /// A guard refused the token.
    Refused,
}

impl core::fmt::Display for Cause {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Cause::NoCredentials => f.write_str("no bearer credentials"),
            Cause::Malformed(how) => write!(f, "malformed credentials: {how}"),
            Cause::Token(err) => write!(f, "token refused: {err}"),
            Cause::Refused => f.write_str("a guard refused the token"),
        }
    }
}

/// A realm, error description or other quoted `WWW-Authenticate` value:
/// printable ASCII without `"` or `\` (RFC 6750 §3's
/// `%x20-21 / %x23-5B / %x5D-7E`), not empty.
fn check_quoted(parameter: &'static str, value: &str) -> Result<Box<str>, ConfigError> {
    let allowed = |b: u8| matches!(b, 0x20..=0x21 | 0x23..=0x5B | 0x5D..=0x7E);
    if value.is_empty() || !value.bytes().all(allowed) {
        return Err(ConfigError::InvalidParameter {
            parameter,
            value: value.to_owned(),
        });
    }
    Ok(value.into())
}

/// One or more scope tokens separated by single spaces, as RFC 6750 §3
/// writes `scope = scope-token *( SP scope-token )` with
/// `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`; checked when built.
///
/// ```
/// use jwt_claims_axum::Scope;
///
/// let scope = Scope::new("billing:read billing:write")?;
/// assert!(scope.granted_by("openid billing:write billing:read"));
/// assert!(!scope.granted_by("billing:read"));
/// assert!(Scope::new("billing  read").is_err()); // two spaces
/// assert!(Scope::new("say\"hi\"").is_err());
/// # Ok::<(), jwt_claims_axum::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope(Arc<str>);

impl Scope {
    /// Checks `scope` against RFC 6750 §3's grammar.
    ///
    /// # Errors
    /// [`ConfigError::InvalidScope`] when it is empty, has a character
    /// outside the scope-token set, or spaces other than single ones
    /// between tokens.
    pub fn new(scope: &str) -> Result<Scope, ConfigError> {
        let token = |t: &str| {
            !t.is_empty()
                && t.bytes()
                    .all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E))
        };
        if scope.split(' ').all(token) {
            Ok(Scope(scope.into()))
        } else {
            Err(ConfigError::InvalidScope {
                value: scope.to_owned(),
            })
        }
    }

    /// The scope as written in the challenge.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a token's space-delimited `scope` claim (RFC 9068 §2.2.3,
    /// RFC 8693 §4.2) grants every token of this scope.
    pub fn granted_by(&self, granted: &str) -> bool {
        self.0
            .split(' ')
            .all(|wanted| granted.split(' ').any(|have| have == wanted))
    }
}

/// The body of a refusal, as a [body hook](crate::BearerAuthBuilder::body)
/// writes it: a content type and the bytes. The status and the challenge
/// are not the hook's to choose.
///
/// ```
/// use jwt_claims_axum::RejectionBody;
///
/// let body = RejectionBody::new("application/problem+json", r#"{"title":"unauthorized"}"#);
/// assert_eq!(body.content_type(), "application/problem+json");
/// ```
#[derive(Clone, Debug)]
pub struct RejectionBody {
    content_type: HeaderValue,
    bytes: Bytes,
}

impl RejectionBody {
    /// A body of this content type.
    pub fn new(content_type: &'static str, body: impl Into<Bytes>) -> RejectionBody {
        RejectionBody {
            content_type: HeaderValue::from_static(content_type),
            bytes: body.into(),
        }
    }

    /// A `text/plain; charset=utf-8` body.
    pub fn text(body: impl Into<Bytes>) -> RejectionBody {
        RejectionBody::new("text/plain; charset=utf-8", body)
    }

    /// The content type.
    pub fn content_type(&self) -> &str {
        self.content_type.to_str().unwrap_or_default()
    }
}

/// What a body hook is shown of a refusal: only what the response says
/// anyway, so a hook cannot put the token or a claim into the body by
/// accident.
#[derive(Clone, Copy, Debug)]
pub struct Challenge<'a> {
    fault: Fault,
    description: &'a str,
    scope: Option<&'a str>,
}

impl<'a> Challenge<'a> {
    /// The fault.
    pub fn fault(&self) -> Fault {
        self.fault
    }

    /// The status the response has.
    pub fn status(&self) -> StatusCode {
        self.fault.status()
    }

    /// The RFC 6750 `error` code, if the challenge carries one.
    pub fn error_code(&self) -> Option<&'static str> {
        self.fault.error_code()
    }

    /// The fixed, configured description of this fault (in the challenge
    /// as `error_description` where it has an error code).
    pub fn description(&self) -> &'a str {
        self.description
    }

    /// The scope the challenge names, for [`Fault::InsufficientScope`]
    /// from a guard that declares one.
    pub fn scope(&self) -> Option<&'a str> {
        self.scope
    }
}

/// The hook that writes refusal bodies.
pub(crate) type BodyHook = Arc<dyn Fn(&Challenge<'_>) -> RejectionBody + Send + Sync>;

/// The fixed descriptions, one a fault.
#[derive(Clone, Debug)]
pub(crate) struct Descriptions {
    pub(crate) missing: Box<str>,
    pub(crate) malformed: Box<str>,
    pub(crate) expired: Box<str>,
    pub(crate) invalid: Box<str>,
    pub(crate) insufficient_scope: Box<str>,
}

impl Default for Descriptions {
    fn default() -> Descriptions {
        Descriptions {
            missing: "bearer credentials required".into(),
            malformed: "the bearer credentials are malformed".into(),
            expired: ErrorKind::Expired.description().into(),
            invalid: ErrorKind::Invalid.description().into(),
            insufficient_scope: "the token does not grant this request".into(),
        }
    }
}

/// Every answer of one configuration, built once: the challenges are
/// ready-made header values, cloned per refusal.
pub(crate) struct Answers {
    realm: Box<str>,
    descriptions: Descriptions,
    missing: HeaderValue,
    malformed: HeaderValue,
    expired: HeaderValue,
    invalid: HeaderValue,
    insufficient: HeaderValue,
    retry_after: HeaderValue,
    body: Option<BodyHook>,
}

impl Answers {
    /// Checks every parameter and builds the challenges.
    pub(crate) fn new(
        realm: &str,
        descriptions: Descriptions,
        retry_after_secs: u64,
        body: Option<BodyHook>,
    ) -> Result<Answers, ConfigError> {
        let realm = check_quoted("realm", realm)?;
        for description in [
            &descriptions.missing,
            &descriptions.malformed,
            &descriptions.expired,
            &descriptions.invalid,
            &descriptions.insufficient_scope,
        ] {
            check_quoted("error_description", description)?;
        }
        let with_error =
            |code: &str, description: &str| challenge(&realm, Some((code, description)), None);
        Ok(Answers {
            missing: challenge(&realm, None, None),
            malformed: with_error("invalid_request", &descriptions.malformed),
            expired: with_error("invalid_token", &descriptions.expired),
            invalid: with_error("invalid_token", &descriptions.invalid),
            insufficient: with_error("insufficient_scope", &descriptions.insufficient_scope),
            retry_after: HeaderValue::from(retry_after_secs),
            realm,
            descriptions,
            body,
        })
    }

    /// The 403 challenge naming `scope`.
    pub(crate) fn insufficient_with(&self, scope: &Scope) -> HeaderValue {
        challenge(
            &self.realm,
            Some(("insufficient_scope", &self.descriptions.insufficient_scope)),
            Some(scope.as_str()),
        )
    }

    fn description(&self, fault: Fault) -> &str {
        match fault {
            Fault::Missing => &self.descriptions.missing,
            Fault::Malformed => &self.descriptions.malformed,
            Fault::Expired => &self.descriptions.expired,
            Fault::Invalid => &self.descriptions.invalid,
            Fault::InsufficientScope => &self.descriptions.insufficient_scope,
            Fault::Unavailable => ErrorKind::Unavailable.description(),
            Fault::Misconfigured => ErrorKind::Misconfigured.description(),
        }
    }
}

/// `Bearer realm="…"[, error="…", error_description="…"][, scope="…"]`;
/// every part was checked, so the value is a valid header.
fn challenge(realm: &str, error: Option<(&str, &str)>, scope: Option<&str>) -> HeaderValue {
    let mut value = format!("Bearer realm=\"{realm}\"");
    if let Some((code, description)) = error {
        value.push_str(&format!(
            ", error=\"{code}\", error_description=\"{description}\""
        ));
    }
    if let Some(scope) = scope {
        value.push_str(&format!(", scope=\"{scope}\""));
    }
    HeaderValue::try_from(value).expect("every part of a challenge is checked printable ASCII")
}

/// A refused request: answers with its fault's status, challenge and body
/// (see the [module](crate::challenge) table).
///
/// Handlers taking `Result<Bearer<T>, Rejection>` can look at the
/// [`fault`](Rejection::fault) and log the [`cause`](Rejection::cause),
/// then return the rejection or answer otherwise.
///
/// ```
/// use axum::response::IntoResponse;
/// use jwt_claims::Verifier;
/// use jwt_claims_axum::{BearerAuth, Fault};
/// # #[derive(Debug, serde::Serialize, serde::Deserialize, jwt_claims::Claims)]
/// # #[jwt(aud = "billing", typ = "access", ttl = "15m")]
/// # struct BillingAccess {}
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// # let key = jwt_claims::HmacKey::new(jwt_claims::Algorithm::HS256, &[7; 32])?;
/// let verifier = Verifier::builder().shared_key(key).build()?;
/// let auth = BearerAuth::builder(verifier).realm("billing").build()?;
/// let rejection = auth.verify::<BillingAccess>(&http::HeaderMap::new()).await.unwrap_err();
/// assert_eq!(rejection.fault(), Fault::Missing);
/// let response = rejection.into_response();
/// assert_eq!(response.status(), 401);
/// assert_eq!(response.headers()["www-authenticate"], r#"Bearer realm="billing""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub struct Rejection {
    fault: Fault,
    /// Boxed: a verifier's error is large, and rejections travel in
    /// `Result`s.
    cause: Box<Cause>,
    /// The challenge when it is not the configuration's one for the fault
    /// (a guard's scope).
    challenge: Option<HeaderValue>,
    scope: Option<Scope>,
    answers: Arc<Answers>,
}

impl Rejection {
    pub(crate) fn new(fault: Fault, cause: Cause, answers: &Arc<Answers>) -> Rejection {
        Rejection {
            fault,
            cause: Box::new(cause),
            challenge: None,
            scope: None,
            answers: answers.clone(),
        }
    }

    /// A guard's refusal, naming its scope if it declares one.
    pub(crate) fn insufficient(scope: Option<&Scope>, answers: &Arc<Answers>) -> Rejection {
        Rejection {
            fault: Fault::InsufficientScope,
            cause: Box::new(Cause::Refused),
            challenge: scope.map(|scope| answers.insufficient_with(scope)),
            scope: scope.cloned(),
            answers: answers.clone(),
        }
    }

    /// The fault, which decides the whole response.
    pub fn fault(&self) -> Fault {
        self.fault
    }

    /// The status the response has.
    pub fn status(&self) -> StatusCode {
        self.fault.status()
    }

    /// What happened, for logs; never written to the response.
    pub fn cause(&self) -> &Cause {
        &self.cause
    }

    /// The `WWW-Authenticate` value the response carries, if any.
    pub fn challenge(&self) -> Option<&HeaderValue> {
        let answers = &*self.answers;
        match self.fault {
            _ if self.challenge.is_some() => self.challenge.as_ref(),
            Fault::Missing => Some(&answers.missing),
            Fault::Malformed => Some(&answers.malformed),
            Fault::Expired => Some(&answers.expired),
            Fault::Invalid => Some(&answers.invalid),
            Fault::InsufficientScope => Some(&answers.insufficient),
            Fault::Unavailable | Fault::Misconfigured => None,
        }
    }
}

impl core::fmt::Debug for Rejection {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Rejection")
            .field("fault", &self.fault)
            .field("cause", &self.cause)
            .finish_non_exhaustive()
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let view = Challenge {
            fault: self.fault,
            description: self.answers.description(self.fault),
            scope: self.scope.as_ref().map(Scope::as_str),
        };
        let body = match &self.answers.body {
            Some(hook) => hook(&view),
            None => RejectionBody::text(Bytes::copy_from_slice(view.description.as_bytes())),
        };
        let mut response = Response::new(Body::from(body.bytes));
        *response.status_mut() = self.fault.status();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, body.content_type);
        if let Some(challenge) = self.challenge() {
            headers.insert(WWW_AUTHENTICATE, challenge.clone());
        }
        if self.fault == Fault::Unavailable {
            headers.insert(RETRY_AFTER, self.answers.retry_after.clone());
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_parameters_allow_printable_ascii_without_quote_or_backslash() {
        assert_eq!(
            check_quoted("realm", "billing api!").as_deref(),
            Ok("billing api!")
        );
        for bad in ["", "a\"b", "a\\b", "a\tb", "a\nb", "é", "a\u{7f}"] {
            assert_eq!(
                check_quoted("realm", bad),
                Err(ConfigError::InvalidParameter {
                    parameter: "realm",
                    value: bad.into()
                }),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn scopes_are_single_space_separated_scope_tokens() {
        assert_eq!(Scope::new("a b:c").unwrap().as_str(), "a b:c");
        for bad in ["", " a", "a ", "a  b", "a\"b", "a\\b", "a\tb"] {
            assert_eq!(
                Scope::new(bad),
                Err(ConfigError::InvalidScope { value: bad.into() }),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_scope_is_granted_only_when_every_token_is() {
        let scope = Scope::new("read write").unwrap();
        assert!(scope.granted_by("write read admin"));
        assert!(!scope.granted_by("read"));
        assert!(!scope.granted_by("readwrite"));
        assert!(!scope.granted_by(""));
    }

    #[test]
    fn not_yet_valid_answers_like_any_invalid_token() {
        assert_eq!(Fault::of(ErrorKind::NotYetValid), Fault::Invalid);
        assert_eq!(Fault::of(ErrorKind::Expired), Fault::Expired);
        assert_eq!(Fault::of(ErrorKind::Misconfigured), Fault::Misconfigured);
    }
}
