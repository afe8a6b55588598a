//! The `#[derive(Claims)]` macro of [jwt-claims].
//!
//! Use it through the `jwt-claims` crate, which re-exports it next to the
//! `Claims` trait and documents the attribute language there. This crate's
//! output only makes sense against that runtime.
//!
//! The derive is a pipeline, one stage a module, so each stage can be unit
//! tested with `parse_quote!` and only this file touches
//! `proc_macro::TokenStream`:
//!
//! 1. `attr`: reads `#[jwt(...)]` into spanned key/value entries, each
//!    value in the small grammar of `value`.
//! 2. `model`: interprets each value into a typed model (with
//!    `duration`, `serde_name` and `nested_type`).
//! 3. `validate`: rules that weigh one part of the model against another.
//! 4. `expand`: quotes the impl, or the errors and a fallback impl.
//!
//! Every stage reports into one `errors::Errors`, so all mistakes arrive
//! in one compile, each pointing at its own token.
//!
//! [jwt-claims]: https://docs.rs/jwt-claims

mod attr;
mod duration;
mod errors;
mod expand;
mod model;
mod nested_type;
mod serde_name;
mod validate;
mod value;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

use crate::errors::Errors;

/// Implements `jwt_claims::Claims` for a struct with named fields, from its
/// `#[jwt(...)]` attributes.
///
/// The attribute reference, with examples, is on the re-export
/// `jwt_claims::Claims`.
#[proc_macro_derive(Claims, attributes(jwt))]
pub fn derive_claims(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive(&input, in_source_order).into()
}

/// Sorts errors by where they point, so they read top to bottom however
/// the stages found them. Needs a live compiler, hence only called here.
fn in_source_order(errors: &mut [syn::Error]) {
    errors.sort_by_key(|error| {
        let span = error.span().unwrap();
        (span.line(), span.column())
    });
}

/// Runs the pipeline on one input; `order` arranges the errors, if any.
fn derive(input: &DeriveInput, order: fn(&mut [syn::Error])) -> proc_macro2::TokenStream {
    let mut errors = Errors::new();
    let model = model::Claims::from_input(input, &mut errors);
    validate::check(&model, &mut errors);
    let Err(error) = errors.finish() else {
        return expand::impl_claims(&model);
    };
    let mut errors: Vec<syn::Error> = error.into_iter().collect();
    order(&mut errors);
    let combined = errors.into_iter().reduce(|mut combined, error| {
        combined.combine(error);
        combined
    });
    expand::fallback(
        input,
        combined.expect("a failed pipeline reported an error"),
    )
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenTree;
    use syn::{LitStr, parse_quote};

    use super::*;

    /// The message of every `compile_error!` at the top level of
    /// `expanded`, in order.
    fn compile_errors(expanded: proc_macro2::TokenStream) -> Vec<String> {
        let trees: Vec<TokenTree> = expanded.into_iter().collect();
        trees
            .windows(3)
            .filter_map(|window| match window {
                [
                    TokenTree::Ident(name),
                    TokenTree::Punct(bang),
                    TokenTree::Group(body),
                ] if name == "compile_error" && bang.as_char() == '!' => {
                    let message: LitStr = syn::parse2(body.stream()).unwrap();
                    Some(message.value())
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn valid_input_expands_to_an_impl_without_errors() {
        let input = parse_quote! {
            #[jwt(typ = "access", aud = "billing")]
            struct Access { org_id: u64 }
        };
        let expanded = derive(&input, |_| {}).to_string();
        assert!(
            expanded.contains("impl :: jwt_claims :: Claims for Access"),
            "{expanded}"
        );
        assert!(!expanded.contains("compile_error"), "{expanded}");
    }

    #[test]
    fn invalid_input_expands_to_every_error_and_the_fallback() {
        let input = parse_quote! {
            #[jwt(typ = "", aud = "billing", colour = "blue")]
            struct Access { exp: u64 }
        };
        let expanded = derive(&input, |_| {});
        assert_eq!(
            compile_errors(expanded.clone()),
            [
                "unknown jwt attribute `colour`; expected one of: typ, aud, iss, alg, algs, ttl, leeway, max_age, require, claim, one_time, wraps, dangerous_untyped, encrypted, enc",
                "`typ` cannot be empty; name the kind of token, like `typ = \"access\"`",
                "field `exp` would be the registered claim `exp`, which jwt-claims owns: it writes and checks the registered claims, and `Decoded` gives access to them",
            ]
        );
        let expanded = expanded.to_string();
        assert!(
            expanded.contains(":: core :: unreachable ! ()"),
            "{expanded}"
        );
    }

    #[test]
    fn errors_are_emitted_in_the_order_the_ordering_leaves_them() {
        let input = parse_quote! {
            #[jwt(typ = "", aud = "billing", colour = "blue")]
            struct Access { a: u64 }
        };
        let found_order = derive(&input, |_| {}).to_string();
        let reversed = derive(&input, |errors| errors.reverse()).to_string();
        let position = |expanded: &str, message| expanded.find(message).unwrap();
        assert!(
            position(&found_order, "unknown jwt attribute")
                < position(&found_order, "`typ` cannot be empty")
        );
        assert!(
            position(&reversed, "`typ` cannot be empty")
                < position(&reversed, "unknown jwt attribute")
        );
    }
}
