//! PEM armour: one block, its label and DER contents (RFC 7468).

use zeroize::Zeroizing;

use super::invalid;
use crate::{Algorithm, Error};

/// What a PEM label says the DER inside is.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum PemKind {
    /// `PUBLIC KEY`: an X.509 SubjectPublicKeyInfo.
    SubjectPublicKeyInfo,
    /// `RSA PUBLIC KEY`: a PKCS#1 RSAPublicKey.
    RsaPublicKey,
    /// `PRIVATE KEY`: a PKCS#8 PrivateKeyInfo.
    Pkcs8,
    /// `RSA PRIVATE KEY`: a PKCS#1 RSAPrivateKey.
    RsaPrivateKey,
    /// `EC PRIVATE KEY`: a SEC 1 ECPrivateKey.
    EcPrivateKey,
}

/// Decodes the first PEM block of `input`.
pub(super) fn decode(
    algorithm: Algorithm,
    input: &[u8],
) -> Result<(PemKind, Zeroizing<Vec<u8>>), Error> {
    let block = pem::parse(input).map_err(|_| invalid(algorithm, "not a PEM block"))?;
    let kind = match block.tag() {
        "PUBLIC KEY" => PemKind::SubjectPublicKeyInfo,
        "RSA PUBLIC KEY" => PemKind::RsaPublicKey,
        "PRIVATE KEY" => PemKind::Pkcs8,
        "RSA PRIVATE KEY" => PemKind::RsaPrivateKey,
        "EC PRIVATE KEY" => PemKind::EcPrivateKey,
        "CERTIFICATE" => {
            return Err(invalid(
                algorithm,
                "X.509 certificates are not accepted: give the certificate's public key",
            ));
        }
        "ENCRYPTED PRIVATE KEY" => {
            return Err(invalid(
                algorithm,
                "encrypted private keys are not supported: decrypt it first",
            ));
        }
        other => {
            return Err(invalid(
                algorithm,
                format!("unexpected PEM label \"{}\"", crate::error::echo(other)),
            ));
        }
    };
    // Private key bodies are secret: wiped when dropped.
    Ok((kind, Zeroizing::new(block.into_contents())))
}

impl PemKind {
    pub(super) fn is_private(&self) -> bool {
        matches!(
            self,
            PemKind::Pkcs8 | PemKind::RsaPrivateKey | PemKind::EcPrivateKey
        )
    }
}
