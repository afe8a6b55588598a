//! Where "now" comes from: the system clock, or a fixed one in tests.

use core::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};

/// A source of the current time for `exp`, `nbf`, `iat` and `max_age`.
///
/// Nested tokens are checked against the same instant as the outer token.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;

    /// The current time in milliseconds since the Unix epoch (rounded
    /// down): [`now`](Self::now)'s `timestamp_millis`, which a clock may
    /// read without building a calendar date.
    ///
    /// ```
    /// use jwt_claims::{Clock, FixedClock};
    ///
    /// let clock = FixedClock::at_timestamp(1_700_000_000);
    /// assert_eq!(clock.unix_millis(), 1_700_000_000_000);
    /// ```
    fn unix_millis(&self) -> i64 {
        self.now().timestamp_millis()
    }
}

/// The system's wall clock (the default).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn unix_millis(&self) -> i64 {
        // What `Utc::now()` reads, without the date it builds from it: a
        // store's time-to-live is reckoned once a stateful decode.
        let millis =
            |elapsed: std::time::Duration| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX);
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(elapsed) => millis(elapsed),
            // A clock before 1970, rounded down as `timestamp_millis` does.
            Err(before) => {
                let before = before.duration();
                let partial = before.subsec_nanos() % 1_000_000 != 0;
                -millis(before).saturating_add(i64::from(partial))
            }
        }
    }
}

/// A clock stopped at one instant, for tests and reproducible examples.
///
/// ```
/// use jwt_claims::{Clock, FixedClock};
///
/// let clock = FixedClock::at_timestamp(1_700_000_000);
/// assert_eq!(clock.now().timestamp(), 1_700_000_000);
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(DateTime<Utc>);

impl FixedClock {
    /// A clock that always reads `now`.
    pub fn new(now: DateTime<Utc>) -> FixedClock {
        FixedClock(now)
    }

    /// A clock that always reads `secs` seconds after the Unix epoch.
    ///
    /// # Panics
    /// If `secs` is outside chrono's range (about ±262 000 years).
    pub fn at_timestamp(secs: i64) -> FixedClock {
        FixedClock(DateTime::from_timestamp(secs, 0).expect("timestamp within chrono's range"))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

impl fmt::Debug for FixedClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FixedClock({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_clock_reads_the_same_millis_without_the_date() {
        let before = SystemClock.now().timestamp_millis();
        let millis = SystemClock.unix_millis();
        let after = SystemClock.now().timestamp_millis();
        assert!(
            before <= millis && millis <= after,
            "{before} <= {millis} <= {after}"
        );
    }
}
