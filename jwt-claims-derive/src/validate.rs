//! Stage 3: rules that weigh one part of the model against another.
//!
//! Each rule is one named function that reports into [`Errors`] and never
//! stops the others, so every mistake arrives in the same compile.

use crate::attr::Key;
use crate::errors::Errors;
use crate::model::{Claims, Field, REGISTERED_CLAIMS};
use crate::nested_type::{Holding, Shape};
use crate::serde_name::Origin;

/// Runs every rule.
pub(crate) fn check(model: &Claims<'_>, errors: &mut Errors) {
    typ_and_aud_are_declared(model, errors);
    untyped_purpose_is_bound_by_issuer_and_audience(model, errors);
    alg_and_algs_are_exclusive(model, errors);
    algorithms_share_one_key_family(model, errors);
    claims_are_owned(model, errors);
    for field in &model.fields {
        nested_tokens_are_marked_and_verifiable(field, errors);
        field_leaves_registered_claims_to_the_framework(field, errors);
    }
    serde_tag_leaves_registered_claims_to_the_framework(model, errors);
    wrapping_type_is_one_token_without_claims(model, errors);
    one_time_purpose_has_a_jti_of_its_own(model, errors);
    enc_belongs_to_an_encrypted_purpose(model, errors);
}

/// A purpose is its `typ` and its audience: without both, tokens of one
/// purpose could pass as another (RFC 8725 §3.11, RFC 7519 §4.1.3). The
/// opt-out `dangerous_untyped` stands in for `typ` (and is checked by
/// [`untyped_purpose_is_bound_by_issuer_and_audience`]), but the message
/// for a missing `typ` never offers it as the fix.
fn typ_and_aud_are_declared(model: &Claims<'_>, errors: &mut Errors) {
    let attrs = &model.attrs;
    if !attrs.found {
        errors.at(
            model.ident,
            "`#[derive(Claims)]` needs a `#[jwt(...)]` attribute with at least `typ` and `aud`, \
             saying what kind of token this is and whom it is for, \
             like `#[jwt(typ = \"access\", aud = \"billing\")]`",
        );
        return;
    }
    if !attrs.complete {
        // Keys after a syntax error were never read; they may well be there.
        return;
    }
    // A wrapping token has no claims, so no audience: its wrapped token has one.
    let aud = attrs.get(Key::Aud).is_some() || attrs.get(Key::Wraps).is_some();
    let typ = attrs.get(Key::Typ).is_some() || attrs.get(Key::DangerousUntyped).is_some();
    let message = match (typ, aud) {
        (true, true) => return,
        (false, false) => {
            "missing `typ` and `aud`: say what kind of token this is and whom it is for, \
             like `#[jwt(typ = \"access\", aud = \"billing\")]`"
        }
        (false, true) => {
            "missing `typ`: say what kind of token this is, like `#[jwt(typ = \"access\")]`; \
             it is checked against the JWT `typ` header so that one kind of token cannot pass \
             as another (RFC 8725 §3.11). Every purpose of your own needs one: the opt-out \
             `dangerous_untyped` exists only to verify a third-party issuer's tokens \
             (Google, Keycloak, Cognito) that carry `typ: \"JWT\"` or none"
        }
        (true, false) => {
            "missing `aud`: say whom the tokens are for, like `#[jwt(aud = \"billing\")]`; \
             a token is only accepted by its audience (RFC 7519 §4.1.3)"
        }
    };
    errors.at(model.ident, message);
}

/// `dangerous_untyped` gives up explicit typing, so only the issuer and
/// the audience (and any `claim`) tell the purpose apart: it must name its
/// issuer, cannot also name a `typ`, and cannot wrap a token (a wrapping
/// token has no claims, so its `typ` is all that binds it).
fn untyped_purpose_is_bound_by_issuer_and_audience(model: &Claims<'_>, errors: &mut Errors) {
    let attrs = &model.attrs;
    let Some(untyped) = attrs.get(Key::DangerousUntyped) else {
        return;
    };
    if attrs.get(Key::Typ).is_some() {
        errors.at(
            &untyped.ident,
            "`dangerous_untyped` and `typ` cannot both be set: `dangerous_untyped` accepts tokens \
             with `typ: \"JWT\"` or no `typ`, from a third-party issuer; for tokens with a `typ` \
             of their own, remove `dangerous_untyped`",
        );
    }
    if attrs.get(Key::Wraps).is_some() {
        errors.at(
            &untyped.ident,
            "`dangerous_untyped` cannot be combined with `wraps`: a wrapping token has no claims, \
             so its `typ` is all that tells it apart from the token it wraps",
        );
    } else if attrs.complete && attrs.get(Key::Iss).is_none() {
        errors.at(
            &untyped.ident,
            "`dangerous_untyped` needs `iss`: without explicit typing, only the issuer and the \
             audience bind the purpose, so any other issuer the verifier trusts could mint tokens \
             that pass as this one; add `iss = \"https://issuer.example.com\"`",
        );
    }
}

/// `alg` and `algs` say the same thing twice; the second one written is
/// the mistake.
fn alg_and_algs_are_exclusive(model: &Claims<'_>, errors: &mut Errors) {
    let position = |key| {
        model
            .attrs
            .entries
            .iter()
            .position(|entry| entry.key == key)
    };
    if let (Some(alg), Some(algs)) = (position(Key::Alg), position(Key::Algs)) {
        let second = &model.attrs.entries[alg.max(algs)];
        errors.at(
            &second.ident,
            "`alg` and `algs` cannot both be set: use `alg` for one algorithm or `algs` for several",
        );
    }
}

/// A verifier that accepts HMAC and public-key algorithms for the same
/// purpose can be made to check an HMAC tag keyed with a public key
/// (key confusion, RFC 8725 §2.1 and §3.1).
fn algorithms_share_one_key_family(model: &Claims<'_>, errors: &mut Errors) {
    let Some(list) = &model.policy.algs else {
        return;
    };
    let hmac = list.items.iter().find(|alg| alg.is_hmac());
    let public_key = list.items.iter().find(|alg| !alg.is_hmac());
    if let (Some(hmac), Some(public_key)) = (hmac, public_key) {
        errors.at(
            &list.tokens,
            format!(
                "`algs` mixes HMAC ({}) and public-key ({}) algorithms: a verifier accepting both \
                 can be tricked into using a public key as an HMAC secret (key confusion, \
                 RFC 8725 §2.1, §3.1); use one kind per claims type",
                hmac.name(),
                public_key.name(),
            ),
        );
    }
}

/// `Claims` requires `DeserializeOwned + 'static`: a claims type that
/// borrows from the token could never implement it.
fn claims_are_owned(model: &Claims<'_>, errors: &mut Errors) {
    for param in model.generics.lifetimes() {
        errors.at(
            &param.lifetime,
            "claims types cannot have lifetime parameters: decoded claims are owned \
             (`Claims: DeserializeOwned + 'static`); use owned types like `String` instead of `&str`",
        );
    }
}

/// A nested token is verified only when its field is marked, and only the
/// three shapes the runtime knows can be verified: anything else would let
/// an unverified token through.
fn nested_tokens_are_marked_and_verifiable(field: &Field<'_>, errors: &mut Errors) {
    let name = &field.names.field;
    match (field.nested.is_some(), field.holding) {
        (true, Holding::Verifiable(_)) | (false, Holding::Nothing) => {}
        (true, Holding::Nothing | Holding::Unverifiable) => errors.at(
            field.ty,
            format!(
                "`#[jwt(nested)]` field `{name}` must have type `Nested<T>`, `Option<Nested<T>>` or `Vec<Nested<T>>`"
            ),
        ),
        (false, Holding::Verifiable(_)) => errors.at(
            field.ty,
            format!(
                "field `{name}` holds a nested token that would not be verified: mark the field `#[jwt(nested)]`"
            ),
        ),
        (false, Holding::Unverifiable) => errors.at(
            field.ty,
            format!(
                "field `{name}` holds a `Nested` token inside another type, where it would not be verified: \
                 use `Nested<T>`, `Option<Nested<T>>` or `Vec<Nested<T>>` and mark the field `#[jwt(nested)]`"
            ),
        ),
    }
}

/// The registered claims are written and checked by the framework; a field
/// under one of their names would fight it for the member.
fn field_leaves_registered_claims_to_the_framework(field: &Field<'_>, errors: &mut Errors) {
    const OWNED: &str = "which jwt-claims owns: it writes and checks the registered claims, \
                         and `Decoded` gives access to them";
    let name = &field.names.field;
    // The identifier is underlined once, however many directions name it.
    let mut ident_reported = false;
    for json in field.names.in_json() {
        let claim = &json.value;
        if !REGISTERED_CLAIMS.contains(&claim.as_str()) {
            continue;
        }
        match &json.origin {
            Origin::Ident | Origin::RenameAll(_) if ident_reported => {}
            Origin::Ident => {
                ident_reported = true;
                errors.at(field.ident, format!("field `{name}` would be the registered claim `{claim}`, {OWNED}"));
            }
            Origin::RenameAll(rule) => {
                ident_reported = true;
                errors.at(
                    field.ident,
                    format!(
                        "field `{name}` becomes the registered claim `{claim}` through `rename_all = {rule:?}`, {OWNED}"
                    ),
                );
            }
            Origin::Rename(form) => errors.at_span(
                json.span,
                format!(
                    "`{}` would make field `{name}` the registered claim `{claim}`, {OWNED}",
                    form.written(claim)
                ),
            ),
            Origin::Alias => errors.at_span(
                json.span,
                format!("`alias = {claim:?}` would read the registered claim `{claim}` into field `{name}`, {OWNED}"),
            ),
        }
    }
}

/// `#[serde(tag = "...")]` adds a member holding the type's name; it must
/// not take a registered claim's name either.
fn serde_tag_leaves_registered_claims_to_the_framework(model: &Claims<'_>, errors: &mut Errors) {
    let Some(tag) = &model.serde.tag else { return };
    let claim = &tag.value;
    if REGISTERED_CLAIMS.contains(&claim.as_str()) {
        errors.at_span(
            tag.span,
            format!(
                "`tag = {claim:?}` would write the type's name into the registered claim `{claim}`, \
                 which jwt-claims owns: it writes and checks the registered claims"
            ),
        );
    }
}

/// A wrapping token (RFC 7519 §5.2) has a token as its payload and no
/// claims of its own: every claim rule belongs to the wrapped token's type.
fn wrapping_type_is_one_token_without_claims(model: &Claims<'_>, errors: &mut Errors) {
    let Some(wraps) = model.attrs.get(Key::Wraps) else {
        return;
    };
    for entry in &model.attrs.entries {
        // `dangerous_untyped` and `one_time` have rules of their own.
        if !matches!(
            entry.key,
            Key::Typ | Key::Alg | Key::Algs | Key::Wraps | Key::DangerousUntyped | Key::OneTime
        ) {
            errors.at(
                &entry.ident,
                format!(
                    "`{}` does not apply to a `wraps` type: it has no claims of its own, \
                     the wrapped token's type declares them",
                    entry.key.name()
                ),
            );
        }
    }
    let single_token = match model.fields.as_slice() {
        [field] => field.holding == Holding::Verifiable(Shape::Single),
        _ => false,
    };
    if !single_token {
        errors.at(
            &wraps.ident,
            "a `wraps` type has exactly one field, the wrapped token, \
             like `#[jwt(nested)] inner: Nested<BillingAccess>`",
        );
    }
}

/// A one-time token is marked used by its (`iss`, `jti`); a wrapping token
/// has no claims, so no `jti` to mark. The wrapped token's type is the one
/// to declare `one_time`: the mark is then taken when it is verified.
fn one_time_purpose_has_a_jti_of_its_own(model: &Claims<'_>, errors: &mut Errors) {
    let (Some(one_time), Some(_)) = (model.attrs.get(Key::OneTime), model.attrs.get(Key::Wraps))
    else {
        return;
    };
    errors.at(
        &one_time.ident,
        "`one_time` cannot be combined with `wraps`: a wrapping token has no claims, so no `jti` \
         to mark as used; declare `one_time` on the wrapped token's type instead",
    );
}

/// `enc` narrows an encrypted purpose's content encryptions; on a
/// purpose that is not encrypted it would say nothing, silently.
fn enc_belongs_to_an_encrypted_purpose(model: &Claims<'_>, errors: &mut Errors) {
    let (Some(enc), None) = (model.attrs.get(Key::Enc), model.attrs.get(Key::Encrypted)) else {
        return;
    };
    errors.at(
        &enc.ident,
        "`enc` applies to an encrypted purpose: add `encrypted`, like \
         `#[jwt(typ = \"access\", aud = \"billing\", encrypted, enc = \"A256GCM\")]`",
    );
}

#[cfg(test)]
mod tests {
    use syn::{DeriveInput, parse_quote};

    use super::*;

    /// Every error of building and validating the model of `input`.
    fn errors(input: DeriveInput) -> Vec<String> {
        let mut errors = Errors::new();
        let model = Claims::from_input(&input, &mut errors);
        check(&model, &mut errors);
        errors.messages()
    }

    /// Every error of building and validating the model of `source`, with
    /// where each points (`line:column text`, see [`Errors::messages_at`]).
    fn errors_at(source: &str) -> Vec<(String, String)> {
        let input: DeriveInput = syn::parse_str(source).unwrap();
        let mut errors = Errors::new();
        let model = Claims::from_input(&input, &mut errors);
        check(&model, &mut errors);
        errors.messages_at()
    }

    /// `(message, place)` pairs, for comparing with [`errors_at`].
    fn at<const N: usize>(expected: [(&str, &str); N]) -> Vec<(String, String)> {
        expected
            .into_iter()
            .map(|(message, place)| (message.to_owned(), place.to_owned()))
            .collect()
    }

    #[test]
    fn a_wrapping_type_needs_no_audience_and_passes() {
        let input: DeriveInput = parse_quote! {
            #[jwt(typ = "gateway", alg = "ES256", wraps)]
            struct Envelope { #[jwt(nested)] inner: Nested<BillingAccess> }
        };
        assert_eq!(errors(input), Vec::<String>::new());
    }

    #[test]
    fn a_wrapping_type_refuses_claim_keys_and_more_than_one_token() {
        let input: DeriveInput = parse_quote! {
            #[jwt(typ = "gateway", aud = "edge", ttl = "1m", wraps)]
            struct Envelope { #[jwt(nested)] inner: Option<Nested<BillingAccess>>, extra: u8 }
        };
        let claims = |key: &str| {
            format!(
                "`{key}` does not apply to a `wraps` type: it has no claims of its own, \
                 the wrapped token's type declares them"
            )
        };
        assert_eq!(
            errors(input),
            [
                claims("aud"),
                claims("ttl"),
                "a `wraps` type has exactly one field, the wrapped token, \
                 like `#[jwt(nested)] inner: Nested<BillingAccess>`"
                    .to_owned(),
            ]
        );
    }

    #[test]
    fn a_one_time_purpose_passes() {
        let input: DeriveInput = parse_quote! {
            #[jwt(typ = "reset", aud = "accounts", ttl = "15m", one_time)]
            struct PasswordReset { account: u64 }
        };
        assert_eq!(errors(input), Vec::<String>::new());
    }

    #[test]
    fn one_time_with_wraps_is_refused_once_on_the_one_time_key() {
        assert_eq!(
            errors_at(
                "#[jwt(typ = \"gateway\", wraps, one_time)]\n\
                 struct Envelope { #[jwt(nested)] inner: Nested<Reset> }"
            ),
            at([(
                "`one_time` cannot be combined with `wraps`: a wrapping token has no claims, so no \
                 `jti` to mark as used; declare `one_time` on the wrapped token's type instead",
                "1:31 one_time"
            )])
        );
    }

    #[test]
    fn a_valid_type_passes_every_rule() {
        let input: DeriveInput = parse_quote! {
            #[jwt(typ = "access", aud = "billing", algs = ["ES256", "EdDSA"])]
            struct Outer<T: Claims> {
                #[jwt(nested)] one: Nested<T>,
                #[jwt(nested)] maybe: Option<Nested<T>>,
                #[jwt(nested)] many: Vec<Nested<T>>,
                #[serde(flatten)] extra: Extra,
                #[serde(skip)] exp: u64,
            }
        };
        assert_eq!(errors(input), Vec::<String>::new());
    }

    #[test]
    fn no_jwt_attribute_asks_for_typ_and_aud() {
        assert_eq!(
            errors(parse_quote! { struct S { a: u8 } }),
            [
                "`#[derive(Claims)]` needs a `#[jwt(...)]` attribute with at least `typ` and `aud`, saying what kind of token this is and whom it is for, like `#[jwt(typ = \"access\", aud = \"billing\")]`"
            ]
        );
    }

    #[test]
    fn missing_typ_or_aud_is_reported_with_an_example() {
        assert_eq!(
            errors(parse_quote! { #[jwt(aud = "billing")] struct S { a: u8 } }),
            [
                "missing `typ`: say what kind of token this is, like `#[jwt(typ = \"access\")]`; it is checked against the JWT `typ` header so that one kind of token cannot pass as another (RFC 8725 §3.11). Every purpose of your own needs one: the opt-out `dangerous_untyped` exists only to verify a third-party issuer's tokens (Google, Keycloak, Cognito) that carry `typ: \"JWT\"` or none"
            ]
        );
        assert_eq!(
            errors(parse_quote! { #[jwt(typ = "access")] struct S { a: u8 } }),
            [
                "missing `aud`: say whom the tokens are for, like `#[jwt(aud = \"billing\")]`; a token is only accepted by its audience (RFC 7519 §4.1.3)"
            ]
        );
        assert_eq!(
            errors(parse_quote! { #[jwt(ttl = "15m")] struct S { a: u8 } }),
            [
                "missing `typ` and `aud`: say what kind of token this is and whom it is for, like `#[jwt(typ = \"access\", aud = \"billing\")]`"
            ]
        );
    }

    #[test]
    fn invalid_typ_is_not_also_missing() {
        assert_eq!(
            errors(parse_quote! { #[jwt(typ = 5, aud)] struct S { a: u8 } }),
            [
                "`aud` needs a value, like `aud = \"billing\"` or `aud = [\"billing\", \"reports\"]`",
                "`typ` takes a string, like `typ = \"access\"`",
            ]
        );
    }

    #[test]
    fn unreadable_attribute_does_not_also_report_missing_keys() {
        let errors =
            errors(parse_quote! { #[jwt(typ = "access" aud = "billing")] struct S { a: u8 } });
        assert_eq!(errors, ["missing `,` before `aud`"]);
    }

    #[test]
    fn an_untyped_purpose_bound_by_issuer_and_audience_passes() {
        let input: DeriveInput = parse_quote! {
            #[jwt(dangerous_untyped, iss = COGNITO, aud = "my-client", claim(token_use = "access"))]
            struct CognitoAccess { username: String }
        };
        assert_eq!(errors(input), Vec::<String>::new());
    }

    #[test]
    fn an_untyped_purpose_needs_an_issuer_and_names_why_on_the_flag() {
        assert_eq!(
            errors_at(r#"#[jwt(aud = "my-client", dangerous_untyped)] struct S { a: u8 }"#),
            at([(
                "`dangerous_untyped` needs `iss`: without explicit typing, only the issuer and the \
                 audience bind the purpose, so any other issuer the verifier trusts could mint tokens \
                 that pass as this one; add `iss = \"https://issuer.example.com\"`",
                "1:26 dangerous_untyped",
            )])
        );
    }

    #[test]
    fn an_untyped_purpose_with_an_invalid_issuer_is_not_also_missing_one() {
        assert_eq!(
            errors(
                parse_quote! { #[jwt(dangerous_untyped, iss = "", aud = "a")] struct S { a: u8 } }
            ),
            ["`iss` cannot be empty; omit it to leave the issuer to the verifier"]
        );
    }

    #[test]
    fn an_untyped_purpose_still_needs_an_audience() {
        assert_eq!(
            errors(
                parse_quote! { #[jwt(dangerous_untyped, iss = "https://i")] struct S { a: u8 } }
            ),
            [
                "missing `aud`: say whom the tokens are for, like `#[jwt(aud = \"billing\")]`; a token is only accepted by its audience (RFC 7519 §4.1.3)"
            ]
        );
    }

    #[test]
    fn untyped_and_typ_together_are_reported_on_the_flag() {
        assert_eq!(
            errors_at(
                r#"#[jwt(typ = "access", aud = "a", iss = "https://i", dangerous_untyped)] struct S { a: u8 }"#
            ),
            at([(
                "`dangerous_untyped` and `typ` cannot both be set: `dangerous_untyped` accepts tokens \
                 with `typ: \"JWT\"` or no `typ`, from a third-party issuer; for tokens with a `typ` \
                 of their own, remove `dangerous_untyped`",
                "1:53 dangerous_untyped",
            )])
        );
    }

    #[test]
    fn an_untyped_purpose_cannot_wrap_and_is_not_asked_for_an_issuer_it_may_not_have() {
        assert_eq!(
            errors(parse_quote! {
                #[jwt(dangerous_untyped, wraps, claim(token_use = "access"))]
                struct Envelope { #[jwt(nested)] inner: Nested<Access> }
            }),
            [
                "`dangerous_untyped` cannot be combined with `wraps`: a wrapping token has no claims, \
                 so its `typ` is all that tells it apart from the token it wraps",
                "`claim` does not apply to a `wraps` type: it has no claims of its own, \
                 the wrapped token's type declares them",
            ]
        );
    }

    #[test]
    fn alg_and_algs_together_are_reported_on_the_second() {
        assert_eq!(
            errors(
                parse_quote! { #[jwt(typ = "a", aud = "b", algs = ["ES256"], alg = "ES256")] struct S { a: u8 } }
            ),
            [
                "`alg` and `algs` cannot both be set: use `alg` for one algorithm or `algs` for several"
            ]
        );
    }

    #[test]
    fn hmac_and_public_key_algorithms_cannot_be_mixed() {
        assert_eq!(
            errors(
                parse_quote! { #[jwt(typ = "a", aud = "b", algs = ["RS256", "HS256", "ES256"])] struct S { a: u8 } }
            ),
            [
                "`algs` mixes HMAC (HS256) and public-key (RS256) algorithms: a verifier accepting both can be tricked into using a public key as an HMAC secret (key confusion, RFC 8725 §2.1, §3.1); use one kind per claims type"
            ]
        );
        assert!(errors(parse_quote! { #[jwt(typ = "a", aud = "b", algs = ["RS256", "ES256", "EdDSA"])] struct S { a: u8 } }).is_empty());
        assert!(errors(parse_quote! { #[jwt(typ = "a", aud = "b", algs = ["HS256", "HS512"])] struct S { a: u8 } }).is_empty());
    }

    #[test]
    fn lifetime_parameters_are_rejected() {
        assert_eq!(
            errors(parse_quote! { #[jwt(typ = "a", aud = "b")] struct S<'a, T> { a: &'a T } }),
            [
                "claims types cannot have lifetime parameters: decoded claims are owned (`Claims: DeserializeOwned + 'static`); use owned types like `String` instead of `&str`"
            ]
        );
    }

    #[test]
    fn nested_mark_on_another_type_is_rejected() {
        assert_eq!(
            errors(parse_quote! {
                #[jwt(typ = "a", aud = "b")]
                struct S { #[jwt(nested)] grant: String, #[jwt(nested)] boxed: Box<Nested<G>> }
            }),
            [
                "`#[jwt(nested)]` field `grant` must have type `Nested<T>`, `Option<Nested<T>>` or `Vec<Nested<T>>`",
                "`#[jwt(nested)]` field `boxed` must have type `Nested<T>`, `Option<Nested<T>>` or `Vec<Nested<T>>`",
            ]
        );
    }

    #[test]
    fn unmarked_nested_tokens_are_rejected() {
        assert_eq!(
            errors(parse_quote! {
                #[jwt(typ = "a", aud = "b")]
                struct S { grant: Option<jwt_claims::Nested<G>>, grants: HashMap<String, Nested<G>> }
            }),
            [
                "field `grant` holds a nested token that would not be verified: mark the field `#[jwt(nested)]`",
                "field `grants` holds a `Nested` token inside another type, where it would not be verified: use `Nested<T>`, `Option<Nested<T>>` or `Vec<Nested<T>>` and mark the field `#[jwt(nested)]`",
            ]
        );
    }

    #[test]
    fn every_registered_claim_name_is_refused_as_a_field() {
        for claim in REGISTERED_CLAIMS {
            let ident = syn::Ident::new(claim, proc_macro2::Span::call_site());
            let input: DeriveInput =
                parse_quote! { #[jwt(typ = "a", aud = "b")] struct S { #ident: u64 } };
            assert_eq!(
                errors(input),
                [format!(
                    "field `{claim}` would be the registered claim `{claim}`, which jwt-claims owns: it writes and checks the registered claims, and `Decoded` gives access to them"
                )]
            );
        }
    }

    #[test]
    fn serde_names_that_are_registered_claims_are_refused_where_they_are_written() {
        assert_eq!(
            errors(parse_quote! {
                #[jwt(typ = "a", aud = "b")]
                #[serde(rename_all = "camelCase")]
                struct S {
                    #[serde(rename = "exp")] expires: u64,
                    #[serde(rename(serialize = "x", deserialize = "iat"))] issued: u64,
                    #[serde(alias = "sub")] subject: String,
                    Jti: String,
                    r#iss: String,
                }
            }),
            [
                "`rename = \"exp\"` would make field `expires` the registered claim `exp`, which jwt-claims owns: it writes and checks the registered claims, and `Decoded` gives access to them",
                "`rename(deserialize = \"iat\")` would make field `issued` the registered claim `iat`, which jwt-claims owns: it writes and checks the registered claims, and `Decoded` gives access to them",
                "`alias = \"sub\"` would read the registered claim `sub` into field `subject`, which jwt-claims owns: it writes and checks the registered claims, and `Decoded` gives access to them",
                "field `Jti` becomes the registered claim `jti` through `rename_all = \"camelCase\"`, which jwt-claims owns: it writes and checks the registered claims, and `Decoded` gives access to them",
                "field `iss` becomes the registered claim `iss` through `rename_all = \"camelCase\"`, which jwt-claims owns: it writes and checks the registered claims, and `Decoded` gives access to them",
            ]
        );
    }

    #[test]
    fn a_field_named_by_both_directions_is_reported_once() {
        let errors = errors_at(
            r#"#[jwt(typ = "a", aud = "b")]
#[serde(rename_all(serialize = "snake_case"))]
struct S { exp: u64 }"#,
        );
        assert_eq!(
            errors,
            at([(
                "field `exp` becomes the registered claim `exp` through `rename_all = \"snake_case\"`, which jwt-claims owns: it writes and checks the registered claims, and `Decoded` gives access to them",
                "3:12 exp",
            )])
        );
    }

    #[test]
    fn serde_tag_cannot_be_a_registered_claim() {
        assert_eq!(
            errors(
                parse_quote! { #[jwt(typ = "a", aud = "b")] #[serde(tag = "iss")] struct S { a: u8 } }
            ),
            [
                "`tag = \"iss\"` would write the type's name into the registered claim `iss`, which jwt-claims owns: it writes and checks the registered claims"
            ]
        );
    }

    #[test]
    fn every_mistake_is_reported_together() {
        let errors = errors_at(
            r#"#[jwt(typ = "access", aud = ["billing", "billing"], alg = "none", ttl = "15")]
#[jwt(colour = "blue")]
enum E { A }"#,
        );
        assert_eq!(
            errors,
            at([
                (
                    "unknown jwt attribute `colour`; expected one of: typ, aud, iss, alg, algs, ttl, leeway, max_age, require, claim, one_time, wraps, dangerous_untyped, encrypted, enc",
                    "2:7 colour",
                ),
                ("duplicate audience \"billing\"", "1:41 \"billing\""),
                (
                    "`none` is never allowed: unsecured JWTs are rejected (RFC 8725 §3.1)",
                    "1:59 \"none\"",
                ),
                (
                    "invalid `ttl`: missing unit after `15`: write \"15s\", \"15m\", \"15h\" or \"15d\"",
                    "1:73 \"15\"",
                ),
                (crate::model::NOT_A_NAMED_STRUCT, "3:1 enum"),
            ])
        );
    }
}
