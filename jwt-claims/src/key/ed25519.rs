//! Ed25519 public keys checked before any backend sees them: the 32 bytes
//! must encode a point canonically (RFC 8032 §5.1.3), the point must be on
//! the curve, and it must not be one of the 8 points of small order.
//!
//! A small-order key breaks what a signature means: with the identity as
//! the key, `R` = the identity and `S` = 0 verify for every message
//! (`[S]B = R + [k]A` is `O = O + O`); the other seven points let a
//! signature verify for a fraction of all messages. RFC 8032 leaves the
//! check to the application; libsodium and ed25519-dalek's `verify_strict`
//! refuse these keys, and so does jwt-claims, on both backends.
//!
//! The backends also disagree on points off the curve: RustCrypto decodes
//! the point when the key is built and refuses it, aws-lc only when a
//! signature is checked, so such a key built and then verified nothing.
//! Checking here gives both backends the same answer at construction.
//!
//! The arithmetic is the little needed for that: integers modulo
//! p = 2^255 - 19 in four 64-bit limbs, always fully reduced. It handles
//! public data only, so it makes no attempt to run in constant time.

/// An element of GF(p), p = 2^255 - 19: four little-endian 64-bit limbs,
/// always in `[0, p)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fe([u64; 4]);

const P: [u64; 4] = [
    0xffff_ffff_ffff_ffed,
    0xffff_ffff_ffff_ffff,
    0xffff_ffff_ffff_ffff,
    0x7fff_ffff_ffff_ffff,
];

/// The curve constant d = -121665 / 121666 (RFC 8032 §5.1).
const D: Fe = Fe([
    0x75eb_4dca_1359_78a3,
    0x0070_0a4d_4141_d8ab,
    0x8cc7_4079_7779_e898,
    0x5203_6cee_2b6f_fe73,
]);

/// The y coordinates of the 8 points of small order (the torsion subgroup,
/// orders 1, 2, 4 and 8): y = 1 (the identity), y = -1, y = 0 (two points),
/// and two y values of order-8 points (two points each, one per sign of x).
/// Listed as their canonical little-endian encodings without the sign bit.
const SMALL_ORDER_Y: [[u8; 32]; 5] = [
    // y = 0: order 4
    [0; 32],
    // y = 1: the identity, order 1
    [
        0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0,
    ],
    // y = p - 1: order 2
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    // order 8
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    // order 8: p minus the one above
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
];

/// Why a 32-byte string is not an acceptable Ed25519 public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Refused {
    /// y is not below p: a second encoding of some point (RFC 8032
    /// §5.1.3 requires decoders to reject it).
    NonCanonical,
    /// No point of the curve has this y (or x = 0 with the sign bit set).
    NotOnCurve,
    /// One of the 8 points of small order.
    SmallOrder,
}

impl Refused {
    /// The reason given in [`Error::InvalidKey`](crate::Error::InvalidKey).
    pub(super) fn reason(self) -> &'static str {
        match self {
            Refused::NonCanonical => {
                "Ed25519 public key is not canonically encoded (its y is not below 2^255 - 19)"
            }
            Refused::NotOnCurve => "Ed25519 public key is not a point on the curve",
            Refused::SmallOrder => {
                "Ed25519 public key is a point of small order, which verifies forged signatures"
            }
        }
    }
}

/// Checks a 32-byte Ed25519 public key (RFC 8032 §5.1.5 encoding).
pub(super) fn check_public_key(bytes: &[u8; 32]) -> Result<(), Refused> {
    let mut y_bytes = *bytes;
    y_bytes[31] &= 0x7f;
    let y = Fe::from_bytes(&y_bytes).ok_or(Refused::NonCanonical)?;
    // The sign bit does not change the order of a point: compare y alone.
    // (Every small-order y is below p, so the canonical check came first
    // without letting one through.)
    if SMALL_ORDER_Y.contains(&y_bytes) {
        return Err(Refused::SmallOrder);
    }
    // x^2 = (y^2 - 1) / (d y^2 + 1) must have a root (RFC 8032 §5.1.3
    // step 2). The denominator is never zero: d is not a square mod p.
    let yy = y.square();
    let u = yy.sub(Fe::ONE);
    let v = D.mul(yy).add(Fe::ONE);
    let x2 = u.mul(v.invert());
    if x2 == Fe::ZERO {
        // x = 0 only for y = ±1, both of small order and refused above.
        return Err(Refused::SmallOrder);
    }
    if !x2.is_square() {
        return Err(Refused::NotOnCurve);
    }
    Ok(())
}

impl Fe {
    const ZERO: Fe = Fe([0; 4]);
    const ONE: Fe = Fe([1, 0, 0, 0]);

    /// A little-endian 255-bit integer; `None` unless it is below p.
    fn from_bytes(bytes: &[u8; 32]) -> Option<Fe> {
        let mut limbs = [0u64; 4];
        for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            *limb = u64::from_le_bytes(word);
        }
        (!at_least_p(&limbs)).then_some(Fe(limbs))
    }

    fn add(self, other: Fe) -> Fe {
        // Both are below p < 2^255: the sum fits in 256 bits.
        let mut out = [0u64; 4];
        let mut carry = 0u128;
        for (i, limb) in out.iter_mut().enumerate() {
            let sum = u128::from(self.0[i]) + u128::from(other.0[i]) + carry;
            *limb = sum as u64;
            carry = sum >> 64;
        }
        Fe(reduce_once_or_twice(out))
    }

    fn sub(self, other: Fe) -> Fe {
        // self - other = self + (p - other), with p - other in (0, p].
        let mut negated = [0u64; 4];
        let mut borrow = 0i128;
        for (i, limb) in negated.iter_mut().enumerate() {
            let diff = i128::from(P[i]) - i128::from(other.0[i]) - borrow;
            *limb = diff as u64;
            borrow = i128::from(diff < 0);
        }
        self.add(Fe(negated))
    }

    fn mul(self, other: Fe) -> Fe {
        let mut wide = [0u64; 8];
        for i in 0..4 {
            let mut carry = 0u128;
            for j in 0..4 {
                let t = u128::from(self.0[i]) * u128::from(other.0[j])
                    + u128::from(wide[i + j])
                    + carry;
                wide[i + j] = t as u64;
                carry = t >> 64;
            }
            wide[i + 4] = carry as u64;
        }
        // 2^256 = 2 * 2^255 ≡ 2 * 19 = 38 (mod p): fold the high half in.
        let mut folded = [0u64; 4];
        let mut carry = 0u128;
        for (i, limb) in folded.iter_mut().enumerate() {
            let t = u128::from(wide[i]) + u128::from(wide[i + 4]) * 38 + carry;
            *limb = t as u64;
            carry = t >> 64;
        }
        // What overflowed 2^256 (under 39) folds in the same way; if that
        // wraps again, the low limbs are tiny and the second fold cannot.
        let mut carry = carry * 38;
        while carry != 0 {
            for limb in folded.iter_mut() {
                let t = u128::from(*limb) + carry;
                *limb = t as u64;
                carry = t >> 64;
            }
            carry *= 38;
        }
        Fe(reduce_once_or_twice(folded))
    }

    fn square(self) -> Fe {
        self.mul(self)
    }

    /// `self` to the power of a little-endian 256-bit exponent.
    fn pow(self, exponent: [u64; 4]) -> Fe {
        let mut result = Fe::ONE;
        for limb in exponent.iter().rev() {
            for bit in (0..64).rev() {
                result = result.square();
                if limb >> bit & 1 == 1 {
                    result = result.mul(self);
                }
            }
        }
        result
    }

    /// The inverse by Fermat: self^(p - 2). Zero maps to zero.
    fn invert(self) -> Fe {
        let mut exponent = P;
        exponent[0] -= 2;
        self.pow(exponent)
    }

    /// Euler's criterion: a non-zero element is a square exactly when
    /// self^((p - 1) / 2) is 1.
    fn is_square(self) -> bool {
        // (p - 1) / 2 = 2^254 - 10.
        let exponent = [
            0xffff_ffff_ffff_fff6,
            0xffff_ffff_ffff_ffff,
            0xffff_ffff_ffff_ffff,
            0x3fff_ffff_ffff_ffff,
        ];
        self.pow(exponent) == Fe::ONE
    }
}

/// `limbs >= p`.
fn at_least_p(limbs: &[u64; 4]) -> bool {
    for i in (0..4).rev() {
        if limbs[i] != P[i] {
            return limbs[i] > P[i];
        }
    }
    true
}

/// A 256-bit value brought into `[0, p)`: below 2^256 = 2p + 38, so at
/// most two subtractions of p.
fn reduce_once_or_twice(mut limbs: [u64; 4]) -> [u64; 4] {
    while at_least_p(&limbs) {
        let mut borrow = 0i128;
        for (i, limb) in limbs.iter_mut().enumerate() {
            let diff = i128::from(*limb) - i128::from(P[i]) - borrow;
            *limb = diff as u64;
            borrow = i128::from(diff < 0);
        }
    }
    limbs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(n: u64) -> Fe {
        Fe([n, 0, 0, 0])
    }

    fn encoding(hex: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    #[test]
    fn the_curve_constant_is_minus_121665_over_121666() {
        let minus = Fe::ZERO.sub(small(121665));
        assert_eq!(minus.mul(small(121666).invert()), D);
        assert_eq!(D.mul(small(121666)), minus);
        assert!(!D.is_square(), "d is not a square, so d y^2 + 1 is never 0");
    }

    #[test]
    fn field_arithmetic_reduces_at_the_edges() {
        let p_minus_1 = Fe::ZERO.sub(Fe::ONE);
        assert_eq!(p_minus_1.add(Fe::ONE), Fe::ZERO);
        assert_eq!(p_minus_1.mul(p_minus_1), Fe::ONE);
        assert_eq!(p_minus_1.square().sub(Fe::ONE), Fe::ZERO);
        let two = small(2);
        assert_eq!(two.mul(two.invert()), Fe::ONE);
        assert_eq!(Fe::ZERO.invert(), Fe::ZERO);
        // 2^255 ≡ 19: (2^128)^2 is 2^256 ≡ 38.
        let two_128 = Fe([0, 0, 1, 0]);
        assert_eq!(two_128.square(), small(38));
        assert!(small(4).is_square());
        assert!(p_minus_1.is_square(), "-1 is a square as p ≡ 1 (mod 4)");
        assert!(!two.is_square(), "2 is not a square as p ≡ 5 (mod 8)");
        let mut p_bytes = [0xff; 32];
        p_bytes[0] = 0xed;
        p_bytes[31] = 0x7f;
        assert_eq!(Fe::from_bytes(&p_bytes), None);
        p_bytes[0] = 0xec;
        assert_eq!(Fe::from_bytes(&p_bytes), Some(p_minus_1));
    }

    #[test]
    fn every_small_order_encoding_is_refused_with_either_sign() {
        // The 8 points of small order, as libsodium lists them, and the
        // non-canonical encodings of y = 0 and y = 1 (y = p and y = p + 1).
        for hex in [
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000080",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        ] {
            assert_eq!(
                check_public_key(&encoding(hex)),
                Err(Refused::SmallOrder),
                "{hex}"
            );
        }
        // The identity and y = -1 with the sign bit set: x = 0 has no sign.
        for hex in [
            "0100000000000000000000000000000000000000000000000000000000000080",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        ] {
            assert_eq!(
                check_public_key(&encoding(hex)),
                Err(Refused::SmallOrder),
                "{hex}"
            );
        }
    }

    #[test]
    fn every_small_order_y_is_on_the_curve() {
        // They are refused for their order, not by accident of decoding.
        for y in &SMALL_ORDER_Y[2..] {
            let y = Fe::from_bytes(y).unwrap();
            let yy = y.square();
            let x2 = yy.sub(Fe::ONE).mul(D.mul(yy).add(Fe::ONE).invert());
            assert!(x2 == Fe::ZERO || x2.is_square());
        }
    }

    #[test]
    fn refuses_y_not_below_p_and_y_off_the_curve() {
        for low in 0xed..=0xff_u8 {
            let mut bytes = [0xff; 32];
            bytes[0] = low;
            bytes[31] = 0x7f;
            assert_eq!(check_public_key(&bytes), Err(Refused::NonCanonical));
            bytes[31] = 0xff;
            assert_eq!(check_public_key(&bytes), Err(Refused::NonCanonical));
        }
        let mut two = [0u8; 32];
        two[0] = 2;
        assert_eq!(check_public_key(&two), Err(Refused::NotOnCurve));
        let mut three = [0u8; 32];
        three[0] = 3;
        assert_eq!(check_public_key(&three), Ok(()));
    }

    #[test]
    fn accepts_the_rfc_8032_test_keys() {
        for hex in [
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
        ] {
            assert_eq!(check_public_key(&encoding(hex)), Ok(()), "{hex}");
        }
    }
}
