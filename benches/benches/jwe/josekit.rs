//! josekit 0.10 (on OpenSSL), set up as its documentation shows, with the
//! same keys and the checks jwt-claims makes: for an encrypted token,
//! decrypt, require `cty: "JWT"`, verify the inner HS256 JWS and its
//! `typ`, then `exp`, `nbf`, `aud`, `iss` (and `sub`, which the purpose
//! requires), no leeway, and the claims read into owned strings. Keys are
//! parsed once, outside the timed code.

use std::time::SystemTime;

use ::josekit::jwe::{self, JweHeader};
use ::josekit::jws::{self, JwsHeader};
use ::josekit::jwt::{self, JwtPayload, JwtPayloadValidator};
use jwt_claims_bench::fixture::{AUDIENCE, ISSUER, JWT_ID, SECRET, SUBJECT, TOKEN_TYPE, TTL};
use jwt_claims_bench::jwe::{Jwe, SealedAccess};
use serde_json::Value;

/// What josekit reports: success, or that it refused.
pub(crate) type Outcome<T> = Result<T, ()>;

/// The claims as josekit hands them out, owned.
#[derive(Debug)]
#[allow(dead_code)] // read by the benchmark only through `black_box`
pub(crate) struct Claims {
    pub(crate) sub: String,
    pub(crate) jti: String,
    pub(crate) org_id: u64,
    pub(crate) role: String,
    pub(crate) scope: String,
    pub(crate) email_verified: bool,
}

fn content_header() -> JweHeader {
    let mut header = JweHeader::new();
    header.set_content_encryption("A256GCM");
    header.set_content_type("JWT");
    header
}

/// A JWE decrypter for `jwe`'s key, and the HS256 verifier of the JWS it
/// holds.
pub(crate) struct Decrypter {
    decrypter: Box<dyn jwe::JweDecrypter>,
    verifier: jws::alg::hmac::HmacJwsVerifier,
}

impl Decrypter {
    pub(crate) fn new(which: Jwe) -> Decrypter {
        let decrypter: Box<dyn jwe::JweDecrypter> = match which.private_pem() {
            None if which == Jwe::Dir => Box::new(
                jwe::Dir
                    .decrypter_from_bytes(jwt_claims_bench::jwe::SECRET)
                    .unwrap(),
            ),
            None => Box::new(
                jwe::A256KW
                    .decrypter_from_bytes(jwt_claims_bench::jwe::SECRET)
                    .unwrap(),
            ),
            Some(pem) if which == Jwe::EcdhEsA256Kw => {
                Box::new(jwe::ECDH_ES_A256KW.decrypter_from_pem(pem).unwrap())
            }
            Some(pem) => Box::new(jwe::RSA_OAEP_256.decrypter_from_pem(pem).unwrap()),
        };
        Decrypter {
            decrypter,
            verifier: jws::HS256.verifier_from_bytes(SECRET).unwrap(),
        }
    }

    /// `jwe::deserialize_compact`: the plaintext.
    pub(crate) fn decrypt(&self, token: &str) -> Outcome<Vec<u8>> {
        jwe::deserialize_compact(token, &*self.decrypter)
            .map(|(plaintext, _)| plaintext)
            .map_err(drop)
    }

    /// Decrypt, then verify the JWS inside and check its claims.
    pub(crate) fn decode(&self, token: &str) -> Outcome<Claims> {
        let (plaintext, header) =
            jwe::deserialize_compact(token, &*self.decrypter).map_err(drop)?;
        if header.content_type() != Some("JWT") {
            return Err(());
        }
        let (payload, header) =
            jwt::decode_with_verifier(&plaintext, &self.verifier).map_err(drop)?;
        if header.token_type() != Some(TOKEN_TYPE) {
            return Err(());
        }
        let mut validator = JwtPayloadValidator::new();
        validator.set_base_time(SystemTime::now());
        validator.set_issuer(ISSUER);
        validator.set_audience(AUDIENCE);
        validator.validate(&payload).map_err(drop)?;
        // The validator checks `exp`, `nbf` and `aud` when present; the
        // purpose requires them (and `sub`).
        if payload.expires_at().is_none()
            || payload.not_before().is_none()
            || payload.audience().is_none()
        {
            return Err(());
        }
        let text = |name: &str| {
            payload
                .claim(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or(())
        };
        Ok(Claims {
            sub: payload.subject().ok_or(())?.to_owned(),
            jti: payload.jwt_id().ok_or(())?.to_owned(),
            org_id: payload.claim("org_id").and_then(Value::as_u64).ok_or(())?,
            role: text("role")?,
            scope: text("scope")?,
            email_verified: payload
                .claim("email_verified")
                .and_then(Value::as_bool)
                .ok_or(())?,
        })
    }
}

/// A JWE encrypter to `jwe`'s key, and the HS256 signer of the JWS it
/// encrypts.
pub(crate) struct Encrypter {
    encrypter: Box<dyn jwe::JweEncrypter>,
    signer: jws::alg::hmac::HmacJwsSigner,
    header: JweHeader,
}

impl Encrypter {
    pub(crate) fn new(which: Jwe) -> Encrypter {
        let encrypter: Box<dyn jwe::JweEncrypter> = match which.public_pem() {
            None if which == Jwe::Dir => Box::new(
                jwe::Dir
                    .encrypter_from_bytes(jwt_claims_bench::jwe::SECRET)
                    .unwrap(),
            ),
            None => Box::new(
                jwe::A256KW
                    .encrypter_from_bytes(jwt_claims_bench::jwe::SECRET)
                    .unwrap(),
            ),
            Some(pem) if which == Jwe::EcdhEsA256Kw => {
                Box::new(jwe::ECDH_ES_A256KW.encrypter_from_pem(pem).unwrap())
            }
            Some(pem) => Box::new(jwe::RSA_OAEP_256.encrypter_from_pem(pem).unwrap()),
        };
        Encrypter {
            encrypter,
            signer: jws::HS256.signer_from_bytes(SECRET).unwrap(),
            header: content_header(),
        }
    }

    /// `jwe::serialize_compact` of `plaintext`.
    pub(crate) fn encrypt(&self, plaintext: &[u8]) -> Outcome<String> {
        jwe::serialize_compact(plaintext, &self.header, &*self.encrypter).map_err(drop)
    }

    /// The claims signed (`jwt::encode_with_signer`), then the JWS
    /// encrypted.
    pub(crate) fn encode(&self, claims: &SealedAccess) -> Outcome<String> {
        let now = SystemTime::now();
        let mut payload = JwtPayload::new();
        payload.set_issuer(ISSUER);
        payload.set_subject(SUBJECT);
        payload.set_audience(vec![AUDIENCE]);
        payload.set_issued_at(&now);
        payload.set_not_before(&now);
        payload.set_expires_at(&(now + TTL));
        payload.set_jwt_id(JWT_ID);
        for (name, value) in [
            ("org_id", Value::from(claims.org_id)),
            ("role", Value::from(claims.role.as_str())),
            ("scope", Value::from(claims.scope.as_str())),
            ("email_verified", Value::from(claims.email_verified)),
        ] {
            payload.set_claim(name, Some(value)).map_err(drop)?;
        }
        let mut header = JwsHeader::new();
        header.set_token_type(TOKEN_TYPE);
        let jws = jwt::encode_with_signer(&payload, &header, &self.signer).map_err(drop)?;
        self.encrypt(jws.as_bytes())
    }
}
