//! Properties over generated claims: whatever a claims type holds, encoding
//! then decoding gives it back, on the typed and the runtime-policy path.
//!
//! The cases come from a small seeded generator written here (SplitMix64)
//! rather than a property-testing crate: every run checks the same cases,
//! a failure names the seed that reproduces it, and the suite gains no
//! dependency. (The every-single-byte-mutation property lives in the
//! `structure` module, for HS256, ES256 and EdDSA tokens.)

use std::collections::BTreeMap;

use jwt_claims::{Algorithm, Claims, Error, Nested, Policy, Signer, Verifier};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use crate::support::*;

/// How many claims sets each property checks.
const CASES: u64 = 400;

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough to
/// spread cases; not for anything secret.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// A character from a class chosen at random: the ones JSON must
    /// escape, the ones JavaScript line terminators and BOMs trip over,
    /// multi-byte and astral ones, or any Unicode scalar value.
    fn char(&mut self) -> char {
        match self.below(8) {
            0 => char::from(self.below(0x20) as u8), // control, NUL included
            1 => *self.pick(&['"', '\\', '/', '\u{7f}', '\u{8}', '\u{c}', '\n', '\r', '\t']),
            2 => *self.pick(&[
                '\u{2028}', '\u{2029}', '\u{feff}', '\u{fffd}', '\u{ffff}', '\u{85}',
            ]),
            3 => *self.pick(&['é', 'ß', 'ж', '中', '🦀', '𝄞', '\u{10ffff}', '\u{1f600}']),
            4 => loop {
                // Any scalar value: surrogates are not chars, draw again.
                if let Some(c) = char::from_u32(self.below(0x11_0000) as u32) {
                    break c;
                }
            },
            _ => char::from(0x20 + self.below(0x5f) as u8), // printable ASCII
        }
    }

    fn string(&mut self) -> String {
        let len = self.below(24);
        (0..len).map(|_| self.char()).collect()
    }

    fn float(&mut self) -> f64 {
        match self.below(4) {
            0 => *self.pick(&[
                0.0,
                -0.0,
                0.1,
                -1.5,
                1e-300,
                1e300,
                f64::MIN_POSITIVE,
                f64::MAX,
            ]),
            1 => self.next() as i64 as f64,
            2 => (self.next() as i64 as f64) / 1024.0,
            _ => loop {
                let float = f64::from_bits(self.next());
                if float.is_finite() {
                    break float;
                }
            },
        }
    }

    fn number(&mut self) -> Number {
        match self.below(4) {
            0 => Number::from(self.next() as i64),
            1 => Number::from(self.next() | 1 << 63), // above i64::MAX
            2 => Number::from(self.below(100)),
            _ => Number::from_f64(self.float()).expect("finite"),
        }
    }

    /// Any JSON value, nested at most `depth` deep.
    fn value(&mut self, depth: u32) -> Value {
        let kinds = if depth == 0 { 4 } else { 6 };
        match self.below(kinds) {
            0 => Value::Null,
            1 => Value::Bool(self.below(2) == 1),
            2 => Value::Number(self.number()),
            3 => Value::String(self.string()),
            4 => Value::Array((0..self.below(5)).map(|_| self.value(depth - 1)).collect()),
            _ => Value::Object(self.object(depth - 1)),
        }
    }

    fn object(&mut self, depth: u32) -> Map<String, Value> {
        (0..self.below(5))
            .map(|_| (self.string(), self.value(depth)))
            .collect()
    }

    fn option<T>(&mut self, make: impl FnOnce(&mut Rng) -> T) -> Option<T> {
        (self.below(3) != 0).then(|| make(self))
    }
}

/// Claims of every shape serde gives a struct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "property", aud = "properties", ttl = "5m")]
struct Arbitrary {
    text: String,
    integer: i64,
    unsigned: u64,
    float: f64,
    maybe_text: Option<String>,
    maybe_number: Option<i32>,
    list: Vec<Value>,
    object: BTreeMap<String, Value>,
    any: Value,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    skipped_when_none: Option<Vec<String>>,
    tuple: (u8, String, bool),
}

/// An outer token carrying arbitrary claims and arbitrary nested tokens.
#[derive(Debug, Clone, Serialize, Deserialize, Claims)]
#[jwt(typ = "property-outer", aud = "properties", ttl = "5m")]
struct Carrier {
    label: String,
    #[jwt(nested)]
    one: Option<Nested<Arbitrary>>,
    #[jwt(nested)]
    many: Vec<Nested<Arbitrary>>,
}

fn arbitrary(rng: &mut Rng) -> Arbitrary {
    Arbitrary {
        text: rng.string(),
        integer: rng.next() as i64,
        unsigned: rng.next(),
        float: rng.float(),
        maybe_text: rng.option(Rng::string),
        maybe_number: rng.option(|rng| rng.next() as i32),
        list: (0..rng.below(4)).map(|_| rng.value(3)).collect(),
        object: rng.object(3).into_iter().collect(),
        any: rng.value(4),
        skipped_when_none: rng.option(|rng| (0..rng.below(3)).map(|_| rng.string()).collect()),
        tuple: (rng.next() as u8, rng.string(), rng.below(2) == 0),
    }
}

/// Keys of three families, so the property covers each signature path.
fn key_pair(rng: &mut Rng) -> (jwt_claims::SigningKey, jwt_claims::VerifyingKey) {
    match rng.below(3) {
        0 => (key().into(), key().into()),
        1 => (
            private(Algorithm::ES256, pem::P256).into(),
            public(Algorithm::ES256, pem::P256_PUB).into(),
        ),
        _ => (
            private(Algorithm::EdDSA, pem::ED25519).into(),
            public(Algorithm::EdDSA, pem::ED25519_PUB).into(),
        ),
    }
}

fn pair(rng: &mut Rng) -> (Signer, Verifier) {
    let (signing, verifying) = key_pair(rng);
    let signer = Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .shared_key(signing)
        .build()
        .unwrap();
    let verifier = verifier_builder().shared_key(verifying).build().unwrap();
    (signer, verifier)
}

#[test]
fn encode_then_decode_gives_back_any_claims() {
    for seed in 0..CASES {
        let mut rng = Rng(seed);
        let claims = arbitrary(&mut rng);
        let (signer, verifier) = pair(&mut rng);
        let token = signer.encode(&claims).unwrap();
        let decoded = verifier
            .decode::<Arbitrary>(token.as_str())
            .unwrap_or_else(|err| panic!("seed {seed}: {err}"));
        assert_eq!(decoded.into_claims(), claims, "seed {seed}");
    }
}

#[test]
fn encode_then_decode_with_a_runtime_policy_gives_back_the_same_json() {
    let policy = Policy::new("properties.runtime", "property", ["properties"]);
    for seed in 0..CASES {
        let mut rng = Rng(seed);
        let claims = arbitrary(&mut rng);
        let (signer, verifier) = pair(&mut rng);
        let token = signer.encode(&claims).unwrap();
        let decoded = verifier
            .decode_runtime::<Value>(token.as_str(), &runtime(&policy))
            .unwrap_or_else(|err| panic!("seed {seed}: {err}"));
        assert_eq!(
            decoded.into_claims(),
            serde_json::to_value(&claims).unwrap(),
            "seed {seed}"
        );
    }
}

#[test]
fn encode_then_decode_gives_back_any_claims_in_nested_tokens() {
    for seed in 0..CASES / 4 {
        let mut rng = Rng(seed);
        let (signer, verifier) = pair(&mut rng);
        let nested = |rng: &mut Rng| {
            let claims = arbitrary(rng);
            (claims.clone(), Nested::new(signer.encode(&claims).unwrap()))
        };
        let one = rng.option(nested);
        let many: Vec<_> = (0..rng.below(4)).map(|_| nested(&mut rng)).collect();
        let carrier = Carrier {
            label: rng.string(),
            one: one.as_ref().map(|(_, token)| token.clone()),
            many: many.iter().map(|(_, token)| token.clone()).collect(),
        };
        let token = signer.encode(&carrier).unwrap();
        let decoded = verifier
            .decode::<Carrier>(token.as_str())
            .unwrap_or_else(|err| panic!("seed {seed}: {err}"))
            .into_claims();
        assert_eq!(decoded.label, carrier.label, "seed {seed}");
        assert_eq!(
            decoded.one.as_ref().and_then(Nested::claims),
            one.as_ref().map(|(claims, _)| claims),
            "seed {seed}"
        );
        let decoded_many: Vec<_> = decoded.many.iter().map(Nested::claims).collect();
        let expected_many: Vec<_> = many.iter().map(|(claims, _)| Some(claims)).collect();
        assert_eq!(decoded_many, expected_many, "seed {seed}");
    }
}

#[test]
fn float_claims_decode_to_the_exact_value_signed() {
    // Found by the properties above: serde_json's default float parser read
    // the signed `-1.3902871135102705e136` back one ULP off, as
    // `-1.3902871135102703e136`. jwt-claims now enables its
    // `float_roundtrip` feature.
    #[derive(Debug, PartialEq, Serialize, Deserialize, Claims)]
    #[jwt(typ = "float", aud = "properties", ttl = "5m")]
    struct Float {
        value: f64,
    }
    for value in [
        -1.390_287_113_510_270_5e136,
        -1.390_287_113_510_270_3e136,
        5e-324,
    ] {
        let token = signer().encode(&Float { value }).unwrap();
        let decoded = verifier().decode::<Float>(token.as_str()).unwrap();
        assert_eq!(
            decoded.claims().value.to_bits(),
            value.to_bits(),
            "{value:e}"
        );
        let policy = Policy::new("properties.float", "float", ["properties"]);
        let decoded = verifier()
            .decode_runtime::<Value>(token.as_str(), &runtime(&policy))
            .unwrap();
        assert_eq!(decoded.claims()["value"].as_f64(), Some(value), "{value:e}");
    }
}

#[test]
fn the_generator_reaches_every_kind_of_value() {
    // A guard on the generator itself: the cases above are only as good as
    // what it makes.
    let mut rng = Rng(7);
    let (mut kinds, mut big, mut float, mut escapes, mut astral) = ([0u32; 6], 0, 0, 0, 0);
    for _ in 0..2000 {
        let value = rng.value(2);
        let kind = match &value {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(n) => {
                big += u32::from(n.is_u64() && !n.is_i64());
                float += u32::from(n.is_f64());
                2
            }
            Value::String(s) => {
                escapes += u32::from(s.chars().any(|c| c < ' ' || c == '"' || c == '\\'));
                astral += u32::from(s.chars().any(|c| c > '\u{ffff}'));
                3
            }
            Value::Array(_) => 4,
            Value::Object(_) => 5,
        };
        kinds[kind] += 1;
    }
    assert!(kinds.iter().all(|&count| count > 100), "{kinds:?}");
    assert!(big > 10 && float > 10 && escapes > 10 && astral > 10);
}

/// Claims whose members can collide: a field, and two flattened maps
/// whose keys are drawn from a small alphabet (the field's name among
/// them), so that collisions are common.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "property-flat", aud = "properties", ttl = "5m")]
struct Flattened {
    a: u8,
    #[serde(flatten)]
    first: BTreeMap<String, Value>,
    #[serde(flatten)]
    second: BTreeMap<String, Value>,
}

#[test]
fn the_signer_never_mints_a_token_its_verifier_refuses() {
    const NAMES: [&str; 5] = ["a", "b", "c", "role", "EXP"];
    let (signer, verifier) = (signer(), verifier());
    let (mut minted, mut refused) = (0, 0);
    for seed in 0..CASES {
        let mut rng = Rng(seed);
        let map = |rng: &mut Rng| -> BTreeMap<String, Value> {
            (0..rng.below(4))
                .map(|_| (rng.pick(&NAMES).to_string(), rng.value(1)))
                .collect()
        };
        let claims = Flattened {
            a: rng.below(256) as u8,
            first: map(&mut rng),
            second: map(&mut rng),
        };
        match signer.encode(&claims) {
            Ok(token) => {
                minted += 1;
                let back = verifier.decode::<Flattened>(token.as_str());
                // serde's flatten hands every unknown member to each map:
                // compare the members, not how they are split.
                let back = back.unwrap_or_else(|err| panic!("seed {seed}: {err}"));
                let mut members = claims.first.clone();
                members.extend(claims.second.clone());
                let mut decoded = back.claims().first.clone();
                decoded.extend(back.claims().second.clone());
                assert_eq!(
                    (back.claims().a, decoded),
                    (claims.a, members),
                    "seed {seed}"
                );
            }
            Err(Error::DuplicateClaim { name }) => {
                refused += 1;
                let mut seen = vec!["a".to_owned()];
                let all = claims.first.keys().chain(claims.second.keys());
                assert!(
                    all.into_iter().any(|key| {
                        let again = seen.contains(key);
                        seen.push(key.clone());
                        again && *key == name
                    }),
                    "seed {seed}: {name} is not repeated"
                );
            }
            Err(other) => panic!("seed {seed}: {other}"),
        }
    }
    // Both outcomes are exercised.
    assert!(
        minted > 50 && refused > 50,
        "{minted} minted, {refused} refused"
    );
}
