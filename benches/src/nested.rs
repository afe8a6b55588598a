//! Nested tokens: an access token wrapped in 1, 2, 4 or 8 levels of
//! `#[jwt(nested)]` claims, each level a token of its own.
//!
//! The baseline for "each level costs no more than a single decode" is
//! [`decode_levels_one_by_one`]: the same tokens, each decoded on its own as
//! [`FlatLevel`], which reads the inner token as a plain string, plus the
//! innermost access token. Nesting should add little beyond that sum.

use chrono::DateTime;
use jwt_claims::{Claims, Decoded, Error, FixedClock, Nested, Signer, Token, Verifier};
use serde::{Deserialize, Serialize};

use crate::fixture::{
    Access, EXPIRES_AT, ISSUED_AT, ISSUER, JWT_ID, SUBJECT, hmac_key, verifier_builder,
};

/// The nesting depths benchmarked.
pub const DEPTHS: [usize; 4] = [1, 2, 4, 8];

/// One level: a claim of its own and the token it carries, verified as `T`.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(aud = "billing", typ = "at+jwt", ttl = "15m")]
pub struct Level<T> {
    /// How deep this level is (1 wraps the access token).
    pub level: u32,
    /// The token one level down.
    #[jwt(nested)]
    pub inner: Nested<T>,
}

/// The same purpose and JSON as [`Level`], with the inner token left as a
/// string: decoding it is one level's work and nothing below.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(aud = "billing", typ = "at+jwt", ttl = "15m")]
pub struct FlatLevel {
    /// How deep this level is.
    pub level: u32,
    /// The token one level down, not verified.
    pub inner: String,
}

/// One nested level.
pub type Depth1 = Level<Access>;
/// Two nested levels.
pub type Depth2 = Level<Depth1>;
/// Four nested levels.
pub type Depth4 = Level<Level<Depth2>>;
/// Eight nested levels.
pub type Depth8 = Level<Level<Level<Level<Depth4>>>>;

/// Every token of the deepest chain, outermost first: `tokens[0]` nests
/// eight levels, `tokens[8]` is the plain access token, and `tokens[8 - d]`
/// nests `d` levels.
pub struct Chain {
    /// The tokens, outermost first.
    pub tokens: Vec<String>,
}

impl Chain {
    /// Signs the chain with the HS256 fixture key.
    pub fn new() -> Chain {
        let signer = Signer::builder()
            .issuer(ISSUER)
            .clock(FixedClock::at_timestamp(ISSUED_AT))
            .shared_key(hmac_key())
            .build()
            .expect("valid signer");
        let expires = DateTime::from_timestamp(EXPIRES_AT, 0).expect("in range");
        let access = signer
            .issue(&Access::fixture())
            .subject(SUBJECT)
            .jwt_id(JWT_ID)
            .expires_at(expires)
            .encode()
            .expect("encodes");
        let mut tokens = vec![access.as_str().to_owned()];
        // Each level is a type of its own, so a macro rather than a loop.
        macro_rules! wrap {
            ($inner:expr, $level:expr) => {{
                let token = signer
                    .issue(&Level {
                        level: $level,
                        inner: Nested::new($inner),
                    })
                    .expires_at(expires)
                    .encode()
                    .expect("encodes");
                tokens.push(token.as_str().to_owned());
                token
            }};
        }
        let d1 = wrap!(access, 1);
        let d2 = wrap!(d1, 2);
        let d3 = wrap!(d2, 3);
        let d4 = wrap!(d3, 4);
        let d5 = wrap!(d4, 5);
        let d6 = wrap!(d5, 6);
        let d7 = wrap!(d6, 7);
        let _: Token<Depth8> = wrap!(d7, 8);
        tokens.reverse();
        Chain { tokens }
    }

    /// The token nesting `depth` levels.
    pub fn token(&self, depth: usize) -> &str {
        &self.tokens[self.tokens.len() - 1 - depth]
    }

    /// The tokens a `depth`-level decode verifies, outermost first.
    pub fn levels(&self, depth: usize) -> &[String] {
        &self.tokens[self.tokens.len() - 1 - depth..]
    }
}

impl Default for Chain {
    fn default() -> Self {
        Chain::new()
    }
}

/// A verifier for the chain: HS256 key shared by every level, depth 8
/// allowed.
pub fn verifier() -> Verifier {
    verifier_builder(crate::fixture::Alg::HS256)
        .shared_key(hmac_key())
        .max_nesting_depth(8)
        .build()
        .expect("valid verifier")
}

/// Decodes the token nesting `depth` levels, every level verified.
///
/// # Errors
/// Whatever the verifier reports.
///
/// # Panics
/// For a depth other than 1, 2, 4 or 8.
pub fn decode_nested(verifier: &Verifier, chain: &Chain, depth: usize) -> Result<u32, Error> {
    let token = chain.token(depth);
    Ok(match depth {
        1 => verifier.decode::<Depth1>(token)?.claims().level,
        2 => verifier.decode::<Depth2>(token)?.claims().level,
        4 => verifier.decode::<Depth4>(token)?.claims().level,
        8 => verifier.decode::<Depth8>(token)?.claims().level,
        _ => panic!("depths are 1, 2, 4 and 8"),
    })
}

/// The baseline: each of the `depth + 1` tokens decoded on its own.
///
/// # Errors
/// Whatever the verifier reports.
pub fn decode_levels_one_by_one(
    verifier: &Verifier,
    chain: &Chain,
    depth: usize,
) -> Result<u32, Error> {
    let (innermost, levels) = chain.levels(depth).split_last().expect("at least one");
    let mut sum = 0;
    for token in levels {
        let flat: Decoded<FlatLevel> = verifier.decode(token)?;
        sum += flat.claims().level;
    }
    let access: Decoded<Access> = verifier.decode(innermost)?;
    Ok(sum + u32::from(access.claims().email_verified))
}
