//! The error accumulator every stage reports into.
//!
//! A stage never stops at the first mistake: it records a spanned
//! [`syn::Error`] and carries on, so the user sees every mistake in one
//! compile. Model: serde_derive's `internals/ctxt.rs`.

use std::fmt::Display;

use quote::ToTokens;

/// Mistakes found so far, in the order they were found.
#[derive(Default)]
pub(crate) struct Errors {
    /// All errors combined into one; `None` while there are none.
    combined: Option<syn::Error>,
}

impl Errors {
    /// No errors yet.
    pub(crate) fn new() -> Errors {
        Errors::default()
    }

    /// Records an error that `syn` (or another stage) already built.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(error),
            None => self.combined = Some(error),
        }
    }

    /// Records `message`, spanned on `tokens` (all of them, not just the
    /// first token, so a list is underlined whole).
    pub(crate) fn at(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records `message`, spanned on one token's span.
    pub(crate) fn at_span(&mut self, span: proc_macro2::Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// `Ok` when nothing was recorded, otherwise every error combined.
    pub(crate) fn finish(self) -> Result<(), syn::Error> {
        match self.combined {
            Some(combined) => Err(combined),
            None => Ok(()),
        }
    }

    /// Every message recorded so far, in order; what unit tests assert on.
    #[cfg(test)]
    pub(crate) fn messages(&self) -> Vec<String> {
        self.combined
            .iter()
            .flat_map(|combined| combined.clone().into_iter())
            .map(|error| error.to_string())
            .collect()
    }

    /// Every message recorded so far, in order, with where its error
    /// points: `line:column` (both from 1, as the compiler counts) and the
    /// source text underlined. Only input parsed from source text has
    /// places; `parse_quote!` gives every token the same span.
    #[cfg(test)]
    pub(crate) fn messages_at(&self) -> Vec<(String, String)> {
        self.combined
            .iter()
            .flat_map(|combined| combined.clone().into_iter())
            .map(|error| {
                let span = error.span();
                let start = span.start();
                let text = span.source_text().unwrap_or_default();
                let place = format!("{}:{} {text}", start.line, start.column + 1);
                (error.to_string(), place)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use proc_macro2::Span;

    use super::*;

    #[test]
    fn finishing_without_errors_is_ok() {
        assert!(Errors::new().finish().is_ok());
    }

    #[test]
    fn every_error_is_kept_in_the_order_it_was_recorded() {
        let mut errors = Errors::new();
        errors.at_span(Span::call_site(), "first");
        errors.at_span(Span::call_site(), "second");
        assert_eq!(errors.messages(), ["first", "second"]);
        let combined = errors.finish().unwrap_err();
        let finished: Vec<String> = combined.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(finished, ["first", "second"]);
    }

    #[test]
    fn errors_point_at_the_tokens_they_were_recorded_on() {
        let source = "struct S {\n    a: u8,\n    b: Vec<u8>,\n}";
        let input: syn::DeriveInput = syn::parse_str(source).unwrap();
        let syn::Data::Struct(data) = &input.data else {
            unreachable!("the source is a struct")
        };
        let fields: Vec<&syn::Field> = data.fields.iter().collect();
        let mut errors = Errors::new();
        errors.at(&fields[1].ty, "whole type");
        errors.at_span(input.ident.span(), "one token");
        assert_eq!(
            errors.messages_at(),
            [
                ("whole type".to_owned(), "3:8 Vec<u8>".to_owned()),
                ("one token".to_owned(), "1:8 S".to_owned()),
            ]
        );
    }
}
