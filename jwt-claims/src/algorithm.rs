//! The JWS signature algorithms jwt-claims supports (RFC 7518 §3, RFC 8037).

use core::fmt;

/// A JWS signature algorithm, as named in the `alg` header parameter.
///
/// `none` is deliberately absent: an unsecured JWT can be neither made nor
/// accepted (RFC 8725 §3.1). ES512 is not offered by the crypto backend and a
/// token using it is rejected with [`Error::UnsupportedAlgorithm`](crate::Error::UnsupportedAlgorithm).
///
/// ```
/// use jwt_claims::Algorithm;
///
/// assert_eq!(Algorithm::from_name("ES256"), Some(Algorithm::ES256));
/// assert_eq!(Algorithm::from_name("none"), None);
/// assert_eq!(Algorithm::HS256.name(), "HS256");
/// assert!(Algorithm::HS256.is_hmac());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
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
    /// RSASSA-PSS with SHA-256 and MGF1 with SHA-256.
    PS256,
    /// RSASSA-PSS with SHA-384 and MGF1 with SHA-384.
    PS384,
    /// RSASSA-PSS with SHA-512 and MGF1 with SHA-512.
    PS512,
    /// ECDSA with P-256 and SHA-256.
    ES256,
    /// ECDSA with P-384 and SHA-384.
    ES384,
    /// EdDSA with Ed25519 (RFC 8037).
    EdDSA,
}

/// The key family an [`Algorithm`] needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFamily {
    /// A shared HMAC secret.
    Hmac,
    /// An RSA key pair (RS* and PS*).
    Rsa,
    /// An elliptic-curve key pair on a NIST curve (ES*).
    Ec,
    /// An Edwards-curve key pair (EdDSA).
    Okp,
}

impl Algorithm {
    /// Every supported algorithm, strongest hash last within each family.
    pub const ALL: [Algorithm; 12] = [
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

    /// The `alg` header value, exactly as RFC 7518 spells it.
    pub const fn name(self) -> &'static str {
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

    /// Parses an `alg` value. Names are case-sensitive (RFC 7515 §4.1.1), so
    /// `hs256` is not `HS256`; `none` and unsupported names give `None`.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|alg| alg.name() == name)
    }

    /// The kind of key this algorithm signs and verifies with.
    pub const fn family(self) -> KeyFamily {
        match self {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => KeyFamily::Hmac,
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => KeyFamily::Rsa,
            Algorithm::ES256 | Algorithm::ES384 => KeyFamily::Ec,
            Algorithm::EdDSA => KeyFamily::Okp,
        }
    }

    /// Whether this is an HMAC (shared secret) algorithm.
    pub const fn is_hmac(self) -> bool {
        matches!(self.family(), KeyFamily::Hmac)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_for_every_algorithm() {
        for alg in Algorithm::ALL {
            assert_eq!(Algorithm::from_name(alg.name()), Some(alg));
        }
    }

    #[test]
    fn names_are_case_sensitive_and_none_is_not_an_algorithm() {
        for name in [
            "hs256", "Hs256", "none", "None", "NONE", "", "ES512", "HS256 ",
        ] {
            assert_eq!(Algorithm::from_name(name), None, "{name:?}");
        }
    }
}
