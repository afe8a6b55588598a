//! `#[derive(Claims)]` expands to code that compiles without warnings next
//! to user items named like everything the expansion uses: it reaches the
//! runtime and `core` only through absolute paths.
#![deny(warnings)]

use std::marker::PhantomData;
use std::time::Duration;

// The derive is named by path: the name `Claims` belongs to a look-alike.
use jwt_claims::Claims as _;
use jwt_claims::{Algorithm, Nested, RegisteredClaim};
use serde::{Deserialize, Serialize};

/// Look-alikes of names the expansion uses. If it used any of them
/// unqualified it would pick these up and fail to compile.
struct Result;
struct Option;
struct Error;
struct Policy;
struct Claims;
struct Some;
struct None;

#[derive(Serialize, Deserialize, jwt_claims::Claims)]
#[jwt(typ = "grant", aud = "billing", alg = "ES256")]
struct Grant {
    scope: String,
}

/// Generic over the nested purpose (left unbounded: the derive adds
/// `T: Claims` to its impl), with a const parameter and a where clause, and
/// a nested field of each shape (qualified paths included).
#[derive(Serialize, Deserialize, jwt_claims::Claims)]
#[jwt(typ = "delegation", aud = ["billing", "reports"], iss = "https://auth.example.com")]
#[jwt(algs = ["ES256", "EdDSA"], ttl = "15m", leeway = "30s", max_age = "1h30m")]
#[jwt(require = ["sub", "jti"])]
#[serde(rename_all = "camelCase")]
struct Delegation<T, const N: usize>
where
    T: Send,
{
    #[jwt(nested)]
    grant: Nested<T>,
    #[jwt(nested)]
    fallback_grant: core::option::Option<jwt_claims::Nested<T>>,
    #[jwt(nested)]
    chain: Vec<Nested<T>>,
    on_behalf_of: String,
    slots: PhantomData<[u8; N]>,
}

#[test]
fn expansion_ignores_look_alike_names_in_scope() {
    let _look_alikes = (Result, Option, Error, Policy, Claims, Some, None);

    let policy = Delegation::<Grant, 2>::policy();
    assert_eq!(policy.name(), "hygiene::Delegation");
    assert_eq!(
        policy.token_type(),
        ::core::option::Option::Some("delegation")
    );
    assert_eq!(
        policy.audiences().collect::<Vec<_>>(),
        ["billing", "reports"]
    );
    assert_eq!(
        policy.issuer(),
        core::option::Option::Some("https://auth.example.com")
    );
    assert_eq!(policy.algorithms(), [Algorithm::ES256, Algorithm::EdDSA]);
    assert_eq!(
        policy.ttl(),
        core::option::Option::Some(Duration::from_secs(15 * 60))
    );
    assert_eq!(policy.leeway(), Duration::from_secs(30));
    assert_eq!(
        policy.max_age(),
        core::option::Option::Some(Duration::from_secs(90 * 60))
    );
    assert_eq!(
        policy.required(),
        [RegisteredClaim::Subject, RegisteredClaim::JwtId]
    );

    let grant = Grant::policy();
    assert_eq!(grant.token_type(), ::core::option::Option::Some("grant"));
    assert_eq!(grant.algorithms(), [Algorithm::ES256]);
    assert_eq!(grant.ttl(), core::option::Option::None);
    assert_eq!(grant.leeway(), Duration::ZERO);
    assert!(grant.required().is_empty());
}

#[test]
fn generic_policy_is_one_static_for_every_instantiation() {
    assert!(core::ptr::eq(
        Delegation::<Grant, 1>::policy(),
        Delegation::<Grant, 2>::policy()
    ));
}

#[test]
fn nested_fields_of_every_shape_deserialize_as_token_strings() {
    let json = r#"{
        "grant": "a.b.c",
        "fallbackGrant": null,
        "chain": ["d.e.f", "g.h.i"],
        "onBehalfOf": "alice",
        "slots": null
    }"#;
    let claims: Delegation<Grant, 2> = serde_json::from_str(json).unwrap();
    assert_eq!(claims.grant.token(), "a.b.c");
    assert!(claims.fallback_grant.is_none());
    assert_eq!(
        claims.chain.iter().map(Nested::token).collect::<Vec<_>>(),
        ["d.e.f", "g.h.i"]
    );
    assert_eq!(claims.on_behalf_of, "alice");
    let _: PhantomData<[u8; 2]> = claims.slots;

    let grant: Grant = serde_json::from_str(r#"{"scope": "read"}"#).unwrap();
    assert_eq!(grant.scope, "read");
}

/// The expansion's absolute paths are not "unused qualifications" when the
/// user imported the same items, as most users will.
mod imported_names {
    #![deny(unused_qualifications)]

    use jwt_claims::{Algorithm, Claims, Error, Nested, Policy, RegisteredClaim};
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Claims)]
    #[jwt(typ = "imported", aud = "billing", alg = "ES256", ttl = "5m", require = ["sub"])]
    pub(super) struct Imported {
        #[jwt(nested)]
        pub(super) grant: Option<Nested<super::Grant>>,
    }

    #[test]
    fn imported_items_do_not_make_the_expansion_warn() {
        let policy: &Policy = Imported::policy();
        assert_eq!(policy.algorithms(), [Algorithm::ES256]);
        assert_eq!(policy.required(), [RegisteredClaim::Subject]);
        let imported: Imported = serde_json::from_str(r#"{"grant": null}"#).unwrap();
        assert!(imported.grant.is_none());
        let _: Option<Error> = None;
    }
}

/// Deprecated claims types and fields do not make the expansion warn; only
/// the user's own uses below need an `allow`.
mod deprecated {
    use jwt_claims::{Claims, Nested};
    use serde::{Deserialize, Serialize};

    #[deprecated = "use `Delegation`"]
    #[derive(Serialize, Deserialize, Claims)]
    #[jwt(typ = "legacy", aud = "billing")]
    pub(super) struct Legacy {
        #[deprecated = "use `grant`"]
        #[jwt(nested)]
        pub(super) old_grant: Nested<super::Grant>,
    }

    #[test]
    #[allow(deprecated)]
    fn deprecated_items_derive_cleanly() {
        assert_eq!(Legacy::policy().token_type(), Some("legacy"));
        let legacy: Legacy = serde_json::from_str(r#"{"old_grant": "a.b.c"}"#).unwrap();
        assert_eq!(legacy.old_grant.token(), "a.b.c");
    }
}

/// A claims type stamped out by `macro_rules!`: each `$value:expr` reaches
/// the derive wrapped in an invisible group, which it sees through.
mod macro_fragments {
    use std::time::Duration;

    use jwt_claims::{Algorithm, Claims, RegisteredClaim};
    use serde::{Deserialize, Serialize};

    macro_rules! claims_type {
        ($name:ident, $typ:expr, $aud:expr, $algs:expr, $ttl:literal, $require:expr) => {
            #[derive(Serialize, Deserialize, Claims)]
            #[jwt(typ = $typ, aud = $aud, algs = $algs, ttl = $ttl, require = $require)]
            pub(super) struct $name {}
        };
    }

    claims_type!(
        Stamped,
        "stamped",
        ["billing", "reports"],
        ["ES256", "EdDSA"],
        "5m",
        ["sub"]
    );

    #[test]
    fn values_from_macro_fragments_are_read_like_written_ones() {
        let policy = Stamped::policy();
        assert_eq!(policy.token_type(), Some("stamped"));
        assert_eq!(
            policy.audiences().collect::<Vec<_>>(),
            ["billing", "reports"]
        );
        assert_eq!(policy.algorithms(), [Algorithm::ES256, Algorithm::EdDSA]);
        assert_eq!(policy.ttl(), Some(Duration::from_secs(5 * 60)));
        assert_eq!(policy.required(), [RegisteredClaim::Subject]);
    }
}

/// The derive keeps its own list of algorithm names (a proc-macro cannot
/// depend on the runtime it expands to): every runtime algorithm must be
/// accepted by name and land as the same variant.
mod algorithm_names {
    use jwt_claims::{Algorithm, Claims};
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Claims)]
    #[jwt(typ = "hmac", aud = "a", algs = ["HS256", "HS384", "HS512"])]
    pub(super) struct Hmac {}

    #[derive(Serialize, Deserialize, Claims)]
    #[jwt(
        typ = "public",
        aud = "a",
        algs = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]
    )]
    pub(super) struct PublicKey {}

    #[test]
    fn the_derive_knows_every_runtime_algorithm_by_name() {
        let derived: Vec<Algorithm> = [
            Hmac::policy().algorithms(),
            PublicKey::policy().algorithms(),
        ]
        .concat();
        assert_eq!(derived, Algorithm::ALL);
    }
}

/// `iss` and `aud` given as paths to constants: the expansion types them
/// as `&'static str` without a name the user's items could capture.
mod constant_paths {
    #![allow(non_upper_case_globals)]

    use jwt_claims::Claims;
    use serde::{Deserialize, Serialize};

    pub(crate) mod issuers {
        pub(crate) const AUTH: &str = "https://auth.example.com";
    }

    const BILLING: &str = "billing";

    /// Look-alikes: `Cow` and `Some`, constants named like bindings an
    /// expansion might write (a binding cannot shadow a constant), and one
    /// named like the constant this one writes. (A type named `str` is
    /// left out: serde's expansion names `str`.)
    struct Cow;
    struct Some;
    const issuer: &str = "captured";
    const value: &str = "captured";
    const __JWT_CLAIMS_STR: &str = "captured";

    #[derive(Serialize, Deserialize, Claims)]
    #[jwt(typ = "access", iss = issuers::AUTH, aud = [BILLING, "reports", crate::REPORTS])]
    pub(super) struct Access {}

    #[derive(Serialize, Deserialize, Claims)]
    #[jwt(typ = "refresh", iss = self::issuers::AUTH, aud = BILLING)]
    pub(super) struct Refresh {}

    /// A third-party purpose: untyped, with a required private claim.
    #[derive(Serialize, Deserialize, Claims)]
    #[jwt(dangerous_untyped, iss = issuers::AUTH, aud = BILLING, claim(token_use = "access"))]
    pub(super) struct ThirdParty {}

    #[test]
    fn constant_paths_reach_the_policy_whatever_is_in_scope() {
        let _look_alikes = (Cow, Some, issuer, value, __JWT_CLAIMS_STR);
        let access = Access::policy();
        assert_eq!(access.issuer(), ::core::option::Option::Some(issuers::AUTH));
        assert_eq!(
            access.audiences().collect::<Vec<_>>(),
            ["billing", "reports", "reports"]
        );
        let refresh = Refresh::policy();
        assert_eq!(refresh.issuer(), access.issuer());
        assert_eq!(refresh.audiences().collect::<Vec<_>>(), ["billing"]);

        let third_party = ThirdParty::policy();
        assert_eq!(third_party.token_type(), ::core::option::Option::None);
        assert_eq!(third_party.issuer(), access.issuer());
        let claims: Vec<(&str, &str)> = third_party
            .claims()
            .iter()
            .map(|claim| (claim.name(), claim.value()))
            .collect();
        assert_eq!(claims, [("token_use", "access")]);
    }
}

const REPORTS: &str = "reports";
