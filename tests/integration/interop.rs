//! Interop, both directions, with PyJWT (+ `cryptography`) and the npm
//! `jose` package, at the versions pinned in `tests/interop`: tokens they
//! mint with every algorithm jwt-claims supports decode here, and tokens
//! minted here verify there, `typ` spellings and array audiences included.
//!
//! The tools run as `tests/interop/pyjwt_tool.py` and `jose_tool.mjs`,
//! one process per test, with a batch of jobs as JSON on stdin. They are
//! installed by `./scripts/test` into `tests/interop` (or where
//! `JWT_CLAIMS_INTEROP` points); when they are missing these tests fail
//! and say to run the script.
//!
//! JWE and nested (sign-then-encrypt) interop, with jose only (PyJWT has
//! no JWE), is `jwe_interop`'s, through the same [`Tool`].

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use jwt_claims::{
    Algorithm, Claims, Error, HmacKey, PrivateKey, PublicKey, Signer, SigningKey, Verifier,
    VerifyingKey,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::support::*;

/// Where `./scripts/test` installed the tools: the `tests/interop` folder.
const INTEROP_ENV: &str = "JWT_CLAIMS_INTEROP";

/// The HMAC secret of every HS* case: 64 bytes, enough for HS512.
const INTEROP_SECRET: &[u8; 64] =
    b"jwt-claims interop secret, 64 bytes long for HS512 as RFC 7518!!";

// ----- the claims both sides agree on -----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Limits {
    daily: u64,
    ratio: f64,
    tags: Vec<String>,
    flags: BTreeMap<String, bool>,
}

/// An access token with claims of every JSON kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "billing", ttl = "15m", require = ["sub", "iat"])]
struct InteropAccess {
    org_id: u64,
    role: String,
    note: String,
    limits: Limits,
    scopes: Vec<String>,
    manager: Option<String>,
}

/// A token for two audiences, written as an `aud` array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "dashboard", aud = ["billing", "reports"], ttl = "15m")]
struct InteropDashboard {
    widgets: Vec<String>,
}

fn access() -> InteropAccess {
    InteropAccess {
        org_id: 7,
        role: "admin".into(),
        note: "ünïcødé \"quoted\" back\\slash\ttab\nline \u{0}nul \u{7f} \u{2028} 🦀 \u{10ffff}"
            .into(),
        limits: Limits {
            daily: 1000,
            ratio: 0.25,
            tags: vec!["a".into(), "".into(), "ü".into()],
            flags: BTreeMap::from([("beta".into(), true), ("legacy".into(), false)]),
        },
        scopes: vec!["read".into(), "write".into()],
        manager: None,
    }
}

/// The whole claims set of an [`InteropAccess`] token issued at [`NOW`].
fn access_claims() -> Value {
    let mut claims = serde_json::to_value(access()).unwrap();
    let registered = json!({
        "iss": ISSUER,
        "sub": "user-1",
        "aud": "billing",
        "iat": NOW,
        "exp": NOW + 900,
    });
    for (name, value) in registered.as_object().unwrap() {
        claims[name] = value.clone();
    }
    claims
}

// ----- keys -----

fn key_file(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("keys")
        .join(name)
        .display()
        .to_string()
}

/// The key files of `algorithm`'s family: (private PKCS#8, public SPKI).
fn pem_files(algorithm: Algorithm) -> (&'static str, &'static [u8], &'static [u8]) {
    match algorithm {
        Algorithm::ES256 => ("p256", pem::P256, pem::P256_PUB),
        Algorithm::ES384 => ("p384", pem::P384, pem::P384_PUB),
        Algorithm::EdDSA => ("ed25519", pem::ED25519, pem::ED25519_PUB),
        _ => ("rsa2048", pem::RSA2048, pem::RSA2048_PUB),
    }
}

/// How a tool gets the key: the HMAC secret, or a PEM file's path.
pub(crate) fn tool_key(algorithm: Algorithm, to_sign: bool) -> Value {
    if algorithm.is_hmac() {
        return json!({ "secret": b64(INTEROP_SECRET) });
    }
    let (stem, _, _) = pem_files(algorithm);
    let file = if to_sign {
        format!("{stem}.pem")
    } else {
        format!("{stem}.pub.pem")
    };
    json!({ "pem": key_file(&file) })
}

pub(crate) fn signing_key(algorithm: Algorithm) -> SigningKey {
    if algorithm.is_hmac() {
        return HmacKey::new(algorithm, INTEROP_SECRET).unwrap().into();
    }
    PrivateKey::from_pem(algorithm, pem_files(algorithm).1)
        .unwrap()
        .into()
}

pub(crate) fn verifying_key(algorithm: Algorithm) -> VerifyingKey {
    if algorithm.is_hmac() {
        return HmacKey::new(algorithm, INTEROP_SECRET).unwrap().into();
    }
    PublicKey::from_pem(algorithm, pem_files(algorithm).2)
        .unwrap()
        .into()
}

/// A verifier holding a key of every algorithm for both purposes.
fn interop_verifier() -> Verifier {
    Algorithm::ALL
        .into_iter()
        .fold(verifier_builder(), |builder, algorithm| {
            builder
                .key::<InteropAccess>(verifying_key(algorithm))
                .key::<InteropDashboard>(verifying_key(algorithm))
        })
        .build()
        .unwrap()
}

fn signer(algorithm: Algorithm) -> Signer {
    Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .shared_key(signing_key(algorithm))
        .build()
        .unwrap()
}

// ----- the tools -----

#[derive(Clone, Copy, Debug)]
pub(crate) enum Tool {
    PyJwt,
    Jose,
}

const TOOLS: [Tool; 2] = [Tool::PyJwt, Tool::Jose];

/// The `tests/interop` folder with the tools installed, or a failure that
/// says how to install them.
fn interop_dir() -> PathBuf {
    let setup = "the interop tools (PyJWT, jose) are not set up: run the test suite with \
                 ./scripts/test, which installs them into tests/interop and sets JWT_CLAIMS_INTEROP";
    // Where ./scripts/test installs them, unless told otherwise: after one
    // run of the script, plain `cargo test` finds them too.
    let dir = std::env::var_os(INTEROP_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("interop"));
    for needed in [".venv/bin/python", "node_modules/jose/package.json"] {
        assert!(
            dir.join(needed).exists(),
            "{} is missing: {setup}",
            dir.join(needed).display()
        );
    }
    dir
}

impl Tool {
    /// Runs `command` over `jobs` in one process; returns the tool's
    /// `tokens` (`mint`, and jose's `encrypt` and `sign_encrypt`) or
    /// `results` (`verify`, and jose's `decrypt` and `decrypt_verify`).
    pub(crate) fn run(self, command: &str, jobs: &[Value]) -> Vec<Value> {
        let dir = interop_dir();
        let mut process = match self {
            Tool::PyJwt => {
                let mut process = Command::new(dir.join(".venv/bin/python"));
                process.arg(dir.join("pyjwt_tool.py"));
                process
            }
            Tool::Jose => {
                let mut process = Command::new("node");
                process.arg(dir.join("jose_tool.mjs"));
                process
            }
        };
        let mut child = process
            .arg(command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("{self:?} did not start ({err}); run ./scripts/test"));
        let input = json!({ "jobs": jobs }).to_string();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{self:?} {command} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut out: Value = serde_json::from_slice(&output.stdout).unwrap();
        let field = if matches!(command, "mint" | "encrypt" | "sign_encrypt") {
            "tokens"
        } else {
            "results"
        };
        let list = out[field].take();
        let list: Vec<Value> = serde_json::from_value(list).unwrap();
        assert_eq!(list.len(), jobs.len(), "{self:?} {command}");
        list
    }

    /// Tokens the tool mints, one per `(algorithm, typ, claims)`.
    fn mint(self, cases: &[(Algorithm, &str, Value)]) -> Vec<String> {
        let jobs: Vec<Value> = cases
            .iter()
            .map(|(algorithm, typ, claims)| {
                json!({
                    "alg": algorithm.name(),
                    "key": tool_key(*algorithm, true),
                    "header": { "typ": typ },
                    "claims": claims,
                })
            })
            .collect();
        self.run("mint", &jobs)
            .into_iter()
            .map(|token| token.as_str().expect("a token string").to_owned())
            .collect()
    }

    /// The tool's verdict on each `(algorithm, token, typ, audience, now)`.
    fn verify(self, cases: &[(Algorithm, &str, &str, &str, i64)]) -> Vec<Value> {
        let jobs: Vec<Value> = cases
            .iter()
            .map(|(algorithm, token, typ, audience, now)| {
                json!({
                    "alg": algorithm.name(),
                    "key": tool_key(*algorithm, false),
                    "token": token,
                    "typ": typ,
                    "audience": audience,
                    "issuer": ISSUER,
                    "now": now,
                })
            })
            .collect();
        self.run("verify", &jobs)
    }
}

// ----- their tokens, decoded here -----

fn decode_tokens_of_every_algorithm_from(tool: Tool) {
    let cases: Vec<_> = Algorithm::ALL
        .iter()
        .map(|&algorithm| (algorithm, "access", access_claims()))
        .collect();
    let tokens = tool.mint(&cases);
    let verifier = interop_verifier();
    for (algorithm, token) in Algorithm::ALL.into_iter().zip(tokens) {
        let decoded = verifier
            .decode::<InteropAccess>(&token)
            .unwrap_or_else(|err| panic!("{tool:?} {algorithm}: {err}"));
        assert_eq!(decoded.algorithm(), algorithm);
        assert_eq!(decoded.registered().subject(), Some("user-1"));
        assert_eq!(
            decoded.registered().issued_at().map(|t| t.timestamp()),
            Some(NOW)
        );
        assert_eq!(decoded.into_claims(), access(), "{tool:?} {algorithm}");
    }
}

#[test]
fn tokens_pyjwt_mints_with_every_algorithm_decode_here() {
    decode_tokens_of_every_algorithm_from(Tool::PyJwt);
}

#[test]
fn tokens_jose_mints_with_every_algorithm_decode_here() {
    decode_tokens_of_every_algorithm_from(Tool::Jose);
}

#[test]
fn typ_spellings_from_pyjwt_and_jose_are_normalized_here() {
    let accepted = [
        "access",
        "ACCESS",
        "application/access",
        "Application/Access",
    ];
    let refused = ["at+jwt", "JWT", "application/refresh", "access "];
    for tool in TOOLS {
        let cases: Vec<_> = accepted
            .iter()
            .chain(&refused)
            .map(|typ| (Algorithm::ES256, *typ, access_claims()))
            .collect();
        let tokens = tool.mint(&cases);
        let verifier = interop_verifier();
        for ((_, typ, _), token) in cases.iter().zip(&tokens) {
            let decoded = verifier.decode::<InteropAccess>(token);
            if accepted.contains(typ) {
                assert_eq!(decoded.unwrap().into_claims(), access(), "{tool:?} {typ}");
            } else {
                assert_eq!(
                    decoded.unwrap_err(),
                    Error::WrongType {
                        expected: "access".into(),
                        found: (*typ).into()
                    },
                    "{tool:?} {typ}"
                );
            }
        }
    }
}

#[test]
fn array_audiences_from_pyjwt_and_jose_are_checked_here() {
    let with_aud = |aud: Value| with(access_claims(), "aud", aud);
    for tool in TOOLS {
        let cases = [
            (
                Algorithm::EdDSA,
                "access",
                with_aud(json!(["reports", "billing"])),
            ),
            (Algorithm::EdDSA, "access", with_aud(json!(["billing"]))),
            (
                Algorithm::EdDSA,
                "access",
                with_aud(json!(["reports", "ops"])),
            ),
        ];
        let tokens = tool.mint(&cases);
        let verifier = interop_verifier();
        let decoded = verifier.decode::<InteropAccess>(&tokens[0]).unwrap();
        assert!(decoded.registered().audience().contains("reports"));
        assert!(decoded.registered().audience().contains("billing"));
        assert_eq!(decoded.into_claims(), access());
        assert_eq!(
            verifier
                .decode::<InteropAccess>(&tokens[1])
                .unwrap()
                .into_claims(),
            access()
        );
        assert_eq!(
            verifier.decode::<InteropAccess>(&tokens[2]).unwrap_err(),
            Error::WrongAudience {
                expected: vec!["billing".into()],
                found: vec!["reports".into(), "ops".into()]
            },
            "{tool:?}"
        );
    }
}

#[test]
fn tokens_from_pyjwt_and_jose_expire_here_one_second_past_exp() {
    for tool in TOOLS {
        let cases: Vec<_> = [NOW + 1, NOW, NOW - 1]
            .into_iter()
            .map(|exp| {
                let claims = with(access_claims(), "exp", json!(exp));
                (
                    Algorithm::PS256,
                    "access",
                    with(claims, "iat", json!(NOW - 60)),
                )
            })
            .collect();
        let tokens = tool.mint(&cases);
        let verifier = interop_verifier();
        assert_eq!(
            verifier
                .decode::<InteropAccess>(&tokens[0])
                .unwrap()
                .registered()
                .expires_at()
                .timestamp(),
            NOW + 1
        );
        for (token, exp) in tokens[1..].iter().zip([NOW, NOW - 1]) {
            assert_eq!(
                verifier.decode::<InteropAccess>(token).unwrap_err(),
                Error::Expired {
                    expired_at: exp,
                    now: NOW
                },
                "{tool:?}"
            );
        }
    }
}

// ----- tokens minted here, verified there -----

fn verify_tokens_of_every_algorithm_in(tool: Tool) {
    let tokens: Vec<String> = Algorithm::ALL
        .iter()
        .map(|&algorithm| {
            signer(algorithm)
                .issue(&access())
                .subject("user-1")
                .encode()
                .unwrap()
                .into_string()
        })
        .collect();
    let cases: Vec<_> = Algorithm::ALL
        .iter()
        .zip(&tokens)
        .map(|(&algorithm, token)| (algorithm, token.as_str(), "access", "billing", NOW))
        .collect();
    for ((algorithm, ..), result) in cases.iter().zip(tool.verify(&cases)) {
        assert_eq!(result["ok"], json!(true), "{tool:?} {algorithm}: {result}");
        assert_eq!(
            result["header"],
            json!({ "alg": algorithm.name(), "typ": "access" }),
            "{tool:?} {algorithm}"
        );
        assert_eq!(result["claims"], access_claims(), "{tool:?} {algorithm}");
    }
}

#[test]
fn tokens_minted_here_with_every_algorithm_verify_in_pyjwt() {
    verify_tokens_of_every_algorithm_in(Tool::PyJwt);
}

#[test]
fn tokens_minted_here_with_every_algorithm_verify_in_jose() {
    verify_tokens_of_every_algorithm_in(Tool::Jose);
}

#[test]
fn array_audiences_minted_here_verify_in_pyjwt_and_jose() {
    let dashboard = InteropDashboard {
        widgets: vec!["revenue".into(), "ütilization".into()],
    };
    let token = signer(Algorithm::ES384)
        .encode(&dashboard)
        .unwrap()
        .into_string();
    for tool in TOOLS {
        let results = tool.verify(&[
            (Algorithm::ES384, &token, "dashboard", "reports", NOW),
            (Algorithm::ES384, &token, "dashboard", "billing", NOW),
            (Algorithm::ES384, &token, "dashboard", "ops", NOW),
        ]);
        for result in &results[..2] {
            assert_eq!(result["ok"], json!(true), "{tool:?}: {result}");
            assert_eq!(result["claims"]["aud"], json!(["billing", "reports"]));
            assert_eq!(result["claims"]["widgets"], json!(dashboard.widgets));
        }
        assert_eq!(results[2]["ok"], json!(false), "{tool:?}: {}", results[2]);
    }
}

#[test]
fn jose_normalizes_the_typ_written_here_as_jwt_claims_does() {
    let token = signer(Algorithm::HS384)
        .issue(&access())
        .subject("user-1")
        .encode()
        .unwrap()
        .into_string();
    let results = Tool::Jose.verify(&[
        (
            Algorithm::HS384,
            &token,
            "application/access",
            "billing",
            NOW,
        ),
        (Algorithm::HS384, &token, "ACCESS", "billing", NOW),
        (Algorithm::HS384, &token, "refresh", "billing", NOW),
    ]);
    assert_eq!(results[0]["ok"], json!(true), "{}", results[0]);
    assert_eq!(results[1]["ok"], json!(true), "{}", results[1]);
    assert_eq!(results[2]["ok"], json!(false), "{}", results[2]);
    assert!(
        results[2]["error"]
            .as_str()
            .unwrap()
            .starts_with("ERR_JWT_CLAIM_VALIDATION_FAILED"),
        "{}",
        results[2]
    );
}

#[test]
fn tokens_minted_here_expire_in_pyjwt_and_jose_at_exp() {
    let token = signer(Algorithm::RS384)
        .issue(&access())
        .subject("user-1")
        .encode()
        .unwrap()
        .into_string();
    let exp = NOW + 900;
    for tool in TOOLS {
        let results = tool.verify(&[
            (Algorithm::RS384, &token, "access", "billing", exp - 1),
            (Algorithm::RS384, &token, "access", "billing", exp),
            (Algorithm::RS384, &token, "access", "billing", exp + 1),
        ]);
        assert_eq!(results[0]["ok"], json!(true), "{tool:?}: {}", results[0]);
        for result in &results[1..] {
            let expected = match tool {
                Tool::PyJwt => "ExpiredSignatureError",
                Tool::Jose => "ERR_JWT_EXPIRED",
            };
            assert!(
                result["error"].as_str().unwrap().starts_with(expected),
                "{tool:?}: {result}"
            );
        }
    }
}

#[test]
fn tokens_minted_here_fail_in_pyjwt_and_jose_under_another_key_or_algorithm() {
    let token = signer(Algorithm::ES256)
        .issue(&access())
        .subject("user-1")
        .encode()
        .unwrap()
        .into_string();
    let forged = replace_segment(&token, 1, &b64(br#"{"aud":"billing"}"#));
    for tool in TOOLS {
        let results = tool.verify(&[
            // The signature over another payload.
            (Algorithm::ES256, &forged, "access", "billing", NOW),
            // Only ES384 allowed, with a P-384 key.
            (Algorithm::ES384, &token, "access", "billing", NOW),
        ]);
        for result in results {
            assert_eq!(result["ok"], json!(false), "{tool:?}: {result}");
        }
    }
}
