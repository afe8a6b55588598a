//! The peers, each set up as its documentation recommends for the same
//! checks jwt-claims makes: signature, `exp`, `nbf`, `aud`, `iss`, no
//! leeway. Keys are built once, outside the timed code.

use std::collections::HashSet;

use jwt_claims_bench::fixture::{
    AUDIENCE, Access, Alg, FullClaims, ISSUER, JWT_ID, SECRET, SUBJECT, TOKEN_TYPE, TTL, pem,
};
use serde::{Deserialize, Serialize};

/// What a peer reports: success, or that it refused the token.
pub(crate) type Outcome<T> = Result<T, ()>;

/// jsonwebtoken 11 on its aws-lc-rs backend.
pub(crate) mod jsonwebtoken {
    use ::jsonwebtoken as jwt;

    use super::*;

    /// A decoding key and a `Validation` making jwt-claims' checks.
    pub(crate) struct Decoder {
        key: jwt::DecodingKey,
        validation: jwt::Validation,
    }

    impl Decoder {
        /// The decoder for `alg`.
        pub(crate) fn new(alg: Alg) -> Decoder {
            let key = match alg {
                Alg::HS256 => jwt::DecodingKey::from_secret(SECRET),
                Alg::ES256 => jwt::DecodingKey::from_ec_pem(pem::P256_PUB.as_bytes()).unwrap(),
                Alg::EdDSA => jwt::DecodingKey::from_ed_pem(pem::ED25519_PUB.as_bytes()).unwrap(),
                Alg::RS256 => jwt::DecodingKey::from_rsa_pem(pem::RSA2048_PUB.as_bytes()).unwrap(),
            };
            let mut validation = jwt::Validation::new(algorithm(alg));
            validation.set_audience(&[AUDIENCE]);
            validation.set_issuer(&[ISSUER]);
            validation.set_required_spec_claims(&["exp", "aud", "iss", "sub", "nbf"]);
            validation.validate_nbf = true;
            validation.leeway = 0;
            Decoder { key, validation }
        }

        /// `jsonwebtoken::decode`.
        pub(crate) fn decode(&self, token: &str) -> Outcome<FullClaims> {
            jwt::decode::<FullClaims>(token, &self.key, &self.validation)
                .map(|data| data.claims)
                .map_err(drop)
        }
    }

    /// An encoding key and the header.
    pub(crate) struct Encoder {
        key: jwt::EncodingKey,
        header: jwt::Header,
    }

    impl Encoder {
        /// The encoder for `alg` (HS256 or ES256).
        pub(crate) fn new(alg: Alg) -> Encoder {
            let key = match alg {
                Alg::HS256 => jwt::EncodingKey::from_secret(SECRET),
                _ => jwt::EncodingKey::from_ec_pem(pem::P256.as_bytes()).unwrap(),
            };
            let mut header = jwt::Header::new(algorithm(alg));
            header.typ = Some(TOKEN_TYPE.into());
            Encoder { key, header }
        }

        /// `jsonwebtoken::encode`.
        pub(crate) fn encode(
            &self,
            claims: &jwt_claims_bench::fixture::FullClaimsRef<'_>,
        ) -> Outcome<String> {
            jwt::encode(&self.header, claims, &self.key).map_err(drop)
        }
    }

    fn algorithm(alg: Alg) -> jwt::Algorithm {
        match alg {
            Alg::HS256 => jwt::Algorithm::HS256,
            Alg::ES256 => jwt::Algorithm::ES256,
            Alg::EdDSA => jwt::Algorithm::EdDSA,
            Alg::RS256 => jwt::Algorithm::RS256,
        }
    }
}

/// The purpose's claims for jwt-simple and jwt-compact, beside their own
/// registered-claim types.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Custom {
    /// The organisation the token acts for.
    pub(crate) org_id: u64,
    /// The role within it.
    pub(crate) role: String,
    /// Space-separated OAuth scopes.
    pub(crate) scope: String,
    /// Whether the subject's e-mail address is verified.
    pub(crate) email_verified: bool,
}

impl From<Access> for Custom {
    fn from(access: Access) -> Custom {
        Custom {
            org_id: access.org_id,
            role: access.role,
            scope: access.scope,
            email_verified: access.email_verified,
        }
    }
}

/// jwt-simple on its pure-Rust backend: its default backend is BoringSSL,
/// which needs cmake, absent here.
pub(crate) mod jwt_simple {
    use ::jwt_simple::prelude as js;
    use js::{ECDSAP256KeyPairLike as _, ECDSAP256PublicKeyLike as _, MACLike as _};
    use js::{EdDSAPublicKeyLike as _, RSAPublicKeyLike as _};

    use super::*;

    enum Key {
        Hs256(js::HS256Key),
        Es256(js::ES256PublicKey),
        EdDsa(js::Ed25519PublicKey),
        Rs256(js::RS256PublicKey),
    }

    /// A key and the verification options making jwt-claims' checks.
    pub(crate) struct Decoder {
        key: Key,
        options: js::VerificationOptions,
    }

    impl Decoder {
        /// The decoder for `alg`.
        pub(crate) fn new(alg: Alg) -> Decoder {
            let key = match alg {
                Alg::HS256 => Key::Hs256(js::HS256Key::from_bytes(SECRET)),
                Alg::ES256 => Key::Es256(js::ES256PublicKey::from_pem(pem::P256_PUB).unwrap()),
                Alg::EdDSA => Key::EdDsa(js::Ed25519PublicKey::from_pem(pem::ED25519_PUB).unwrap()),
                Alg::RS256 => Key::Rs256(js::RS256PublicKey::from_pem(pem::RSA2048_PUB).unwrap()),
            };
            let options = js::VerificationOptions {
                allowed_issuers: Some(HashSet::from([ISSUER.to_owned()])),
                allowed_audiences: Some(HashSet::from([AUDIENCE.to_owned()])),
                time_tolerance: Some(js::Duration::from_secs(0)),
                ..Default::default()
            };
            Decoder { key, options }
        }

        /// `verify_token`; its options are taken by value, so each call
        /// clones them, as a caller must.
        pub(crate) fn decode(&self, token: &str) -> Outcome<js::JWTClaims<Custom>> {
            let options = Some(self.options.clone());
            match &self.key {
                Key::Hs256(key) => key.verify_token(token, options),
                Key::Es256(key) => key.verify_token(token, options),
                Key::EdDsa(key) => key.verify_token(token, options),
                Key::Rs256(key) => key.verify_token(token, options),
            }
            .map_err(drop)
        }

        /// The ES256 public key, for jwt-compact.
        pub(crate) fn es256_point(&self) -> Vec<u8> {
            match &self.key {
                Key::Es256(key) => key.public_key().to_bytes_uncompressed(),
                _ => panic!("not an ES256 decoder"),
            }
        }

        /// The Ed25519 public key, for jwt-compact.
        pub(crate) fn ed25519_bytes(&self) -> Vec<u8> {
            match &self.key {
                Key::EdDsa(key) => key.to_bytes(),
                _ => panic!("not an EdDSA decoder"),
            }
        }

        /// The RSA modulus and exponent, for jwt-compact.
        pub(crate) fn rsa_components(&self) -> (Vec<u8>, Vec<u8>) {
            match &self.key {
                Key::Rs256(key) => {
                    let components = key.to_components();
                    (components.n, components.e)
                }
                _ => panic!("not an RS256 decoder"),
            }
        }
    }

    enum SigningKey {
        Hs256(js::HS256Key),
        Es256(js::ES256KeyPair),
    }

    /// A signing key.
    pub(crate) struct Encoder(SigningKey);

    impl Encoder {
        /// The encoder for `alg` (HS256 or ES256).
        pub(crate) fn new(alg: Alg) -> Encoder {
            Encoder(match alg {
                Alg::HS256 => SigningKey::Hs256(js::HS256Key::from_bytes(SECRET)),
                _ => SigningKey::Es256(js::ES256KeyPair::from_pem(pem::P256).unwrap()),
            })
        }

        /// The ES256 private scalar, for jwt-compact.
        pub(crate) fn es256_scalar(&self) -> Vec<u8> {
            match &self.0 {
                SigningKey::Es256(pair) => pair.to_bytes(),
                SigningKey::Hs256(_) => panic!("not an ES256 encoder"),
            }
        }

        /// `authenticate` / `sign` with the fixture's claims.
        pub(crate) fn encode(&self, custom: &Custom) -> Outcome<String> {
            let claims = js::Claims::with_custom_claims(
                custom.clone(),
                js::Duration::from_secs(TTL.as_secs()),
            )
            .with_issuer(ISSUER)
            .with_subject(SUBJECT)
            .with_audience(AUDIENCE)
            .with_jwt_id(JWT_ID);
            match &self.0 {
                SigningKey::Hs256(key) => key.authenticate(claims),
                SigningKey::Es256(pair) => pair.sign(claims),
            }
            .map_err(drop)
        }
    }
}

/// jwt-compact, with its RustCrypto backends (`p256`, `ed25519-compact`,
/// `rsa`).
pub(crate) mod jwt_compact {
    use std::borrow::Cow;

    use ::jwt_compact as jc;
    use jc::alg::VerifyingKey as _;
    use jc::alg::{Ed25519, Es256, Hs256, Hs256Key, Rsa, RsaPublicKey};
    use jc::{AlgorithmExt as _, Claims, Header, TimeOptions, UntrustedToken};

    use super::*;

    type Es256Verifying = <Es256 as jc::Algorithm>::VerifyingKey;
    type Es256Signing = <Es256 as jc::Algorithm>::SigningKey;
    type Ed25519Verifying = <Ed25519 as jc::Algorithm>::VerifyingKey;

    /// Every claim jwt-compact leaves to the application: it types only
    /// `exp`, `nbf` and `iat`.
    #[derive(Clone, Debug, Serialize, Deserialize)]
    pub(crate) struct CompactClaims {
        /// `iss`.
        pub(crate) iss: String,
        /// `sub`.
        pub(crate) sub: String,
        /// `aud`.
        pub(crate) aud: String,
        /// `jti`.
        pub(crate) jti: String,
        /// The purpose's own claims.
        #[serde(flatten)]
        pub(crate) custom: Custom,
    }

    enum Key {
        Hs256(Hs256Key),
        Es256(Es256Verifying),
        EdDsa(Ed25519Verifying),
        Rs256(Rsa, RsaPublicKey),
    }

    /// A parsed key; the time checks use no leeway.
    pub(crate) struct Decoder {
        key: Key,
        time: TimeOptions,
    }

    impl Decoder {
        /// The decoder for `alg`; keys come from jwt-simple's parsers, as
        /// jwt-compact reads raw key bytes and JWKs but not PEM.
        pub(crate) fn new(alg: Alg, simple: &super::jwt_simple::Decoder) -> Decoder {
            let key = match alg {
                Alg::HS256 => Key::Hs256(Hs256Key::new(SECRET)),
                Alg::ES256 => {
                    Key::Es256(Es256Verifying::from_slice(&simple.es256_point()).unwrap())
                }
                Alg::EdDSA => {
                    Key::EdDsa(Ed25519Verifying::from_slice(&simple.ed25519_bytes()).unwrap())
                }
                Alg::RS256 => {
                    let (n, e) = simple.rsa_components();
                    let jwk = jc::jwk::JsonWebKey::Rsa {
                        modulus: Cow::Owned(n),
                        public_exponent: Cow::Owned(e),
                        private_parts: None,
                    };
                    Key::Rs256(Rsa::rs256(), RsaPublicKey::try_from(&jwk).unwrap())
                }
            };
            Decoder {
                key,
                time: TimeOptions::from_leeway(chrono::Duration::zero()),
            }
        }

        /// Parse, validate the signature, then `exp`, `nbf`, and `aud` and
        /// `iss` by hand.
        pub(crate) fn decode(&self, token: &str) -> Outcome<Claims<CompactClaims>> {
            let untrusted = UntrustedToken::new(token).map_err(drop)?;
            let token = match &self.key {
                Key::Hs256(key) => Hs256.validator::<CompactClaims>(key).validate(&untrusted),
                Key::Es256(key) => Es256.validator::<CompactClaims>(key).validate(&untrusted),
                Key::EdDsa(key) => Ed25519.validator::<CompactClaims>(key).validate(&untrusted),
                Key::Rs256(rsa, key) => rsa.validator::<CompactClaims>(key).validate(&untrusted),
            }
            .map_err(drop)?;
            let claims = token.into_parts().1;
            claims
                .validate_expiration(&self.time)
                .and_then(|claims| claims.validate_maturity(&self.time))
                .map_err(drop)?;
            if claims.custom.aud != AUDIENCE || claims.custom.iss != ISSUER {
                return Err(());
            }
            Ok(claims)
        }
    }

    enum SigningKey {
        Hs256(Hs256Key),
        Es256(Es256Signing),
    }

    /// A signing key and the header.
    pub(crate) struct Encoder {
        key: SigningKey,
        header: Header,
        time: TimeOptions,
    }

    impl Encoder {
        /// The encoder for `alg` (HS256 or ES256).
        pub(crate) fn new(alg: Alg, simple: &super::jwt_simple::Encoder) -> Encoder {
            let key = match alg {
                Alg::HS256 => SigningKey::Hs256(Hs256Key::new(SECRET)),
                _ => SigningKey::Es256(Es256Signing::from_slice(&simple.es256_scalar()).unwrap()),
            };
            Encoder {
                key,
                header: Header::empty().with_token_type(TOKEN_TYPE),
                time: TimeOptions::default(),
            }
        }

        /// `token` with the fixture's claims.
        pub(crate) fn encode(&self, custom: &Custom) -> Outcome<String> {
            let claims = Claims::new(CompactClaims {
                iss: ISSUER.into(),
                sub: SUBJECT.into(),
                aud: AUDIENCE.into(),
                jti: JWT_ID.into(),
                custom: custom.clone(),
            })
            .set_duration_and_issuance(&self.time, chrono::Duration::seconds(TTL.as_secs() as i64));
            match &self.key {
                SigningKey::Hs256(key) => Hs256.token(&self.header, &claims, key),
                SigningKey::Es256(key) => Es256.token(&self.header, &claims, key),
            }
            .map_err(drop)
        }
    }
}
