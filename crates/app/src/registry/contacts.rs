//! An organisation's leader in charge and focal point, with the history of changes.

use crate::App;
use crate::access::{Actor, json};
use crate::error::AppResult;
use serde::Deserialize;
use ungcuu_domain::org::ContactKind;
use ungcuu_domain::validate::{self, Reason};
use ungcuu_domain::{Action, Invalid, OrgId};
use ungcuu_store::audit;
use ungcuu_store::registry::contacts::{self, Contact, NewContact};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ContactInput {
    /// leader | focal
    pub kind: String,
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
    /// From when the person holds the role: dd/mm/yyyy (today when empty).
    pub since: String,
}

impl App {
    pub async fn list_contacts(&self, actor: &Actor, org: OrgId) -> AppResult<Vec<Contact>> {
        self.get_org(actor, org).await?;
        Ok(contacts::list(&self.db, org).await?)
    }

    /// Names a new leader or focal point; the previous one is kept as history, closed at the
    /// new one's start date.
    pub async fn set_contact(
        &self,
        actor: &Actor,
        org: OrgId,
        input: &ContactInput,
    ) -> AppResult<Contact> {
        let o = self.get_org(actor, org).await?;
        actor.authorize(Action::EditOrg, Some(&o.path))?;
        let mut bad = Invalid::default();
        let kind = bad.check(validate::choice(
            "org_contact.kind",
            &input.kind,
            ContactKind::parse,
        ));
        let name = bad.check(validate::line("org_contact.name", &input.name, 120));
        let title = bad.check(validate::optional_line(
            "org_contact.title",
            &input.title,
            120,
        ));
        let phone = bad.check(validate::optional_phone("org_contact.phone", &input.phone));
        let email = bad.check(validate::optional_email("org_contact.email", &input.email));
        let since = bad.check(if input.since.trim().is_empty() {
            Ok(ungcuu_domain::time::now()
                .with_timezone(&ungcuu_domain::time::vietnam())
                .date_naive())
        } else {
            validate::date("org_contact.since", &input.since)
        });
        let (Some(kind), Some(name), Some(title), Some(phone), Some(email), Some(since)) =
            (kind, name, title, phone, email, since)
        else {
            return Err(bad.into());
        };
        let mut tx = self.db.begin().await?;
        let before = contacts::current(&mut tx, org, kind).await?;
        if before.as_ref().is_some_and(|b| since < b.since) {
            return Err(Invalid::one("org_contact.since", Reason::EndBeforeStart).into());
        }
        let c = contacts::replace(
            &mut tx,
            org,
            &NewContact {
                kind,
                name: &name,
                title: title.as_deref(),
                phone: phone.as_deref(),
                email: email.as_deref(),
                since,
            },
        )
        .await?;
        audit::append(
            &mut tx,
            actor.audit(
                "org.contact",
                "org",
                org,
                before.as_ref().and_then(json),
                json(&c),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(c)
    }
}
