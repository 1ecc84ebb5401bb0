//! Reading and checking the audit trail.

use crate::App;
use crate::access::Actor;
use crate::error::AppResult;
use ungcuu_domain::Action;
use ungcuu_domain::audit::{AuditRow, ChainBreak};

impl App {
    pub async fn audit_page(
        &self,
        actor: &Actor,
        limit: i64,
        offset: i64,
    ) -> AppResult<Vec<AuditRow>> {
        actor.authorize(Action::ViewAudit, None)?;
        Ok(ungcuu_store::audit::list(&self.db, None, limit.clamp(1, 500), offset.max(0)).await?)
    }

    /// Walks the whole chain: `Ok(n)` rows intact, or where it first breaks.
    pub async fn verify_audit(&self, actor: &Actor) -> AppResult<Result<u64, ChainBreak>> {
        actor.authorize(Action::ViewAudit, None)?;
        Ok(ungcuu_store::audit::verify(&self.db).await?)
    }

    pub async fn dashboard_counts(&self, actor: &Actor) -> AppResult<(i64, i64, Option<i64>)> {
        actor.authorize(Action::ViewDashboard, None)?;
        let orgs = ungcuu_store::registry::orgs::count(&self.db).await?;
        let users = ungcuu_store::accounts::users::count(&self.db).await?;
        let audit = if actor.can(Action::ViewAudit, None) {
            Some(ungcuu_store::audit::count(&self.db).await?)
        } else {
            None
        };
        Ok((orgs, users, audit))
    }
}
