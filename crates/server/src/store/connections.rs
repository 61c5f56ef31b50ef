//! Connections: one vendor account's credentials (a Calendly OAuth grant or
//! personal access token, a Cal.com API key), encrypted at rest, and the
//! one-at-a-time refresh that single-use refresh tokens need.
//!
//! # Table `connections`
//!
//! | column | |
//! |---|---|
//! | `id` | the [`ConnectionId`] |
//! | `provider`, `account` | [`Provider`] and the caller's name for the account (for Calendly its user URI); unique together |
//! | `kind` | `oauth`, `personal_token`, `api_key` ([`CredentialKind`]) |
//! | `status` | `active` or `needs_reauth` ([`ConnectionStatus`]) |
//! | `key_id` | which [`TokenKey`] encrypted the tokens of this row |
//! | `access_token`, `refresh_token` | ciphertexts: a 24-byte nonce, then XChaCha20-Poly1305 output |
//! | `access_expires_at` | when the OAuth access token expires (ms) |
//! | `generation` | bumped by every refresh |
//! | `reauth_reason` | why it needs re-authorisation (the vendor's error code, never a token) |
//!
//! # Encryption
//!
//! Tokens are sealed with XChaCha20-Poly1305 (RustCrypto's
//! `chacha20poly1305`), a random 192-bit nonce per value (random nonces are
//! safe at that size), and the row's provider, account and column as
//! associated data: a ciphertext copied to another row or column does not
//! open. The key comes from configuration as a [`TokenKeys`]: one current
//! key that seals, and older keys that still open rows sealed before a
//! rotation. [`Store::reencrypt_connections`] rewrites every row under the
//! current key, after which the old keys can be dropped.
//!
//! # Refresh
//!
//! [`Store::refresh_connection`] holds the row for the whole refresh: on
//! PostgreSQL with `SELECT ... FOR UPDATE`, on SQLite by writing to it first
//! (which takes the database's write lock for the transaction). Whoever holds
//! it re-reads the row: if another instance refreshed meanwhile, the new
//! access token is returned without a token request. Otherwise the caller's
//! refresh function runs, and the new pair is committed before anything else
//! happens; only then is the access token handed out. `invalid_grant` marks
//! the row `needs_reauth` (committed), and every later call fails fast with
//! [`RefreshError::NeedsReauth`]: nothing retries a dead grant.
//!
//! The lock is held while the vendor answers, so the refresh function must
//! be bounded in time (the HTTP client's timeout): on SQLite other writers
//! wait for it up to the store's `busy_timeout`.

use std::fmt;
use std::future::Future;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, OsRng, Payload};
use chacha20poly1305::{AeadCore, XChaCha20Poly1305, XNonce};
use sqlx::Row as _;

use super::{from_millis, to_millis, Backend, Store, StoreError};

/// The longest accepted `account` name.
pub const MAX_ACCOUNT_LEN: usize = 512;
const NONCE_LEN: usize = 24;

/// A connection's id in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnectionId(pub i64);

impl fmt::Display for ConnectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Whose credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provider {
    /// Calendly (API v2).
    Calendly,
    /// Cal.com (API v2).
    Calcom,
}

impl Provider {
    /// The name stored in `connections.provider`.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Calendly => "calendly",
            Provider::Calcom => "calcom",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "calendly" => Ok(Provider::Calendly),
            "calcom" => Ok(Provider::Calcom),
            other => Err(corrupt("provider", other)),
        }
    }
}

/// What kind of credential a connection holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialKind {
    /// An OAuth grant: access token, refresh token, expiry.
    OAuth,
    /// A Calendly personal access token.
    PersonalToken,
    /// A Cal.com API key.
    ApiKey,
}

impl CredentialKind {
    /// The name stored in `connections.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::OAuth => "oauth",
            CredentialKind::PersonalToken => "personal_token",
            CredentialKind::ApiKey => "api_key",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "oauth" => Ok(CredentialKind::OAuth),
            "personal_token" => Ok(CredentialKind::PersonalToken),
            "api_key" => Ok(CredentialKind::ApiKey),
            other => Err(corrupt("kind", other)),
        }
    }
}

/// Whether a connection can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectionStatus {
    /// Usable.
    Active,
    /// The vendor refused the grant (`invalid_grant`): the account's owner
    /// must connect again.
    NeedsReauth,
}

impl ConnectionStatus {
    /// The name stored in `connections.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionStatus::Active => "active",
            ConnectionStatus::NeedsReauth => "needs_reauth",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "active" => Ok(ConnectionStatus::Active),
            "needs_reauth" => Ok(ConnectionStatus::NeedsReauth),
            other => Err(corrupt("status", other)),
        }
    }
}

fn corrupt(column: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt {
        table: "connections",
        column,
        value: value.to_owned(),
    }
}

/// A token or key. `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Token(token.into())
    }

    /// The token itself, to put in a request header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Serialises as the token itself: only for request bodies that carry a
/// secret to the vendor (a webhook's signing key).
impl serde::Serialize for Token {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.expose())
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A connection's credentials, in the clear (only in memory).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// An OAuth grant.
    OAuth {
        /// The access token.
        access_token: Token,
        /// The (single-use, for Calendly) refresh token.
        refresh_token: Token,
        /// When the access token expires.
        expires_at: SystemTime,
    },
    /// A Calendly personal access token (does not expire).
    PersonalToken(Token),
    /// A Cal.com API key.
    ApiKey(Token),
}

impl Credentials {
    /// Which kind.
    pub fn kind(&self) -> CredentialKind {
        match self {
            Credentials::OAuth { .. } => CredentialKind::OAuth,
            Credentials::PersonalToken(_) => CredentialKind::PersonalToken,
            Credentials::ApiKey(_) => CredentialKind::ApiKey,
        }
    }

    /// The token that goes into `Authorization: Bearer`.
    pub fn bearer(&self) -> &Token {
        match self {
            Credentials::OAuth { access_token, .. } => access_token,
            Credentials::PersonalToken(t) | Credentials::ApiKey(t) => t,
        }
    }
}

/// Why a [`TokenKey`] was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The key id is empty, longer than 64 bytes, or not `[A-Za-z0-9._-]`.
    #[error("token key id must be 1 to 64 characters of A-Z a-z 0-9 . _ -")]
    BadId,
    /// The key is not base64 (standard alphabet, padded).
    #[error("token key `{id}` is not base64")]
    NotBase64 {
        /// The key's id.
        id: String,
    },
    /// The key is not 32 bytes.
    #[error("token key `{id}` is {len} bytes; it must be 32 (generate one with `openssl rand -base64 32`)")]
    BadLength {
        /// The key's id.
        id: String,
        /// Its length.
        len: usize,
    },
    /// Two keys share an id.
    #[error("two token keys have the id `{id}`")]
    DuplicateId {
        /// The id.
        id: String,
    },
}

/// One 256-bit key with its id. `Debug` shows the id only.
#[derive(Clone)]
pub struct TokenKey {
    id: String,
    cipher: XChaCha20Poly1305,
}

impl TokenKey {
    /// A key from its 32 bytes.
    pub fn new(id: impl Into<String>, key: &[u8]) -> Result<Self, KeyError> {
        let id = id.into();
        let id_ok = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !id_ok {
            return Err(KeyError::BadId);
        }
        let cipher = XChaCha20Poly1305::new_from_slice(key)
            .ok()
            .filter(|_| key.len() == 32)
            .ok_or(KeyError::BadLength {
                id: id.clone(),
                len: key.len(),
            })?;
        Ok(TokenKey { id, cipher })
    }

    /// A key from base64 text, as configuration holds it.
    pub fn from_base64(id: impl Into<String>, key: &str) -> Result<Self, KeyError> {
        let id = id.into();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(key.trim())
            .map_err(|_| KeyError::NotBase64 { id: id.clone() })?;
        TokenKey::new(id, &bytes)
    }

    /// The key's id, stored beside what it sealed.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// The keys that seal and open connection tokens: the current one, and
/// older ones kept only to open rows sealed before a rotation.
#[derive(Clone, Debug)]
pub struct TokenKeys {
    current: TokenKey,
    previous: Vec<TokenKey>,
}

impl TokenKeys {
    /// Keys with `current` only.
    pub fn new(current: TokenKey) -> Self {
        TokenKeys {
            current,
            previous: Vec::new(),
        }
    }

    /// Adds an older key (opens, never seals).
    pub fn with_previous(mut self, key: TokenKey) -> Result<Self, KeyError> {
        if key.id == self.current.id || self.previous.iter().any(|k| k.id == key.id) {
            return Err(KeyError::DuplicateId { id: key.id });
        }
        self.previous.push(key);
        Ok(self)
    }

    /// The id of the key that seals.
    pub fn current_id(&self) -> &str {
        &self.current.id
    }

    fn find(&self, id: &str) -> Option<&TokenKey> {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id == id)
    }

    fn seal(&self, token: &Token, aad: &[u8]) -> Result<Vec<u8>, StoreError> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .current
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: token.0.as_bytes(),
                    aad,
                },
            )
            .map_err(|_| StoreError::TokenKey {
                key_id: self.current.id.clone(),
                reason: "encryption failed",
            })?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    fn open(&self, key_id: &str, sealed: &[u8], aad: &[u8]) -> Result<Token, StoreError> {
        let key = self.find(key_id).ok_or_else(|| StoreError::TokenKey {
            key_id: key_id.to_owned(),
            reason: "no configured token key has this id (was it removed before \
                     re-encrypting the connections?)",
        })?;
        let fail = || StoreError::TokenKey {
            key_id: key_id.to_owned(),
            reason:
                "a stored token does not open with this key (wrong key, or the row was altered)",
        };
        if sealed.len() < NONCE_LEN {
            return Err(fail());
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let plain = key
            .cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad })
            .map_err(|_| fail())?;
        String::from_utf8(plain).map(Token).map_err(|_| fail())
    }
}

fn aad(provider: Provider, account: &str, column: &str) -> Vec<u8> {
    format!(
        "zoomkit-connection\0{}\0{account}\0{column}",
        provider.as_str()
    )
    .into_bytes()
}

/// A connection to store, see [`Store::save_connection`].
#[derive(Debug, Clone)]
pub struct NewConnection<'a> {
    /// Whose account.
    pub provider: Provider,
    /// The caller's name for the account (1 to 512 bytes): for Calendly the
    /// user URI is a good one.
    pub account: &'a str,
    /// Its credentials.
    pub credentials: Credentials,
}

/// A stored connection, its credentials opened. `Debug` shows no token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Connection {
    /// Its id.
    pub id: ConnectionId,
    /// Whose account.
    pub provider: Provider,
    /// The account's name.
    pub account: String,
    /// Usable, or waiting for re-authorisation.
    pub status: ConnectionStatus,
    /// Its credentials.
    pub credentials: Credentials,
    /// How many refreshes it went through.
    pub generation: u64,
    /// The key that sealed its tokens.
    pub key_id: String,
    /// Why it needs re-authorisation.
    pub reauth_reason: Option<String>,
    /// When it was first stored.
    pub created_at: SystemTime,
    /// When it last changed.
    pub updated_at: SystemTime,
}

/// A new token pair from the vendor, see [`Store::refresh_connection`].
#[derive(Debug, Clone)]
pub struct Refreshed {
    /// The new access token.
    pub access_token: Token,
    /// The new refresh token (the old one is spent).
    pub refresh_token: Token,
    /// When the new access token expires.
    pub expires_at: SystemTime,
}

/// How a refresh function failed.
#[derive(Debug)]
pub enum RefreshFailure<E> {
    /// The vendor refused the refresh token (`invalid_grant`): the grant
    /// is gone. `code` is the vendor's error code, stored as the reason.
    InvalidGrant {
        /// e.g. `invalid_grant`.
        code: String,
    },
    /// Anything else (transport, 5xx): nothing is stored; the old refresh
    /// token may or may not be spent, and the next refresh finds out.
    Other(E),
}

/// How [`Store::refresh_connection`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RefreshError<E: std::error::Error + 'static> {
    /// The store failed (nothing was changed).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No connection has that id.
    #[error("no connection with id {0}")]
    NotFound(ConnectionId),
    /// The connection's grant is gone: its owner must connect again.
    #[error("connection {id} needs re-authorisation ({reason}): connect the account again")]
    NeedsReauth {
        /// The connection.
        id: ConnectionId,
        /// The vendor's error code that marked it.
        reason: String,
    },
    /// The connection holds a token that does not refresh.
    #[error("connection {0} holds no OAuth grant, so nothing refreshes")]
    NotOAuth(ConnectionId),
    /// The refresh function failed otherwise; nothing was stored.
    #[error("refreshing connection {id} failed: {source}")]
    Refresh {
        /// The connection.
        id: ConnectionId,
        /// The refresh function's error.
        source: E,
    },
}

/// A usable access token, see [`Store::refresh_connection`].
#[derive(Debug, Clone)]
pub struct Fresh {
    /// The token.
    pub access_token: Token,
    /// When it expires.
    pub expires_at: SystemTime,
    /// The connection's generation after the call.
    pub generation: u64,
    /// Whether this call made the token request (else someone else had
    /// refreshed already).
    pub refreshed_here: bool,
}

const COLUMNS: &str = "id, provider, account, kind, status, key_id, access_token, refresh_token, \
                       access_expires_at, generation, reauth_reason, created_at, updated_at";

fn connection_from_row(
    row: &sqlx::any::AnyRow,
    keys: &TokenKeys,
) -> Result<Connection, StoreError> {
    let provider = Provider::parse(&row.try_get::<String, _>("provider")?)?;
    let account: String = row.try_get("account")?;
    let kind = CredentialKind::parse(&row.try_get::<String, _>("kind")?)?;
    let key_id: String = row.try_get("key_id")?;
    let access: Vec<u8> = row.try_get("access_token")?;
    let access = keys.open(&key_id, &access, &aad(provider, &account, "access_token"))?;
    let credentials = match kind {
        CredentialKind::OAuth => {
            let refresh: Option<Vec<u8>> = row.try_get("refresh_token")?;
            let refresh =
                refresh.ok_or_else(|| corrupt("refresh_token", "NULL for an oauth row"))?;
            let expires: Option<i64> = row.try_get("access_expires_at")?;
            Credentials::OAuth {
                access_token: access,
                refresh_token: keys.open(
                    &key_id,
                    &refresh,
                    &aad(provider, &account, "refresh_token"),
                )?,
                expires_at: from_millis(expires.unwrap_or(0)),
            }
        }
        CredentialKind::PersonalToken => Credentials::PersonalToken(access),
        CredentialKind::ApiKey => Credentials::ApiKey(access),
    };
    let generation: i64 = row.try_get("generation")?;
    Ok(Connection {
        id: ConnectionId(row.try_get("id")?),
        provider,
        account,
        status: ConnectionStatus::parse(&row.try_get::<String, _>("status")?)?,
        credentials,
        generation: u64::try_from(generation).unwrap_or(0),
        key_id,
        reauth_reason: row.try_get("reauth_reason")?,
        created_at: from_millis(row.try_get("created_at")?),
        updated_at: from_millis(row.try_get("updated_at")?),
    })
}

/// The sealed columns of one row.
struct Sealed {
    access: Vec<u8>,
    refresh: Option<Vec<u8>>,
    expires_at: Option<i64>,
}

fn seal(
    keys: &TokenKeys,
    provider: Provider,
    account: &str,
    credentials: &Credentials,
) -> Result<Sealed, StoreError> {
    let access = keys.seal(
        credentials.bearer(),
        &aad(provider, account, "access_token"),
    )?;
    Ok(match credentials {
        Credentials::OAuth {
            refresh_token,
            expires_at,
            ..
        } => Sealed {
            access,
            refresh: Some(keys.seal(refresh_token, &aad(provider, account, "refresh_token"))?),
            expires_at: Some(to_millis(*expires_at, "expires_at")?),
        },
        Credentials::PersonalToken(_) | Credentials::ApiKey(_) => Sealed {
            access,
            refresh: None,
            expires_at: None,
        },
    })
}

impl Store {
    /// Stores a connection, or replaces the credentials of the one with the
    /// same provider and account (a reconnect): it becomes `active` again
    /// and its generation goes up. Returns its id.
    pub async fn save_connection(
        &self,
        keys: &TokenKeys,
        new: &NewConnection<'_>,
        now: SystemTime,
    ) -> Result<ConnectionId, StoreError> {
        if new.account.is_empty() || new.account.len() > MAX_ACCOUNT_LEN {
            return Err(StoreError::InvalidInput {
                field: "account",
                reason: format!("must be 1 to {MAX_ACCOUNT_LEN} bytes"),
            });
        }
        let now = to_millis(now, "now")?;
        let sealed = seal(keys, new.provider, new.account, &new.credentials)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO connections (provider, account, kind, status, key_id, access_token, \
             refresh_token, access_expires_at, generation, created_at, updated_at) \
             VALUES ($1, $2, $3, 'active', $4, $5, $6, $7, 0, $8, $8) \
             ON CONFLICT (provider, account) DO UPDATE SET kind = excluded.kind, \
             status = 'active', key_id = excluded.key_id, access_token = excluded.access_token, \
             refresh_token = excluded.refresh_token, \
             access_expires_at = excluded.access_expires_at, \
             generation = connections.generation + 1, reauth_reason = NULL, \
             updated_at = excluded.updated_at \
             RETURNING id",
        )
        .bind(new.provider.as_str())
        .bind(new.account)
        .bind(new.credentials.kind().as_str())
        .bind(keys.current_id())
        .bind(sealed.access)
        .bind(sealed.refresh)
        .bind(sealed.expires_at)
        .bind(now)
        .fetch_one(self.pool())
        .await?;
        Ok(ConnectionId(id))
    }

    /// One connection with its credentials opened, or `None`.
    pub async fn connection(
        &self,
        keys: &TokenKeys,
        id: ConnectionId,
    ) -> Result<Option<Connection>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM connections WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref()
            .map(|r| connection_from_row(r, keys))
            .transpose()
    }

    /// The connection of `provider` named `account`, or `None`.
    pub async fn connection_by_account(
        &self,
        keys: &TokenKeys,
        provider: Provider,
        account: &str,
    ) -> Result<Option<Connection>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM connections WHERE provider = $1 AND account = $2"
        ))
        .bind(provider.as_str())
        .bind(account)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref()
            .map(|r| connection_from_row(r, keys))
            .transpose()
    }

    /// Marks a connection as needing re-authorisation, with the vendor's
    /// error code as the reason. [`StoreError::NotFound`] if there is none.
    pub async fn mark_needs_reauth(
        &self,
        id: ConnectionId,
        reason: &str,
        now: SystemTime,
    ) -> Result<(), StoreError> {
        let now_ms = to_millis(now, "now")?;
        let reason = truncate(reason, 200);
        let mut tx = self.begin_write().await?;
        // Only the change to needs_reauth is an event, not a repeat.
        let changed: Option<(String, String)> = sqlx::query_as(
            "UPDATE connections SET status = 'needs_reauth', reauth_reason = $1, updated_at = $2 \
             WHERE id = $3 AND status <> 'needs_reauth' RETURNING provider, account",
        )
        .bind(&reason)
        .bind(now_ms)
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((provider, account)) = changed {
            let provider = Provider::parse(&provider)?;
            reauth_event(&mut tx, id, provider, &account, &reason, now).await?;
        } else {
            let done = sqlx::query(
                "UPDATE connections SET reauth_reason = $1, updated_at = $2 WHERE id = $3",
            )
            .bind(&reason)
            .bind(now_ms)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound {
                    what: "connection",
                    id: id.0,
                });
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a connection; `false` if there was none.
    pub async fn delete_connection(&self, id: ConnectionId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM connections WHERE id = $1")
            .bind(id.0)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Re-seals every connection not sealed by the current key (after a
    /// key rotation; the old key must still be in `keys`). Returns how many
    /// rows were rewritten. Each row is rewritten in its own statement and
    /// only if it did not change meanwhile, so it is safe beside refreshes.
    pub async fn reencrypt_connections(&self, keys: &TokenKeys) -> Result<u64, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM connections WHERE key_id <> $1"
        ))
        .bind(keys.current_id())
        .fetch_all(self.pool())
        .await?;
        let mut rewritten = 0;
        for row in &rows {
            let c = connection_from_row(row, keys)?;
            let sealed = seal(keys, c.provider, &c.account, &c.credentials)?;
            let done = sqlx::query(
                "UPDATE connections SET key_id = $1, access_token = $2, refresh_token = $3 \
                 WHERE id = $4 AND generation = $5 AND key_id = $6",
            )
            .bind(keys.current_id())
            .bind(sealed.access)
            .bind(sealed.refresh)
            .bind(c.id.0)
            .bind(i64::try_from(c.generation).unwrap_or(i64::MAX))
            .bind(&c.key_id)
            .execute(self.pool())
            .await?;
            rewritten += done.rows_affected();
        }
        Ok(rewritten)
    }

    /// An access token of OAuth connection `id` valid for more than
    /// `margin` after `now`, refreshing it with `refresh` if needed, once
    /// across every caller and instance (see the [module docs](self)).
    ///
    /// `refresh` gets the current refresh token; its new pair is committed
    /// before this returns. [`RefreshFailure::InvalidGrant`] marks the
    /// connection `needs_reauth` and returns [`RefreshError::NeedsReauth`].
    pub async fn refresh_connection<F, Fut, E>(
        &self,
        keys: &TokenKeys,
        id: ConnectionId,
        now: SystemTime,
        margin: Duration,
        refresh: F,
    ) -> Result<Fresh, RefreshError<E>>
    where
        F: FnOnce(Token) -> Fut,
        Fut: Future<Output = Result<Refreshed, RefreshFailure<E>>>,
        E: std::error::Error + 'static,
    {
        let now_ms = to_millis(now, "now")?;
        let mut tx = self.pool().begin().await.map_err(StoreError::from)?;
        let select = format!("SELECT {COLUMNS} FROM connections WHERE id = $1");
        let row = match self.backend() {
            Backend::Postgres => {
                sqlx::query(&format!("{select} FOR UPDATE"))
                    .bind(id.0)
                    .fetch_optional(&mut *tx)
                    .await
            }
            Backend::Sqlite => {
                // A write first takes SQLite's write lock for the whole
                // transaction (a read first would fail to upgrade later).
                sqlx::query("UPDATE connections SET generation = generation WHERE id = $1")
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
                sqlx::query(&select)
                    .bind(id.0)
                    .fetch_optional(&mut *tx)
                    .await
            }
        }
        .map_err(StoreError::from)?;
        let Some(row) = row else {
            return Err(RefreshError::NotFound(id));
        };
        let current = connection_from_row(&row, keys)?;
        if current.status == ConnectionStatus::NeedsReauth {
            return Err(RefreshError::NeedsReauth {
                id,
                reason: current.reauth_reason.unwrap_or_default(),
            });
        }
        let Credentials::OAuth {
            access_token,
            refresh_token,
            expires_at,
        } = current.credentials
        else {
            return Err(RefreshError::NotOAuth(id));
        };
        if expires_at > now + margin {
            // Someone refreshed while we waited for the lock (or it was
            // never stale).
            return Ok(Fresh {
                access_token,
                expires_at,
                generation: current.generation,
                refreshed_here: false,
            });
        }
        match refresh(refresh_token).await {
            Ok(new) => {
                let credentials = Credentials::OAuth {
                    access_token: new.access_token.clone(),
                    refresh_token: new.refresh_token,
                    expires_at: new.expires_at,
                };
                let sealed = seal(keys, current.provider, &current.account, &credentials)?;
                sqlx::query(
                    "UPDATE connections SET key_id = $1, access_token = $2, refresh_token = $3, \
                     access_expires_at = $4, generation = generation + 1, updated_at = $5 \
                     WHERE id = $6",
                )
                .bind(keys.current_id())
                .bind(sealed.access)
                .bind(sealed.refresh)
                .bind(sealed.expires_at)
                .bind(now_ms)
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
                tx.commit().await.map_err(StoreError::from)?;
                Ok(Fresh {
                    access_token: new.access_token,
                    expires_at: new.expires_at,
                    generation: current.generation + 1,
                    refreshed_here: true,
                })
            }
            Err(RefreshFailure::InvalidGrant { code }) => {
                let reason = truncate(&code, 200);
                sqlx::query(
                    "UPDATE connections SET status = 'needs_reauth', reauth_reason = $1, \
                     updated_at = $2 WHERE id = $3",
                )
                .bind(&reason)
                .bind(now_ms)
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
                // The event commits with the status, so the app hears of
                // every dead grant exactly once (a later call fails fast
                // above and appends nothing).
                reauth_event(
                    &mut tx,
                    id,
                    current.provider,
                    &current.account,
                    &reason,
                    now,
                )
                .await?;
                tx.commit().await.map_err(StoreError::from)?;
                Err(RefreshError::NeedsReauth { id, reason })
            }
            Err(RefreshFailure::Other(source)) => Err(RefreshError::Refresh { id, source }),
        }
    }
}

/// Appends `connection.needs_reauth` on the caller's transaction.
async fn reauth_event(
    conn: &mut sqlx::AnyConnection,
    id: ConnectionId,
    provider: Provider,
    account: &str,
    reason: &str,
    now: SystemTime,
) -> Result<(), StoreError> {
    let payload = serde_json::json!({
        "connection_id": id.0,
        "provider": provider.as_str(),
        "account": account,
        "reason": reason,
    });
    super::outbox::append(
        conn,
        &super::outbox::NewEvent {
            kind: super::outbox::kinds::CONNECTION_NEEDS_REAUTH,
            payload: &payload,
        },
        now,
    )
    .await?;
    Ok(())
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(TokenKey::new("k1", &[7; 32]).unwrap())
    }

    #[test]
    fn sealed_tokens_open_only_in_their_own_row_and_column() {
        let keys = keys();
        let token = Token::new("secret-token");
        let sealed = keys.seal(&token, b"a").unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        assert_eq!(keys.open("k1", &sealed, b"a").unwrap(), token);
        assert!(matches!(
            keys.open("k1", &sealed, b"b"),
            Err(StoreError::TokenKey { .. })
        ));
        assert!(matches!(
            keys.open("k2", &sealed, b"a"),
            Err(StoreError::TokenKey { .. })
        ));
        assert!(keys.open("k1", &sealed[..10], b"a").is_err());
    }

    #[test]
    fn keys_are_checked_and_never_printed() {
        assert_eq!(
            TokenKey::new("k", &[0; 16]).unwrap_err(),
            KeyError::BadLength {
                id: "k".into(),
                len: 16
            }
        );
        assert_eq!(TokenKey::new("", &[0; 32]).unwrap_err(), KeyError::BadId);
        assert_eq!(TokenKey::new("a b", &[0; 32]).unwrap_err(), KeyError::BadId);
        assert!(matches!(
            TokenKey::from_base64("k", "not base64!"),
            Err(KeyError::NotBase64 { .. })
        ));
        let key = TokenKey::from_base64(
            "k",
            &base64::engine::general_purpose::STANDARD.encode([9u8; 32]),
        )
        .unwrap();
        assert_eq!(format!("{key:?}"), r#"TokenKey { id: "k", .. }"#);
        assert!(matches!(
            TokenKeys::new(key.clone()).with_previous(key),
            Err(KeyError::DuplicateId { .. })
        ));
        assert_eq!(format!("{:?}", Token::new("abc")), "***");
    }
}
