//! The registered claims (RFC 7519 §4.1), typed.

use chrono::{DateTime, Utc};

/// The largest NumericDate accepted: 9999-12-31T23:59:59Z. Later values are
/// out of range rather than silently saturated.
pub(crate) const MAX_NUMERIC_DATE: i64 = 253_402_300_799;

/// The `aud` claim: one audience or several (RFC 7519 §4.1.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Audience {
    /// `"aud": "billing"`.
    One(String),
    /// `"aud": ["billing", "reports"]`.
    Many(Vec<String>),
}

impl Audience {
    /// Every audience named.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let (one, many) = match self {
            Audience::One(aud) => (Some(aud.as_str()), &[][..]),
            Audience::Many(auds) => (None, auds.as_slice()),
        };
        one.into_iter().chain(many.iter().map(String::as_str))
    }

    /// Whether `audience` is among them (exact, case-sensitive).
    pub fn contains(&self, audience: &str) -> bool {
        self.iter().any(|aud| aud == audience)
    }

    /// The `aud` a signer writes for `policy`: one string for one
    /// audience, an array for several.
    pub(crate) fn of(policy: &crate::Policy) -> Audience {
        let mut audiences = policy.audiences();
        match (audiences.len(), audiences.next()) {
            (1, Some(one)) => Audience::One(one.to_owned()),
            _ => Audience::Many(policy.audiences().map(str::to_owned).collect()),
        }
    }
}

/// The registered claims of a verified token.
///
/// `exp` and `aud` are always present (the verifier requires them); the
/// others are present when the token has them, and required when the
/// purpose says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisteredClaims {
    pub(crate) iss: Option<String>,
    pub(crate) sub: Option<String>,
    pub(crate) aud: Audience,
    pub(crate) exp: i64,
    pub(crate) nbf: Option<i64>,
    pub(crate) iat: Option<i64>,
    pub(crate) jti: Option<String>,
}

impl RegisteredClaims {
    /// `iss`: who issued the token.
    pub fn issuer(&self) -> Option<&str> {
        self.iss.as_deref()
    }

    /// `sub`: whom the token is about.
    pub fn subject(&self) -> Option<&str> {
        self.sub.as_deref()
    }

    /// `aud`: who the token is for.
    pub fn audience(&self) -> &Audience {
        &self.aud
    }

    /// `exp`: when the token stops being valid.
    pub fn expires_at(&self) -> DateTime<Utc> {
        to_datetime(self.exp)
    }

    /// `nbf`: when the token starts being valid.
    pub fn not_before(&self) -> Option<DateTime<Utc>> {
        self.nbf.map(to_datetime)
    }

    /// `iat`: when the token was issued.
    pub fn issued_at(&self) -> Option<DateTime<Utc>> {
        self.iat.map(to_datetime)
    }

    /// `jti`: the token's unique identifier.
    pub fn jwt_id(&self) -> Option<&str> {
        self.jti.as_deref()
    }
}

/// Seconds to a time; every accepted NumericDate is in chrono's range.
pub(crate) fn to_datetime(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}
