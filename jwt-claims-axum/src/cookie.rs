//! Tokens in cookies, safely.
//!
//! A browser sends a cookie with every request to its site, whoever caused
//! the request, and a script on the page can read a cookie unless told
//! not to. A token in a cookie therefore needs all of:
//!
//! - **`HttpOnly`**: scripts cannot read it, so an XSS hole cannot carry
//!   the token away (it can still act in the page, which is why the rest
//!   matters too).
//! - **`Secure`**: sent over HTTPS only, never in clear text. With the
//!   `__Host-` name prefix the browser also refuses the cookie unless it
//!   is `Secure`, has `Path=/` and no `Domain`, so a sibling subdomain
//!   cannot plant or shadow it (and [`TokenSource`] refuses a request
//!   that carries the name twice).
//! - **`SameSite=Strict`** (or `Lax` when links from other sites must
//!   arrive signed in): the browser leaves the cookie off cross-site
//!   requests. It is defence in depth, not CSRF protection on its own:
//!   "same site" is wider than "same origin" (any subdomain is the same
//!   site), and older browsers ignore it.
//! - **CSRF protection for unsafe methods** (`POST`, `PUT`, `PATCH`,
//!   `DELETE`). tower-http has a layer for it since 0.7.0:
//!   [`tower_http::csrf::CsrfLayer`][csrf] (feature `csrf`; tower-http 0.6 and
//!   earlier have none). It is the scheme Go 1.25's
//!   `CrossOriginProtection` introduced: safe methods pass; an unsafe
//!   request passes when its `Sec-Fetch-Site` is `same-origin` or `none`,
//!   or its `Origin` is a trusted origin or the request's own host, or it
//!   carries neither header (not a browser, so no ambient cookie to
//!   abuse); everything else is 403. It needs no token state. Reverse
//!   proxies must forward `Host` and `Origin` unchanged. An API that only
//!   reads the `Authorization` header needs none of this: browsers never
//!   add that header on their own.
//!
//! [csrf]: https://docs.rs/tower-http/0.7/tower_http/csrf/index.html
//!
//! [`SessionCookie`] writes the `Set-Cookie` values with these attributes;
//! there is no way to leave one out.
//!
//! ```
//! use axum::{Router, extract::FromRef, http::header::SET_COOKIE, response::IntoResponse, routing::{get, post}};
//! use jwt_claims::{Algorithm, Claims, HmacKey, Signer, Verifier};
//! use jwt_claims_axum::{Bearer, BearerAuth, SessionCookie};
//! use serde::{Deserialize, Serialize};
//! use tower_http::csrf::CsrfLayer;
//!
//! #[derive(Serialize, Deserialize, Claims)]
//! #[jwt(aud = "app", typ = "access", ttl = "15m", require = ["sub"])]
//! struct Session {}
//!
//! #[derive(Clone, FromRef)]
//! struct AppState { auth: BearerAuth, signer: Signer, cookie: SessionCookie }
//!
//! async fn login(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
//!     // (check the password first)
//!     let token = state.signer.issue(&Session {}).subject("alice").encode().unwrap();
//!     [(SET_COOKIE, state.cookie.set(&token))]
//! }
//!
//! async fn transfer(session: Bearer<Session>) -> String {
//!     format!("done for {}", session.registered().subject().unwrap_or_default())
//! }
//!
//! let key = HmacKey::new(Algorithm::HS256, &[7; 32])?;
//! let cookie = SessionCookie::new("__Host-session")?;
//! let verifier = Verifier::builder().key::<Session>(key.clone()).build()?;
//! let auth = BearerAuth::builder(verifier).source(cookie.source()).realm("app").build()?;
//! let signer = Signer::builder().key::<Session>(key).build()?;
//! let app: Router = Router::new()
//!     .route("/login", post(login))
//!     .route("/transfer", post(transfer))
//!     .layer(CsrfLayer::new().add_trusted_origin("https://app.example.com")?)
//!     .with_state(AppState { auth, signer, cookie });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

use http::HeaderValue;
use jwt_claims::Token;

use crate::{ConfigError, TokenSource};

/// A cookie that carries tokens: writes `Set-Cookie` values with
/// `HttpOnly`, `Secure`, `SameSite=Strict` (or `Lax`) and `Path=/`, and
/// `Max-Age` the token's remaining lifetime.
///
/// ```
/// use jwt_claims::{Algorithm, Claims, HmacKey, Signer};
/// use jwt_claims_axum::SessionCookie;
/// # #[derive(serde::Serialize, serde::Deserialize, Claims)]
/// # #[jwt(aud = "app", typ = "access", ttl = "15m")]
/// # struct Session {}
///
/// let signer = Signer::builder().shared_key(HmacKey::new(Algorithm::HS256, &[7; 32])?).build()?;
/// let token = signer.encode(&Session {})?;
/// let cookie = SessionCookie::new("__Host-session")?;
/// assert_eq!(
///     cookie.set(&token),
///     format!("__Host-session={}; Path=/; Max-Age=900; HttpOnly; Secure; SameSite=Strict", token.as_str()),
/// );
/// assert_eq!(cookie.clear(), "__Host-session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionCookie {
    name: Arc<str>,
    same_site: &'static str,
}

impl SessionCookie {
    /// A cookie of this name; prefer a `__Host-` name.
    ///
    /// # Errors
    /// [`ConfigError::InvalidCookieName`] when `name` is not an RFC 6265
    /// token.
    pub fn new(name: &str) -> Result<SessionCookie, ConfigError> {
        // The same check the token source makes.
        TokenSource::cookie(name)?;
        Ok(SessionCookie {
            name: name.into(),
            same_site: "Strict",
        })
    }

    /// `SameSite=Lax` instead of `Strict`: the cookie also comes with
    /// top-level navigations from other sites (a link in an email), never
    /// with their `POST`s or embedded requests.
    pub fn same_site_lax(mut self) -> SessionCookie {
        self.same_site = "Lax";
        self
    }

    /// The cookie's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The token source reading this cookie alone.
    pub fn source(&self) -> TokenSource {
        TokenSource::cookie(&self.name).expect("the name was checked when the cookie was built")
    }

    /// The `Set-Cookie` value carrying `token` until it expires.
    pub fn set<T>(&self, token: &Token<T>) -> HeaderValue {
        self.value(token.as_str(), token.expires_in().as_secs())
    }

    /// The `Set-Cookie` value that removes the cookie (logout).
    pub fn clear(&self) -> HeaderValue {
        self.value("", 0)
    }

    fn value(&self, token: &str, max_age: u64) -> HeaderValue {
        HeaderValue::try_from(format!(
            "{}={token}; Path=/; Max-Age={max_age}; HttpOnly; Secure; SameSite={}",
            self.name, self.same_site
        ))
        .expect("a cookie name and a compact token are valid header text")
    }
}
