//! Duration literals of `ttl`, `leeway` and `max_age`: `"90s"`, `"15m"`,
//! `"1h30m"`, `"7d"`.
//!
//! Parsed at compile time so a typo is a compile error on the literal, and
//! the generated code carries plain seconds.

use std::fmt;

/// The units a duration group may end with, and their length in seconds.
const UNITS: [(char, u64); 4] = [('s', 1), ('m', 60), ('h', 60 * 60), ('d', 24 * 60 * 60)];

/// Why a duration literal was rejected.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum DurationError {
    /// The literal is `""`.
    Empty,
    /// Whitespace anywhere, like `"1 h"`.
    Whitespace,
    /// A number with nothing after it, like `"15"` or the `30` of `"1h30"`.
    MissingUnit {
        /// The digits that lack a unit.
        number: String,
    },
    /// A unit letter (or anything else) with no number before it.
    MissingNumber {
        /// The character found where digits were expected.
        found: char,
    },
    /// A number followed by something that is not one of [`UNITS`].
    UnknownUnit {
        /// The unit as written, up to the next digit.
        unit: String,
    },
    /// The total does not fit in `u64` seconds.
    Overflow,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::Empty => f.write_str(
                "empty duration: write numbers with units, like \"15m\" or \"1h30m\" (units: s, m, h, d)",
            ),
            DurationError::Whitespace => {
                f.write_str("durations cannot contain whitespace: write them like \"15m\" or \"1h30m\"")
            }
            DurationError::MissingUnit { number } => write!(
                f,
                "missing unit after `{number}`: write \"{number}s\", \"{number}m\", \"{number}h\" or \"{number}d\""
            ),
            DurationError::MissingNumber { found } => write!(
                f,
                "expected a number before `{found}`: durations look like \"15m\" or \"1h30m\" (units: s, m, h, d)"
            ),
            DurationError::UnknownUnit { unit } => write!(
                f,
                "unknown duration unit `{unit}`; expected s (seconds), m (minutes), h (hours) or d (days)"
            ),
            DurationError::Overflow => f.write_str("duration is too long: it does not fit in 64-bit seconds"),
        }
    }
}

/// Parses one or more `<digits><unit>` groups into seconds.
///
/// Zero is a valid result here; whether a key accepts it is the model's
/// business (`leeway = "0s"` is fine, `ttl = "0s"` is not).
pub(crate) fn parse_seconds(text: &str) -> Result<u64, DurationError> {
    if text.is_empty() {
        return Err(DurationError::Empty);
    }
    if text.contains(char::is_whitespace) {
        return Err(DurationError::Whitespace);
    }
    let mut total: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits_len = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (digits, after) = rest.split_at(digits_len);
        if digits.is_empty() {
            let found = after.chars().next().unwrap_or_default();
            return Err(DurationError::MissingNumber { found });
        }
        // The unit is everything up to the next group, so `15min` is the
        // unknown unit `min`, not 15 minutes followed by junk.
        let unit_len = after
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        if unit.is_empty() {
            return Err(DurationError::MissingUnit {
                number: digits.to_owned(),
            });
        }
        let Some(&(_, unit_secs)) = UNITS
            .iter()
            .find(|(known, _)| unit.len() == 1 && unit.starts_with(*known))
        else {
            return Err(DurationError::UnknownUnit {
                unit: unit.to_owned(),
            });
        };
        let group = digits
            .parse::<u64>()
            .ok()
            .and_then(|number| number.checked_mul(unit_secs))
            .ok_or(DurationError::Overflow)?;
        total = total.checked_add(group).ok_or(DurationError::Overflow)?;
        rest = next;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_groups_use_their_unit() {
        assert_eq!(parse_seconds("90s"), Ok(90));
        assert_eq!(parse_seconds("15m"), Ok(900));
        assert_eq!(parse_seconds("2h"), Ok(7200));
        assert_eq!(parse_seconds("7d"), Ok(604_800));
        assert_eq!(parse_seconds("0s"), Ok(0));
    }

    #[test]
    fn groups_add_up() {
        assert_eq!(parse_seconds("1h30m"), Ok(5400));
        assert_eq!(parse_seconds("1d2h3m4s"), Ok(93_784));
    }

    #[test]
    fn empty_literal_is_rejected() {
        assert_eq!(parse_seconds(""), Err(DurationError::Empty));
    }

    #[test]
    fn number_without_unit_is_rejected_with_the_number() {
        let error = parse_seconds("15").unwrap_err();
        assert_eq!(
            error,
            DurationError::MissingUnit {
                number: "15".into()
            }
        );
        assert_eq!(
            error.to_string(),
            "missing unit after `15`: write \"15s\", \"15m\", \"15h\" or \"15d\""
        );
        assert_eq!(
            parse_seconds("1h30"),
            Err(DurationError::MissingUnit {
                number: "30".into()
            })
        );
    }

    #[test]
    fn unknown_unit_is_reported_whole() {
        let error = parse_seconds("15min").unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown duration unit `min`; expected s (seconds), m (minutes), h (hours) or d (days)"
        );
        assert_eq!(
            parse_seconds("1w"),
            Err(DurationError::UnknownUnit { unit: "w".into() })
        );
        assert_eq!(
            parse_seconds("1H"),
            Err(DurationError::UnknownUnit { unit: "H".into() })
        );
        assert_eq!(
            parse_seconds("1h1ms"),
            Err(DurationError::UnknownUnit { unit: "ms".into() })
        );
        assert_eq!(
            parse_seconds("1.5h"),
            Err(DurationError::UnknownUnit { unit: ".".into() })
        );
    }

    #[test]
    fn unit_without_number_is_rejected() {
        assert_eq!(
            parse_seconds("m"),
            Err(DurationError::MissingNumber { found: 'm' })
        );
        assert_eq!(
            parse_seconds("-5s"),
            Err(DurationError::MissingNumber { found: '-' })
        );
        assert_eq!(
            parse_seconds("+5s"),
            Err(DurationError::MissingNumber { found: '+' })
        );
    }

    #[test]
    fn whitespace_is_rejected_anywhere() {
        for text in [" 15m", "15m ", "1 h", "1h 30m", "1\th"] {
            assert_eq!(
                parse_seconds(text),
                Err(DurationError::Whitespace),
                "{text:?}"
            );
        }
    }

    #[test]
    fn totals_beyond_u64_seconds_overflow() {
        assert_eq!(
            parse_seconds("18446744073709551616s"),
            Err(DurationError::Overflow)
        );
        assert_eq!(
            parse_seconds("213503982334602d"),
            Err(DurationError::Overflow)
        );
        assert_eq!(
            parse_seconds("18446744073709551615s1s"),
            Err(DurationError::Overflow)
        );
        assert_eq!(parse_seconds("18446744073709551615s"), Ok(u64::MAX));
    }
}
