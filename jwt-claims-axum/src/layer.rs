//! A layer that protects a whole router for one purpose, and the guards
//! (role, scope, any predicate) that refine it.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::response::{IntoResponse, Response};
use http::Request;
use jwt_claims::{Claims, Decoded};
use tower::{Layer, Service};

use crate::extract::Verified;
use crate::{BearerAuth, ConfigError, Scope};

/// A check of a verified token beyond its purpose: a refusal answers 403
/// `insufficient_scope`, naming the scope when the guard declares one.
///
/// ```
/// use jwt_claims_axum::Guard;
/// # #[derive(serde::Serialize, serde::Deserialize, jwt_claims::Claims)]
/// # #[jwt(aud = "billing", typ = "access", ttl = "15m")]
/// # struct BillingAccess { scope: String, roles: Vec<String>, org_id: u64 }
///
/// // The space-delimited `scope` claim (RFC 9068 §2.2.3) grants every token.
/// let write = Guard::<BillingAccess>::scope("billing:write", |claims| &claims.scope)?;
/// // A role among the claims' roles.
/// let admin = Guard::<BillingAccess>::role("admin", |claims| &claims.roles);
/// // Anything else over the verified token.
/// let org = Guard::<BillingAccess>::new(|token| token.claims().org_id == 42);
/// # Ok::<(), jwt_claims_axum::ConfigError>(())
/// ```
pub struct Guard<T> {
    check: Check<T>,
    scope: Option<Scope>,
}

/// A guard's predicate.
type Check<T> = Arc<dyn Fn(&Decoded<T>) -> bool + Send + Sync>;

impl<T> Clone for Guard<T> {
    fn clone(&self) -> Self {
        Guard {
            check: self.check.clone(),
            scope: self.scope.clone(),
        }
    }
}

impl<T: 'static> Guard<T> {
    /// Any predicate over the verified token; a refusal names no scope.
    pub fn new(allows: impl Fn(&Decoded<T>) -> bool + Send + Sync + 'static) -> Guard<T> {
        Guard {
            check: Arc::new(allows),
            scope: None,
        }
    }

    /// Requires every token of `required` (one or more scope tokens
    /// separated by spaces) in the space-delimited scope claim `granted`
    /// reads; a refusal names `required` in the challenge's `scope`.
    ///
    /// # Errors
    /// [`ConfigError::InvalidScope`] when `required` is not RFC 6750 §3
    /// scope tokens.
    pub fn scope(required: &str, granted: fn(&T) -> &str) -> Result<Guard<T>, ConfigError> {
        let scope = Scope::new(required)?;
        let wanted = scope.clone();
        Ok(Guard {
            check: Arc::new(move |decoded: &Decoded<T>| {
                wanted.granted_by(granted(decoded.claims()))
            }),
            scope: Some(scope),
        })
    }

    /// Requires `role` among the roles `roles` reads from the claims.
    pub fn role(role: &str, roles: fn(&T) -> &[String]) -> Guard<T> {
        let role = role.to_owned();
        Guard::new(move |decoded| roles(decoded.claims()).contains(&role))
    }
}

impl<T> Guard<T> {
    /// Whether the guard lets this token through.
    pub fn allows(&self, decoded: &Decoded<T>) -> bool {
        (self.check)(decoded)
    }

    /// The scope a refusal names.
    pub fn scope_required(&self) -> Option<&Scope> {
        self.scope.as_ref()
    }
}

impl<T> core::fmt::Debug for Guard<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Guard")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// A tower layer that admits only requests with a valid token of purpose
/// `T` (and passing its guards), refused as RFC 6750 says otherwise. The
/// verified token goes to the handlers through the request's extensions,
/// so a handler's [`Bearer<T>`](crate::Bearer) does not verify it again.
///
/// ```
/// use axum::{Router, extract::FromRef, routing::{get, post}};
/// use jwt_claims::{Algorithm, Claims, HmacKey, Verifier};
/// use jwt_claims_axum::{Bearer, BearerAuth, RequireBearer};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Claims)]
/// #[jwt(aud = "billing", typ = "access", ttl = "15m")]
/// struct BillingAccess { org_id: u64, scope: String }
///
/// #[derive(Clone, FromRef)]
/// struct AppState { auth: BearerAuth }
///
/// async fn pay(token: Bearer<BillingAccess>) -> String {
///     format!("paid for org {}", token.claims().org_id)
/// }
///
/// let verifier = Verifier::builder()
///     .key::<BillingAccess>(HmacKey::new(Algorithm::HS256, &[7; 32])?)
///     .build()?;
/// let auth = BearerAuth::builder(verifier).realm("billing").build()?;
/// let writes = Router::new()
///     .route("/pay", post(pay))
///     .layer(
///         RequireBearer::<BillingAccess>::new(auth.clone())
///             .require_scope("billing:write", |claims| &claims.scope)?
///             .require(|token| token.claims().org_id != 0),
///     );
/// let app: Router = Router::new()
///     .route("/health", get(|| async { "ok" }))
///     .merge(writes)
///     .with_state(AppState { auth });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RequireBearer<T> {
    auth: BearerAuth,
    guards: Arc<[Guard<T>]>,
    purpose: PhantomData<fn() -> T>,
}

impl<T> Clone for RequireBearer<T> {
    fn clone(&self) -> Self {
        RequireBearer {
            auth: self.auth.clone(),
            guards: self.guards.clone(),
            purpose: PhantomData,
        }
    }
}

impl<T> core::fmt::Debug for RequireBearer<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RequireBearer")
            .field("purpose", &core::any::type_name::<T>())
            .field("guards", &self.guards)
            .finish_non_exhaustive()
    }
}

impl<T: 'static> RequireBearer<T> {
    /// Protects with `auth`'s verifier and token source.
    pub fn new(auth: BearerAuth) -> RequireBearer<T> {
        RequireBearer {
            auth,
            guards: Arc::new([]),
            purpose: PhantomData,
        }
    }

    /// Requires a scope: [`Guard::scope`].
    ///
    /// # Errors
    /// [`ConfigError::InvalidScope`] when `required` is not RFC 6750 §3
    /// scope tokens.
    pub fn require_scope(
        self,
        required: &str,
        granted: fn(&T) -> &str,
    ) -> Result<RequireBearer<T>, ConfigError> {
        Ok(self.guard(Guard::scope(required, granted)?))
    }

    /// Requires a role: [`Guard::role`].
    pub fn require_role(self, role: &str, roles: fn(&T) -> &[String]) -> RequireBearer<T> {
        self.guard(Guard::role(role, roles))
    }

    /// Requires a predicate over the verified token: [`Guard::new`].
    pub fn require(
        self,
        allows: impl Fn(&Decoded<T>) -> bool + Send + Sync + 'static,
    ) -> RequireBearer<T> {
        self.guard(Guard::new(allows))
    }

    /// Adds a guard: every guard must let the token through; the first
    /// that refuses names the scope of the 403.
    pub fn guard(self, guard: Guard<T>) -> RequireBearer<T> {
        let mut guards = self.guards.to_vec();
        guards.push(guard);
        RequireBearer {
            auth: self.auth,
            guards: guards.into(),
            purpose: PhantomData,
        }
    }
}

impl<S, T> Layer<S> for RequireBearer<T> {
    type Service = RequireBearerService<S, T>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireBearerService {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service a [`RequireBearer`] layer wraps around a router or a route.
pub struct RequireBearerService<S, T> {
    inner: S,
    layer: RequireBearer<T>,
}

impl<S: Clone, T> Clone for RequireBearerService<S, T> {
    fn clone(&self) -> Self {
        RequireBearerService {
            inner: self.inner.clone(),
            layer: self.layer.clone(),
        }
    }
}

impl<S, T> core::fmt::Debug for RequireBearerService<S, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.layer.fmt(f)
    }
}

impl<S, T, B> Service<Request<B>> for RequireBearerService<S, T>
where
    S: Service<Request<B>> + Clone + Send + 'static,
    S::Response: IntoResponse,
    S::Future: Send,
    T: Claims + Send + Sync,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        // The clone that was driven ready serves this call (tower's
        // documented pattern for services that move into a future).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let layer = self.layer.clone();
        Box::pin(async move {
            let decoded = match layer.auth.verify::<T>(request.headers()).await {
                Ok(decoded) => decoded,
                Err(rejection) => return Ok(rejection.into_response()),
            };
            for guard in layer.guards.iter() {
                if let Err(rejection) = layer.auth.authorize(guard, &decoded) {
                    return Ok(rejection.into_response());
                }
            }
            request.extensions_mut().insert(Verified(Arc::new(decoded)));
            inner.call(request).await.map(IntoResponse::into_response)
        })
    }
}
