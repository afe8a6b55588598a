//! The JSON member names serde gives a field, computed the way serde does.
//!
//! Needed to keep fields off the registered claims (a field renamed to `exp`
//! is as bad as a field called `exp`) and to name nested fields in errors.
//! Serde attributes are read leniently: keys we do not need are skipped and
//! malformed ones ignored, because serde's own derive reports those.

use proc_macro2::{Ident, Span, TokenTree};
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Expr, ExprLit, Lit, Token, token};

/// The name of serde's attribute.
const SERDE: &str = "serde";

/// One of serde's `rename_all` case conventions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Case {
    /// `lowercase`
    Lower,
    /// `UPPERCASE`
    Upper,
    /// `PascalCase`
    Pascal,
    /// `camelCase`
    Camel,
    /// `snake_case`
    Snake,
    /// `SCREAMING_SNAKE_CASE`
    ScreamingSnake,
    /// `kebab-case`
    Kebab,
    /// `SCREAMING-KEBAB-CASE`
    ScreamingKebab,
}

impl Case {
    /// The convention spelled `name`, as serde spells them.
    fn from_name(name: &str) -> Option<Case> {
        Some(match name {
            "lowercase" => Case::Lower,
            "UPPERCASE" => Case::Upper,
            "PascalCase" => Case::Pascal,
            "camelCase" => Case::Camel,
            "snake_case" => Case::Snake,
            "SCREAMING_SNAKE_CASE" => Case::ScreamingSnake,
            "kebab-case" => Case::Kebab,
            "SCREAMING-KEBAB-CASE" => Case::ScreamingKebab,
            _ => return None,
        })
    }

    /// Renames a field exactly as serde_derive's `RenameRule::apply_to_field`
    /// does (fields are assumed snake_case, so `lowercase` changes nothing).
    pub(crate) fn apply_to_field(self, field: &str) -> String {
        match self {
            Case::Lower | Case::Snake => field.to_owned(),
            Case::Upper | Case::ScreamingSnake => field.to_ascii_uppercase(),
            Case::Pascal => {
                let mut pascal = String::new();
                let mut capitalize = true;
                for ch in field.chars() {
                    if ch == '_' {
                        capitalize = true;
                    } else if capitalize {
                        pascal.push(ch.to_ascii_uppercase());
                        capitalize = false;
                    } else {
                        pascal.push(ch);
                    }
                }
                pascal
            }
            Case::Camel => {
                let pascal = Case::Pascal.apply_to_field(field);
                let mut chars = pascal.chars();
                match chars.next() {
                    Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
                    None => pascal,
                }
            }
            Case::Kebab => field.replace('_', "-"),
            Case::ScreamingKebab => field.to_ascii_uppercase().replace('_', "-"),
        }
    }
}

/// A string literal from a serde attribute: its value and where it is.
#[derive(Clone, Debug)]
pub(crate) struct Text {
    /// The string's value.
    pub(crate) value: String,
    /// The literal's span, for errors.
    pub(crate) span: Span,
}

/// A `rename_all` rule with the name it was written as.
#[derive(Clone)]
pub(crate) struct Rule {
    /// The convention.
    pub(crate) case: Case,
    /// The name as written (`"camelCase"`), quoted in messages.
    pub(crate) name: String,
}

/// What the struct's `#[serde(...)]` attributes say about member names.
#[derive(Default)]
pub(crate) struct SerdeContainer {
    /// `rename_all` for serializing.
    pub(crate) rename_serialize: Option<Rule>,
    /// `rename_all` for deserializing.
    pub(crate) rename_deserialize: Option<Rule>,
    /// `tag = "..."`: a member serde adds holding the struct's name.
    pub(crate) tag: Option<Text>,
}

impl SerdeContainer {
    /// Reads the struct's serde attributes.
    pub(crate) fn read(attrs: &[Attribute]) -> SerdeContainer {
        let mut container = SerdeContainer::default();
        for attr in serde_attrs(attrs) {
            // Malformed serde attributes are serde's to report.
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename_all") {
                    let Renames {
                        serialize,
                        deserialize,
                        ..
                    } = ser_and_de(&meta)?;
                    let rule = |text: Text| {
                        Case::from_name(&text.value).map(|case| Rule {
                            case,
                            name: text.value,
                        })
                    };
                    container.rename_serialize = serialize
                        .and_then(rule)
                        .or(container.rename_serialize.take());
                    container.rename_deserialize = deserialize
                        .and_then(rule)
                        .or(container.rename_deserialize.take());
                } else if meta.path.is_ident("tag") {
                    container.tag = string_value(&meta)?.or(container.tag.take());
                } else {
                    skip(&meta)?;
                }
                Ok(())
            });
        }
        container
    }
}

/// Where a field's JSON name comes from; decides what an error points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The field's identifier, unchanged.
    Ident,
    /// The field's identifier through the container's `rename_all`; holds
    /// the rule's name.
    RenameAll(String),
    /// `#[serde(rename = "...")]` or one of its directions.
    Rename(RenameForm),
    /// `#[serde(alias = "...")]`, or a `rename(deserialize = ...)` after the first.
    Alias,
}

/// How a rename was written, so a message can quote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RenameForm {
    /// `rename = "x"`
    Both,
    /// `rename(serialize = "x")`
    Serialize,
    /// `rename(deserialize = "x")`
    Deserialize,
}

impl RenameForm {
    /// The rename as written, with `value` in it.
    pub(crate) fn written(self, value: &str) -> String {
        match self {
            RenameForm::Both => format!("rename = {value:?}"),
            RenameForm::Serialize => format!("rename(serialize = {value:?})"),
            RenameForm::Deserialize => format!("rename(deserialize = {value:?})"),
        }
    }
}

/// A key that takes one name or a name per direction, as serde's `rename`
/// and `rename_all` do.
struct Renames {
    /// The name for serializing.
    serialize: Option<Text>,
    /// The name for deserializing.
    deserialize: Option<Text>,
    /// Whether it was written `key = "x"`, for both directions at once.
    both: bool,
}

/// One JSON member name a field is written or read under.
#[derive(Clone, Debug)]
pub(crate) struct JsonName {
    /// The member name.
    pub(crate) value: String,
    /// What made it the name.
    pub(crate) origin: Origin,
    /// The literal that gave the name, or the field's identifier.
    pub(crate) span: Span,
}

impl JsonName {
    /// Whether two names are the same name from the same kind of source
    /// (a `rename = "x"` gives both directions one name).
    fn same_as(&self, other: &JsonName) -> bool {
        self.value == other.value && self.origin == other.origin
    }
}

/// Every JSON member name of one field.
pub(crate) struct FieldNames {
    /// The field's identifier, without `r#`: what `Origin::Ident` refers to.
    pub(crate) field: String,
    /// The name serde writes when serializing.
    pub(crate) serialize: JsonName,
    /// The main name serde reads when deserializing.
    pub(crate) deserialize: JsonName,
    /// Further names serde accepts when deserializing.
    pub(crate) aliases: Vec<JsonName>,
    /// `#[serde(flatten)]`: the field's own members are inlined and its
    /// name never appears.
    pub(crate) flatten: bool,
    /// `skip` or `skip_serializing`.
    pub(crate) skip_serializing: bool,
    /// `skip` or `skip_deserializing`.
    pub(crate) skip_deserializing: bool,
}

impl FieldNames {
    /// Computes the names of the field `ident` with attributes `attrs`.
    pub(crate) fn read(
        ident: &Ident,
        attrs: &[Attribute],
        container: &SerdeContainer,
    ) -> FieldNames {
        let field = unraw(ident);
        let mut rename_serialize: Option<Text> = None;
        let mut renamed_both = false;
        let mut rename_deserialize: Vec<Text> = Vec::new();
        let mut aliases: Vec<Text> = Vec::new();
        let mut flatten = false;
        let mut skip_serializing = false;
        let mut skip_deserializing = false;
        for attr in serde_attrs(attrs) {
            // Malformed serde attributes are serde's to report.
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let Renames {
                        serialize,
                        deserialize,
                        both,
                    } = ser_and_de(&meta)?;
                    renamed_both |= both;
                    rename_serialize = serialize.or(rename_serialize.take());
                    rename_deserialize.extend(deserialize);
                } else if meta.path.is_ident("alias") {
                    aliases.extend(string_value(&meta)?);
                } else if meta.path.is_ident("flatten") {
                    flatten = true;
                } else if meta.path.is_ident("skip") {
                    skip_serializing = true;
                    skip_deserializing = true;
                } else if meta.path.is_ident("skip_serializing") {
                    skip_serializing = true;
                } else if meta.path.is_ident("skip_deserializing") {
                    skip_deserializing = true;
                } else {
                    skip(&meta)?;
                }
                Ok(())
            });
        }

        let default_name = |rule: &Option<Rule>| match rule {
            Some(rule) => JsonName {
                value: rule.case.apply_to_field(&field),
                origin: Origin::RenameAll(rule.name.clone()),
                span: ident.span(),
            },
            None => JsonName {
                value: field.clone(),
                origin: Origin::Ident,
                span: ident.span(),
            },
        };
        let renamed = |text: Text, direction: RenameForm| {
            let form = if renamed_both {
                RenameForm::Both
            } else {
                direction
            };
            JsonName {
                value: text.value,
                origin: Origin::Rename(form),
                span: text.span,
            }
        };
        let serialize = match rename_serialize {
            Some(text) => renamed(text, RenameForm::Serialize),
            None => default_name(&container.rename_serialize),
        };
        // Serde reads the first deserialize rename as the name and accepts
        // the others as aliases.
        let mut renames = rename_deserialize.into_iter();
        let deserialize = match renames.next() {
            Some(text) => renamed(text, RenameForm::Deserialize),
            None => default_name(&container.rename_deserialize),
        };
        let aliases = renames
            .chain(aliases)
            .map(|text| JsonName {
                value: text.value,
                origin: Origin::Alias,
                span: text.span,
            })
            .collect();
        FieldNames {
            field,
            serialize,
            deserialize,
            aliases,
            flatten,
            skip_serializing,
            skip_deserializing,
        }
    }

    /// The names under which this field can appear in a token's JSON
    /// object, each once (a `rename = "x"` serves both directions but is
    /// one name).
    pub(crate) fn in_json(&self) -> Vec<&JsonName> {
        if self.flatten {
            return Vec::new();
        }
        let mut names: Vec<&JsonName> = Vec::new();
        if !self.skip_serializing {
            names.push(&self.serialize);
        }
        if !self.skip_deserializing {
            names.push(&self.deserialize);
            names.extend(&self.aliases);
        }
        let mut unique: Vec<&JsonName> = Vec::new();
        for name in names {
            if !unique.iter().any(|seen| seen.same_as(name)) {
                unique.push(name);
            }
        }
        unique
    }
}

/// The identifier as serde sees it: `r#type` is the member `type`.
pub(crate) fn unraw(ident: &Ident) -> String {
    let name = ident.to_string();
    match name.strip_prefix("r#") {
        Some(unraw) => unraw.to_owned(),
        None => name,
    }
}

/// The `#[serde(...)]` attributes among `attrs`.
fn serde_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|attr| attr.path().is_ident(SERDE))
}

/// Reads `key = "x"` (both directions) or `key(serialize = "x", deserialize = "y")`.
fn ser_and_de(meta: &ParseNestedMeta<'_>) -> syn::Result<Renames> {
    if meta.input.peek(Token![=]) {
        let name = string_value(meta)?;
        return Ok(Renames {
            serialize: name.clone(),
            deserialize: name,
            both: true,
        });
    }
    let mut serialize = None;
    let mut deserialize = None;
    if meta.input.peek(token::Paren) {
        meta.parse_nested_meta(|inner| {
            if inner.path.is_ident("serialize") {
                serialize = string_value(&inner)?;
            } else if inner.path.is_ident("deserialize") {
                deserialize = string_value(&inner)?;
            } else {
                skip(&inner)?;
            }
            Ok(())
        })?;
    }
    Ok(Renames {
        serialize,
        deserialize,
        both: false,
    })
}

/// Reads `= "string"`; other values (serde's to reject) give `None`.
/// Parsed as serde_derive parses it (an `Expr`, seen through invisible
/// groups), so both derives see the same string.
fn string_value(meta: &ParseNestedMeta<'_>) -> syn::Result<Option<Text>> {
    let mut expr: Expr = meta.value()?.parse()?;
    while let Expr::Group(group) = expr {
        expr = *group.expr;
    }
    Ok(match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(literal),
            ..
        }) => Some(Text {
            value: literal.value(),
            span: literal.span(),
        }),
        _ => None,
    })
}

/// Skips the value of a serde key we do not need, whatever its form.
fn skip(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    meta.input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tree, next)) = rest.token_tree() {
            if matches!(&tree, TokenTree::Punct(punct) if punct.as_char() == ',') {
                break;
            }
            rest = next;
        }
        Ok(((), rest))
    })
}

#[cfg(test)]
mod tests {
    use syn::{DeriveInput, Fields, parse_quote};

    use super::*;

    /// The names of every field of `input`, in order.
    fn names(input: DeriveInput) -> Vec<FieldNames> {
        let container = SerdeContainer::read(&input.attrs);
        let syn::Data::Struct(data) = input.data else {
            unreachable!("tests pass structs")
        };
        let Fields::Named(fields) = data.fields else {
            unreachable!("tests pass named fields")
        };
        fields
            .named
            .iter()
            .map(|field| FieldNames::read(field.ident.as_ref().unwrap(), &field.attrs, &container))
            .collect()
    }

    /// The `(value, origin kind)` pairs of one field's names in the JSON.
    fn in_json(names: &FieldNames) -> Vec<(String, &'static str)> {
        names
            .in_json()
            .into_iter()
            .map(|name| {
                let origin = match name.origin {
                    Origin::Ident => "ident",
                    Origin::RenameAll(_) => "rename_all",
                    Origin::Rename(_) => "rename",
                    Origin::Alias => "alias",
                };
                (name.value.clone(), origin)
            })
            .collect()
    }

    #[test]
    fn plain_field_is_named_after_its_identifier() {
        let fields = names(parse_quote! { struct S { org_id: u64 } });
        assert_eq!(in_json(&fields[0]), [("org_id".to_owned(), "ident")]);
    }

    #[test]
    fn raw_identifier_loses_its_prefix() {
        let fields = names(parse_quote! { struct S { r#type: String } });
        assert_eq!(fields[0].field, "type");
        assert_eq!(in_json(&fields[0]), [("type".to_owned(), "ident")]);
    }

    #[test]
    fn rename_serves_both_directions_as_one_name() {
        let fields = names(parse_quote! { struct S { #[serde(rename = "exp")] expires: u64 } });
        assert_eq!(in_json(&fields[0]), [("exp".to_owned(), "rename")]);
    }

    #[test]
    fn rename_with_directions_gives_each_its_name() {
        let fields = names(parse_quote! {
            struct S { #[serde(rename(serialize = "out", deserialize = "in"))] field: u64 }
        });
        assert_eq!(
            in_json(&fields[0]),
            [("out".to_owned(), "rename"), ("in".to_owned(), "rename")]
        );
    }

    #[test]
    fn rename_of_one_direction_leaves_the_other_to_the_identifier() {
        let fields =
            names(parse_quote! { struct S { #[serde(rename(deserialize = "jti"))] id: u64 } });
        assert_eq!(
            in_json(&fields[0]),
            [("id".to_owned(), "ident"), ("jti".to_owned(), "rename")]
        );
        assert_eq!(fields[0].deserialize.value, "jti");
    }

    #[test]
    fn aliases_are_names_read_when_deserializing() {
        let fields = names(parse_quote! {
            struct S { #[serde(alias = "a", alias = "b")] #[serde(default)] field: u64 }
        });
        assert_eq!(
            in_json(&fields[0]),
            [
                ("field".to_owned(), "ident"),
                ("a".to_owned(), "alias"),
                ("b".to_owned(), "alias")
            ]
        );
    }

    #[test]
    fn rename_all_applies_to_fields_without_their_own_rename() {
        let fields = names(parse_quote! {
            #[serde(rename_all = "camelCase")]
            struct S { org_id: u64, #[serde(rename = "x_y")] other: u64 }
        });
        assert_eq!(in_json(&fields[0]), [("orgId".to_owned(), "rename_all")]);
        assert_eq!(in_json(&fields[1]), [("x_y".to_owned(), "rename")]);
    }

    #[test]
    fn rename_all_with_directions_applies_to_each_direction() {
        let fields = names(parse_quote! {
            #[serde(rename_all(serialize = "UPPERCASE"))]
            struct S { exp_at: u64 }
        });
        assert_eq!(
            in_json(&fields[0]),
            [
                ("EXP_AT".to_owned(), "rename_all"),
                ("exp_at".to_owned(), "ident")
            ]
        );
    }

    #[test]
    fn case_conventions_match_serde() {
        let cases = [
            ("lowercase", "Org_Id"),
            ("UPPERCASE", "ORG_ID"),
            ("PascalCase", "OrgId"),
            ("camelCase", "orgId"),
            ("snake_case", "Org_Id"),
            ("SCREAMING_SNAKE_CASE", "ORG_ID"),
            ("kebab-case", "Org-Id"),
            ("SCREAMING-KEBAB-CASE", "ORG-ID"),
        ];
        for (name, expected) in cases {
            assert_eq!(
                Case::from_name(name).unwrap().apply_to_field("Org_Id"),
                expected,
                "{name}"
            );
        }
        // The surprising ones that can produce a registered claim name.
        assert_eq!(Case::Camel.apply_to_field("Exp"), "exp");
        assert_eq!(Case::Camel.apply_to_field("_exp"), "exp");
        assert_eq!(Case::Camel.apply_to_field(""), "");
    }

    #[test]
    fn flattened_and_skipped_fields_have_no_name_in_the_json() {
        let fields = names(parse_quote! {
            struct S {
                #[serde(flatten)] extra: Extra,
                #[serde(skip)] exp: u64,
                #[serde(skip_serializing)] iat: u64,
                #[serde(skip_deserializing)] nbf: u64,
            }
        });
        assert!(fields[0].in_json().is_empty());
        assert!(fields[1].in_json().is_empty());
        assert_eq!(in_json(&fields[2]), [("iat".to_owned(), "ident")]);
        assert_eq!(in_json(&fields[3]), [("nbf".to_owned(), "ident")]);
    }

    #[test]
    fn unrelated_and_malformed_serde_attributes_are_ignored() {
        let fields = names(parse_quote! {
            #[serde(deny_unknown_fields, bound(serialize = "T: Serialize"), rename_all = "nonsense")]
            struct S {
                #[serde(with = "module", skip_serializing_if = "Option::is_none", default)] a: u64,
                #[serde(rename = 5)] b: u64,
                #[serde(getter = "x", borrow, rename = "c_name")] c: u64,
            }
        });
        assert_eq!(in_json(&fields[0]), [("a".to_owned(), "ident")]);
        assert_eq!(in_json(&fields[1]), [("b".to_owned(), "ident")]);
        assert_eq!(in_json(&fields[2]), [("c_name".to_owned(), "rename")]);
    }

    #[test]
    fn tag_is_read_from_the_container() {
        let input: DeriveInput = parse_quote! { #[serde(tag = "iss")] struct S { a: u64 } };
        let container = SerdeContainer::read(&input.attrs);
        assert_eq!(container.tag.unwrap().value, "iss");
    }
}
