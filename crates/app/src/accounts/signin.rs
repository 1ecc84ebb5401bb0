//! Signing in: passwords (argon2id), the TOTP second factor, lock-out, sessions.

use crate::App;
use crate::access::Actor;
use crate::accounts::secrets::{random_token, sha256_hex};
use crate::error::{AppError, AppResult};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
use ungcuu_domain::signin::lockout_after;
use ungcuu_domain::time::now;
use ungcuu_store::audit::{self, NewAudit};
use ungcuu_store::{accounts::sessions, accounts::users};

/// Hashes a password with argon2id off the async runtime (it is deliberately slow).
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(anyhow::anyhow!("hash: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash to verify against when the email is unknown, so the answer takes as long as for
/// a known email and does not tell which addresses exist.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(b"not a real password", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// A new session's secrets: the cookie token and the CSRF token for its forms.
#[derive(Debug, Clone)]
pub struct SessionTokens {
    pub token: String,
    pub csrf: String,
}

#[derive(Debug)]
pub enum SignIn {
    /// Signed in.
    Done(SessionTokens),
    /// The password was right; the second factor is still owed on this half-session.
    NeedSecondFactor(SessionTokens),
}

#[derive(Debug)]
pub enum SignInError {
    Failed,
    Locked { minutes: i64 },
    Internal(AppError),
}

impl<E: Into<AppError>> From<E> for SignInError {
    fn from(e: E) -> Self {
        SignInError::Internal(e.into())
    }
}

/// A live session as the web layer sees it.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub id_hash: String,
    pub actor: Actor,
    pub csrf: String,
    pub mfa_pending: bool,
}

fn locked_minutes(until: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    ((until - now).num_seconds() + 59).max(60) / 60
}

fn login_audit(user: &users::User, action: &str, after: serde_json::Value) -> NewAudit {
    NewAudit {
        actor_user_id: Some(user.id.0),
        actor: user.email.clone(),
        action: action.into(),
        object_type: "user".into(),
        object_id: user.id.to_string(),
        before: None,
        after: Some(after),
    }
}

impl App {
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        ip: Option<&str>,
        user_agent: Option<&str>,
    ) -> Result<SignIn, SignInError> {
        let email = email.trim().to_lowercase();
        let user = match users::find_by_email(&self.db, &email).await? {
            Some(u) if u.active() => u,
            _ => {
                verify_password(password.to_string(), dummy_hash().to_string()).await;
                tracing::info!(%email, "sign-in failed: unknown, disabled or archived account");
                return Err(SignInError::Failed);
            }
        };
        let t = now();
        if let Some(until) = user.locked_until.filter(|u| *u > t) {
            return Err(SignInError::Locked {
                minutes: locked_minutes(until, t),
            });
        }
        if !verify_password(password.to_string(), user.password_hash.clone()).await {
            return Err(self.record_failure(&user, "auth.login_failed").await);
        }
        let mut tx = self.db.begin().await?;
        users::clear_failures(&mut tx, user.id).await?;
        let tokens = self
            .new_session(&mut tx, &user, user.totp_enabled, ip, user_agent)
            .await?;
        let action = if user.totp_enabled {
            "auth.password_ok"
        } else {
            "auth.login"
        };
        audit::append(
            &mut tx,
            login_audit(&user, action, serde_json::json!({"ip": ip})),
        )
        .await?;
        tx.commit().await?;
        Ok(if user.totp_enabled {
            SignIn::NeedSecondFactor(tokens)
        } else {
            SignIn::Done(tokens)
        })
    }

    async fn record_failure(&self, user: &users::User, action: &str) -> SignInError {
        let run = async {
            let mut tx = self.db.begin().await?;
            // The count comes back from the database, so each parallel guess sees its own.
            let failures = users::count_failure(&mut tx, user.id).await?;
            let lock = lockout_after(failures).map(|d| now() + d);
            if let Some(until) = lock {
                users::lock_until(&mut tx, user.id, until).await?;
            }
            audit::append(
                &mut tx,
                login_audit(
                    user,
                    action,
                    serde_json::json!({"failures": failures, "locked_until": lock}),
                ),
            )
            .await?;
            tx.commit().await?;
            Ok::<_, AppError>(lock)
        };
        match run.await {
            Ok(Some(until)) => SignInError::Locked {
                minutes: locked_minutes(until, now()),
            },
            Ok(None) => SignInError::Failed,
            Err(e) => SignInError::Internal(e),
        }
    }

    async fn new_session(
        &self,
        tx: &mut ungcuu_store::Tx,
        user: &users::User,
        mfa_pending: bool,
        ip: Option<&str>,
        user_agent: Option<&str>,
    ) -> AppResult<SessionTokens> {
        let tokens = SessionTokens {
            token: random_token::<32>(),
            csrf: random_token::<24>(),
        };
        // A half-signed-in session lives only long enough to type a code.
        let ttl = if mfa_pending {
            chrono::Duration::minutes(10)
        } else {
            self.cfg.session_idle
        };
        sessions::insert(
            tx,
            &sessions::NewSession {
                id_hash: &sha256_hex(&tokens.token),
                user_id: user.id,
                csrf_token: &tokens.csrf,
                mfa_pending,
                expires_at: now() + ttl,
                ip,
                user_agent: user_agent.map(|s| truncate(s, 300)),
            },
        )
        .await?;
        Ok(tokens)
    }

    /// Completes a half-signed-in session with a TOTP code or a recovery code. The session
    /// gets a new token: the one that only passed the password is void.
    pub async fn second_factor(
        &self,
        token: &str,
        code: &str,
    ) -> Result<SessionTokens, SignInError> {
        let id_hash = sha256_hex(token);
        let t = now();
        let session = sessions::get(&self.db, &id_hash, t)
            .await?
            .filter(|s| s.mfa_pending)
            .ok_or(SignInError::Failed)?;
        let user = users::get(&self.db, ungcuu_domain::UserId(session.user_id)).await?;
        if !user.active() {
            return Err(SignInError::Failed);
        }
        if let Some(until) = user.locked_until.filter(|u| *u > t) {
            return Err(SignInError::Locked {
                minutes: locked_minutes(until, t),
            });
        }
        let secret = user.totp_secret.clone().ok_or(SignInError::Failed)?;
        let mut tx = self.db.begin().await?;
        let accepted = match crate::accounts::account::totp_step(&secret, code, t) {
            Some(step) => users::accept_totp_step(&mut tx, user.id, step).await?,
            None => {
                let normal = crate::accounts::account::normalise_recovery(code);
                !normal.is_empty()
                    && users::use_recovery_code(&mut tx, user.id, &sha256_hex(&normal)).await?
            }
        };
        if !accepted {
            tx.rollback().await?;
            return Err(self
                .record_failure(&user, "auth.second_factor_failed")
                .await);
        }
        let fresh = SessionTokens {
            token: random_token::<32>(),
            csrf: random_token::<24>(),
        };
        users::clear_failures(&mut tx, user.id).await?;
        sessions::promote(&mut tx, &id_hash, &sha256_hex(&fresh.token), &fresh.csrf).await?;
        audit::append(
            &mut tx,
            login_audit(
                &user,
                "auth.login",
                serde_json::json!({"second_factor": true}),
            ),
        )
        .await?;
        tx.commit().await?;
        // The promoted session starts its normal idle window now.
        sessions::touch(
            &self.db,
            &sha256_hex(&fresh.token),
            t,
            t + self.cfg.session_idle,
        )
        .await?;
        Ok(fresh)
    }

    /// The live session for a cookie token, sliding its idle expiry forward.
    pub async fn session(&self, token: &str) -> AppResult<Option<SessionInfo>> {
        let id_hash = sha256_hex(token);
        let t = now();
        let Some(s) = sessions::get(&self.db, &id_hash, t).await? else {
            return Ok(None);
        };
        // However busy, a session ends a fixed time after sign-in: a stolen cookie kept warm
        // by its thief does not live for ever.
        let end = s.created_at + self.cfg.session_absolute;
        if t >= end {
            return Ok(None);
        }
        let user = users::get(&self.db, ungcuu_domain::UserId(s.user_id)).await?;
        if !user.active() {
            return Ok(None);
        }
        // Write the new expiry at most once a minute, not on every request.
        if !s.mfa_pending && t - s.last_seen_at > chrono::Duration::minutes(1) {
            let expires = (t + self.cfg.session_idle).min(end);
            sessions::touch(&self.db, &id_hash, t, expires).await?;
        }
        Ok(Some(SessionInfo {
            id_hash,
            actor: Actor::from_user(&user),
            csrf: s.csrf_token,
            mfa_pending: s.mfa_pending,
        }))
    }

    pub async fn sign_out(&self, session: &SessionInfo) -> AppResult<()> {
        let mut tx = self.db.begin().await?;
        sessions::delete(&mut tx, &session.id_hash).await?;
        audit::append(
            &mut tx,
            session.actor.audit(
                "auth.logout",
                "user",
                session.actor.user_id.map(|u| u.0).unwrap_or(0),
                None,
                None,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The actor for an API bearer token, if it is live.
    pub async fn token_actor(&self, token: &str) -> AppResult<Option<Actor>> {
        let Some(t) =
            ungcuu_store::accounts::tokens::find_active(&self.db, &sha256_hex(token)).await?
        else {
            return Ok(None);
        };
        // Note the use at most once a minute, decided from the row just read: an API call
        // must not queue for the (single, on SQLite) write connection every time.
        let t_now = now();
        if t.last_used_at
            .is_none_or(|last| t_now - last > chrono::Duration::minutes(1))
        {
            ungcuu_store::accounts::tokens::touch(&self.db, t.id, t_now).await?;
        }
        Ok(Some(Actor::from_token(&t)))
    }
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}
