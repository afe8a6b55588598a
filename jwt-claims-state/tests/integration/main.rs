//! The integration suite of jwt-claims-state: one binary, a module per
//! concern. Behavioural tests run on every store (`…::memory`, and with
//! the `redis` feature `…::redis` on a real redis-server the tests start).

mod support;

#[cfg(feature = "redis")]
mod redis_server;

mod families;
mod one_time;
mod races;
mod revocation;
mod unavailable;

#[cfg(feature = "redis")]
mod faults;
#[cfg(feature = "redis")]
mod redis_setup;
