//! Stage 1: reads `#[jwt(...)]` attributes into spanned key/value entries.
//!
//! This stage knows the key set and the `key = value` syntax, nothing about
//! what a value means: it reports unknown, duplicate and value-less keys and
//! hands each value on as a [`Value`] (a literal, a path or a list) for the
//! model to interpret. Values are cut at the next top-level comma and parsed
//! on their own, so one malformed value does not hide the mistakes after it.

use proc_macro2::{Group, Ident, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, LitStr, Path, Token, parenthesized, token};

use crate::errors::Errors;
use crate::value::Value;

/// The name of our attribute, on the struct and on fields.
const ATTRIBUTE: &str = "jwt";

/// A key of the container attribute `#[jwt(...)]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Key {
    /// `typ = "access"`: the expected `typ` header.
    Typ,
    /// `aud = "billing"` or `aud = [...]`: the accepted audiences.
    Aud,
    /// `iss = "..."`: the one accepted issuer.
    Iss,
    /// `alg = "ES256"`: the one accepted algorithm.
    Alg,
    /// `algs = [...]`: the accepted algorithms.
    Algs,
    /// `ttl = "15m"`: the default lifetime of new tokens.
    Ttl,
    /// `leeway = "30s"`: tolerated clock skew.
    Leeway,
    /// `max_age = "1h"`: the oldest accepted `iat`.
    MaxAge,
    /// `require = [...]`: registered claims that must be present.
    Require,
    /// `claim(name = "value", ...)`: private claims that must have exactly
    /// these values.
    Claim,
    /// `one_time`: each token may be used once (`jti` required; a stateful
    /// verifier refuses the second use).
    OneTime,
    /// `wraps`: the payload is another token (RFC 7519 §5.2), not claims.
    Wraps,
    /// `dangerous_untyped`: in place of `typ`, accepts a third-party
    /// issuer's tokens with `typ: "JWT"` or none.
    DangerousUntyped,
    /// `encrypted`: tokens are signed, then encrypted (a JWE whose
    /// payload is the JWS).
    Encrypted,
    /// `enc = "A256GCM"` or `enc = [...]`: the content encryptions an
    /// encrypted purpose accepts.
    Enc,
}

impl Key {
    /// Every key, in the order the unknown-key message lists them.
    pub(crate) const ALL: [Key; 15] = [
        Key::Typ,
        Key::Aud,
        Key::Iss,
        Key::Alg,
        Key::Algs,
        Key::Ttl,
        Key::Leeway,
        Key::MaxAge,
        Key::Require,
        Key::Claim,
        Key::OneTime,
        Key::Wraps,
        Key::DangerousUntyped,
        Key::Encrypted,
        Key::Enc,
    ];

    /// The key as written in the attribute.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Key::Typ => "typ",
            Key::Aud => "aud",
            Key::Iss => "iss",
            Key::Alg => "alg",
            Key::Algs => "algs",
            Key::Ttl => "ttl",
            Key::Leeway => "leeway",
            Key::MaxAge => "max_age",
            Key::Require => "require",
            Key::Claim => "claim",
            Key::OneTime => "one_time",
            Key::Wraps => "wraps",
            Key::DangerousUntyped => "dangerous_untyped",
            Key::Encrypted => "encrypted",
            Key::Enc => "enc",
        }
    }

    /// A correct use of the key, quoted in error messages as the fix.
    pub(crate) const fn example(self) -> &'static str {
        match self {
            Key::Typ => "`typ = \"access\"`",
            Key::Aud => "`aud = \"billing\"` or `aud = [\"billing\", \"reports\"]`",
            Key::Iss => "`iss = \"https://auth.example.com\"` or `iss = AUTH_ISSUER`",
            Key::Alg => "`alg = \"ES256\"`",
            Key::Algs => "`algs = [\"ES256\", \"EdDSA\"]`",
            Key::Ttl => "`ttl = \"15m\"`",
            Key::Leeway => "`leeway = \"30s\"`",
            Key::MaxAge => "`max_age = \"1h\"`",
            Key::Require => "`require = [\"sub\", \"jti\"]`",
            Key::Claim => "`claim(token_use = \"access\")`",
            Key::OneTime => "`#[jwt(typ = \"reset\", aud = \"accounts\", one_time)]`",
            Key::Wraps => "`#[jwt(typ = \"...\", wraps)]`",
            Key::DangerousUntyped => {
                "`#[jwt(dangerous_untyped, iss = \"https://issuer.example.com\", aud = \"...\")]`"
            }
            Key::Encrypted => "`#[jwt(typ = \"access\", aud = \"billing\", encrypted)]`",
            Key::Enc => "`enc = \"A256GCM\"` or `enc = [\"A128GCM\", \"A256GCM\"]`",
        }
    }

    /// Whether the key is a flag, whose presence is its value.
    const fn is_flag(self) -> bool {
        matches!(
            self,
            Key::OneTime | Key::Wraps | Key::DangerousUntyped | Key::Encrypted
        )
    }

    /// The key spelled `name`, if it is one of ours.
    fn from_name(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|key| key.name() == name)
    }

    /// The key a user most likely meant by `name`, for words that are
    /// natural guesses (`audience`, `type`, `issuer`) but not our spelling.
    fn meant_by(name: &str) -> Option<Key> {
        match name {
            "type" | "token_type" => Some(Key::Typ),
            "audience" | "audiences" => Some(Key::Aud),
            "issuer" => Some(Key::Iss),
            "algorithm" => Some(Key::Alg),
            "algorithms" => Some(Key::Algs),
            "expiry" | "expires_in" | "lifetime" | "exp" => Some(Key::Ttl),
            "clock_skew" | "skew" => Some(Key::Leeway),
            "maxage" | "max_lifetime" => Some(Key::MaxAge),
            "required" | "requires" => Some(Key::Require),
            "claims" | "required_claim" | "required_claims" => Some(Key::Claim),
            "untyped" | "no_typ" => Some(Key::DangerousUntyped),
            "once" | "single_use" | "onetime" | "one_shot" => Some(Key::OneTime),
            "encrypt" | "jwe" | "encryption" => Some(Key::Encrypted),
            "encs" | "content_encryption" => Some(Key::Enc),
            _ => None,
        }
    }
}

/// One `key = value` of the container attribute.
pub(crate) struct Entry {
    /// Which key.
    pub(crate) key: Key,
    /// The key as written, for spans.
    pub(crate) ident: Ident,
    /// The value; `None` when it was missing or unparsable (already reported).
    pub(crate) value: Option<Value>,
}

/// One `name = value` of `claim(...)`.
pub(crate) struct ClaimEntry {
    /// The claim's name as written.
    pub(crate) name: ClaimName,
    /// The value; `None` when it was missing or unparsable (already reported).
    pub(crate) value: Option<Value>,
}

/// The name of a required claim: an identifier, or a string for names
/// that are none (`"custom:tenant"`).
pub(crate) enum ClaimName {
    /// `token_use`
    Ident(Ident),
    /// `"custom:tenant"`
    Str(LitStr),
}

/// Everything the struct's `#[jwt(...)]` attributes say, in source order.
pub(crate) struct ContainerAttrs {
    /// Each key at most once: later duplicates are reported and dropped.
    /// `claim` has one entry however often it is written; its claims are
    /// in `claims`.
    pub(crate) entries: Vec<Entry>,
    /// The `name = value` pairs of every `claim(...)`, in source order.
    pub(crate) claims: Vec<ClaimEntry>,
    /// Whether there was any `#[jwt]` attribute on the struct at all.
    pub(crate) found: bool,
    /// Whether every attribute could be read to its end; when not, keys
    /// after the syntax error are unknown, so "missing key" is not reported.
    pub(crate) complete: bool,
}

impl ContainerAttrs {
    /// Reads every `#[jwt(...)]` among the struct's attributes; several are
    /// merged as if written as one.
    pub(crate) fn read(attrs: &[Attribute], errors: &mut Errors) -> ContainerAttrs {
        let mut read = ContainerAttrs {
            entries: Vec::new(),
            claims: Vec::new(),
            found: false,
            complete: true,
        };
        for attr in attrs.iter().filter(|attr| attr.path().is_ident(ATTRIBUTE)) {
            read.found = true;
            let parsed = attr.parse_nested_meta(|meta| {
                read.read_entry(&meta, errors)?;
                Ok(())
            });
            if let Err(error) = parsed {
                read.complete = false;
                errors.push(error);
            }
        }
        read
    }

    /// The entry for `key`, if it was written.
    pub(crate) fn get(&self, key: Key) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.key == key)
    }

    /// Reads one `key = value`, reporting what is wrong with it and carrying on.
    fn read_entry(&mut self, meta: &ParseNestedMeta<'_>, errors: &mut Errors) -> syn::Result<()> {
        let name = path_name(&meta.path);
        let Some(key) = Key::from_name(&name) else {
            skip_value(meta.input)?;
            errors.at(&meta.path, unknown_key_message(&name));
            return Ok(());
        };
        let ident = meta.path.require_ident()?.clone();
        if key.is_flag() {
            if meta.input.peek(Token![=]) || meta.input.peek(token::Paren) {
                skip_value(meta.input)?;
                errors.at(
                    &ident,
                    format!("`{name}` takes no value: write {}", key.example()),
                );
            }
            if self.get(key).is_some() {
                errors.at(&ident, format!("duplicate jwt attribute `{name}`"));
            } else {
                self.entries.push(Entry {
                    key,
                    ident,
                    value: None,
                });
            }
            return Ok(());
        }
        if key == Key::Claim {
            self.read_claims(meta, &ident, errors)?;
            // Several `claim(...)` add up; the entry records the first.
            if self.get(key).is_none() {
                self.entries.push(Entry {
                    key,
                    ident,
                    value: None,
                });
            }
            return Ok(());
        }
        let value = match read_value(meta, key.name(), key.example(), errors)? {
            Read::Value(value) => Some(value),
            Read::Missing => None,
            Read::RunsOn => {
                self.complete = false;
                None
            }
        };
        if self.get(key).is_some() {
            errors.at(&ident, format!("duplicate jwt attribute `{name}`"));
        } else {
            self.entries.push(Entry { key, ident, value });
        }
        Ok(())
    }

    /// Reads the `(name = value, ...)` after `claim`, reporting each
    /// malformed pair and carrying on with the next.
    fn read_claims(
        &mut self,
        meta: &ParseNestedMeta<'_>,
        ident: &Ident,
        errors: &mut Errors,
    ) -> syn::Result<()> {
        const USAGE: &str = "like `claim(token_use = \"access\")`";
        if !meta.input.peek(token::Paren) {
            let value = take_until_comma(meta.input)?;
            let message = format!("`claim` takes claims and their values in parentheses, {USAGE}");
            if value.is_empty() {
                errors.at(ident, message);
            } else {
                errors.at(value, message);
            }
            return Ok(());
        }
        let content;
        let paren = parenthesized!(content in meta.input);
        if content.is_empty() {
            errors.at_span(
                paren.span.join(),
                format!("`claim()` is empty: name a claim and the value it must have, {USAGE}"),
            );
        }
        while !content.is_empty() {
            let pair = take_until_comma(&content)?;
            let comma: Option<Token![,]> = content.parse()?;
            if pair.is_empty() {
                errors.at(comma, format!("expected a claim before `,`, {USAGE}"));
                continue;
            }
            if let Some(claim) = claim_entry(pair, errors) {
                self.claims.push(claim);
            }
        }
        Ok(())
    }
}

/// One `name = value` of `claim(...)`, or `None` when it is malformed
/// (reported).
fn claim_entry(pair: TokenStream, errors: &mut Errors) -> Option<ClaimEntry> {
    let parse_name = |input: ParseStream<'_>| {
        let name = if input.peek(LitStr) {
            ClaimName::Str(input.parse()?)
        } else {
            ClaimName::Ident(Ident::parse_any(input)?)
        };
        let rest: TokenStream = input.parse()?;
        Ok((name, rest))
    };
    let Ok((name, rest)) = parse_name.parse2(pair.clone()) else {
        errors.at(
            pair,
            "expected a claim name and its value, like `claim(token_use = \"access\")` \
             or `claim(\"custom:tenant\" = \"acme\")`",
        );
        return None;
    };
    let shown = name.value();
    let example = format!("`claim({} = \"...\")`", name.written());
    let mut rest = rest.into_iter();
    let eq = match rest.next() {
        Some(TokenTree::Punct(punct)) if punct.as_char() == '=' => punct,
        None => {
            errors.at(
                &name,
                format!("claim `{shown}` needs the value it must have, like {example}"),
            );
            return Some(ClaimEntry { name, value: None });
        }
        Some(_) => {
            errors.at(
                pair,
                format!("malformed claim `{shown}`; expected something like {example}"),
            );
            return Some(ClaimEntry { name, value: None });
        }
    };
    let tokens: TokenStream = rest.collect();
    if tokens.is_empty() {
        errors.at(
            eq,
            format!("claim `{shown}` needs a value after `=`, like {example}"),
        );
        return Some(ClaimEntry { name, value: None });
    }
    match syn::parse2::<Value>(tokens.clone()) {
        Ok(value) => Some(ClaimEntry {
            name,
            value: Some(value),
        }),
        Err(_) => {
            errors.at(
                tokens,
                format!("malformed value of claim `{shown}`; expected a string, like {example}"),
            );
            Some(ClaimEntry { name, value: None })
        }
    }
}

impl ClaimName {
    /// The claim's member name: the identifier without `r#`, or the string.
    pub(crate) fn value(&self) -> String {
        match self {
            ClaimName::Ident(ident) => crate::serde_name::unraw(ident),
            ClaimName::Str(lit) => lit.value(),
        }
    }

    /// The name as written, for examples in messages.
    pub(crate) fn written(&self) -> String {
        match self {
            ClaimName::Ident(ident) => ident.to_string(),
            ClaimName::Str(lit) => format!("{:?}", lit.value()),
        }
    }
}

impl ToTokens for ClaimName {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            ClaimName::Ident(ident) => ident.to_tokens(tokens),
            ClaimName::Str(lit) => lit.to_tokens(tokens),
        }
    }
}

/// What a field's `#[jwt(...)]` attributes say.
pub(crate) struct FieldAttrs {
    /// The `nested` key, when the field is marked `#[jwt(nested)]`.
    pub(crate) nested: Option<Ident>,
}

impl FieldAttrs {
    /// Reads every `#[jwt(...)]` on one field.
    pub(crate) fn read(attrs: &[Attribute], errors: &mut Errors) -> FieldAttrs {
        let mut read = FieldAttrs { nested: None };
        for attr in attrs.iter().filter(|attr| attr.path().is_ident(ATTRIBUTE)) {
            let parsed = attr.parse_nested_meta(|meta| {
                read.read_entry(&meta, errors)?;
                Ok(())
            });
            if let Err(error) = parsed {
                errors.push(error);
            }
        }
        read
    }

    /// Reads one key of a field attribute.
    fn read_entry(&mut self, meta: &ParseNestedMeta<'_>, errors: &mut Errors) -> syn::Result<()> {
        let name = path_name(&meta.path);
        if name != "nested" {
            skip_value(meta.input)?;
            let message = match Key::from_name(&name) {
                Some(_) => format!(
                    "`{name}` goes in the struct's `#[jwt(...)]`, not on a field; fields only take `#[jwt(nested)]`"
                ),
                None => format!("unknown jwt field attribute `{name}`; expected `nested`"),
            };
            errors.at(&meta.path, message);
            return Ok(());
        }
        let ident = meta.path.require_ident()?.clone();
        if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
            // `nested = true`, `nested(...)`: the intent is clear, so the
            // field still counts as marked and no second error follows.
            let value = take_until_comma(meta.input)?;
            errors.at(value, "`nested` takes no value: write `#[jwt(nested)]`");
        }
        if self.nested.is_some() {
            errors.at(&ident, "duplicate jwt attribute `nested`");
        } else {
            self.nested = Some(ident);
        }
        Ok(())
    }
}

/// The message for a container key we do not know.
fn unknown_key_message(name: &str) -> String {
    let expected = Key::ALL.map(Key::name).join(", ");
    if name == "nested" {
        return "`nested` goes on a field, not on the struct: \
                `#[jwt(nested)] grant: Nested<Grant>` verifies that field as a token of its own"
            .to_owned();
    }
    let mut message = format!("unknown jwt attribute `{name}`; expected one of: {expected}");
    if let Some(key) = Key::meant_by(name) {
        message.push_str(&format!(" (did you mean `{}`?)", key.name()));
    }
    message
}

/// The outcome of reading the value after a key.
enum Read {
    /// A value.
    Value(Value),
    /// No usable value (reported).
    Missing,
    /// A value followed by another `key = ...` without a comma (reported):
    /// the keys after it were swallowed and are unknown.
    RunsOn,
}

/// Reads the `= value` after a key, reporting why when there is none.
fn read_value(
    meta: &ParseNestedMeta<'_>,
    name: &str,
    example: &str,
    errors: &mut Errors,
) -> syn::Result<Read> {
    if meta.input.peek(token::Paren) {
        let group: Group = meta.input.parse()?;
        errors.at(
            group,
            format!("`{name}` takes its value after `=`, like {example}"),
        );
        return Ok(Read::Missing);
    }
    if !meta.input.peek(Token![=]) {
        errors.at(
            &meta.path,
            format!("`{name}` needs a value, like {example}"),
        );
        return Ok(Read::Missing);
    }
    let eq: Token![=] = meta.input.parse()?;
    let tokens = take_until_comma(meta.input)?;
    if tokens.is_empty() {
        errors.at(
            eq,
            format!("`{name}` needs a value after `=`, like {example}"),
        );
        return Ok(Read::Missing);
    }
    let value_then_rest = |input: ParseStream<'_>| {
        let value: Value = input.parse()?;
        let rest: TokenStream = input.parse()?;
        Ok((value, rest))
    };
    match value_then_rest.parse2(tokens.clone()) {
        Ok((value, rest)) if rest.is_empty() => Ok(Read::Value(value)),
        Ok((_, rest)) if starts_an_entry(&rest) => {
            let next_key = rest.into_iter().next();
            let message = match &next_key {
                Some(key) => format!("missing `,` before `{key}`"),
                None => "missing `,`".to_owned(),
            };
            errors.at(next_key, message);
            Ok(Read::RunsOn)
        }
        _ => {
            errors.at(
                tokens,
                format!("malformed value of `{name}`; expected something like {example}"),
            );
            Ok(Read::Missing)
        }
    }
}

/// Whether `tokens` start like another entry: `key =`.
fn starts_an_entry(tokens: &TokenStream) -> bool {
    let mut trees = tokens.clone().into_iter();
    matches!(
        (trees.next(), trees.next()),
        (Some(TokenTree::Ident(_)), Some(TokenTree::Punct(punct))) if punct.as_char() == '='
    )
}

/// Skips whatever follows an unknown key (`= value`, `(...)` or nothing).
fn skip_value(input: ParseStream<'_>) -> syn::Result<()> {
    take_until_comma(input).map(drop)
}

/// Takes the tokens up to the next top-level comma (or the end).
fn take_until_comma(input: ParseStream<'_>) -> syn::Result<TokenStream> {
    input.step(|cursor| {
        let mut tokens = TokenStream::new();
        let mut rest = *cursor;
        while let Some((tree, next)) = rest.token_tree() {
            if matches!(&tree, TokenTree::Punct(punct) if punct.as_char() == ',') {
                break;
            }
            tokens.extend([tree]);
            rest = next;
        }
        Ok((tokens, rest))
    })
}

/// A key path as the user wrote it, for messages (`foo`, `a::b`).
fn path_name(path: &Path) -> String {
    match path.get_ident() {
        Some(ident) => ident.to_string(),
        None => path
            .segments
            .iter()
            .map(|segment| segment.ident.to_string())
            .collect::<Vec<_>>()
            .join("::"),
    }
}

#[cfg(test)]
mod tests {
    use syn::{DeriveInput, parse_quote};

    use super::*;

    /// Reads the container attributes of `input`, returning them and every
    /// error message.
    fn read(input: DeriveInput) -> (ContainerAttrs, Vec<String>) {
        let mut errors = Errors::new();
        let attrs = ContainerAttrs::read(&input.attrs, &mut errors);
        (attrs, errors.messages())
    }

    /// The value of `key`, as a token string.
    fn value_of(attrs: &ContainerAttrs, key: Key) -> String {
        attrs
            .get(key)
            .and_then(|entry| entry.value.as_ref())
            .unwrap()
            .to_token_stream()
            .to_string()
    }

    #[test]
    fn every_key_is_read_with_its_value() {
        let (attrs, errors) = read(parse_quote! {
            #[jwt(typ = "access", aud = ["billing", "reports"], iss = "https://i", alg = "ES256")]
            #[jwt(ttl = "15m", leeway = "30s", max_age = "1h", require = ["sub"])]
            struct Access;
        });
        assert_eq!(errors, Vec::<String>::new());
        assert!(attrs.found && attrs.complete);
        assert_eq!(attrs.entries.len(), 8);
        assert_eq!(value_of(&attrs, Key::Typ), "\"access\"");
        assert_eq!(value_of(&attrs, Key::Aud), "[\"billing\" , \"reports\"]");
        assert_eq!(value_of(&attrs, Key::Require), "[\"sub\"]");
    }

    #[test]
    fn other_attributes_are_ignored() {
        let (attrs, errors) = read(parse_quote! {
            #[derive(Debug)]
            #[serde(rename_all = "camelCase")]
            struct Access;
        });
        assert!(errors.is_empty());
        assert!(!attrs.found);
    }

    #[test]
    fn unknown_key_lists_the_expected_keys_and_reading_continues() {
        let (attrs, errors) = read(parse_quote! {
            #[jwt(foo = "x", typ = "access")]
            struct Access;
        });
        assert_eq!(
            errors,
            [
                "unknown jwt attribute `foo`; expected one of: typ, aud, iss, alg, algs, ttl, leeway, max_age, require, claim, one_time, wraps, dangerous_untyped, encrypted, enc"
            ]
        );
        assert!(attrs.get(Key::Typ).is_some());
    }

    #[test]
    fn unknown_key_that_is_a_natural_guess_suggests_our_spelling() {
        let (_, errors) = read(parse_quote! {
            #[jwt(audience = "billing", type = "access")]
            struct Access;
        });
        assert_eq!(
            errors,
            [
                "unknown jwt attribute `audience`; expected one of: typ, aud, iss, alg, algs, ttl, leeway, max_age, require, claim, one_time, wraps, dangerous_untyped, encrypted, enc (did you mean `aud`?)",
                "unknown jwt attribute `type`; expected one of: typ, aud, iss, alg, algs, ttl, leeway, max_age, require, claim, one_time, wraps, dangerous_untyped, encrypted, enc (did you mean `typ`?)",
            ]
        );
    }

    #[test]
    fn nested_on_the_container_points_to_fields() {
        let (_, errors) = read(parse_quote! {
            #[jwt(nested)]
            struct Access;
        });
        assert_eq!(
            errors,
            [
                "`nested` goes on a field, not on the struct: `#[jwt(nested)] grant: Nested<Grant>` verifies that field as a token of its own"
            ]
        );
    }

    #[test]
    fn duplicate_key_is_reported_even_across_attributes() {
        let (attrs, errors) = read(parse_quote! {
            #[jwt(aud = "billing")]
            #[jwt(aud = "reports")]
            struct Access;
        });
        assert_eq!(errors, ["duplicate jwt attribute `aud`"]);
        assert_eq!(value_of(&attrs, Key::Aud), "\"billing\"");
    }

    #[test]
    fn key_without_value_is_reported_and_still_counts_as_written() {
        let (attrs, errors) = read(parse_quote! {
            #[jwt(aud, typ = )]
            struct Access;
        });
        assert_eq!(
            errors,
            [
                "`aud` needs a value, like `aud = \"billing\"` or `aud = [\"billing\", \"reports\"]`",
                "`typ` needs a value after `=`, like `typ = \"access\"`",
            ]
        );
        assert!(
            attrs
                .get(Key::Aud)
                .is_some_and(|entry| entry.value.is_none())
        );
        assert!(attrs.get(Key::Typ).is_some());
    }

    #[test]
    fn parenthesized_value_is_reported() {
        let (_, errors) = read(parse_quote! {
            #[jwt(aud("billing"))]
            struct Access;
        });
        assert_eq!(
            errors,
            [
                "`aud` takes its value after `=`, like `aud = \"billing\"` or `aud = [\"billing\", \"reports\"]`"
            ]
        );
    }

    #[test]
    fn malformed_value_is_reported_and_later_keys_are_still_read() {
        let (attrs, errors) = read(parse_quote! {
            #[jwt(ttl = 15 m, typ = "access")]
            struct Access;
        });
        assert_eq!(
            errors,
            ["malformed value of `ttl`; expected something like `ttl = \"15m\"`"]
        );
        assert!(attrs.complete);
        assert_eq!(value_of(&attrs, Key::Typ), "\"access\"");
    }

    #[test]
    fn only_literals_paths_and_lists_are_values() {
        let (attrs, errors) = read(parse_quote! {
            #[jwt(ttl = -5, typ = ("access"), aud = ["billing" "reports"], iss = "https://i")]
            struct Access;
        });
        assert_eq!(
            errors,
            [
                "malformed value of `ttl`; expected something like `ttl = \"15m\"`",
                "malformed value of `typ`; expected something like `typ = \"access\"`",
                "malformed value of `aud`; expected something like `aud = \"billing\"` or `aud = [\"billing\", \"reports\"]`",
            ]
        );
        assert!(attrs.complete);
        assert_eq!(value_of(&attrs, Key::Iss), "\"https://i\"");
    }

    #[test]
    fn missing_comma_is_reported_on_the_next_key_and_leaves_the_attributes_incomplete() {
        let (attrs, errors) = read(parse_quote! {
            #[jwt(typ = "access" aud = "billing")]
            struct Access;
        });
        assert_eq!(errors, ["missing `,` before `aud`"]);
        assert!(!attrs.complete);
        assert!(attrs.get(Key::Typ).is_some());
    }

    #[test]
    fn attribute_without_parentheses_leaves_the_attributes_incomplete() {
        let input: DeriveInput = syn::parse_str("#[jwt]\nstruct Access;").unwrap();
        let mut errors = Errors::new();
        let attrs = ContainerAttrs::read(&input.attrs, &mut errors);
        assert_eq!(
            errors.messages_at(),
            [(
                "expected attribute arguments in parentheses: #[jwt(...)]".to_owned(),
                "1:3 jwt".to_owned()
            )]
        );
        assert!(attrs.found);
        assert!(!attrs.complete);
    }

    #[test]
    fn flags_take_no_value_and_appear_once() {
        let (attrs, errors) = read(parse_quote! {
            #[jwt(dangerous_untyped = true, wraps(x), dangerous_untyped)]
            struct Access;
        });
        assert_eq!(
            errors,
            [
                "`dangerous_untyped` takes no value: write `#[jwt(dangerous_untyped, iss = \"https://issuer.example.com\", aud = \"...\")]`",
                "`wraps` takes no value: write `#[jwt(typ = \"...\", wraps)]`",
                "duplicate jwt attribute `dangerous_untyped`",
            ]
        );
        assert!(attrs.get(Key::DangerousUntyped).is_some());
        assert!(attrs.complete);
    }

    #[test]
    fn one_time_is_a_flag_and_its_near_misses_are_suggested() {
        let (attrs, errors) = read(parse_quote! {
            #[jwt(one_time, typ = "reset")]
            #[jwt(one_time = true, single_use)]
            struct Reset;
        });
        let expected = Key::ALL.map(Key::name).join(", ");
        assert_eq!(
            errors,
            [
                "`one_time` takes no value: write `#[jwt(typ = \"reset\", aud = \"accounts\", one_time)]`".to_owned(),
                "duplicate jwt attribute `one_time`".to_owned(),
                format!(
                    "unknown jwt attribute `single_use`; expected one of: {expected} (did you mean `one_time`?)"
                ),
            ]
        );
        assert!(
            attrs
                .get(Key::OneTime)
                .is_some_and(|entry| entry.value.is_none())
        );
        assert!(attrs.complete);
    }

    #[test]
    fn untyped_and_claims_are_suggested_for_near_misses() {
        let (_, errors) = read(parse_quote! {
            #[jwt(untyped, claims(token_use = "access"))]
            struct Access;
        });
        let expected = Key::ALL.map(Key::name).join(", ");
        assert_eq!(
            errors,
            [
                format!(
                    "unknown jwt attribute `untyped`; expected one of: {expected} (did you mean `dangerous_untyped`?)"
                ),
                format!(
                    "unknown jwt attribute `claims`; expected one of: {expected} (did you mean `claim`?)"
                ),
            ]
        );
    }

    /// The `(name, value)` of each claim read, as token strings.
    fn claims_of(attrs: &ContainerAttrs) -> Vec<(String, String)> {
        attrs
            .claims
            .iter()
            .map(|claim| {
                let value = claim
                    .value
                    .as_ref()
                    .map(|value| value.to_token_stream().to_string());
                (claim.name.value(), value.unwrap_or_default())
            })
            .collect()
    }

    #[test]
    fn claims_are_read_from_every_claim_key_with_one_entry() {
        let (attrs, errors) = read(parse_quote! {
            #[jwt(claim(token_use = "access", r#type = "user",), typ = "a")]
            #[jwt(claim("custom:tenant" = "acme"))]
            struct Access;
        });
        assert_eq!(errors, Vec::<String>::new());
        let pair = |name: &str, value: &str| (name.to_owned(), value.to_owned());
        assert_eq!(
            claims_of(&attrs),
            [
                pair("token_use", "\"access\""),
                pair("type", "\"user\""),
                pair("custom:tenant", "\"acme\""),
            ]
        );
        let claim_entries = attrs.entries.iter().filter(|entry| entry.key == Key::Claim);
        assert_eq!(claim_entries.count(), 1);
        assert!(attrs.get(Key::Typ).is_some());
    }

    #[test]
    fn malformed_claims_are_each_reported_and_reading_continues() {
        let (attrs, errors) = read(parse_quote! {
            #[jwt(claim = "token_use", claim, claim())]
            #[jwt(claim(a, b =, 5 = "x", c:d = "x", e = "x" "y",, f = "ok"), typ = "a")]
            struct Access;
        });
        assert_eq!(
            errors,
            [
                "`claim` takes claims and their values in parentheses, like `claim(token_use = \"access\")`",
                "`claim` takes claims and their values in parentheses, like `claim(token_use = \"access\")`",
                "`claim()` is empty: name a claim and the value it must have, like `claim(token_use = \"access\")`",
                "claim `a` needs the value it must have, like `claim(a = \"...\")`",
                "claim `b` needs a value after `=`, like `claim(b = \"...\")`",
                "expected a claim name and its value, like `claim(token_use = \"access\")` or `claim(\"custom:tenant\" = \"acme\")`",
                "malformed claim `c`; expected something like `claim(c = \"...\")`",
                "malformed value of claim `e`; expected a string, like `claim(e = \"...\")`",
                "expected a claim before `,`, like `claim(token_use = \"access\")`",
            ]
        );
        let names: Vec<String> = claims_of(&attrs)
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(names, ["a", "b", "c", "e", "f"]);
        assert!(attrs.complete);
        assert!(attrs.get(Key::Typ).is_some());
    }

    /// Reads the `#[jwt]` attributes of the first field of `input`.
    fn read_field(input: DeriveInput) -> (FieldAttrs, Vec<String>) {
        let syn::Data::Struct(data) = input.data else {
            unreachable!("tests pass structs")
        };
        let field = data.fields.into_iter().next().unwrap();
        let mut errors = Errors::new();
        let attrs = FieldAttrs::read(&field.attrs, &mut errors);
        (attrs, errors.messages())
    }

    #[test]
    fn nested_marks_a_field() {
        let (attrs, errors) = read_field(parse_quote! {
            struct Outer { #[jwt(nested)] grant: Nested<Grant> }
        });
        assert!(errors.is_empty());
        assert!(attrs.nested.is_some());
    }

    #[test]
    fn nested_twice_on_a_field_is_a_duplicate() {
        let (attrs, errors) = read_field(parse_quote! {
            struct Outer { #[jwt(nested)] #[jwt(nested)] grant: Nested<Grant> }
        });
        assert_eq!(errors, ["duplicate jwt attribute `nested`"]);
        assert!(attrs.nested.is_some());
    }

    #[test]
    fn nested_with_a_value_is_reported_but_still_marks_the_field() {
        let (attrs, errors) = read_field(parse_quote! {
            struct Outer { #[jwt(nested = true)] grant: Nested<Grant> }
        });
        assert_eq!(errors, ["`nested` takes no value: write `#[jwt(nested)]`"]);
        assert!(attrs.nested.is_some());
    }

    #[test]
    fn unknown_field_key_expects_nested() {
        let (attrs, errors) = read_field(parse_quote! {
            struct Outer { #[jwt(verify)] grant: Nested<Grant> }
        });
        assert_eq!(
            errors,
            ["unknown jwt field attribute `verify`; expected `nested`"]
        );
        assert!(attrs.nested.is_none());
    }

    #[test]
    fn container_key_on_a_field_points_to_the_struct() {
        let (_, errors) = read_field(parse_quote! {
            struct Outer { #[jwt(aud = "billing")] org: u64 }
        });
        assert_eq!(
            errors,
            [
                "`aud` goes in the struct's `#[jwt(...)]`, not on a field; fields only take `#[jwt(nested)]`"
            ]
        );
    }
}
