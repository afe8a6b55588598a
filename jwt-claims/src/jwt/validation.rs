//! The claim checks, in the documented order, shared by the typed and the
//! runtime-policy paths.

use std::borrow::Cow;
use std::time::Duration;

use crate::error::echo;
use crate::jwt::decode::{ClaimSeen, Found, FoundAudience};
use crate::{Error, Policy, RegisteredClaim, RegisteredClaims};

/// What the verifier adds to a purpose's policy.
pub(crate) struct Context<'a> {
    /// Seconds since the epoch.
    pub(crate) now: i64,
    /// The verifier's issuer, used when the policy binds none.
    pub(crate) issuer: Option<&'a str>,
    /// The issuer the verifying key is bound to: `iss` must be it too.
    pub(crate) key_issuer: Option<&'a str>,
    /// The verifier's leeway; the larger of it and the policy's applies.
    pub(crate) leeway: Duration,
    /// The clock skew tolerated on `nbf` and `iat` (on top of the leeway,
    /// whichever is larger), so that a token fresh from an issuer whose
    /// clock runs a little ahead is not refused; `exp` stays strict.
    pub(crate) skew: Duration,
}

/// Checks the registered claims against `policy`: `exp`, `nbf`, `iat`,
/// `max_age`, `aud`, `iss`, then the required claims.
pub(crate) fn check(
    policy: &Policy,
    found: Found<'_>,
    cx: &Context<'_>,
) -> Result<RegisteredClaims, Error> {
    let now = i128::from(cx.now);
    let leeway = i128::from(policy.leeway().max(cx.leeway).as_secs());
    let skew = leeway.max(i128::from(cx.skew.as_secs()));

    let Some(exp) = found.exp else {
        return Err(Error::MissingClaim {
            claim: RegisteredClaim::ExpirationTime,
        });
    };
    if now >= i128::from(exp) + leeway {
        return Err(Error::Expired {
            expired_at: exp,
            now: cx.now,
        });
    }
    if let Some(nbf) = found.nbf
        && now + skew < i128::from(nbf)
    {
        return Err(Error::NotYetValid {
            not_before: nbf,
            now: cx.now,
        });
    }
    if let Some(iat) = found.iat {
        if i128::from(iat) > now + skew {
            return Err(Error::IssuedInFuture {
                issued_at: iat,
                now: cx.now,
            });
        }
        if let Some(max_age) = policy.max_age()
            && now > i128::from(iat) + i128::from(max_age.as_secs()) + leeway
        {
            return Err(Error::TooOld {
                issued_at: iat,
                max_age: max_age.as_secs(),
                now: cx.now,
            });
        }
    }

    let Some(aud) = found.aud.as_ref() else {
        return Err(Error::MissingClaim {
            claim: RegisteredClaim::Audience,
        });
    };
    if !policy.audiences().any(|expected| aud.contains(expected)) {
        return Err(Error::WrongAudience {
            expected: policy.audiences().map(str::to_owned).collect(),
            found: found_audiences(aud),
        });
    }

    // The purpose's (or else the verifier's) issuer, and the key's: a token
    // claiming issuer A must not verify with issuer B's key (RFC 8725 §3.8).
    for expected in [policy.issuer().or(cx.issuer), cx.key_issuer]
        .into_iter()
        .flatten()
    {
        match found.iss.as_deref() {
            None => {
                return Err(Error::MissingClaim {
                    claim: RegisteredClaim::Issuer,
                });
            }
            Some(iss) if iss != expected => {
                return Err(Error::WrongIssuer {
                    expected: expected.to_owned(),
                    found: echo(iss),
                });
            }
            Some(_) => {}
        }
    }

    // Usually every required claim is there: check the policy's short list
    // first, and walk all claims in RFC order (to name the first missing
    // one) only when one is not.
    let all_present = policy.required().iter().all(|&claim| found.has(claim))
        && (policy.max_age().is_none() || found.iat.is_some())
        && (!policy.is_one_time() || found.jti.is_some());
    if !all_present {
        for claim in RegisteredClaim::ALL {
            if policy.requires(claim) && !found.has(claim) {
                return Err(Error::MissingClaim { claim });
            }
        }
    }

    for (index, rule) in policy.claims().iter().enumerate() {
        // Fail closed: a claim the decode did not note is missing.
        let seen = found
            .claims
            .as_deref()
            .and_then(|seen| seen.get(index))
            .unwrap_or(&ClaimSeen::Missing);
        let found = match seen {
            ClaimSeen::Equal => continue,
            ClaimSeen::Missing => None,
            ClaimSeen::Other(value) => Some(value.clone()),
        };
        return Err(Error::ClaimMismatch {
            name: rule.name().to_owned(),
            expected: rule.value().to_owned(),
            found,
        });
    }

    Ok(RegisteredClaims {
        iss: found.iss.map(Cow::into_owned),
        sub: found.sub.map(Cow::into_owned),
        aud: found.aud.expect("checked present above").into_owned(),
        exp,
        nbf: found.nbf,
        iat: found.iat,
        jti: found.jti.map(Cow::into_owned),
    })
}

/// The token's audiences for an error: a few, each cut short.
fn found_audiences(aud: &FoundAudience<'_>) -> Vec<String> {
    const MAX_LISTED: usize = 8;
    aud.iter().take(MAX_LISTED).map(echo).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000_000;

    fn policy() -> Policy {
        Policy::new("t", "access", ["billing"])
    }

    fn found() -> Found<'static> {
        Found {
            exp: Some(NOW + 60),
            aud: Some(FoundAudience::One("billing".into())),
            ..Found::default()
        }
    }

    fn cx() -> Context<'static> {
        Context {
            now: NOW,
            issuer: None,
            key_issuer: None,
            leeway: Duration::ZERO,
            skew: Duration::ZERO,
        }
    }

    #[test]
    fn expired_exactly_at_exp() {
        let f = Found {
            exp: Some(NOW),
            ..found()
        };
        assert_eq!(
            check(&policy(), f, &cx()),
            Err(Error::Expired {
                expired_at: NOW,
                now: NOW
            })
        );
        let f = Found {
            exp: Some(NOW + 1),
            ..found()
        };
        assert!(check(&policy(), f, &cx()).is_ok());
    }

    #[test]
    fn leeway_is_the_larger_of_policy_and_verifier() {
        let f = || Found {
            exp: Some(NOW - 5),
            ..found()
        };
        let lenient = policy().with_leeway(Duration::from_secs(10));
        assert!(check(&lenient, f(), &cx()).is_ok());
        let cx = Context {
            leeway: Duration::from_secs(10),
            ..cx()
        };
        assert!(check(&policy(), f(), &cx).is_ok());
    }

    #[test]
    fn audience_array_must_contain_one_of_the_policy_audiences() {
        let f = Found {
            aud: Some(FoundAudience::Many(vec![
                "reports".into(),
                "billing".into(),
            ])),
            ..found()
        };
        assert!(check(&policy(), f, &cx()).is_ok());
        let f = Found {
            aud: Some(FoundAudience::Many(vec![
                "reports".into(),
                "Billing".into(),
            ])),
            ..found()
        };
        assert_eq!(
            check(&policy(), f, &cx()),
            Err(Error::WrongAudience {
                expected: vec!["billing".into()],
                found: vec!["reports".into(), "Billing".into()]
            })
        );
    }

    #[test]
    fn policy_issuer_wins_over_verifier_issuer() {
        let p = policy().with_issuer("type-issuer");
        let cx = Context {
            issuer: Some("verifier-issuer"),
            ..cx()
        };
        let f = Found {
            iss: Some("verifier-issuer".into()),
            ..found()
        };
        assert_eq!(
            check(&p, f, &cx),
            Err(Error::WrongIssuer {
                expected: "type-issuer".into(),
                found: "verifier-issuer".into()
            })
        );
    }

    #[test]
    fn max_age_requires_iat_and_bounds_it() {
        let p = policy().with_max_age(Duration::from_secs(100));
        assert_eq!(
            check(&p, found(), &cx()),
            Err(Error::MissingClaim {
                claim: RegisteredClaim::IssuedAt
            })
        );
        let old = Found {
            iat: Some(NOW - 101),
            ..found()
        };
        assert_eq!(
            check(&p, old, &cx()),
            Err(Error::TooOld {
                issued_at: NOW - 101,
                max_age: 100,
                now: NOW
            })
        );
        let fresh = Found {
            iat: Some(NOW - 100),
            ..found()
        };
        assert!(check(&p, fresh, &cx()).is_ok());
    }

    #[test]
    fn huge_leeway_does_not_overflow() {
        let p = policy().with_leeway(Duration::from_secs(u64::MAX));
        let f = Found {
            exp: Some(0),
            nbf: Some(i64::MAX),
            iat: Some(i64::MAX),
            ..found()
        };
        assert!(check(&p, f, &cx()).is_ok());
    }
}
