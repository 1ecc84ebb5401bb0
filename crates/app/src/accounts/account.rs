//! A person's own account: the TOTP second factor and its recovery codes, the password.

use crate::App;
use crate::access::Actor;
use crate::accounts::secrets::{random_bytes, sha256_hex};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use totp_rs::{Algorithm, Secret, TOTP};
use ungcuu_domain::validate::{self, Reason};
use ungcuu_domain::{Invalid, UserId};
use ungcuu_store::{accounts::sessions, accounts::users, audit};

const STEP: u64 = 30;
const RECOVERY_CODES: usize = 10;

fn totp(secret_b32: &str, issuer: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP,
        bytes,
        Some(issuer.replace(':', " ")),
        account.to_string(),
    )
    .ok()
}

/// The time step a 6-digit `code` belongs to, within one step of `at` either way.
pub fn totp_step(secret_b32: &str, code: &str, at: DateTime<Utc>) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret_b32, "ungcuu", "x")?;
    let now_step = at.timestamp() / STEP as i64;
    (now_step - 1..=now_step + 1).find(|s| {
        let expected = t.generate((*s as u64) * STEP);
        // Compare without an early exit: the time must not tell how many digits matched.
        expected
            .bytes()
            .zip(code.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    })
}

/// Recovery codes are compared lower-case without separators: `ABCD-EFGH-JK` = `abcdefghjk`.
pub fn normalise_recovery(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let raw: String = random_bytes::<10>()
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}-{}", &raw[..4], &raw[4..8], &raw[8..])
}

/// What a person sees while turning on the second factor.
#[derive(Debug, Clone)]
pub struct TotpEnrolment {
    pub secret: String,
    pub otpauth_url: String,
    pub qr_svg: String,
}

#[derive(Debug, Clone)]
pub struct AccountSecurity {
    pub totp_enabled: bool,
    pub recovery_codes_left: i64,
    pub pending: Option<TotpEnrolment>,
}

fn me(actor: &Actor) -> AppResult<UserId> {
    actor.user_id.ok_or(AppError::Forbidden)
}

impl App {
    fn enrolment(&self, secret: &str, email: &str) -> AppResult<TotpEnrolment> {
        let t = totp(secret, &self.cfg.totp_issuer, email)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("bad TOTP secret")))?;
        let url = t.get_url();
        let qr_svg = qrcode::QrCode::new(url.as_bytes())
            .map(|q| {
                q.render::<qrcode::render::svg::Color>()
                    .min_dimensions(180, 180)
                    .build()
            })
            .map_err(|e| AppError::Internal(anyhow::anyhow!("qr: {e}")))?;
        Ok(TotpEnrolment {
            secret: secret.to_string(),
            otpauth_url: url,
            qr_svg,
        })
    }

    pub async fn account_security(&self, actor: &Actor) -> AppResult<AccountSecurity> {
        let user = users::get(&self.db, me(actor)?).await?;
        let pending = match &user.totp_pending_secret {
            Some(s) if !user.totp_enabled => Some(self.enrolment(s, &user.email)?),
            _ => None,
        };
        Ok(AccountSecurity {
            totp_enabled: user.totp_enabled,
            recovery_codes_left: users::unused_recovery_codes(&self.db, user.id).await?,
            pending,
        })
    }

    /// Starts turning on the second factor: a new secret, pending until a code confirms it.
    pub async fn start_totp(&self, actor: &Actor) -> AppResult<TotpEnrolment> {
        let user = users::get(&self.db, me(actor)?).await?;
        let secret = match Secret::Raw(random_bytes::<20>().to_vec()).to_encoded() {
            Secret::Encoded(s) => s,
            Secret::Raw(_) => unreachable!("to_encoded gives Encoded"),
        };
        let mut tx = self.db.begin().await?;
        users::set_totp_pending(&mut tx, user.id, Some(&secret)).await?;
        audit::append(
            &mut tx,
            actor.audit("account.totp_start", "user", user.id, None, None),
        )
        .await?;
        tx.commit().await?;
        self.enrolment(&secret, &user.email)
    }

    /// Confirms the pending secret with a code from the app; returns the recovery codes,
    /// shown this once and stored only hashed.
    pub async fn confirm_totp(&self, actor: &Actor, code: &str) -> AppResult<Vec<String>> {
        let user = users::get(&self.db, me(actor)?).await?;
        let secret = user
            .totp_pending_secret
            .clone()
            .ok_or_else(|| Invalid::one("totp.code", Reason::InvalidCode))?;
        let step = totp_step(&secret, code, ungcuu_domain::time::now())
            .ok_or_else(|| Invalid::one("totp.code", Reason::InvalidCode))?;
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| sha256_hex(&normalise_recovery(c)))
            .collect();
        let mut tx = self.db.begin().await?;
        users::set_totp(&mut tx, user.id, Some(&secret), &hashes).await?;
        // The confirming code is used up: it cannot sign in again in the same window.
        users::accept_totp_step(&mut tx, user.id, step).await?;
        audit::append(
            &mut tx,
            actor.audit(
                "account.totp_enable",
                "user",
                user.id,
                None,
                Some(serde_json::json!({"recovery_codes": RECOVERY_CODES})),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// Turns the second factor off; asks for the password again.
    pub async fn disable_totp(&self, actor: &Actor, password: &str) -> AppResult<()> {
        let user = users::get(&self.db, me(actor)?).await?;
        self.check_password(&user, password, "account.password_current")
            .await?;
        let mut tx = self.db.begin().await?;
        users::set_totp(&mut tx, user.id, None, &[]).await?;
        audit::append(
            &mut tx,
            actor.audit("account.totp_disable", "user", user.id, None, None),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes the actor's own password and ends their other sessions (a password changed
    /// because it leaked must also shut out whoever used it); `keep` is the session asking.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        keep: Option<&str>,
    ) -> AppResult<()> {
        let user = users::get(&self.db, me(actor)?).await?;
        let new = validate::new_password("user.password", new).map_err(|e| Invalid(vec![e]))?;
        self.check_password(&user, current, "account.password_current")
            .await?;
        if self.password_matches(&user, &new).await {
            return Err(Invalid::one("user.password", Reason::Unchanged).into());
        }
        let hash = crate::accounts::signin::hash_password(new).await?;
        let mut tx = self.db.begin().await?;
        users::set_password_hash(&mut tx, user.id, &hash).await?;
        match keep {
            Some(k) => sessions::delete_others(&mut tx, user.id, k).await?,
            None => sessions::delete_for_user(&mut tx, user.id).await?,
        };
        audit::append(
            &mut tx,
            actor.audit("account.password_change", "user", user.id, None, None),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn check_password(
        &self,
        user: &users::User,
        password: &str,
        field: &str,
    ) -> AppResult<()> {
        if self.password_matches(user, password).await {
            Ok(())
        } else {
            Err(Invalid::one(field, Reason::InvalidCode).into())
        }
    }

    async fn password_matches(&self, user: &users::User, password: &str) -> bool {
        let (pw, hash) = (password.to_string(), user.password_hash.clone());
        tokio::task::spawn_blocking(move || {
            use argon2::password_hash::{PasswordHash, PasswordVerifier};
            PasswordHash::new(&hash)
                .map(|h| {
                    argon2::Argon2::default()
                        .verify_password(pw.as_bytes(), &h)
                        .is_ok()
                })
                .unwrap_or(false)
        })
        .await
        .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_code_is_accepted_in_its_own_and_the_neighbouring_windows_only() {
        let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        let t = totp(secret, "ungcuu", "a@b.vn").unwrap();
        let at = Utc.timestamp_opt(1_800_000_000, 0).unwrap();
        let step = at.timestamp() / 30;
        let code = t.generate(at.timestamp() as u64);
        assert_eq!(totp_step(secret, &code, at), Some(step));
        assert_eq!(
            totp_step(secret, &code, at + chrono::Duration::seconds(30)),
            Some(step)
        );
        assert_eq!(
            totp_step(secret, &code, at + chrono::Duration::seconds(90)),
            None
        );
        assert_eq!(totp_step(secret, "12345", at), None);
        assert_eq!(totp_step(secret, "abcdef", at), None);
    }

    #[test]
    fn recovery_codes_compare_without_case_or_dashes() {
        let c = new_recovery_code();
        assert_eq!(c.len(), 12);
        assert_eq!(
            normalise_recovery(&c.to_uppercase()),
            normalise_recovery(&c)
        );
        assert_eq!(normalise_recovery(" abcd-efgh-jk "), "abcdefghjk");
    }
}
