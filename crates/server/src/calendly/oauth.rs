//! Calendly OAuth: the authorize URL (state + PKCE S256), the code
//! exchange and the refresh, at `{auth_base}/oauth/authorize` and
//! `{auth_base}/oauth/token` (the URLs of Calendly's document).

use std::fmt;
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chacha20poly1305::aead::rand_core::RngCore as _;
use chacha20poly1305::aead::OsRng;
use serde::Deserialize;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use super::{parse, CalendlyClient, CalendlyError, CalendlyKey};
use crate::http::{BodyShape, Call, HttpError, Method, VendorCode};
use crate::store::Token;

/// A registered Calendly OAuth application.
#[derive(Clone)]
pub struct OAuthApp {
    /// The client id.
    pub client_id: String,
    /// The client secret (sent with HTTP Basic, RFC 6749 section 2.3.1).
    pub client_secret: Token,
    /// The redirect URI registered with Calendly: the service's OAuth
    /// callback route.
    pub redirect_uri: String,
}

impl fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthApp")
            .field("client_id", &self.client_id)
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

/// An authorization request under way: send the user to `url`, keep
/// `state` and `code_verifier` (server side, tied to the user's session)
/// until the redirect comes back.
#[derive(Clone, Debug)]
pub struct Authorization {
    /// Where to send the user.
    pub url: String,
    /// The `state` sent; the redirect must return it ([`Authorization::check_state`]).
    pub state: Token,
    /// The PKCE verifier, sent with the code exchange.
    pub code_verifier: Token,
}

impl Authorization {
    /// Whether the redirect's `state` is ours (constant time).
    #[must_use]
    pub fn check_state(&self, returned: &str) -> bool {
        let ours = self.state.expose().as_bytes();
        ours.len() == returned.len() && bool::from(ours.ct_eq(returned.as_bytes()))
    }
}

/// What the token endpoint granted.
#[derive(Clone, Debug)]
pub struct TokenGrant {
    /// The access token (2 hours at Calendly).
    pub access_token: Token,
    /// The refresh token (single use).
    pub refresh_token: Token,
    /// When the access token expires (the call's time + `expires_in`).
    pub expires_at: SystemTime,
    /// The user URI of the token's owner (Calendly's `owner`).
    pub owner: Option<String>,
    /// The organization URI (Calendly's `organization`).
    pub organization: Option<String>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    refresh_token: String,
    expires_in: u64,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    organization: Option<String>,
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `BASE64URL(SHA256(verifier))`, RFC 7636 section 4.2.
pub(crate) fn code_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

impl CalendlyClient {
    /// A new authorization request for `app`: a random `state` and PKCE
    /// verifier (32 random bytes each), and the authorize URL carrying
    /// `client_id`, `response_type=code`, `redirect_uri`, `state`,
    /// `code_challenge_method=S256` and `code_challenge`.
    ///
    /// # Errors
    /// [`CalendlyError::InvalidInput`] when `auth_base` is not a URL.
    pub fn authorize(&self, app: &OAuthApp) -> Result<Authorization, CalendlyError> {
        let state = random_token();
        let verifier = random_token();
        let mut url = url::Url::parse(&format!("{}/oauth/authorize", self.config.auth_base))
            .map_err(|e| CalendlyError::InvalidInput {
                field: "auth_base",
                reason: e.to_string(),
            })?;
        url.query_pairs_mut()
            .append_pair("client_id", &app.client_id)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", &app.redirect_uri)
            .append_pair("state", &state)
            .append_pair("code_challenge_method", "S256")
            .append_pair("code_challenge", &code_challenge(&verifier));
        Ok(Authorization {
            url: url.into(),
            state: Token::new(state),
            code_verifier: Token::new(verifier),
        })
    }

    /// Exchanges the redirect's `code` (with the request's PKCE verifier)
    /// for a grant. Check the redirect's `state` first.
    ///
    /// # Errors
    /// [`CalendlyError::InvalidGrant`] when the code is spent or expired.
    pub async fn exchange_code(
        &self,
        app: &OAuthApp,
        code: &str,
        code_verifier: &Token,
        now: SystemTime,
    ) -> Result<TokenGrant, CalendlyError> {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", app.redirect_uri.as_str()),
            ("code_verifier", code_verifier.expose()),
        ];
        // Who the user is is known only from the answer, and each user
        // connects once: the exchange is not paced (a per-app key would
        // hold every user's connect to 8 a minute).
        self.token_request(app, "exchangeCode", Vec::new(), &form, now)
            .await
    }

    /// Spends `refresh_token` for a new grant. Calendly revokes the old
    /// refresh token at once: persist the answer before anything else
    /// ([`super::ConnectionTokens`] does).
    ///
    /// # Errors
    /// [`CalendlyError::InvalidGrant`] when the token is spent or revoked.
    pub async fn refresh_grant(
        &self,
        app: &OAuthApp,
        account: &str,
        refresh_token: &Token,
        now: SystemTime,
    ) -> Result<TokenGrant, CalendlyError> {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ];
        // Calendly allows 8 token requests per user per minute.
        let keys = vec![CalendlyKey::Token(account.to_owned())];
        self.token_request(app, "refreshToken", keys, &form, now)
            .await
    }

    async fn token_request(
        &self,
        app: &OAuthApp,
        operation: &'static str,
        keys: Vec<CalendlyKey>,
        form: &[(&str, &str)],
        now: SystemTime,
    ) -> Result<TokenGrant, CalendlyError> {
        // POST: the layer never resends it after it may have arrived (a
        // resent refresh would spend a token twice); only a failed connect
        // is retried.
        let call = Call {
            operation,
            method: Method::Post,
            keys,
        };
        let url = format!("{}/oauth/token", self.config.auth_base);
        let sent = self
            .http
            .send(&call, |c| {
                c.post(&url)
                    .basic_auth(&app.client_id, Some(app.client_secret.expose()))
                    .form(form)
            })
            .await;
        let answer = match sent {
            Ok(answer) => answer,
            Err(HttpError::Status(status))
                if status.status == 400 && status.vendor_error.shape == BodyShape::OAuth =>
            {
                let code = match &status.vendor_error.code {
                    Some(VendorCode::Text(t)) => t.clone(),
                    _ => String::new(),
                };
                if code == "invalid_grant" {
                    return Err(CalendlyError::InvalidGrant { code });
                }
                return Err(HttpError::Status(status).into());
            }
            Err(e) => return Err(e.into()),
        };
        let t: TokenAnswer = parse(operation, &answer.body)?;
        Ok(TokenGrant {
            access_token: Token::new(t.access_token),
            refresh_token: Token::new(t.refresh_token),
            expires_at: now + Duration::from_secs(t.expires_in),
            owner: t.owner,
            organization: t.organization,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendly::CalendlyConfig;

    #[test]
    fn pkce_challenge_matches_rfc_7636_appendix_b() {
        assert_eq!(
            code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn the_authorize_url_carries_state_and_pkce() {
        let client = CalendlyClient::new(CalendlyConfig::default()).unwrap();
        let app = OAuthApp {
            client_id: "cid".into(),
            client_secret: Token::new("shh"),
            redirect_uri: "https://app.example/oauth/calendly/callback".into(),
        };
        let a = client.authorize(&app).unwrap();
        let b = client.authorize(&app).unwrap();
        assert_ne!(a.state, b.state);
        let url = url::Url::parse(&a.url).unwrap();
        assert_eq!(url.host_str(), Some("auth.calendly.com"));
        assert_eq!(url.path(), "/oauth/authorize");
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["client_id"], "cid");
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["redirect_uri"], app.redirect_uri);
        assert_eq!(q["state"], a.state.expose());
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(
            q["code_challenge"],
            code_challenge(a.code_verifier.expose())
        );
        assert!(!a.url.contains("shh"));
        assert!(a.check_state(a.state.expose()));
        assert!(!a.check_state(b.state.expose()));
        assert!(!a.check_state(""));
        assert!(!format!("{app:?}").contains("shh"));
    }
}
