//! Which field types hold nested tokens, judged from the type as written.
//!
//! A macro sees syntax, not resolved types, so `Nested<T>` is recognised by
//! the last path segment (`Nested`, `jwt_claims::Nested`, ...). The point is
//! that a nested token is never silently accepted: any field whose type
//! mentions `Nested<...>` must be one the runtime can verify, and be marked.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{GenericArgument, PathArguments, Type};

/// The field types `#[jwt(nested)]` can verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `Nested<T>`
    Single,
    /// `Option<Nested<T>>`
    Optional,
    /// `Vec<Nested<T>>`
    List,
}

/// What a field's type says about nested tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Holding {
    /// No `Nested<...>` anywhere in the type.
    Nothing,
    /// A shape `#[jwt(nested)]` verifies.
    Verifiable(Shape),
    /// `Nested<...>` inside some other type (`Box`, `HashMap`, a tuple...),
    /// where it could not be verified.
    Unverifiable,
}

/// Classifies a field type.
pub(crate) fn classify(ty: &Type) -> Holding {
    if single_argument_of(ty, "Nested").is_some() {
        Holding::Verifiable(Shape::Single)
    } else if single_argument_of(ty, "Option")
        .and_then(nested_purpose)
        .is_some()
    {
        Holding::Verifiable(Shape::Optional)
    } else if single_argument_of(ty, "Vec")
        .and_then(nested_purpose)
        .is_some()
    {
        Holding::Verifiable(Shape::List)
    } else if mentions_nested(ty.to_token_stream()) {
        Holding::Unverifiable
    } else {
        Holding::Nothing
    }
}

/// The purpose `T` of a verifiable field type: the `T` of `Nested<T>`,
/// `Option<Nested<T>>` or `Vec<Nested<T>>`.
pub(crate) fn purpose(ty: &Type) -> Option<&Type> {
    nested_purpose(ty)
        .or_else(|| single_argument_of(ty, "Option").and_then(nested_purpose))
        .or_else(|| single_argument_of(ty, "Vec").and_then(nested_purpose))
}

/// The `T` of `Nested<T>` under any path (`Nested<T>`, `jwt_claims::Nested<T>`).
fn nested_purpose(ty: &Type) -> Option<&Type> {
    single_argument_of(ty, "Nested")
}

/// For a type `path::Name<T>` with no other generic arguments on the way,
/// the `T`.
fn single_argument_of<'t>(ty: &'t Type, name: &str) -> Option<&'t Type> {
    let ty = ungroup(ty);
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segments = &path.path.segments;
    let last = segments.last()?;
    let init = segments.iter().take(segments.len() - 1);
    if last.ident != name || init.into_iter().any(|segment| !segment.arguments.is_none()) {
        return None;
    }
    let PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match arguments.args.iter().collect::<Vec<_>>()[..] {
        [GenericArgument::Type(argument)] => Some(argument),
        _ => None,
    }
}

/// Sees through invisible groups (from `macro_rules!` fragments) and parentheses.
fn ungroup(mut ty: &Type) -> &Type {
    loop {
        match ty {
            Type::Group(group) => ty = &group.elem,
            Type::Paren(paren) => ty = &paren.elem,
            _ => return ty,
        }
    }
}

/// Whether the tokens contain `Nested <` anywhere, at any depth.
fn mentions_nested(tokens: TokenStream) -> bool {
    let mut previous_is_nested = false;
    for tree in tokens {
        match tree {
            TokenTree::Punct(punct) if punct.as_char() == '<' && previous_is_nested => return true,
            TokenTree::Group(group) if mentions_nested(group.stream()) => return true,
            TokenTree::Ident(ident) => {
                previous_is_nested = ident == "Nested";
                continue;
            }
            _ => {}
        }
        previous_is_nested = false;
    }
    false
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    use super::*;

    #[test]
    fn the_three_shapes_are_verifiable_under_any_path() {
        let cases: [(Type, Shape); 7] = [
            (parse_quote!(Nested<Grant>), Shape::Single),
            (parse_quote!(jwt_claims::Nested<Grant>), Shape::Single),
            (parse_quote!(::jwt_claims::Nested<T>), Shape::Single),
            (parse_quote!(Option<Nested<Grant>>), Shape::Optional),
            (
                parse_quote!(core::option::Option<jwt_claims::Nested<Grant>>),
                Shape::Optional,
            ),
            (parse_quote!(Vec<Nested<Grant>>), Shape::List),
            (parse_quote!(std::vec::Vec<(Nested<Grant>)>), Shape::List),
        ];
        for (ty, shape) in cases {
            assert_eq!(
                classify(&ty),
                Holding::Verifiable(shape),
                "{}",
                ty.to_token_stream()
            );
        }
    }

    #[test]
    fn purpose_is_the_argument_of_nested_in_every_shape() {
        let cases: [Type; 3] = [
            parse_quote!(Nested<Grant<T>>),
            parse_quote!(Option<jwt_claims::Nested<Grant<T>>>),
            parse_quote!(Vec<Nested<Grant<T>>>),
        ];
        for ty in cases {
            let purpose = purpose(&ty).map(|purpose| purpose.to_token_stream().to_string());
            assert_eq!(
                purpose.as_deref(),
                Some("Grant < T >"),
                "{}",
                ty.to_token_stream()
            );
        }
        assert!(purpose(&parse_quote!(Box<Nested<Grant>>)).is_none());
    }

    #[test]
    fn nested_inside_other_types_is_unverifiable() {
        let cases: [Type; 7] = [
            parse_quote!(Box<Nested<Grant>>),
            parse_quote!(Option<Option<Nested<Grant>>>),
            parse_quote!(Vec<Option<Nested<Grant>>>),
            parse_quote!(HashMap<String, Nested<Grant>>),
            parse_quote!((Nested<Grant>, u8)),
            parse_quote!([Nested<Grant>; 2]),
            parse_quote!(<X as Trait>::Nested<Grant>),
        ];
        for ty in cases {
            assert_eq!(
                classify(&ty),
                Holding::Unverifiable,
                "{}",
                ty.to_token_stream()
            );
        }
    }

    #[test]
    fn types_without_nested_hold_nothing() {
        let cases: [Type; 5] = [
            parse_quote!(String),
            parse_quote!(Option<u64>),
            parse_quote!(Vec<Grant>),
            parse_quote!(Nested),
            parse_quote!(NestedGrant<T>),
        ];
        for ty in cases {
            assert_eq!(classify(&ty), Holding::Nothing, "{}", ty.to_token_stream());
        }
    }

    #[test]
    fn generic_arguments_on_the_path_are_not_the_nested_shape() {
        let ty: Type = parse_quote!(my::Wrapper<u8>::Nested<Grant>);
        assert_eq!(classify(&ty), Holding::Unverifiable);
        let ty: Type = parse_quote!(Nested<Grant, Extra>);
        assert_eq!(classify(&ty), Holding::Unverifiable);
    }
}
