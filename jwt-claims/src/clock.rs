//! Where "now" comes from: the system clock, or a fixed one in tests.

use core::fmt;

use chrono::{DateTime, Utc};

/// A source of the current time for `exp`, `nbf`, `iat` and `max_age`.
///
/// Nested tokens are checked against the same instant as the outer token.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's wall clock (the default).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
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
