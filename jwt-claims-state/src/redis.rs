//! The Redis store: one state for every machine of a service.

use core::time::Duration;

use jwt_claims::Error;
use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::{Script, Value};

use crate::StoreKey;
use crate::store::{
    Check, Facts, FamilyState, FamilyStatus, Rotate, RotateOutcome, Store, StoreFuture, TokenId,
};

/// The prefix of every key unless configured.
pub const DEFAULT_PREFIX: &str = "jwt-claims:";

/// A [`Store`] on Redis (or Valkey), for a service on more than one
/// machine.
///
/// Every operation is one command or one single-key Lua script, so each is
/// atomic on its own, and every key is `<prefix>{<hash>}:<kind>`: the hash
/// tag puts the entries of one token in one slot, and no command ever
/// touches two slots, so it works on Redis Cluster (give it a cluster
/// connection with [`RedisStore::with_connection`]). A verification is one
/// round trip (a pipeline), a rotation two (the verification, then the
/// compare-and-swap script).
///
/// **Run the server with `maxmemory-policy noeviction`.** An evicted mark
/// is a replayed one-time token, an evicted denial an un-revoked token, an
/// evicted family a logged-out user. With `noeviction`, a full server
/// refuses writes, and verification fails closed. [`RedisStore::connect`]
/// asks the server for its policy and logs a warning (with `tracing`) when
/// it is another; [`RedisStore::eviction_policy`] says what it found.
///
/// A command that fails or times out is [`Error::StoreUnavailable`]; the
/// connection manager reconnects in the background, and the store answers
/// again once the server is back. A rotation whose answer was lost may
/// still have happened: the client's retry then gets the same successor
/// within the grace window.
///
/// ```no_run
/// use std::sync::Arc;
/// use jwt_claims_state::{RedisStore, Store};
///
/// # async fn run() -> Result<(), jwt_claims::Error> {
/// let store = RedisStore::connect("redis://127.0.0.1:6379").await?;
/// assert_eq!(store.eviction_policy(), Some("noeviction"));
/// let store: Arc<dyn Store> = Arc::new(store);
/// # Ok(()) }
/// ```
pub struct RedisStore<C = ConnectionManager> {
    connection: C,
    prefix: String,
    eviction_policy: Option<String>,
    scripts: Scripts,
}

struct Scripts {
    deny: Script,
    watermark: Script,
    create: Script,
    rotate: Script,
    revoke: Script,
}

impl Scripts {
    fn new() -> Scripts {
        Scripts {
            deny: Script::new(DENY),
            watermark: Script::new(WATERMARK),
            create: Script::new(CREATE_FAMILY),
            rotate: Script::new(ROTATE_FAMILY),
            revoke: Script::new(REVOKE_FAMILY),
        }
    }
}

/// KEYS[1] the denial; ARGV[1] its time to live in ms, kept if longer.
const DENY: &str = r"
local ttl = redis.call('PTTL', KEYS[1])
if ttl >= 0 and ttl >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return 1
";

/// KEYS[1] the watermark; ARGV[1] the new one (s), ARGV[2] its time to
/// live (ms). Returns the watermark in force.
const WATERMARK: &str = r"
local current = redis.call('GET', KEYS[1])
local result = ARGV[1]
if current and tonumber(current) >= tonumber(ARGV[1]) then
  result = current
else
  redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return result
";

/// KEYS[1] the family; ARGV: end (s), jti, iat, exp, time to live (ms).
const CREATE_FAMILY: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'end', ARGV[1], 'cj', ARGV[2], 'ci', ARGV[3], 'ce', ARGV[4], 'at', '0', 'rev', '0')
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
";

/// KEYS[1] the family; ARGV: presented jti, successor jti, iat, exp, now
/// (ms), grace (ms). `FamilyState::rotate`, in Lua.
const ROTATE_FAMILY: &str = r"
local f = redis.call('HMGET', KEYS[1], 'end', 'cj', 'ci', 'ce', 'pj', 'at', 'rev')
if not f[1] then return {'missing'} end
if f[7] == '1' then return {'revoked'} end
if f[7] == '2' then return {'reused'} end
local now = tonumber(ARGV[5])
local ends = tonumber(f[1])
if now >= ends * 1000 then return {'ended', f[1]} end
if ARGV[1] == f[2] then
  local exp = ARGV[4]
  if tonumber(exp) > ends then exp = f[1] end
  redis.call('HSET', KEYS[1], 'cj', ARGV[2], 'ci', ARGV[3], 'ce', exp, 'pj', f[2], 'at', ARGV[5])
  return {'rotated', ARGV[2], ARGV[3], exp, f[1]}
end
local grace = tonumber(ARGV[6])
if grace > 0 and f[5] and ARGV[1] == f[5] and now - tonumber(f[6]) <= grace then
  return {'retried', f[2], f[3], f[4], f[1]}
end
redis.call('HSET', KEYS[1], 'rev', '2')
return {'reused'}
";

/// KEYS[1] the family; a family revoked for reuse stays so.
const REVOKE_FAMILY: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[1], 'rev') == '0' then redis.call('HSET', KEYS[1], 'rev', '1') end
return 1
";

impl RedisStore {
    /// Connects to the server at `url` (`redis://host:port/db`,
    /// `redis+unix:///path/to/socket`) with the defaults of
    /// [`RedisStore::builder`].
    ///
    /// # Errors
    /// [`Error::StoreUnavailable`] when the URL is invalid or the server
    /// cannot be reached.
    pub async fn connect(url: &str) -> Result<RedisStore, Error> {
        RedisStore::builder(url).connect().await
    }

    /// Starts configuring a store on the server at `url`.
    pub fn builder(url: &str) -> RedisStoreBuilder {
        RedisStoreBuilder {
            url: url.to_owned(),
            prefix: DEFAULT_PREFIX.to_owned(),
            response_timeout: Duration::from_millis(500),
            connection_timeout: Duration::from_millis(500),
        }
    }
}

impl<C: ConnectionLike + Clone + Send + Sync + 'static> RedisStore<C> {
    /// A store on a connection of your own, e.g. a Redis Cluster
    /// connection (the `redis` crate's `cluster-async` feature), with keys
    /// under `prefix`. No eviction policy is asked for.
    pub fn with_connection(connection: C, prefix: impl Into<String>) -> RedisStore<C> {
        RedisStore {
            connection,
            prefix: prefix.into(),
            eviction_policy: None,
            scripts: Scripts::new(),
        }
    }

    /// The server's `maxmemory-policy`, as read when connecting: `None`
    /// when it could not be read (a managed server may refuse `CONFIG`).
    /// Anything but `noeviction` can silently drop marks.
    pub fn eviction_policy(&self) -> Option<&str> {
        self.eviction_policy.as_deref()
    }

    /// The prefix of its keys.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The Redis key of `key`: `<prefix>{<hash>}:<kind>`.
    pub fn redis_key(&self, key: &StoreKey) -> String {
        format!("{}{{{}}}:{}", self.prefix, key.hex(), key.kind().name())
    }

    fn connection(&self) -> C {
        self.connection.clone()
    }
}

/// A Redis error as the store's: unavailable, with what went wrong.
fn unavailable(err: redis::RedisError) -> Error {
    Error::StoreUnavailable {
        reason: format!("redis: {err}"),
    }
}

/// A reply that is not what the script returns: the server is not ours.
fn unexpected(what: &str) -> Error {
    Error::StoreUnavailable {
        reason: format!("redis: unexpected reply to {what}"),
    }
}

fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

/// A reply as text (a bulk or simple string, or an integer).
fn text(value: &Value) -> Option<String> {
    match value {
        Value::BulkString(bytes) => String::from_utf8(bytes.clone()).ok(),
        Value::SimpleString(text) => Some(text.clone()),
        Value::Int(int) => Some(int.to_string()),
        Value::Okay => Some("OK".to_owned()),
        _ => None,
    }
}

fn number(value: Option<&Value>) -> Option<i64> {
    value.and_then(text).and_then(|text| text.parse().ok())
}

impl<C: ConnectionLike + Clone + Send + Sync + 'static> Store for RedisStore<C> {
    fn check<'a>(&'a self, check: &'a Check) -> StoreFuture<'a, Facts> {
        Box::pin(async move {
            let mut pipe = redis::pipe();
            if let Some(key) = &check.denied {
                pipe.cmd("EXISTS").arg(self.redis_key(key));
            }
            if let Some(key) = &check.watermark {
                pipe.cmd("GET").arg(self.redis_key(key));
            }
            if let Some(key) = &check.family {
                pipe.cmd("HGET").arg(self.redis_key(key)).arg("rev");
            }
            let mark = check
                .mark
                .as_ref()
                .map(|(key, ttl)| (self.redis_key(key), *ttl));
            if let Some((key, ttl)) = &mark {
                pipe.cmd("SET")
                    .arg(key)
                    .arg("1")
                    .arg("NX")
                    .arg("PX")
                    .arg(millis(*ttl));
            }
            let mut connection = self.connection();
            let replies: Vec<Value> = pipe
                .query_async(&mut connection)
                .await
                .map_err(unavailable)?;
            let mut replies = replies.iter();
            let mut facts = Facts::default();
            if check.denied.is_some() {
                facts.denied = number(replies.next()).ok_or_else(|| unexpected("EXISTS"))? > 0;
            }
            if check.watermark.is_some() {
                facts.watermark = match replies.next() {
                    Some(Value::Nil) => None,
                    reply => Some(number(reply).ok_or_else(|| unexpected("GET"))?),
                };
            }
            if check.family.is_some() {
                facts.family = Some(match replies.next().and_then(text).as_deref() {
                    None => FamilyStatus::Missing,
                    Some("0") => FamilyStatus::Live,
                    Some(_) => FamilyStatus::Revoked,
                });
            }
            if let Some((key, _)) = mark {
                let taken = !matches!(replies.next(), Some(Value::Nil) | None);
                if check.revokes(&facts) {
                    // Never marked: a revoked token is refused anyway, and
                    // the mark must not outlive the refusal's reason.
                    if taken {
                        let _: Result<i64, _> = redis::cmd("DEL")
                            .arg(key)
                            .query_async(&mut connection)
                            .await;
                    }
                } else {
                    facts.marked = Some(taken);
                }
            }
            Ok(facts)
        })
    }

    fn mark<'a>(&'a self, key: &'a StoreKey, ttl: Duration) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let reply: Value = redis::cmd("SET")
                .arg(self.redis_key(key))
                .arg("1")
                .arg("NX")
                .arg("PX")
                .arg(millis(ttl))
                .query_async(&mut self.connection())
                .await
                .map_err(unavailable)?;
            Ok(!matches!(reply, Value::Nil))
        })
    }

    fn deny<'a>(&'a self, key: &'a StoreKey, ttl: Duration) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let _: i64 = self
                .scripts
                .deny
                .key(self.redis_key(key))
                .arg(millis(ttl))
                .invoke_async(&mut self.connection())
                .await
                .map_err(unavailable)?;
            Ok(())
        })
    }

    fn raise_watermark<'a>(
        &'a self,
        key: &'a StoreKey,
        at: i64,
        ttl: Duration,
    ) -> StoreFuture<'a, i64> {
        Box::pin(async move {
            let reply: Value = self
                .scripts
                .watermark
                .key(self.redis_key(key))
                .arg(at)
                .arg(millis(ttl))
                .invoke_async(&mut self.connection())
                .await
                .map_err(unavailable)?;
            number(Some(&reply)).ok_or_else(|| unexpected("the watermark script"))
        })
    }

    fn create_family<'a>(
        &'a self,
        key: &'a StoreKey,
        family: &'a FamilyState,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let created: i64 = self
                .scripts
                .create
                .key(self.redis_key(key))
                .arg(family.ends_at)
                .arg(&family.current.jti)
                .arg(family.current.issued_at)
                .arg(family.current.expires_at)
                .arg(millis(ttl))
                .invoke_async(&mut self.connection())
                .await
                .map_err(unavailable)?;
            Ok(created == 1)
        })
    }

    fn rotate_family<'a>(
        &'a self,
        key: &'a StoreKey,
        rotate: &'a Rotate,
    ) -> StoreFuture<'a, RotateOutcome> {
        Box::pin(async move {
            let reply: Vec<Value> = self
                .scripts
                .rotate
                .key(self.redis_key(key))
                .arg(&rotate.presented)
                .arg(&rotate.successor.jti)
                .arg(rotate.successor.issued_at)
                .arg(rotate.successor.expires_at)
                .arg(rotate.now_ms)
                .arg(rotate.grace_ms)
                .invoke_async(&mut self.connection())
                .await
                .map_err(unavailable)?;
            let bad = || unexpected("the rotation script");
            let successor = || -> Result<(TokenId, i64), Error> {
                let id = TokenId {
                    jti: reply.get(1).and_then(text).ok_or_else(bad)?,
                    issued_at: number(reply.get(2)).ok_or_else(bad)?,
                    expires_at: number(reply.get(3)).ok_or_else(bad)?,
                };
                Ok((id, number(reply.get(4)).ok_or_else(bad)?))
            };
            Ok(match reply.first().and_then(text).as_deref() {
                Some("rotated") => {
                    let (successor, ends_at) = successor()?;
                    RotateOutcome::Rotated { successor, ends_at }
                }
                Some("retried") => {
                    let (successor, ends_at) = successor()?;
                    RotateOutcome::Retried { successor, ends_at }
                }
                Some("reused") => RotateOutcome::Reused,
                Some("revoked") => RotateOutcome::Revoked,
                Some("missing") => RotateOutcome::Missing,
                Some("ended") => RotateOutcome::Ended {
                    ends_at: number(reply.get(1)).ok_or_else(bad)?,
                },
                _ => return Err(bad()),
            })
        })
    }

    fn revoke_family<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let revoked: i64 = self
                .scripts
                .revoke
                .key(self.redis_key(key))
                .invoke_async(&mut self.connection())
                .await
                .map_err(unavailable)?;
            Ok(revoked == 1)
        })
    }
}

impl<C> core::fmt::Debug for RedisStore<C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("eviction_policy", &self.eviction_policy)
            .finish_non_exhaustive()
    }
}

/// Configures a [`RedisStore`] on a server given by URL.
#[must_use]
pub struct RedisStoreBuilder {
    url: String,
    prefix: String,
    response_timeout: Duration,
    connection_timeout: Duration,
}

impl RedisStoreBuilder {
    /// The prefix of every key: [`DEFAULT_PREFIX`] by default. Services
    /// sharing a server with separate state take one each.
    pub fn prefix(mut self, prefix: impl Into<String>) -> RedisStoreBuilder {
        self.prefix = prefix.into();
        self
    }

    /// How long the connection waits for a reply before failing the
    /// command (and reconnecting): 500 ms by default.
    pub fn response_timeout(mut self, timeout: Duration) -> RedisStoreBuilder {
        self.response_timeout = timeout;
        self
    }

    /// How long a (re)connection may take: 500 ms by default.
    pub fn connection_timeout(mut self, timeout: Duration) -> RedisStoreBuilder {
        self.connection_timeout = timeout;
        self
    }

    /// Connects, reads the server's eviction policy and warns unless it is
    /// `noeviction`.
    ///
    /// # Errors
    /// [`Error::StoreUnavailable`] when the URL is invalid or the server
    /// cannot be reached.
    pub async fn connect(self) -> Result<RedisStore, Error> {
        let client = redis::Client::open(self.url.as_str()).map_err(unavailable)?;
        // Few reconnection attempts a failure: a command waits for them, and
        // the next failing command starts another round anyway.
        let config = ConnectionManagerConfig::new()
            .set_response_timeout(Some(self.response_timeout))
            .set_connection_timeout(Some(self.connection_timeout))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(10))
            .set_max_delay(Duration::from_millis(100));
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(unavailable)?;
        let mut store = RedisStore::with_connection(connection, self.prefix);
        store.eviction_policy = eviction_policy(&mut store.connection()).await;
        match store.eviction_policy.as_deref() {
            Some("noeviction") => {}
            Some(policy) => tracing::warn!(
                policy,
                "redis maxmemory-policy is not noeviction: an evicted one-time mark lets the token \
                 be used again, an evicted denial un-revokes a token; set maxmemory-policy noeviction"
            ),
            None => tracing::warn!(
                "could not read the redis maxmemory-policy (CONFIG GET refused?): make sure it is \
                 noeviction, or evicted one-time marks let tokens be used again"
            ),
        }
        Ok(store)
    }
}

async fn eviction_policy(connection: &mut ConnectionManager) -> Option<String> {
    let reply: Vec<String> = redis::cmd("CONFIG")
        .arg("GET")
        .arg("maxmemory-policy")
        .query_async(connection)
        .await
        .ok()?;
    reply.get(1).cloned()
}
