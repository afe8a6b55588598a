//! Stage 4: quotes the `Claims` impl from a valid model, or the errors and
//! a fallback impl from an invalid one.
//!
//! The impl only declares facts (a `static` [`Policy`] and the list of
//! nested fields) and calls the runtime through `::jwt_claims::__private`;
//! every check lives in the runtime. All paths are absolute (`::jwt_claims`,
//! `::core`) so user items named `Result`, `Option`, `Error`, `Policy` or
//! `Claims` cannot capture them.
//!
//! [`Policy`]: https://docs.rs/jwt-claims/latest/jwt_claims/struct.Policy.html

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Generics, Type};

use crate::model::{Claims, PolicyStr};
use crate::nested_type;
use crate::serde_name::unraw;

/// The `Claims` impl of a model that passed every stage.
pub(crate) fn impl_claims(model: &Claims<'_>) -> TokenStream {
    let ident = model.ident;
    let generics = model.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let where_clause = where_clause(generics, &nested_purpose_bounds(model));
    let policy = policy_expr(model);
    let verify_nested = verify_nested_fn(model);
    let wrapped = wrapped_fns(model);
    quote! {
        // The absolute paths are needed for hygiene even where the user
        // imported the item, and reading a deprecated nested field is the
        // user's choice, not ours to warn about.
        #[allow(unused_qualifications, deprecated)]
        #[automatically_derived]
        impl #impl_generics ::jwt_claims::Claims for #ident #ty_generics #where_clause {
            fn policy() -> &'static ::jwt_claims::Policy {
                static POLICY: ::jwt_claims::Policy = #policy;
                &POLICY
            }
            #verify_nested
            #wrapped
        }
    }
}

/// The compile errors, plus an impl that keeps the type usable as `Claims`
/// so one mistake does not cascade into "trait not implemented" errors
/// wherever the type is used. Model: thiserror-impl's `fallback.rs`.
pub(crate) fn fallback(input: &DeriveInput, error: syn::Error) -> TokenStream {
    let error = error.into_compile_error();
    // A union (which serde refuses) or a type with lifetimes can never meet
    // `Claims`' supertraits; an impl would only add errors about those.
    let impossible =
        matches!(input.data, Data::Union(_)) || input.generics.lifetimes().next().is_some();
    if impossible {
        return error;
    }
    let ident = &input.ident;
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    // Bounding every type parameter by `Claims` makes the supertraits hold
    // for whatever bounds serde inferred; this impl is never called anyway.
    let bounds: Vec<TokenStream> = input
        .generics
        .type_params()
        .map(|param| {
            let param = &param.ident;
            quote!(#param: ::jwt_claims::Claims)
        })
        .collect();
    let where_clause = where_clause(&input.generics, &bounds);
    quote! {
        #error

        #[allow(unused_qualifications, deprecated)]
        #[automatically_derived]
        impl #impl_generics ::jwt_claims::Claims for #ident #ty_generics #where_clause {
            fn policy() -> &'static ::jwt_claims::Policy {
                ::core::unreachable!()
            }
        }
    }
}

/// The user's where clause, then `bounds`, then `Self: 'static`, which
/// `Claims` requires (stating it spares generic types a `T: 'static`).
fn where_clause(generics: &Generics, bounds: &[TokenStream]) -> TokenStream {
    let predicates = generics
        .where_clause
        .iter()
        .flat_map(|clause| &clause.predicates);
    quote!(where #(#predicates,)* #(#bounds,)* Self: 'static)
}

/// `P: ::jwt_claims::Claims` for each nested purpose `P` that mentions a
/// type parameter, like serde's inferred bounds.
///
/// Verifying `Nested<P>` needs `P: Claims`. The user cannot write that bound
/// on the struct: serde copies struct bounds into its `Deserialize` impl,
/// where `T: Claims` (so `for<'de> T: Deserialize<'de>`) and serde's own
/// `T: Deserialize<'de>` make the impl ambiguous (E0283). So the struct stays
/// unbounded and the bound goes on this impl only.
fn nested_purpose_bounds(model: &Claims<'_>) -> Vec<TokenStream> {
    let params: Vec<&Ident> = model
        .generics
        .type_params()
        .map(|param| &param.ident)
        .collect();
    let mut bounds: Vec<TokenStream> = Vec::new();
    for purpose in model
        .nested_fields()
        .filter_map(|field| nested_type::purpose(field.ty))
    {
        if !mentions_any(purpose, &params) {
            continue;
        }
        let bound = quote_spanned!(purpose.span()=> #purpose: ::jwt_claims::Claims);
        if !bounds
            .iter()
            .any(|seen| seen.to_string() == bound.to_string())
        {
            bounds.push(bound);
        }
    }
    bounds
}

/// Whether `ty` names any of `params`, at any depth.
fn mentions_any(ty: &Type, params: &[&Ident]) -> bool {
    fn scan(tokens: TokenStream, params: &[&Ident]) -> bool {
        tokens.into_iter().any(|tree| match tree {
            TokenTree::Ident(ident) => params.iter().any(|param| **param == ident),
            TokenTree::Group(group) => scan(group.stream(), params),
            _ => false,
        })
    }
    scan(ty.to_token_stream(), params)
}

/// The `__private::policy(DerivedPolicy { .. })` call building the type's
/// policy in its `static`.
fn policy_expr(model: &Claims<'_>) -> TokenStream {
    let policy = &model.policy;
    let name = unraw(model.ident);
    let typ = option(policy.typ.as_ref().map(|typ| quote!(#typ)));
    let algorithms: Vec<TokenStream> = policy
        .algorithms()
        .into_iter()
        .map(|alg| {
            let variant = Ident::new(alg.name(), Span::call_site());
            quote!(::jwt_claims::__private::Algorithm::#variant)
        })
        .collect();
    let audiences = policy.audiences.iter().map(policy_str);
    let issuer = option(policy.issuer.as_ref().map(policy_str));
    let ttl = option(policy.ttl_secs.map(|secs| quote!(#secs)));
    let leeway = policy.leeway_secs.unwrap_or(0);
    let max_age = option(policy.max_age_secs.map(|secs| quote!(#secs)));
    let required = policy.required.iter().map(|claim| {
        let variant = format_ident!("{}", claim.variant());
        quote!(::jwt_claims::__private::RegisteredClaim::#variant)
    });
    let claims = policy.claims.iter().map(|claim| {
        let (name, value) = (&claim.name, &claim.value);
        quote!(::jwt_claims::__private::claim(#name, #value))
    });
    let wraps = policy.wraps;
    let one_time = policy.one_time;
    let encrypted = policy.encrypted;
    let encryptions = policy.encryptions.iter().map(|enc| {
        let variant = Ident::new(enc.variant(), Span::call_site());
        quote!(::jwt_claims::__private::ContentEncryption::#variant)
    });
    quote! {
        ::jwt_claims::__private::policy(::jwt_claims::__private::DerivedPolicy {
            name: ::core::concat!(::core::module_path!(), "::", #name),
            typ: #typ,
            audiences: &[#(::jwt_claims::__private::Cow::Borrowed(#audiences)),*],
            issuer: #issuer,
            algorithms: &[#(#algorithms),*],
            ttl_secs: #ttl,
            leeway_secs: #leeway,
            max_age_secs: #max_age,
            required: &[#(#required),*],
            // `claim(..)` is a `const fn` call, which is not promoted to a
            // `static` like a literal: the inline `const` makes the slice one.
            claims: const { &[#(#claims),*] },
            wraps: #wraps,
            one_time: #one_time,
            encrypted: #encrypted,
            encryptions: &[#(#encryptions),*],
        })
    }
}

/// A policy string as the `&'static str` the runtime takes.
///
/// A path is given that type by a `const` in a block, so a constant of
/// another type is a compile error on the path alone: the type's first
/// token is spanned on the path's first token and its last on the path's
/// last, so the compiler sees the type where the path is written. A `const`
/// rather than a `let`: a binding cannot shadow a user's constant of the
/// same name (E0530), an item in a block can, so the name is only taken
/// for a path that is itself `__JWT_CLAIMS_STR`.
fn policy_str(value: &PolicyStr) -> TokenStream {
    match value {
        PolicyStr::Literal(value) => quote!(#value),
        PolicyStr::Const(path) => {
            let mut spans = path.to_token_stream().into_iter().map(|tree| tree.span());
            let first = spans.next().unwrap_or_else(Span::call_site);
            let last = spans.last().unwrap_or(first);
            let reference = quote_spanned!(first=> &'static ::core::primitive::);
            let str = quote_spanned!(last=> str);
            quote!({
                const __JWT_CLAIMS_STR: #reference #str = #path;
                __JWT_CLAIMS_STR
            })
        }
    }
}

/// For a `wraps` type: building it around the wrapped token, and reading
/// the token back to sign it.
fn wrapped_fns(model: &Claims<'_>) -> Option<TokenStream> {
    if !model.policy.wraps {
        return None;
    }
    let member = model.fields.first()?.ident;
    Some(quote! {
        fn __from_wrapped(
            token: ::jwt_claims::__private::String,
        ) -> ::core::option::Option<Self> {
            ::core::option::Option::Some(Self { #member: ::jwt_claims::__private::nested_from_token(token) })
        }
        fn __wrapped(&self) -> ::core::option::Option<&dyn ::jwt_claims::__private::Wrapped> {
            ::core::option::Option::Some(&self.#member)
        }
    })
}

/// `::core::option::Option::Some(value)` or `None`.
fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}

/// `__verify_nested`, when the type has `#[jwt(nested)]` fields; otherwise
/// the trait's default (verify nothing) is right.
fn verify_nested_fn(model: &Claims<'_>) -> Option<TokenStream> {
    let calls: Vec<TokenStream> = model
        .nested_fields()
        .map(|field| {
            let member = field.ident;
            // The name the token's JSON holds the field under, for errors.
            let name = &field.names.deserialize.value;
            // Spanned on the field type, so an unmet `NestedField` bound
            // (say, `T: Claims` missing) points at the field.
            quote_spanned! {field.ty.span()=>
                ::jwt_claims::__private::verify_nested(&mut self.#member, #name, cx)?;
            }
        })
        .collect();
    if calls.is_empty() {
        return None;
    }
    Some(quote! {
        fn __verify_nested(
            &mut self,
            cx: &mut ::jwt_claims::__private::NestedCx<'_>,
        ) -> ::core::result::Result<(), ::jwt_claims::Error> {
            #(#calls)*
            ::core::result::Result::Ok(())
        }
    })
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    use super::*;
    use crate::errors::Errors;

    /// Expands `input`, which must be valid, to a token string.
    fn expand(input: DeriveInput) -> String {
        let mut errors = Errors::new();
        let model = Claims::from_input(&input, &mut errors);
        crate::validate::check(&model, &mut errors);
        assert_eq!(errors.messages(), Vec::<String>::new());
        impl_claims(&model).to_string()
    }

    /// Normalises token spacing by re-quoting `tokens`.
    fn tokens(tokens: TokenStream) -> String {
        tokens.to_string()
    }

    #[test]
    fn minimal_type_gets_a_static_policy_with_strict_defaults() {
        let expanded = expand(parse_quote! {
            #[jwt(typ = "access", aud = "billing")]
            struct Access { org_id: u64 }
        });
        let expected = tokens(quote! {
            #[allow(unused_qualifications, deprecated)]
            #[automatically_derived]
            impl ::jwt_claims::Claims for Access where Self: 'static {
                fn policy() -> &'static ::jwt_claims::Policy {
                    static POLICY: ::jwt_claims::Policy =
                        ::jwt_claims::__private::policy(::jwt_claims::__private::DerivedPolicy {
                            name: ::core::concat!(::core::module_path!(), "::", "Access"),
                            typ: ::core::option::Option::Some("access"),
                            audiences: &[::jwt_claims::__private::Cow::Borrowed("billing")],
                            issuer: ::core::option::Option::None,
                            algorithms: &[],
                            ttl_secs: ::core::option::Option::None,
                            leeway_secs: 0u64,
                            max_age_secs: ::core::option::Option::None,
                            required: &[],
                            claims: const { &[] },
                            wraps: false,
                            one_time: false,
                            encrypted: false,
                            encryptions: &[],
                        });
                    &POLICY
                }
            }
        });
        assert_eq!(expanded, expected);
    }

    #[test]
    fn every_key_reaches_the_policy() {
        let expanded = expand(parse_quote! {
            #[jwt(typ = "access", aud = ["billing", "reports"], iss = "https://i", alg = "ES256")]
            #[jwt(ttl = "15m", leeway = "30s", max_age = "1h", require = ["sub", "jti"])]
            struct Access { org_id: u64 }
        });
        let expected = tokens(quote! {
            ::jwt_claims::__private::policy(::jwt_claims::__private::DerivedPolicy {
                name: ::core::concat!(::core::module_path!(), "::", "Access"),
                typ: ::core::option::Option::Some("access"),
                audiences: &[
                    ::jwt_claims::__private::Cow::Borrowed("billing"),
                    ::jwt_claims::__private::Cow::Borrowed("reports")
                ],
                issuer: ::core::option::Option::Some("https://i"),
                algorithms: &[::jwt_claims::__private::Algorithm::ES256],
                ttl_secs: ::core::option::Option::Some(900u64),
                leeway_secs: 30u64,
                max_age_secs: ::core::option::Option::Some(3600u64),
                required: &[
                    ::jwt_claims::__private::RegisteredClaim::Subject,
                    ::jwt_claims::__private::RegisteredClaim::JwtId
                ],
                claims: const { &[] },
                wraps: false,
                one_time: false,
                encrypted: false,
                encryptions: &[],
            })
        });
        assert!(expanded.contains(&expected), "{expanded}");
    }

    #[test]
    fn a_one_time_purpose_says_so_in_its_policy() {
        let expanded = expand(parse_quote! {
            #[jwt(typ = "reset", aud = "accounts", ttl = "15m", one_time)]
            struct PasswordReset { account: u64 }
        });
        let expected = tokens(quote! {
            claims: const { &[] },
            wraps: false,
            one_time: true,
            encrypted: false,
            encryptions: &[],
        });
        assert!(expanded.contains(&expected), "{expanded}");
    }

    #[test]
    fn an_untyped_purpose_declares_no_typ_and_its_required_claims() {
        let expanded = expand(parse_quote! {
            #[jwt(dangerous_untyped, iss = "https://cognito-idp.example.com/pool", aud = "my-client")]
            #[jwt(claim(token_use = "access", "custom:tenant" = "acme"))]
            struct CognitoAccess { username: String }
        });
        let expected = tokens(quote! {
            ::jwt_claims::__private::policy(::jwt_claims::__private::DerivedPolicy {
                name: ::core::concat!(::core::module_path!(), "::", "CognitoAccess"),
                typ: ::core::option::Option::None,
                audiences: &[::jwt_claims::__private::Cow::Borrowed("my-client")],
                issuer: ::core::option::Option::Some("https://cognito-idp.example.com/pool"),
                algorithms: &[],
                ttl_secs: ::core::option::Option::None,
                leeway_secs: 0u64,
                max_age_secs: ::core::option::Option::None,
                required: &[],
                claims: const {
                    &[
                        ::jwt_claims::__private::claim("token_use", "access"),
                        ::jwt_claims::__private::claim("custom:tenant", "acme")
                    ]
                },
                wraps: false,
                one_time: false,
                encrypted: false,
                encryptions: &[],
            })
        });
        assert!(expanded.contains(&expected), "{expanded}");
    }

    #[test]
    fn a_typed_purpose_may_require_claims_too() {
        let expanded = expand(parse_quote! {
            #[jwt(typ = "access", aud = "billing", claim(tier = "gold"))]
            struct Access { org_id: u64 }
        });
        let expected = tokens(quote! {
            typ: ::core::option::Option::Some("access"),
        });
        assert!(expanded.contains(&expected), "{expanded}");
        let expected = tokens(quote! {
            claims: const { &[::jwt_claims::__private::claim("tier", "gold")] },
        });
        assert!(expanded.contains(&expected), "{expanded}");
    }

    #[test]
    fn paths_are_emitted_as_is_through_a_str_constant() {
        let expanded = expand(parse_quote! {
            #[jwt(typ = "access", iss = crate::issuers::AUTH, aud = [BILLING, "reports"])]
            struct Access { org_id: u64 }
        });
        let expected = tokens(quote! {
            audiences: &[
                ::jwt_claims::__private::Cow::Borrowed({
                    const __JWT_CLAIMS_STR: &'static ::core::primitive::str = BILLING;
                    __JWT_CLAIMS_STR
                }),
                ::jwt_claims::__private::Cow::Borrowed("reports")
            ],
            issuer: ::core::option::Option::Some({
                const __JWT_CLAIMS_STR: &'static ::core::primitive::str = crate::issuers::AUTH;
                __JWT_CLAIMS_STR
            }),
        });
        assert!(expanded.contains(&expected), "{expanded}");
    }

    #[test]
    fn the_type_a_path_is_bound_to_is_placed_where_the_path_is_written() {
        let path: syn::Path = syn::parse_str("crate::issuers::AUTH").unwrap();
        let trees: Vec<TokenTree> = policy_str(&PolicyStr::Const(path.clone()))
            .into_iter()
            .collect();
        let [TokenTree::Group(block)] = trees.as_slice() else {
            panic!("expected one block: {trees:?}")
        };
        let trees: Vec<TokenTree> = block.stream().into_iter().collect();
        let TokenTree::Ident(name) = &trees[1] else {
            panic!("expected the constant: {trees:?}")
        };
        assert_eq!(name, "__JWT_CLAIMS_STR");
        let place = |span: Span| {
            let start = span.start();
            (start.line, start.column)
        };
        // `const __JWT_CLAIMS_STR : & 'static :: core :: primitive :: str = path ; __JWT_CLAIMS_STR`
        let reference = trees.iter().find(|tree| tree.to_string() == "&").unwrap();
        let str = trees.iter().find(|tree| tree.to_string() == "str").unwrap();
        let path_trees: Vec<TokenTree> = path.into_token_stream().into_iter().collect();
        assert_eq!(place(reference.span()), place(path_trees[0].span()));
        assert_eq!(place(str.span()), place(path_trees.last().unwrap().span()));
    }

    #[test]
    fn generics_and_where_clause_are_kept_with_self_static_added() {
        let expanded = expand(parse_quote! {
            #[jwt(typ = "access", aud = "billing")]
            struct Outer<T: Clone, const N: usize> where T: Default { items: [T; N] }
        });
        let expected = tokens(quote! {
            impl<T: Clone, const N: usize> ::jwt_claims::Claims for Outer<T, N> where T: Default, Self: 'static
        });
        assert!(expanded.contains(&expected), "{expanded}");
    }

    #[test]
    fn generic_nested_purposes_are_bound_by_claims_once() {
        let expanded = expand(parse_quote! {
            #[jwt(typ = "access", aud = "billing")]
            struct Outer<T, U> where U: Clone {
                #[jwt(nested)] one: Nested<T>,
                #[jwt(nested)] many: Vec<Nested<T>>,
                #[jwt(nested)] wrapped: Option<Nested<Wrapper<U>>>,
                #[jwt(nested)] fixed: Nested<Grant>,
                data: U,
            }
        });
        let expected = tokens(quote! {
            impl<T, U> ::jwt_claims::Claims for Outer<T, U>
            where U: Clone, T: ::jwt_claims::Claims, Wrapper<U>: ::jwt_claims::Claims, Self: 'static
        });
        assert!(expanded.contains(&expected), "{expanded}");
    }

    #[test]
    fn nested_fields_are_verified_under_their_json_names() {
        let expanded = expand(parse_quote! {
            #[jwt(typ = "access", aud = "billing")]
            #[serde(rename_all = "camelCase")]
            struct Outer {
                #[jwt(nested)] grant_token: Nested<Grant>,
                #[jwt(nested)] #[serde(rename = "g")] r#type: Option<Nested<Grant>>,
                org_id: u64,
            }
        });
        let expected = tokens(quote! {
            fn __verify_nested(
                &mut self,
                cx: &mut ::jwt_claims::__private::NestedCx<'_>,
            ) -> ::core::result::Result<(), ::jwt_claims::Error> {
                ::jwt_claims::__private::verify_nested(&mut self.grant_token, "grantToken", cx)?;
                ::jwt_claims::__private::verify_nested(&mut self.r#type, "g", cx)?;
                ::core::result::Result::Ok(())
            }
        });
        assert!(expanded.contains(&expected), "{expanded}");
    }

    #[test]
    fn types_without_nested_fields_keep_the_default_verify_nested() {
        let expanded = expand(parse_quote! {
            #[jwt(typ = "access", aud = "billing")]
            struct Access { org_id: u64 }
        });
        assert!(!expanded.contains("__verify_nested"), "{expanded}");
    }

    #[test]
    fn fallback_carries_the_errors_and_an_unreachable_impl() {
        let input: DeriveInput = parse_quote! { enum E<T> { A(T) } };
        let error = syn::Error::new(Span::call_site(), "boom");
        let expanded = fallback(&input, error).to_string();
        assert!(
            expanded.starts_with(&tokens(quote!(::core::compile_error! { "boom" }))),
            "{expanded}"
        );
        let expected = tokens(quote! {
            impl<T> ::jwt_claims::Claims for E<T> where T: ::jwt_claims::Claims, Self: 'static {
                fn policy() -> &'static ::jwt_claims::Policy {
                    ::core::unreachable!()
                }
            }
        });
        assert!(expanded.contains(&expected), "{expanded}");
    }

    #[test]
    fn fallback_is_left_out_where_no_impl_could_hold() {
        for input in [
            parse_quote! { union U { a: u8 } },
            parse_quote! { struct S<'a> { a: &'a str } },
        ] {
            let input: DeriveInput = input;
            let expanded = fallback(&input, syn::Error::new(Span::call_site(), "boom")).to_string();
            assert!(!expanded.contains("impl"), "{expanded}");
        }
    }
}
