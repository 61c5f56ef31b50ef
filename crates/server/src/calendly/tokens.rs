//! Access tokens of stored Calendly connections, refreshed once across
//! every caller and instance.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use super::{CalendlyApi, CalendlyClient, CalendlyError, OAuthApp, TokenGrant};
use crate::store::{
    ConnectionId, ConnectionStatus, Credentials, NewConnection, Provider, RefreshError,
    RefreshFailure, Refreshed, Store, StoreError, Token, TokenKeys,
};

/// Why no access token could be had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No connection has that id.
    #[error("no Calendly connection with id {0}")]
    NotFound(ConnectionId),
    /// The grant is gone (`invalid_grant`, now or earlier): its owner must
    /// connect again. Nothing retries it.
    #[error(
        "Calendly connection {id} needs re-authorisation ({reason}): connect the account again"
    )]
    NeedsReauth {
        /// The connection.
        id: ConnectionId,
        /// The vendor's code that marked it.
        reason: String,
    },
    /// The row stopped being an OAuth grant while this call waited.
    #[error("Calendly connection {0} holds no OAuth grant any more")]
    NotOAuth(ConnectionId),
    /// The refresh failed otherwise (Calendly down, a timeout); the
    /// connection is unchanged.
    #[error("refreshing Calendly connection {id} failed: {source}")]
    Refresh {
        /// The connection.
        id: ConnectionId,
        /// What failed.
        source: CalendlyError,
    },
}

/// Access tokens for stored Calendly connections.
///
/// [`ConnectionTokens::access_token`] returns the stored token while it has
/// more than `margin` (5 minutes) left; otherwise it refreshes through
/// [`Store::refresh_connection`], so across instances one refresh spends
/// the refresh token and every waiter reads the pair it committed. Within a
/// process, callers of one connection queue on an in-memory lock first, so
/// they wait without holding pooled database connections.
#[derive(Clone, Debug)]
pub struct ConnectionTokens {
    store: Store,
    keys: TokenKeys,
    client: CalendlyClient,
    app: OAuthApp,
    margin: Duration,
    local: Arc<Mutex<HashMap<ConnectionId, Arc<tokio::sync::Mutex<()>>>>>,
}

impl ConnectionTokens {
    /// Tokens of connections in `store`, sealed with `keys`, refreshed for
    /// `app` through `client`.
    #[must_use]
    pub fn new(store: Store, keys: TokenKeys, client: CalendlyClient, app: OAuthApp) -> Self {
        Self {
            store,
            keys,
            client,
            app,
            margin: Duration::from_secs(300),
            local: Arc::default(),
        }
    }

    /// Refresh when less than `margin` is left (default 5 minutes).
    #[must_use]
    pub fn margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Stores a grant from [`CalendlyClient::exchange_code`] as the
    /// connection of its owner (a reconnect replaces the old grant).
    ///
    /// # Errors
    /// [`StoreError::InvalidInput`] when the grant names no owner.
    pub async fn save_grant(
        &self,
        grant: &TokenGrant,
        now: SystemTime,
    ) -> Result<ConnectionId, StoreError> {
        let owner = grant
            .owner
            .as_deref()
            .ok_or_else(|| StoreError::InvalidInput {
                field: "owner",
                reason: "the token answer named no owner (user URI)".into(),
            })?;
        self.store
            .save_connection(
                &self.keys,
                &NewConnection {
                    provider: Provider::Calendly,
                    account: owner,
                    credentials: Credentials::OAuth {
                        access_token: grant.access_token.clone(),
                        refresh_token: grant.refresh_token.clone(),
                        expires_at: grant.expires_at,
                    },
                },
                now,
            )
            .await
    }

    /// A usable access token of connection `id` (a personal access token
    /// as it is; an OAuth token refreshed if it is about to expire).
    ///
    /// # Errors
    /// See [`TokenError`].
    pub async fn access_token(&self, id: ConnectionId) -> Result<Token, TokenError> {
        self.account_token(id).await.map(|(_, token)| token)
    }

    async fn account_token(&self, id: ConnectionId) -> Result<(String, Token), TokenError> {
        let now = SystemTime::now();
        let connection = self
            .store
            .connection(&self.keys, id)
            .await?
            .ok_or(TokenError::NotFound(id))?;
        if connection.status == ConnectionStatus::NeedsReauth {
            return Err(TokenError::NeedsReauth {
                id,
                reason: connection.reauth_reason.unwrap_or_default(),
            });
        }
        match &connection.credentials {
            Credentials::OAuth {
                access_token,
                expires_at,
                ..
            } if *expires_at > now + self.margin => {
                return Ok((connection.account, access_token.clone()))
            }
            Credentials::OAuth { .. } => {}
            other => return Ok((connection.account.clone(), other.bearer().clone())),
        }
        let gate = {
            let mut local = self.local.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(local.entry(id).or_default())
        };
        let _queued = gate.lock().await;
        let account = connection.account;
        let fresh = self
            .store
            .refresh_connection(&self.keys, id, SystemTime::now(), self.margin, |refresh| {
                let account = account.clone();
                async move {
                    // The HTTP client's timeout bounds how long the row
                    // stays locked.
                    match self
                        .client
                        .refresh_grant(&self.app, &account, &refresh, SystemTime::now())
                        .await
                    {
                        Ok(grant) => Ok(Refreshed {
                            access_token: grant.access_token,
                            refresh_token: grant.refresh_token,
                            expires_at: grant.expires_at,
                        }),
                        Err(CalendlyError::InvalidGrant { code }) => {
                            tracing::warn!(
                                connection = id.0,
                                "Calendly refused the grant: needs re-authorisation"
                            );
                            Err(RefreshFailure::InvalidGrant { code })
                        }
                        Err(e) => Err(RefreshFailure::Other(e)),
                    }
                }
            })
            .await
            .map_err(|e| match e {
                RefreshError::Store(s) => TokenError::Store(s),
                RefreshError::NotFound(id) => TokenError::NotFound(id),
                RefreshError::NeedsReauth { id, reason } => TokenError::NeedsReauth { id, reason },
                RefreshError::Refresh { id, source } => TokenError::Refresh { id, source },
                RefreshError::NotOAuth(id) => TokenError::NotOAuth(id),
            })?;
        Ok((account, fresh.access_token))
    }

    /// The API as connection `id`, with a usable token.
    ///
    /// # Errors
    /// See [`TokenError`].
    pub async fn api(&self, id: ConnectionId) -> Result<CalendlyApi, TokenError> {
        // Calendly's limit is per user: the budget key is the account.
        let (account, token) = self.account_token(id).await?;
        Ok(self.client.api(account, token))
    }
}
