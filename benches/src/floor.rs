//! The floor: the least work any verifier must do for the fixture token,
//! written by hand with the same building blocks jwt-claims uses.
//!
//! Decoding: split on `.`, base64url-decode the three segments, compare the
//! header with the one bit-exact header this key issues (cheaper than
//! parsing it), check the signature with aws-lc-rs and a key parsed once,
//! one serde pass into [`FullClaims`], then `exp`, `nbf`, `aud` and `iss`
//! compared by hand. No strictness beyond that: no duplicate-member check,
//! no `typ` rule, no error detail.
//!
//! Encoding: serialize [`FullClaimsRef`] once, base64url it behind the
//! header's encoding (computed once per key), sign, append the signature.

use aws_lc_rs::hmac;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, ParsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::fixture::{AUDIENCE, Alg, FullClaims, FullClaimsRef, ISSUER, SECRET, TOKEN_TYPE};

/// Why the floor refused a token; deliberately without detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rejected;

// An HMAC key holds the precomputed context; built once, only borrowed
// after, so boxing it would only add a pointer to chase.
#[allow(clippy::large_enum_variant)]
enum Verify {
    Hmac(hmac::Key),
    Public(ParsedPublicKey),
}

/// The floor's decoder for one algorithm.
pub struct FloorVerifier {
    key: Verify,
    header: Vec<u8>,
}

/// The header JSON the fixture tokens carry for `alg`.
fn header_json(alg: Alg) -> String {
    format!(r#"{{"alg":"{}","typ":"{TOKEN_TYPE}"}}"#, alg.name())
}

/// The DER inside a PEM.
fn der(pem_text: &str) -> Vec<u8> {
    pem::parse(pem_text).expect("test key PEM").into_contents()
}

impl FloorVerifier {
    /// Parses `alg`'s fixture key once.
    pub fn new(alg: Alg) -> FloorVerifier {
        let key = match alg {
            Alg::HS256 => Verify::Hmac(hmac::Key::new(hmac::HMAC_SHA256, SECRET)),
            Alg::ES256 | Alg::EdDSA | Alg::RS256 => {
                let algorithm: &'static dyn sig::VerificationAlgorithm = match alg {
                    Alg::ES256 => &sig::ECDSA_P256_SHA256_FIXED,
                    Alg::EdDSA => &sig::ED25519,
                    _ => &sig::RSA_PKCS1_2048_8192_SHA256,
                };
                let spki = der(alg.public_pem().expect("an asymmetric algorithm"));
                Verify::Public(ParsedPublicKey::new(algorithm, &spki).expect("test key parses"))
            }
        };
        FloorVerifier {
            key,
            header: header_json(alg).into_bytes(),
        }
    }

    /// Decodes and checks `token` at `now` (seconds since the epoch).
    ///
    /// # Errors
    /// [`Rejected`] for anything but a valid fixture-shaped token.
    pub fn decode(&self, token: &str, now: u64) -> Result<FullClaims, Rejected> {
        let (signing_input, signature) = token.rsplit_once('.').ok_or(Rejected)?;
        let (header, payload) = signing_input.split_once('.').ok_or(Rejected)?;

        let mut header_buf = [0u8; 64];
        let header_len = decode_slice(header, &mut header_buf)?;
        if header_buf[..header_len] != self.header[..] {
            return Err(Rejected);
        }
        let mut signature_buf = [0u8; 512];
        let signature_len = decode_slice(signature, &mut signature_buf)?;
        let signature = &signature_buf[..signature_len];
        let verified = match &self.key {
            Verify::Hmac(key) => hmac::verify(key, signing_input.as_bytes(), signature).is_ok(),
            Verify::Public(key) => key.verify_sig(signing_input.as_bytes(), signature).is_ok(),
        };
        if !verified {
            return Err(Rejected);
        }

        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| Rejected)?;
        let claims: FullClaims = serde_json::from_slice(&payload).map_err(|_| Rejected)?;
        if claims.exp <= now || claims.nbf > now || claims.aud != AUDIENCE || claims.iss != ISSUER {
            return Err(Rejected);
        }
        Ok(claims)
    }
}

fn decode_slice(input: &str, buf: &mut [u8]) -> Result<usize, Rejected> {
    if input.len() * 3 / 4 > buf.len() {
        return Err(Rejected);
    }
    URL_SAFE_NO_PAD
        .decode_slice(input, buf)
        .map_err(|_| Rejected)
}

#[allow(clippy::large_enum_variant)] // as for `Verify`
enum Sign {
    Hmac(hmac::Key),
    Ec(EcdsaKeyPair, SystemRandom),
}

/// The floor's encoder for HS256 or ES256.
pub struct FloorSigner {
    key: Sign,
    /// `BASE64URL(header) "."`, computed once.
    header_b64: String,
}

impl FloorSigner {
    /// Parses `alg`'s fixture key once.
    ///
    /// # Panics
    /// For EdDSA and RS256, which the encoding benchmarks do not cover.
    pub fn new(alg: Alg) -> FloorSigner {
        let key = match alg {
            Alg::HS256 => Sign::Hmac(hmac::Key::new(hmac::HMAC_SHA256, SECRET)),
            Alg::ES256 => Sign::Ec(
                EcdsaKeyPair::from_pkcs8(
                    &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
                    &der(alg.private_pem().expect("an asymmetric algorithm")),
                )
                .expect("test key parses"),
                SystemRandom::new(),
            ),
            Alg::EdDSA | Alg::RS256 => panic!("the floor encodes HS256 and ES256 only"),
        };
        let mut header_b64 = URL_SAFE_NO_PAD.encode(header_json(alg));
        header_b64.push('.');
        FloorSigner { key, header_b64 }
    }

    /// Encodes `claims`.
    ///
    /// # Errors
    /// [`Rejected`] when the crypto backend fails.
    pub fn encode(&self, claims: &FullClaimsRef<'_>) -> Result<String, Rejected> {
        let payload = serde_json::to_vec(claims).map_err(|_| Rejected)?;
        let mut token = String::with_capacity(self.header_b64.len() + payload.len() * 4 / 3 + 96);
        token.push_str(&self.header_b64);
        URL_SAFE_NO_PAD.encode_string(&payload, &mut token);
        match &self.key {
            Sign::Hmac(key) => {
                let tag = hmac::sign(key, token.as_bytes());
                append_signature(&mut token, tag.as_ref());
            }
            Sign::Ec(pair, rng) => {
                let signature = pair.sign(rng, token.as_bytes()).map_err(|_| Rejected)?;
                append_signature(&mut token, signature.as_ref());
            }
        }
        Ok(token)
    }
}

fn append_signature(token: &mut String, signature: &[u8]) {
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, token);
}
