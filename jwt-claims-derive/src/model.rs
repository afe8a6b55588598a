//! Stage 2: the typed model of a claims type.
//!
//! Turns the raw entries of [`attr`](crate::attr) into typed values
//! (strings checked, algorithms and claims named, durations in seconds),
//! reporting what is wrong with each value on its own. Rules that weigh one
//! value against another are [`validate`](crate::validate)'s. The model keeps
//! the raw entries and syntax nodes so later stages can still point at them.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Data, DeriveInput, Fields, Generics, Ident, LitStr, Path, Type};

use crate::attr::{ClaimEntry, ContainerAttrs, Entry, FieldAttrs, Key};
use crate::duration;
use crate::errors::Errors;
use crate::nested_type::{self, Holding};
use crate::serde_name::{FieldNames, SerdeContainer};
use crate::value::Value;

/// The message for every input that is not a struct with named fields.
pub(crate) const NOT_A_NAMED_STRUCT: &str =
    "Claims can only be derived for structs with named fields: a JWT claims set is a JSON object";

/// A JWS algorithm, mirroring the runtime's `jwt_claims::Algorithm`
/// variant for variant (the variant names are the `alg` names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Algorithm {
    /// HMAC with SHA-256.
    HS256,
    /// HMAC with SHA-384.
    HS384,
    /// HMAC with SHA-512.
    HS512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256.
    PS256,
    /// RSASSA-PSS with SHA-384.
    PS384,
    /// RSASSA-PSS with SHA-512.
    PS512,
    /// ECDSA with P-256.
    ES256,
    /// ECDSA with P-384.
    ES384,
    /// EdDSA with Ed25519.
    EdDSA,
}

impl Algorithm {
    /// Every supported algorithm, in the runtime's order.
    pub(crate) const ALL: [Algorithm; 12] = [
        Algorithm::HS256,
        Algorithm::HS384,
        Algorithm::HS512,
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::EdDSA,
    ];

    /// The `alg` name, which is also the runtime's variant name.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::EdDSA => "EdDSA",
        }
    }

    /// Whether the algorithm uses a shared secret rather than a key pair.
    pub(crate) const fn is_hmac(self) -> bool {
        matches!(self, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
    }
}

/// A content encryption `enc` may name, mirroring the runtime's
/// `jwt_claims::jwe::ContentEncryption`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ContentEncryption {
    /// AES-128-GCM.
    A128Gcm,
    /// AES-256-GCM.
    A256Gcm,
    /// AES-128-CBC with HMAC-SHA-256.
    A128CbcHs256,
    /// AES-256-CBC with HMAC-SHA-512.
    A256CbcHs512,
}

impl ContentEncryption {
    /// Every content encryption, in the runtime's order.
    pub(crate) const ALL: [ContentEncryption; 4] = [
        ContentEncryption::A128Gcm,
        ContentEncryption::A256Gcm,
        ContentEncryption::A128CbcHs256,
        ContentEncryption::A256CbcHs512,
    ];

    /// The `enc` name.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            ContentEncryption::A128Gcm => "A128GCM",
            ContentEncryption::A256Gcm => "A256GCM",
            ContentEncryption::A128CbcHs256 => "A128CBC-HS256",
            ContentEncryption::A256CbcHs512 => "A256CBC-HS512",
        }
    }

    /// The runtime's variant name.
    pub(crate) const fn variant(self) -> &'static str {
        match self {
            ContentEncryption::A128Gcm => "A128Gcm",
            ContentEncryption::A256Gcm => "A256Gcm",
            ContentEncryption::A128CbcHs256 => "A128CbcHs256",
            ContentEncryption::A256CbcHs512 => "A256CbcHs512",
        }
    }
}

/// A registered claim `require` may name, mirroring the runtime's
/// `jwt_claims::RegisteredClaim` (`exp` and `aud` are always required, so
/// they are not listed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RequiredClaim {
    /// `iss`
    Issuer,
    /// `sub`
    Subject,
    /// `iat`
    IssuedAt,
    /// `nbf`
    NotBefore,
    /// `jti`
    JwtId,
}

impl RequiredClaim {
    /// Every claim `require` accepts, in the order messages list them.
    const ALL: [RequiredClaim; 5] = [
        RequiredClaim::Issuer,
        RequiredClaim::Subject,
        RequiredClaim::IssuedAt,
        RequiredClaim::NotBefore,
        RequiredClaim::JwtId,
    ];

    /// The claim's JSON member name.
    const fn name(self) -> &'static str {
        match self {
            RequiredClaim::Issuer => "iss",
            RequiredClaim::Subject => "sub",
            RequiredClaim::IssuedAt => "iat",
            RequiredClaim::NotBefore => "nbf",
            RequiredClaim::JwtId => "jti",
        }
    }

    /// The runtime's `RegisteredClaim` variant name.
    pub(crate) const fn variant(self) -> &'static str {
        match self {
            RequiredClaim::Issuer => "Issuer",
            RequiredClaim::Subject => "Subject",
            RequiredClaim::IssuedAt => "IssuedAt",
            RequiredClaim::NotBefore => "NotBefore",
            RequiredClaim::JwtId => "JwtId",
        }
    }
}

/// Every registered claim name (RFC 7519 §4.1): the members the framework
/// owns and no field may take.
pub(crate) const REGISTERED_CLAIMS: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

/// The most `leeway` a derived type may declare, in seconds: the runtime's
/// `jwt_claims::MAX_LEEWAY` (5 minutes).
pub(crate) const MAX_LEEWAY_SECS: u64 = 5 * 60;

/// A string of the policy (`iss`, an audience): a literal, checked here, or
/// a path to a `const &str`, which the compiler type-checks and
/// `Policy::check` checks the value of at run time.
pub(crate) enum PolicyStr {
    /// `"billing"`
    Literal(String),
    /// `BILLING`, `crate::audiences::BILLING`
    Const(Path),
}

impl PolicyStr {
    /// The literal's value; `None` for a path.
    #[cfg(test)]
    pub(crate) fn literal(&self) -> Option<&str> {
        match self {
            PolicyStr::Literal(value) => Some(value),
            PolicyStr::Const(_) => None,
        }
    }
}

/// A private claim `claim(...)` requires, with the exact value it must have.
pub(crate) struct ClaimValue {
    /// The member name, like `token_use`.
    pub(crate) name: String,
    /// The value, like `access`.
    pub(crate) value: String,
}

/// The algorithms of `algs = [...]`, with the list kept for spans.
pub(crate) struct AlgorithmList {
    /// The list as written.
    pub(crate) tokens: TokenStream,
    /// Each algorithm, in the order written.
    pub(crate) items: Vec<Algorithm>,
}

/// The typed values of the container attribute; a value is `None` when it
/// was absent or invalid (and reported).
#[derive(Default)]
pub(crate) struct Policy {
    /// `typ`
    pub(crate) typ: Option<String>,
    /// `aud`, one or more.
    pub(crate) audiences: Vec<PolicyStr>,
    /// `iss`
    pub(crate) issuer: Option<PolicyStr>,
    /// `alg`
    pub(crate) alg: Option<Algorithm>,
    /// `algs`
    pub(crate) algs: Option<AlgorithmList>,
    /// `ttl`, in seconds.
    pub(crate) ttl_secs: Option<u64>,
    /// `leeway`, in seconds.
    pub(crate) leeway_secs: Option<u64>,
    /// `max_age`, in seconds.
    pub(crate) max_age_secs: Option<u64>,
    /// `require`
    pub(crate) required: Vec<RequiredClaim>,
    /// `claim(...)`, in the order written.
    pub(crate) claims: Vec<ClaimValue>,
    /// `one_time`: each token may be used once.
    pub(crate) one_time: bool,
    /// `wraps`: the payload is a token of the single field's purpose.
    pub(crate) wraps: bool,
    /// `dangerous_untyped`: tokens with `typ: "JWT"` or no `typ` are accepted.
    pub(crate) untyped: bool,
    /// `encrypted`: tokens are signed, then encrypted.
    pub(crate) encrypted: bool,
    /// `enc`: the content encryptions accepted; empty for all.
    pub(crate) encryptions: Vec<ContentEncryption>,
}

impl Policy {
    /// The algorithm allow-list, from `alg` or `algs`; empty when neither
    /// was given (the key decides).
    pub(crate) fn algorithms(&self) -> Vec<Algorithm> {
        match (&self.alg, &self.algs) {
            (Some(alg), _) => vec![*alg],
            (None, Some(list)) => list.items.clone(),
            (None, None) => Vec::new(),
        }
    }
}

/// One named field.
pub(crate) struct Field<'a> {
    /// The field's identifier.
    pub(crate) ident: &'a Ident,
    /// The field's type as written.
    pub(crate) ty: &'a Type,
    /// The `nested` key when the field is marked `#[jwt(nested)]`.
    pub(crate) nested: Option<Ident>,
    /// What the type says about nested tokens.
    pub(crate) holding: Holding,
    /// The JSON member names serde gives the field.
    pub(crate) names: FieldNames,
}

/// The whole model of one `#[derive(Claims)]` input.
pub(crate) struct Claims<'a> {
    /// The type's name.
    pub(crate) ident: &'a Ident,
    /// The type's generics, kept as written.
    pub(crate) generics: &'a Generics,
    /// The raw `#[jwt(...)]` entries: what was written, for rules about
    /// presence and for spans.
    pub(crate) attrs: ContainerAttrs,
    /// The struct's serde attributes that affect member names.
    pub(crate) serde: SerdeContainer,
    /// The typed policy values.
    pub(crate) policy: Policy,
    /// The named fields; empty when the input is not a struct with named
    /// fields (already reported).
    pub(crate) fields: Vec<Field<'a>>,
}

impl<'a> Claims<'a> {
    /// Builds the model, reporting every mistake in a single key or field.
    pub(crate) fn from_input(input: &'a DeriveInput, errors: &mut Errors) -> Claims<'a> {
        let attrs = ContainerAttrs::read(&input.attrs, errors);
        let serde = SerdeContainer::read(&input.attrs);
        let policy = Policy::from_attrs(&attrs, errors);
        let fields = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => named
                    .named
                    .iter()
                    .map(|field| {
                        let ident = field.ident.as_ref().expect("named fields have identifiers");
                        Field {
                            ident,
                            ty: &field.ty,
                            nested: FieldAttrs::read(&field.attrs, errors).nested,
                            holding: nested_type::classify(&field.ty),
                            names: FieldNames::read(ident, &field.attrs, &serde),
                        }
                    })
                    .collect(),
                Fields::Unnamed(unnamed) => {
                    errors.at(unnamed, NOT_A_NAMED_STRUCT);
                    Vec::new()
                }
                Fields::Unit => {
                    errors.at(&input.ident, NOT_A_NAMED_STRUCT);
                    Vec::new()
                }
            },
            Data::Enum(data) => {
                errors.at(data.enum_token, NOT_A_NAMED_STRUCT);
                Vec::new()
            }
            Data::Union(data) => {
                errors.at(data.union_token, NOT_A_NAMED_STRUCT);
                Vec::new()
            }
        };
        Claims {
            ident: &input.ident,
            generics: &input.generics,
            attrs,
            serde,
            policy,
            fields,
        }
    }

    /// The fields marked `#[jwt(nested)]`, in declaration order.
    pub(crate) fn nested_fields(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields.iter().filter(|field| field.nested.is_some())
    }
}

impl Policy {
    /// Interprets every written value on its own.
    fn from_attrs(attrs: &ContainerAttrs, errors: &mut Errors) -> Policy {
        let mut policy = Policy::default();
        for entry in &attrs.entries {
            let Some(value) = &entry.value else { continue };
            match entry.key {
                Key::Typ => {
                    policy.typ = string(value, Key::Typ, errors).and_then(|lit| typ(lit, errors))
                }
                Key::Aud => policy.audiences = audiences(value, errors),
                Key::Iss => policy.issuer = issuer(value, errors),
                Key::Alg => {
                    policy.alg =
                        string(value, Key::Alg, errors).and_then(|lit| algorithm(lit, errors))
                }
                Key::Algs => policy.algs = algorithm_list(value, errors),
                Key::Ttl => policy.ttl_secs = duration(entry, value, errors),
                Key::Leeway => policy.leeway_secs = duration(entry, value, errors),
                Key::MaxAge => policy.max_age_secs = duration(entry, value, errors),
                Key::Require => policy.required = required_claims(value, errors),
                Key::Enc => policy.encryptions = content_encryptions(value, errors),
                Key::Claim | Key::OneTime | Key::Wraps | Key::DangerousUntyped | Key::Encrypted => {
                }
            }
        }
        policy.claims = claim_values(&attrs.claims, errors);
        policy.one_time = attrs.get(Key::OneTime).is_some();
        policy.wraps = attrs.get(Key::Wraps).is_some();
        policy.untyped = attrs.get(Key::DangerousUntyped).is_some();
        policy.encrypted = attrs.get(Key::Encrypted).is_some();
        policy
    }
}

/// The string literal `value`, or an error saying `key` takes one.
fn string<'e>(value: &'e Value, key: Key, errors: &mut Errors) -> Option<&'e LitStr> {
    match value {
        Value::Str(lit) => return Some(lit),
        Value::List(_) if key == Key::Alg => errors.at(
            value,
            "`alg` takes one algorithm; for several, write `algs = [\"ES256\", \"EdDSA\"]`",
        ),
        Value::Int(int) if is_duration(key) => {
            // `ttl = 900` and `ttl = 15m` (an integer with suffix `m`).
            let example = match int.suffix() {
                "" => format!("\"{}s\"", int.base10_digits()),
                suffix => format!("\"{}{suffix}\"", int.base10_digits()),
            };
            errors.at(
                value,
                format!(
                    "`{0}` takes a duration string, like `{0} = {example}` (units: s, m, h, d)",
                    key.name()
                ),
            );
        }
        _ => errors.at(
            value,
            format!("`{}` takes a string, like {}", key.name(), key.example()),
        ),
    }
    None
}

/// The string literals of the list `value`, or an error saying `key` takes one.
fn string_list<'e>(value: &'e Value, key: Key, errors: &mut Errors) -> Option<Vec<&'e LitStr>> {
    let Value::List(list) = value else {
        let message = match key {
            Key::Algs => "`algs` takes a list, like `algs = [\"ES256\", \"EdDSA\"]`; \
                          for one algorithm, write `alg = \"ES256\"`"
                .to_owned(),
            _ => format!(
                "`{}` takes a list of strings, like {}",
                key.name(),
                key.example()
            ),
        };
        errors.at(value, message);
        return None;
    };
    let mut literals = Vec::new();
    for element in &list.elems {
        match element {
            Value::Str(lit) => literals.push(lit),
            _ => errors.at(
                element,
                format!(
                    "expected a string in `{}`, like {}",
                    key.name(),
                    key.example()
                ),
            ),
        }
    }
    // A list with a malformed element is reported, not half-used.
    (literals.len() == list.elems.len()).then_some(literals)
}

/// Whether `key` takes a duration.
fn is_duration(key: Key) -> bool {
    matches!(key, Key::Ttl | Key::Leeway | Key::MaxAge)
}

/// `typ`: non-empty visible ASCII, because it is compared with the `typ`
/// header (RFC 7515 §4.1.9), a media type.
fn typ(lit: &LitStr, errors: &mut Errors) -> Option<String> {
    let value = lit.value();
    if value.is_empty() {
        errors.at(
            lit,
            "`typ` cannot be empty; name the kind of token, like `typ = \"access\"`",
        );
        return None;
    }
    if let Some(bad) = value.chars().find(|c| !c.is_ascii_graphic()) {
        errors.at(
            lit,
            format!(
                "`typ` must be visible ASCII without whitespace, like `typ = \"access\"`: \
                 it is compared with the JWT `typ` header (RFC 7515 §4.1.9); found {bad:?}"
            ),
        );
        return None;
    }
    if value.eq_ignore_ascii_case("jwt") || value.eq_ignore_ascii_case("application/jwt") {
        errors.at(
            lit,
            "`typ = \"JWT\"` says only that this is a JWT, not what it is for: name the purpose, \
             like `typ = \"access\"` (RFC 8725 §3.11); to verify a third-party issuer's tokens \
             that carry `typ: \"JWT\"`, write `dangerous_untyped` in place of `typ`, with `iss` \
             and `aud`",
        );
        return None;
    }
    Some(value)
}

/// `aud`: one audience or a non-empty list of distinct ones, each a
/// non-empty string or a path to a `const &str`.
fn audiences(value: &Value, errors: &mut Errors) -> Vec<PolicyStr> {
    const TAKES: &str = "`aud` takes a string, a path to a `const &str`, or a list of them, \
                         like `aud = \"billing\"`, `aud = BILLING` or `aud = [BILLING, \"reports\"]`";
    let elements: Vec<&Value> = match value {
        Value::List(list) => list.elems.iter().collect(),
        Value::Str(_) | Value::Path(_) => vec![value],
        _ => {
            errors.at(value, TAKES);
            return Vec::new();
        }
    };
    if elements.is_empty() {
        errors.at(
            value,
            "`aud` needs at least one audience, like `aud = \"billing\"`: a token must say whom it is for (RFC 7519 §4.1.3)",
        );
    }
    let mut audiences: Vec<PolicyStr> = Vec::new();
    let mut valid = true;
    for element in elements {
        let audience = match element {
            Value::Str(lit) if lit.value().is_empty() => {
                errors.at(lit, "an audience cannot be empty");
                valid = false;
                continue;
            }
            Value::Str(lit) => PolicyStr::Literal(lit.value()),
            Value::Path(path) => match const_path(path, Key::Aud, errors) {
                Some(audience) => audience,
                None => {
                    valid = false;
                    continue;
                }
            },
            _ => {
                errors.at(
                    element,
                    "expected a string or a path to a `const &str` in `aud`, \
                     like `aud = [\"billing\", \"reports\"]` or `aud = [BILLING, \"reports\"]`",
                );
                valid = false;
                continue;
            }
        };
        // Only what is written alike is known alike: a path's value is
        // the compiler's, so a literal and a path are never compared.
        if let Some(seen) = audiences.iter().find(|seen| same_written(seen, &audience)) {
            let shown = match seen {
                PolicyStr::Literal(value) => format!("{value:?}"),
                PolicyStr::Const(path) => format!("`{}`", path_text(path)),
            };
            errors.at(element, format!("duplicate audience {shown}"));
            valid = false;
        } else {
            audiences.push(audience);
        }
    }
    if valid { audiences } else { Vec::new() }
}

/// Whether two policy strings are written the same: equal literals, or
/// the same path.
fn same_written(a: &PolicyStr, b: &PolicyStr) -> bool {
    match (a, b) {
        (PolicyStr::Literal(a), PolicyStr::Literal(b)) => a == b,
        (PolicyStr::Const(a), PolicyStr::Const(b)) => path_text(a) == path_text(b),
        _ => false,
    }
}

/// A path as written, without spaces: `crate::issuers::AUTH`.
fn path_text(path: &Path) -> String {
    path.to_token_stream().to_string().replace(' ', "")
}

/// `iss`: a non-empty string or a path to a `const &str`.
fn issuer(value: &Value, errors: &mut Errors) -> Option<PolicyStr> {
    match value {
        Value::Str(lit) if lit.value().is_empty() => {
            errors.at(
                lit,
                "`iss` cannot be empty; omit it to leave the issuer to the verifier",
            );
            None
        }
        Value::Str(lit) => Some(PolicyStr::Literal(lit.value())),
        Value::Path(path) => const_path(path, Key::Iss, errors),
        _ => {
            errors.at(
                value,
                "`iss` takes a string or a path to a `const &str`, \
                 like `iss = \"https://auth.example.com\"` or `iss = AUTH_ISSUER`",
            );
            None
        }
    }
}

/// A path given for `key`, emitted as is. `Self` is refused: the policy is
/// built in a `static`, where `Self` cannot be named (E0401).
fn const_path(path: &Path, key: Key, errors: &mut Errors) -> Option<PolicyStr> {
    let first = path.segments.first().map(|segment| &segment.ident);
    if first.is_some_and(|ident| ident == "Self") {
        errors.at(
            path,
            format!(
                "`{}` cannot name a constant through `Self`: the policy is built in a `static`, \
                 which cannot refer to `Self`; write the type's name, like `Access::ISSUER`",
                key.name()
            ),
        );
        return None;
    }
    Some(PolicyStr::Const(path.clone()))
}

/// `claim(...)`: distinct, non-empty private claim names, each with a
/// string value.
fn claim_values(entries: &[ClaimEntry], errors: &mut Errors) -> Vec<ClaimValue> {
    let mut claims: Vec<ClaimValue> = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let name = entry.name.value();
        let mut valid = true;
        if name.is_empty() {
            errors.at(&entry.name, "a claim name cannot be empty");
            valid = false;
        } else if REGISTERED_CLAIMS.contains(&name.as_str()) {
            let instead = match name.as_str() {
                "iss" => "bind the issuer with `iss = \"...\"`",
                "aud" => "name the audiences with `aud = ...`",
                "exp" => "`exp` is always required and checked",
                _ => "require its presence with `require = [...]`",
            };
            errors.at(
                &entry.name,
                format!(
                    "`claim` is for private claims, like `token_use`; `{name}` is a registered claim, \
                     which jwt-claims owns and checks itself: {instead}"
                ),
            );
            valid = false;
        } else if entries[..index]
            .iter()
            .any(|earlier| earlier.name.value() == name)
        {
            errors.at(&entry.name, format!("duplicate claim `{name}` in `claim`"));
            valid = false;
        }
        let value = match &entry.value {
            Some(Value::Str(lit)) => Some(lit.value()),
            Some(value) => {
                let example = entry.name.written();
                errors.at(
                    value,
                    format!(
                        "the value of claim `{name}` must be a string, like `claim({example} = \"access\")`: \
                         a token is accepted only when the claim is exactly this string"
                    ),
                );
                None
            }
            None => None,
        };
        if let (true, Some(value)) = (valid, value) {
            claims.push(ClaimValue { name, value });
        }
    }
    claims
}

/// One algorithm name: case-sensitive (RFC 7515 §4.1.1), never `none`.
fn algorithm(lit: &LitStr, errors: &mut Errors) -> Option<Algorithm> {
    let name = lit.value();
    if let Some(algorithm) = Algorithm::ALL.into_iter().find(|alg| alg.name() == name) {
        return Some(algorithm);
    }
    let message = if name.eq_ignore_ascii_case("none") {
        "`none` is never allowed: unsecured JWTs are rejected (RFC 8725 §3.1)".to_owned()
    } else if name.eq_ignore_ascii_case("ES512") {
        "ES512 is not supported by the crypto backend; use ES256, ES384 or EdDSA".to_owned()
    } else if let Some(meant) = Algorithm::ALL
        .into_iter()
        .find(|alg| alg.name().eq_ignore_ascii_case(&name))
    {
        format!(
            "unknown algorithm {name:?}: algorithm names are case-sensitive (RFC 7515 §4.1.1); did you mean {:?}?",
            meant.name()
        )
    } else {
        let expected = Algorithm::ALL.map(Algorithm::name).join(", ");
        format!("unknown algorithm {name:?}; expected one of: {expected}")
    };
    errors.at(lit, message);
    None
}

/// `enc`: one content encryption or a non-empty list of distinct ones.
fn content_encryptions(value: &Value, errors: &mut Errors) -> Vec<ContentEncryption> {
    let literals = match value {
        Value::Str(lit) => vec![lit],
        Value::List(_) => match string_list(value, Key::Enc, errors) {
            Some(literals) => literals,
            None => return Vec::new(),
        },
        _ => {
            errors.at(
                value,
                format!(
                    "`enc` takes a string or a list, like {}",
                    Key::Enc.example()
                ),
            );
            return Vec::new();
        }
    };
    if literals.is_empty() {
        errors.at(
            value,
            "`enc` cannot be empty; omit it to accept every content encryption",
        );
        return Vec::new();
    }
    let mut items = Vec::new();
    for lit in literals {
        let name = lit.value();
        match ContentEncryption::ALL
            .into_iter()
            .find(|enc| enc.name() == name)
        {
            Some(enc) if items.contains(&enc) => {
                errors.at(lit, format!("duplicate content encryption {name:?}"));
            }
            Some(enc) => items.push(enc),
            None => {
                let expected = ContentEncryption::ALL
                    .map(ContentEncryption::name)
                    .join(", ");
                errors.at(
                    lit,
                    format!("unknown content encryption {name:?}; expected one of: {expected}"),
                );
            }
        }
    }
    items
}

/// `algs`: a non-empty list of distinct algorithms.
fn algorithm_list(value: &Value, errors: &mut Errors) -> Option<AlgorithmList> {
    let literals = string_list(value, Key::Algs, errors)?;
    if literals.is_empty() {
        errors.at(
            value,
            "`algs` cannot be empty; omit it to let the key decide the algorithm",
        );
        return None;
    }
    let mut items: Vec<Algorithm> = Vec::new();
    let mut valid = true;
    for lit in literals {
        match algorithm(lit, errors) {
            Some(alg) if items.contains(&alg) => {
                errors.at(lit, format!("duplicate algorithm {:?}", alg.name()));
                valid = false;
            }
            Some(alg) => items.push(alg),
            None => valid = false,
        }
    }
    valid.then(|| AlgorithmList {
        tokens: value.to_token_stream(),
        items,
    })
}

/// `ttl`, `leeway`, `max_age`: a duration string, in seconds; `ttl` and
/// `max_age` must be longer than zero, `leeway` at most
/// [`MAX_LEEWAY_SECS`].
fn duration(entry: &Entry, value: &Value, errors: &mut Errors) -> Option<u64> {
    let key = entry.key;
    let lit = string(value, key, errors)?;
    let secs = match duration::parse_seconds(&lit.value()) {
        Ok(secs) => secs,
        Err(error) => {
            errors.at(lit, format!("invalid `{}`: {error}", key.name()));
            return None;
        }
    };
    if secs == 0 && key != Key::Leeway {
        let why = match key {
            Key::Ttl => "a token would expire as it is made",
            _ => "every token would be too old",
        };
        errors.at(
            lit,
            format!("`{}` must be longer than zero: {why}", key.name()),
        );
        return None;
    }
    if key == Key::Leeway && secs > MAX_LEEWAY_SECS {
        errors.at(
            lit,
            format!(
                "`leeway = {:?}` is more than 5 minutes, the most a purpose may tolerate \
                 (`jwt_claims::MAX_LEEWAY`): leeway keeps expired tokens alive that much longer; \
                 for an issuer whose clock you cannot fix, opt out at run time with \
                 `jwt_claims::dangerous::long_leeway_policy` or `jwt_claims::dangerous::long_leeway`",
                lit.value()
            ),
        );
        return None;
    }
    Some(secs)
}

/// `require`: a list of distinct claims from [`RequiredClaim`].
fn required_claims(value: &Value, errors: &mut Errors) -> Vec<RequiredClaim> {
    let Some(literals) = string_list(value, Key::Require, errors) else {
        return Vec::new();
    };
    let mut claims: Vec<RequiredClaim> = Vec::new();
    for lit in literals {
        let name = lit.value();
        match RequiredClaim::ALL
            .into_iter()
            .find(|claim| claim.name() == name)
        {
            Some(claim) if claims.contains(&claim) => {
                errors.at(lit, format!("duplicate claim {name:?} in `require`"));
            }
            Some(claim) => claims.push(claim),
            None if name == "exp" || name == "aud" => {
                errors.at(
                    lit,
                    format!("`{name}` is always required; remove it from `require`"),
                );
            }
            None => {
                let expected = RequiredClaim::ALL.map(RequiredClaim::name).join(", ");
                errors.at(
                    lit,
                    format!("unknown claim {name:?} in `require`; expected one of: {expected}"),
                );
            }
        }
    }
    claims
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    use super::*;

    /// Builds the model of `input`, returning its policy and every error.
    fn policy(input: DeriveInput) -> (Policy, Vec<String>) {
        let mut errors = Errors::new();
        let model = Claims::from_input(&input, &mut errors);
        let messages = errors.messages();
        (model.policy, messages)
    }

    /// The errors of building the model of `input`.
    fn errors(input: DeriveInput) -> Vec<String> {
        policy(input).1
    }

    /// A policy string as tests compare it: a literal's value, or
    /// `const PATH` for a path.
    fn shown(value: &PolicyStr) -> String {
        match value {
            PolicyStr::Literal(value) => value.clone(),
            PolicyStr::Const(path) => format!("const {}", path_text(path)),
        }
    }

    /// [`shown`] of each.
    fn shown_all(values: &[PolicyStr]) -> Vec<String> {
        values.iter().map(shown).collect()
    }

    #[test]
    fn typ_jwt_is_refused_as_saying_nothing_about_the_purpose() {
        for typ in ["JWT", "jwt", "application/jwt"] {
            let mut errors = Errors::default();
            let lit = LitStr::new(typ, proc_macro2::Span::call_site());
            assert_eq!(super::typ(&lit, &mut errors), None);
            assert_eq!(
                errors.messages(),
                [
                    "`typ = \"JWT\"` says only that this is a JWT, not what it is for: name the purpose, \
                     like `typ = \"access\"` (RFC 8725 §3.11); to verify a third-party issuer's tokens \
                     that carry `typ: \"JWT\"`, write `dangerous_untyped` in place of `typ`, with `iss` \
                     and `aud`"
                ]
            );
        }
    }

    #[test]
    fn a_full_attribute_becomes_typed_values() {
        let (policy, errors) = policy(parse_quote! {
            #[jwt(typ = "access", aud = ["billing", "reports"], iss = "https://auth.example.com")]
            #[jwt(algs = ["ES256", "EdDSA"], ttl = "15m", leeway = "0s", max_age = "1h30m")]
            #[jwt(require = ["sub", "jti"])]
            struct Access { org_id: u64 }
        });
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(policy.typ.as_deref(), Some("access"));
        assert_eq!(shown_all(&policy.audiences), ["billing", "reports"]);
        assert_eq!(
            policy.issuer.as_ref().and_then(PolicyStr::literal),
            Some("https://auth.example.com")
        );
        assert_eq!(policy.algorithms(), [Algorithm::ES256, Algorithm::EdDSA]);
        assert_eq!(policy.ttl_secs, Some(900));
        assert_eq!(policy.leeway_secs, Some(0));
        assert_eq!(policy.max_age_secs, Some(5400));
        assert_eq!(
            policy.required,
            [RequiredClaim::Subject, RequiredClaim::JwtId]
        );
    }

    #[test]
    fn single_audience_and_single_algorithm_are_accepted() {
        let (policy, errors) = policy(parse_quote! {
            #[jwt(typ = "access", aud = "billing", alg = "HS256")]
            struct Access { org_id: u64 }
        });
        assert!(errors.is_empty());
        assert_eq!(shown_all(&policy.audiences), ["billing"]);
        assert_eq!(policy.algorithms(), [Algorithm::HS256]);
    }

    #[test]
    fn wrong_value_kinds_say_what_the_key_takes() {
        assert_eq!(
            errors(parse_quote! { #[jwt(typ = 5, iss = 5)] struct S { a: u8 } }),
            [
                "`typ` takes a string, like `typ = \"access\"`",
                "`iss` takes a string or a path to a `const &str`, like `iss = \"https://auth.example.com\"` or `iss = AUTH_ISSUER`",
            ]
        );
        assert_eq!(
            errors(parse_quote! { #[jwt(typ = access)] struct S { a: u8 } }),
            ["`typ` takes a string, like `typ = \"access\"`"]
        );
        assert_eq!(
            errors(parse_quote! { #[jwt(aud = 5, iss = ["https://i"])] struct S { a: u8 } }),
            [
                "`aud` takes a string, a path to a `const &str`, or a list of them, like `aud = \"billing\"`, `aud = BILLING` or `aud = [BILLING, \"reports\"]`",
                "`iss` takes a string or a path to a `const &str`, like `iss = \"https://auth.example.com\"` or `iss = AUTH_ISSUER`",
            ]
        );
    }

    #[test]
    fn iss_and_aud_take_paths_to_constants_as_written() {
        let (policy, errors) = policy(parse_quote! {
            #[jwt(typ = "access", iss = crate::issuers::AUTH, aud = [BILLING, "reports", ::shared::AUD])]
            struct S { a: u8 }
        });
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(
            policy.issuer.as_ref().map(shown).as_deref(),
            Some("const crate::issuers::AUTH")
        );
        assert_eq!(
            shown_all(&policy.audiences),
            ["const BILLING", "reports", "const ::shared::AUD"]
        );
    }

    #[test]
    fn a_single_audience_may_be_a_path() {
        let (policy, errors) = policy(parse_quote! { #[jwt(aud = BILLING)] struct S { a: u8 } });
        assert!(errors.is_empty());
        assert_eq!(shown_all(&policy.audiences), ["const BILLING"]);
    }

    #[test]
    fn a_path_cannot_name_self_since_the_policy_is_a_static() {
        assert_eq!(
            errors(
                parse_quote! { #[jwt(iss = Self::ISSUER, aud = [Self::AUD])] struct S { a: u8 } }
            ),
            [
                "`iss` cannot name a constant through `Self`: the policy is built in a `static`, which cannot refer to `Self`; write the type's name, like `Access::ISSUER`",
                "`aud` cannot name a constant through `Self`: the policy is built in a `static`, which cannot refer to `Self`; write the type's name, like `Access::ISSUER`",
            ]
        );
    }

    #[test]
    fn duplicate_audiences_are_found_only_among_literals_and_among_identical_paths() {
        assert_eq!(
            errors(
                parse_quote! { #[jwt(aud = [BILLING, "billing", a::B, a::B])] struct S { a: u8 } }
            ),
            ["duplicate audience `a::B`"]
        );
        assert_eq!(
            errors(parse_quote! { #[jwt(aud = [BILLING, "", 5])] struct S { a: u8 } }),
            [
                "an audience cannot be empty",
                "expected a string or a path to a `const &str` in `aud`, like `aud = [\"billing\", \"reports\"]` or `aud = [BILLING, \"reports\"]`",
            ]
        );
    }

    #[test]
    fn typ_must_be_non_empty_visible_ascii() {
        assert_eq!(
            errors(parse_quote! { #[jwt(typ = "")] struct S { a: u8 } }),
            ["`typ` cannot be empty; name the kind of token, like `typ = \"access\"`"]
        );
        assert_eq!(
            errors(parse_quote! { #[jwt(typ = "access token")] struct S { a: u8 } }),
            [
                "`typ` must be visible ASCII without whitespace, like `typ = \"access\"`: it is compared with the JWT `typ` header (RFC 7515 §4.1.9); found ' '"
            ]
        );
        assert_eq!(
            errors(parse_quote! { #[jwt(typ = "accès")] struct S { a: u8 } }),
            [
                "`typ` must be visible ASCII without whitespace, like `typ = \"access\"`: it is compared with the JWT `typ` header (RFC 7515 §4.1.9); found 'è'"
            ]
        );
    }

    #[test]
    fn audiences_must_be_non_empty_and_distinct() {
        assert_eq!(
            errors(parse_quote! { #[jwt(aud = [])] struct S { a: u8 } }),
            [
                "`aud` needs at least one audience, like `aud = \"billing\"`: a token must say whom it is for (RFC 7519 §4.1.3)"
            ]
        );
        assert_eq!(
            errors(parse_quote! { #[jwt(aud = ["billing", "", "billing"])] struct S { a: u8 } }),
            [
                "an audience cannot be empty",
                "duplicate audience \"billing\""
            ]
        );
        assert_eq!(
            errors(parse_quote! { #[jwt(aud = ["billing", 5])] struct S { a: u8 } }),
            [
                "expected a string or a path to a `const &str` in `aud`, like `aud = [\"billing\", \"reports\"]` or `aud = [BILLING, \"reports\"]`"
            ]
        );
    }

    #[test]
    fn issuer_cannot_be_empty() {
        assert_eq!(
            errors(parse_quote! { #[jwt(iss = "")] struct S { a: u8 } }),
            ["`iss` cannot be empty; omit it to leave the issuer to the verifier"]
        );
    }

    #[test]
    fn none_is_never_an_algorithm_in_any_case() {
        for name in ["none", "None", "NONE"] {
            let input: DeriveInput = parse_quote! { #[jwt(alg = #name)] struct S { a: u8 } };
            assert_eq!(
                errors(input),
                ["`none` is never allowed: unsecured JWTs are rejected (RFC 8725 §3.1)"]
            );
        }
    }

    #[test]
    fn es512_is_unsupported() {
        assert_eq!(
            errors(parse_quote! { #[jwt(alg = "ES512")] struct S { a: u8 } }),
            ["ES512 is not supported by the crypto backend; use ES256, ES384 or EdDSA"]
        );
    }

    #[test]
    fn algorithm_names_are_case_sensitive_with_a_suggestion() {
        assert_eq!(
            errors(parse_quote! { #[jwt(alg = "hs256")] struct S { a: u8 } }),
            [
                "unknown algorithm \"hs256\": algorithm names are case-sensitive (RFC 7515 §4.1.1); did you mean \"HS256\"?"
            ]
        );
        assert_eq!(
            errors(parse_quote! { #[jwt(alg = "XS256")] struct S { a: u8 } }),
            [
                "unknown algorithm \"XS256\"; expected one of: HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA"
            ]
        );
    }

    #[test]
    fn alg_with_a_list_and_algs_with_a_string_point_to_each_other() {
        assert_eq!(
            errors(parse_quote! { #[jwt(alg = ["ES256"])] struct S { a: u8 } }),
            ["`alg` takes one algorithm; for several, write `algs = [\"ES256\", \"EdDSA\"]`"]
        );
        assert_eq!(
            errors(parse_quote! { #[jwt(algs = "ES256")] struct S { a: u8 } }),
            [
                "`algs` takes a list, like `algs = [\"ES256\", \"EdDSA\"]`; for one algorithm, write `alg = \"ES256\"`"
            ]
        );
    }

    #[test]
    fn algorithm_list_must_be_non_empty_distinct_and_valid() {
        assert_eq!(
            errors(parse_quote! { #[jwt(algs = [])] struct S { a: u8 } }),
            ["`algs` cannot be empty; omit it to let the key decide the algorithm"]
        );
        let (policy, errors) =
            policy(parse_quote! { #[jwt(algs = ["ES256", "none", "ES256"])] struct S { a: u8 } });
        assert_eq!(
            errors,
            [
                "`none` is never allowed: unsecured JWTs are rejected (RFC 8725 §3.1)",
                "duplicate algorithm \"ES256\"",
            ]
        );
        assert!(policy.algs.is_none());
    }

    #[test]
    fn durations_are_strings_with_units() {
        assert_eq!(
            errors(parse_quote! { #[jwt(ttl = 900)] struct S { a: u8 } }),
            ["`ttl` takes a duration string, like `ttl = \"900s\"` (units: s, m, h, d)"]
        );
        assert_eq!(
            errors(parse_quote! { #[jwt(leeway = 30s)] struct S { a: u8 } }),
            ["`leeway` takes a duration string, like `leeway = \"30s\"` (units: s, m, h, d)"]
        );
        assert_eq!(
            errors(parse_quote! { #[jwt(max_age = "1")] struct S { a: u8 } }),
            ["invalid `max_age`: missing unit after `1`: write \"1s\", \"1m\", \"1h\" or \"1d\""]
        );
        assert_eq!(
            errors(parse_quote! { #[jwt(ttl = "15min")] struct S { a: u8 } }),
            [
                "invalid `ttl`: unknown duration unit `min`; expected s (seconds), m (minutes), h (hours) or d (days)"
            ]
        );
    }

    #[test]
    fn ttl_and_max_age_must_be_longer_than_zero_but_leeway_may_be_zero() {
        let (policy, errors) = policy(parse_quote! {
            #[jwt(ttl = "0s", max_age = "0m", leeway = "0s")]
            struct S { a: u8 }
        });
        assert_eq!(
            errors,
            [
                "`ttl` must be longer than zero: a token would expire as it is made",
                "`max_age` must be longer than zero: every token would be too old",
            ]
        );
        assert_eq!(policy.leeway_secs, Some(0));
    }

    #[test]
    fn leeway_is_capped_at_five_minutes() {
        let (five_minutes, errors) =
            policy(parse_quote! { #[jwt(leeway = "5m")] struct S { a: u8 } });
        assert!(errors.is_empty());
        assert_eq!(five_minutes.leeway_secs, Some(MAX_LEEWAY_SECS));
        for (written, shown) in [("\"5m1s\"", "5m1s"), ("\"1d\"", "1d")] {
            let lit: LitStr = syn::parse_str(written).unwrap();
            let (longer, errors) =
                policy(parse_quote! { #[jwt(leeway = #lit)] struct S { a: u8 } });
            assert_eq!(
                errors,
                [format!(
                    "`leeway = {shown:?}` is more than 5 minutes, the most a purpose may tolerate \
                     (`jwt_claims::MAX_LEEWAY`): leeway keeps expired tokens alive that much longer; \
                     for an issuer whose clock you cannot fix, opt out at run time with \
                     `jwt_claims::dangerous::long_leeway_policy` or `jwt_claims::dangerous::long_leeway`"
                )]
            );
            assert_eq!(longer.leeway_secs, None);
        }
    }

    #[test]
    fn claim_values_are_read_in_order_from_every_claim_key() {
        let (required, errors) = policy(parse_quote! {
            #[jwt(claim(token_use = "access", r#type = "user"), claim("custom:tenant" = "acme"))]
            #[jwt(dangerous_untyped)]
            struct S { a: u8 }
        });
        assert_eq!(errors, Vec::<String>::new());
        let claims: Vec<(&str, &str)> = required
            .claims
            .iter()
            .map(|claim| (claim.name.as_str(), claim.value.as_str()))
            .collect();
        assert_eq!(
            claims,
            [
                ("token_use", "access"),
                ("type", "user"),
                ("custom:tenant", "acme")
            ]
        );
        assert!(required.untyped);
        let (typed, _) = policy(parse_quote! { #[jwt(typ = "access")] struct S { a: u8 } });
        assert!(!typed.untyped);
        assert!(typed.claims.is_empty());
    }

    #[test]
    fn claim_names_are_private_non_empty_and_distinct() {
        let owned = |name: &str, instead: &str| {
            format!(
                "`claim` is for private claims, like `token_use`; `{name}` is a registered claim, \
                 which jwt-claims owns and checks itself: {instead}"
            )
        };
        assert_eq!(
            errors(parse_quote! {
                #[jwt(claim(iss = "i", aud = "a", exp = "1", sub = "s", "jti" = "j", "" = "x"))]
                struct S { a: u8 }
            }),
            [
                owned("iss", "bind the issuer with `iss = \"...\"`"),
                owned("aud", "name the audiences with `aud = ...`"),
                owned("exp", "`exp` is always required and checked"),
                owned("sub", "require its presence with `require = [...]`"),
                owned("jti", "require its presence with `require = [...]`"),
                "a claim name cannot be empty".to_owned(),
            ]
        );
        let (duplicated, errors) = policy(parse_quote! {
            #[jwt(claim(token_use = "access"), claim(token_use = "id", "token_use" = "x"))]
            struct S { a: u8 }
        });
        assert_eq!(
            errors,
            [
                "duplicate claim `token_use` in `claim`",
                "duplicate claim `token_use` in `claim`",
            ]
        );
        assert_eq!(duplicated.claims.len(), 1);
    }

    #[test]
    fn claim_values_are_strings() {
        assert_eq!(
            errors(parse_quote! {
                #[jwt(claim(admin = true, level = 3, "custom:role" = admin, scopes = ["a"]))]
                struct S { a: u8 }
            }),
            [
                "the value of claim `admin` must be a string, like `claim(admin = \"access\")`: a token is accepted only when the claim is exactly this string",
                "the value of claim `level` must be a string, like `claim(level = \"access\")`: a token is accepted only when the claim is exactly this string",
                "the value of claim `custom:role` must be a string, like `claim(\"custom:role\" = \"access\")`: a token is accepted only when the claim is exactly this string",
                "the value of claim `scopes` must be a string, like `claim(scopes = \"access\")`: a token is accepted only when the claim is exactly this string",
            ]
        );
    }

    #[test]
    fn require_names_optional_registered_claims_once() {
        assert_eq!(
            errors(
                parse_quote! { #[jwt(require = ["exp", "aud", "sub", "sub", "foo"])] struct S { a: u8 } }
            ),
            [
                "`exp` is always required; remove it from `require`",
                "`aud` is always required; remove it from `require`",
                "duplicate claim \"sub\" in `require`",
                "unknown claim \"foo\" in `require`; expected one of: iss, sub, iat, nbf, jti",
            ]
        );
        assert_eq!(
            errors(parse_quote! { #[jwt(require = "sub")] struct S { a: u8 } }),
            ["`require` takes a list of strings, like `require = [\"sub\", \"jti\"]`"]
        );
    }

    #[test]
    fn non_struct_shapes_are_rejected() {
        let cases: [DeriveInput; 4] = [
            parse_quote! { enum E { A } },
            parse_quote! { union U { a: u8 } },
            parse_quote! { struct T(u8); },
            parse_quote! { struct U; },
        ];
        for input in cases {
            assert_eq!(errors(input), [NOT_A_NAMED_STRUCT]);
        }
    }

    #[test]
    fn fields_are_modelled_with_their_marks_and_names() {
        let input: DeriveInput = parse_quote! {
            #[serde(rename_all = "camelCase")]
            struct Outer { #[jwt(nested)] grant_token: Nested<Grant>, org_id: u64 }
        };
        let mut errors = Errors::new();
        let model = Claims::from_input(&input, &mut errors);
        assert_eq!(model.fields.len(), 2);
        let nested: Vec<_> = model
            .nested_fields()
            .map(|field| field.names.deserialize.value.as_str())
            .collect();
        assert_eq!(nested, ["grantToken"]);
        assert_eq!(
            model.fields[0].holding,
            Holding::Verifiable(nested_type::Shape::Single)
        );
        assert_eq!(model.fields[1].holding, Holding::Nothing);
    }
}
