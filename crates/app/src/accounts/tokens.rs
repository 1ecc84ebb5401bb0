//! API tokens: random, shown once, stored hashed, tied to an organisation, revocable.

use crate::App;
use crate::access::{Actor, json};
use crate::accounts::secrets::{random_token, sha256_hex};
use crate::error::{AppError, AppResult};
use serde::Deserialize;
use ungcuu_domain::validate::{self, Reason};
use ungcuu_domain::{Action, Invalid, OrgId, TokenId};
use ungcuu_store::accounts::tokens::{self, ApiToken};
use ungcuu_store::{audit, registry::orgs};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TokenInput {
    pub name: String,
    pub org_id: String,
}

/// Every token starts with this, so a leaked one is easy to recognise in logs and scanners.
pub const TOKEN_PREFIX: &str = "ucu_";

impl App {
    pub async fn list_tokens(&self, actor: &Actor) -> AppResult<Vec<ApiToken>> {
        let within = actor.scope(Action::ViewTokens)?;
        Ok(tokens::list(&self.db, within.as_ref()).await?)
    }

    /// The organisations a new token may be issued for (empty when the actor may not create
    /// tokens at all).
    pub async fn token_org_choices(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<ungcuu_store::registry::orgs::Org>> {
        if actor.scope(Action::CreateToken).is_err() {
            return Ok(Vec::new());
        }
        self.org_choices(actor, Action::CreateToken).await
    }

    /// Creates a token; the secret is returned this once and never stored.
    pub async fn create_token(
        &self,
        actor: &Actor,
        input: &TokenInput,
    ) -> AppResult<(ApiToken, String)> {
        actor.scope(Action::CreateToken)?;
        let mut bad = Invalid::default();
        let name = bad.check(validate::line("token.name", &input.name, 120));
        let org = bad.check(
            validate::optional_id("token.org", &input.org_id).and_then(|o| {
                o.ok_or_else(|| ungcuu_domain::FieldError::new("token.org", Reason::Required))
            }),
        );
        let (Some(name), Some(org)) = (name, org) else {
            return Err(bad.into());
        };
        let org = match orgs::get(&self.db, OrgId(org)).await {
            Ok(o) if o.archived_at.is_none() => o,
            Ok(_) => return Err(Invalid::one("token.org", Reason::Archived).into()),
            Err(ungcuu_store::StoreError::NotFound) => {
                return Err(Invalid::one("token.org", Reason::Unknown).into());
            }
            Err(e) => return Err(e.into()),
        };
        actor
            .authorize(Action::CreateToken, Some(&org.path))
            .map_err(|_| AppError::from(Invalid::one("token.org", Reason::NotAllowed)))?;
        let secret = format!("{TOKEN_PREFIX}{}", random_token::<32>());
        let mut tx = self.db.begin().await?;
        let token = tokens::insert(
            &mut tx,
            org.id,
            &name,
            &secret[..TOKEN_PREFIX.len() + 6],
            &sha256_hex(&secret),
            actor.user_id.map(|u| u.0),
        )
        .await?;
        audit::append(
            &mut tx,
            actor.audit("token.create", "api_token", token.id, None, json(&token)),
        )
        .await?;
        tx.commit().await?;
        Ok((token, secret))
    }

    pub async fn revoke_token(&self, actor: &Actor, id: TokenId) -> AppResult<ApiToken> {
        let before = tokens::get(&self.db, id).await?;
        actor
            .authorize(Action::ViewTokens, Some(&before.org_path))
            .map_err(|_| AppError::NotFound)?;
        actor.authorize(Action::RevokeToken, Some(&before.org_path))?;
        let mut tx = self.db.begin().await?;
        let after = tokens::revoke(&mut tx, id).await?;
        audit::append(
            &mut tx,
            actor.audit("token.revoke", "api_token", id, json(&before), json(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
