//! The values `#[jwt(key = value)]` takes: a small, closed grammar of our
//! own, so the derive needs no expression parser (syn's `full` feature).
//!
//! A value is a literal, a path or a bracketed list of values. That covers
//! every key, and the near misses that deserve a precise message rather than
//! "malformed": an integer where a duration string belongs (`ttl = 900`,
//! `ttl = 15m`), a bare word where a string belongs (`typ = access`), a list
//! where one value belongs (`alg = ["ES256"]`). Anything else does not parse,
//! and [`attr`](crate::attr) reports it as malformed. Every value keeps its
//! tokens, so errors point at what was written. Invisible groups around a
//! `macro_rules!` fragment are seen through: syn's cursor skips them.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, Lit, LitInt, LitStr, Path, Token, bracketed, token};

/// One value, as written.
pub(crate) enum Value {
    /// A string literal: `"access"`.
    Str(LitStr),
    /// An integer literal, suffix and all: `900`, `15m`.
    Int(LitInt),
    /// Any other literal: `true`, `1.5`, `'a'`, `b"x"`.
    Lit(Lit),
    /// A path without generics: `access`, `Algorithm::ES256`.
    Path(Path),
    /// A bracketed list: `["billing", "reports"]`.
    List(List),
}

/// The list of a [`Value::List`].
pub(crate) struct List {
    /// The brackets, for spans.
    pub(crate) bracket: token::Bracket,
    /// The elements, in the order written.
    pub(crate) elems: Punctuated<Value, Token![,]>,
}

impl Parse for Value {
    fn parse(input: ParseStream<'_>) -> syn::Result<Value> {
        if input.peek(token::Bracket) {
            let content;
            let bracket = bracketed!(content in input);
            let elems = content.parse_terminated(Value::parse, Token![,])?;
            return Ok(Value::List(List { bracket, elems }));
        }
        // `Lit` would also read `-5` as one literal; a negative number is no
        // value of ours, and `ttl = -5` is better called malformed than
        // answered with `ttl = "-5s"`.
        if input.peek(Lit) && !input.peek(Token![-]) {
            return Ok(match input.parse()? {
                Lit::Str(lit) => Value::Str(lit),
                Lit::Int(lit) => Value::Int(lit),
                lit => Value::Lit(lit),
            });
        }
        let starts_path = input.peek(Ident)
            || input.peek(Token![::])
            || input.peek(Token![crate])
            || input.peek(Token![self])
            || input.peek(Token![super])
            || input.peek(Token![Self]);
        if starts_path {
            return Path::parse_mod_style(input).map(Value::Path);
        }
        Err(input.error("expected a string, a number, a name or a list in brackets"))
    }
}

impl ToTokens for Value {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Value::Str(lit) => lit.to_tokens(tokens),
            Value::Int(lit) => lit.to_tokens(tokens),
            Value::Lit(lit) => lit.to_tokens(tokens),
            Value::Path(path) => path.to_tokens(tokens),
            Value::List(list) => list
                .bracket
                .surround(tokens, |inner| list.elems.to_tokens(inner)),
        }
    }
}

#[cfg(test)]
mod tests {
    use proc_macro2::{Delimiter, Group};
    use quote::quote;

    use super::*;

    /// Parses all of `tokens` as one value.
    fn parse(tokens: TokenStream) -> syn::Result<Value> {
        syn::parse2(tokens)
    }

    /// What kind of value `tokens` are, with the value as tokens.
    fn kind(tokens: TokenStream) -> (&'static str, String) {
        let value = parse(tokens).unwrap();
        let kind = match &value {
            Value::Str(_) => "str",
            Value::Int(_) => "int",
            Value::Lit(_) => "lit",
            Value::Path(_) => "path",
            Value::List(_) => "list",
        };
        (kind, value.to_token_stream().to_string())
    }

    #[test]
    fn each_kind_of_value_parses_and_prints_as_written() {
        assert_eq!(kind(quote!("access")), ("str", "\"access\"".to_owned()));
        assert_eq!(kind(quote!(900)), ("int", "900".to_owned()));
        assert_eq!(kind(quote!(15m)), ("int", "15m".to_owned()));
        assert_eq!(kind(quote!(true)), ("lit", "true".to_owned()));
        assert_eq!(kind(quote!(1.5)), ("lit", "1.5".to_owned()));
        assert_eq!(kind(quote!(access)), ("path", "access".to_owned()));
        assert_eq!(kind(quote!(r#type)), ("path", "r#type".to_owned()));
        assert_eq!(
            kind(quote!(::jwt_claims::Algorithm)),
            ("path", ":: jwt_claims :: Algorithm".to_owned())
        );
        for path in [
            quote!(crate::issuers::AUTH),
            quote!(self::AUTH),
            quote!(super::AUTH),
            quote!(Self::AUTH),
        ] {
            assert_eq!(kind(path.clone()), ("path", path.to_string()));
        }
        assert_eq!(
            kind(quote!(["billing", 5, sub, []])),
            ("list", "[\"billing\" , 5 , sub , []]".to_owned())
        );
        assert_eq!(kind(quote!(["sub",])), ("list", "[\"sub\" ,]".to_owned()));
    }

    #[test]
    fn a_list_keeps_its_elements_in_order() {
        let Value::List(list) = parse(quote!(["a", ["b"], c])).unwrap() else {
            panic!("expected a list")
        };
        let elems: Vec<String> = list
            .elems
            .iter()
            .map(|elem| elem.to_token_stream().to_string())
            .collect();
        assert_eq!(elems, ["\"a\"", "[\"b\"]", "c"]);
    }

    #[test]
    fn invisible_groups_from_macro_fragments_are_seen_through() {
        let list = Group::new(Delimiter::None, quote!(["billing", "reports"]));
        assert_eq!(
            kind(quote!(#list)),
            ("list", "[\"billing\" , \"reports\"]".to_owned())
        );
        let string = Group::new(Delimiter::None, quote!("access"));
        let element = Group::new(Delimiter::None, quote!("sub"));
        assert_eq!(kind(quote!(#string)), ("str", "\"access\"".to_owned()));
        assert_eq!(kind(quote!([#element])), ("list", "[\"sub\"]".to_owned()));
    }

    #[test]
    fn what_is_not_a_value_does_not_parse() {
        for tokens in [
            quote!(-5),
            quote!(("access")),
            quote!(Vec<u8>),
            quote!(["a" "b"]),
            quote!(["a", -1]),
            quote!(=),
        ] {
            let parsed = parse(tokens.clone());
            assert!(parsed.is_err(), "{tokens} parsed");
        }
    }
}
