//! Organisations: list, read, create, edit, archive. Nothing is deleted.

use crate::App;
use crate::access::{Actor, json};
use crate::error::{AppError, AppResult};
use serde::Deserialize;
use ungcuu_domain::org::tree_order;
use ungcuu_domain::validate::{self, Reason};
use ungcuu_domain::{Action, Invalid, OrgId, OrgKind};
use ungcuu_store::registry::orgs::{self, Org, OrgFields, OrgFilter};
use ungcuu_store::{Tx, audit};

/// An organisation as typed into a form, the API or the CLI: raw text, checked here.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OrgInput {
    pub name: String,
    pub kind: String,
    /// The parent organisation's id, or empty for a top-level organisation.
    pub parent_id: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub website: String,
}

pub const NAME_MAX: usize = 200;

impl OrgInput {
    pub fn parse(&self) -> Result<OrgFields, Invalid> {
        let mut bad = Invalid::default();
        let name = bad.check(validate::line("org.name", &self.name, NAME_MAX));
        let kind = bad.check(validate::choice("org.kind", &self.kind, |s| {
            s.parse::<OrgKind>().ok()
        }));
        let parent = bad.check(validate::optional_id("org.parent", &self.parent_id));
        let address = bad.check(validate::optional_line("org.address", &self.address, 300));
        let phone = bad.check(validate::optional_phone("org.phone", &self.phone));
        let email = bad.check(validate::optional_email("org.email", &self.email));
        let website = bad.check(validate::optional_url("org.website", &self.website));
        bad.clone().into_result()?;
        match (name, kind, parent, address, phone, email, website) {
            (
                Some(name),
                Some(kind),
                Some(parent),
                Some(address),
                Some(phone),
                Some(email),
                Some(website),
            ) => Ok(OrgFields {
                name,
                kind,
                parent_id: parent.map(OrgId),
                address,
                phone,
                email,
                website,
            }),
            _ => Err(bad),
        }
    }

    pub fn from_org(o: &Org) -> OrgInput {
        OrgInput {
            name: o.name.clone(),
            kind: o.kind.code().into(),
            parent_id: o.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            address: o.address.clone().unwrap_or_default(),
            phone: o.phone.clone().unwrap_or_default(),
            email: o.email.clone().unwrap_or_default(),
            website: o.website.clone().unwrap_or_default(),
        }
    }
}

fn name_taken(e: ungcuu_store::StoreError) -> AppError {
    match e {
        ungcuu_store::StoreError::Unique(_) => Invalid::one("org.name", Reason::Taken).into(),
        e => e.into(),
    }
}

/// The organisation form's choices and buttons, decided for its reader.
#[derive(Debug, Clone)]
pub struct OrgForm {
    pub org: Option<Org>,
    pub parents: Vec<Org>,
    pub may_archive: bool,
}

/// The buttons of an organisation's page.
#[derive(Debug, Clone, Copy)]
pub struct OrgActions {
    pub may_edit: bool,
    /// Register a system under it (not under an archived organisation).
    pub may_add_system: bool,
}

impl App {
    /// Organisations the actor may see, as a tree (parents first, siblings by name).
    pub async fn list_orgs(
        &self,
        actor: &Actor,
        query: Option<String>,
        include_archived: bool,
    ) -> AppResult<Vec<Org>> {
        let within = actor.scope(Action::ViewOrg)?;
        let list = orgs::list(
            &self.db,
            &OrgFilter {
                within,
                query,
                include_archived,
                limit: 0,
                offset: 0,
            },
        )
        .await?;
        Ok(tree_order(list, |o| o.id, |o| o.parent_id, |o| &o.name))
    }

    /// Organisations the actor may place a new organisation under (or a user in).
    pub async fn org_choices(&self, actor: &Actor, action: Action) -> AppResult<Vec<Org>> {
        let within = actor.scope(action)?;
        let list = orgs::list(
            &self.db,
            &OrgFilter {
                within,
                ..Default::default()
            },
        )
        .await?;
        Ok(tree_order(list, |o| o.id, |o| o.parent_id, |o| &o.name))
    }

    pub async fn get_org(&self, actor: &Actor, id: OrgId) -> AppResult<Org> {
        let org = orgs::get(&self.db, id).await?;
        // Someone who may not see it is told it does not exist.
        actor
            .authorize(Action::ViewOrg, Some(&org.path))
            .map_err(|_| AppError::NotFound)?;
        Ok(org)
    }

    /// What the organisation form offers the actor: the organisation being edited (None for a
    /// new one), the parents it may be placed under (never itself or below itself), and
    /// whether it may be archived. A new one needs the right to create somewhere.
    pub async fn org_form(&self, actor: &Actor, id: Option<OrgId>) -> AppResult<OrgForm> {
        let org = match id {
            None => {
                actor.scope(Action::CreateOrg)?;
                None
            }
            Some(id) => Some(self.get_org(actor, id).await?),
        };
        let parents = self
            .org_choices(actor, Action::CreateOrg)
            .await?
            .into_iter()
            .filter(|p| org.as_ref().is_none_or(|o| !p.path.is_within(&o.path)))
            .collect();
        let may_archive = org
            .as_ref()
            .is_some_and(|o| actor.can(Action::ArchiveOrg, Some(&o.path)));
        Ok(OrgForm {
            org,
            parents,
            may_archive,
        })
    }

    /// What an organisation's page lets its reader do.
    pub fn org_actions(&self, actor: &Actor, org: &Org) -> OrgActions {
        OrgActions {
            may_edit: actor.can(Action::EditOrg, Some(&org.path)),
            may_add_system: actor.can(Action::EditSystem, Some(&org.path))
                && org.archived_at.is_none(),
        }
    }

    /// Checks the parent: it exists, is active, and the actor may create under it.
    async fn check_parent(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        fields: &OrgFields,
    ) -> AppResult<Option<Org>> {
        match fields.parent_id {
            None => {
                actor
                    .authorize(Action::CreateOrg, None)
                    .map_err(|_| Invalid::one("org.parent", Reason::NotAllowed))?;
                Ok(None)
            }
            Some(pid) => {
                let parent = match orgs::get_in(tx, pid).await {
                    Ok(p) => p,
                    Err(ungcuu_store::StoreError::NotFound) => {
                        return Err(Invalid::one("org.parent", Reason::Unknown).into());
                    }
                    Err(e) => return Err(e.into()),
                };
                if parent.archived_at.is_some() {
                    return Err(Invalid::one("org.parent", Reason::Archived).into());
                }
                actor
                    .authorize(Action::CreateOrg, Some(&parent.path))
                    .map_err(|_| Invalid::one("org.parent", Reason::NotAllowed))?;
                Ok(Some(parent))
            }
        }
    }

    pub async fn create_org(&self, actor: &Actor, input: &OrgInput) -> AppResult<Org> {
        // Someone with no right to create anywhere is refused before their input is judged.
        actor.scope(Action::CreateOrg)?;
        let fields = input.parse()?;
        let mut tx = self.db.begin().await?;
        self.check_parent(&mut tx, actor, &fields).await?;
        let org = orgs::insert(&mut tx, &fields).await.map_err(name_taken)?;
        audit::append(
            &mut tx,
            actor.audit("org.create", "org", org.id, None, json(&org)),
        )
        .await?;
        tx.commit().await?;
        Ok(org)
    }

    pub async fn update_org(&self, actor: &Actor, id: OrgId, input: &OrgInput) -> AppResult<Org> {
        let before = self.get_org(actor, id).await?;
        actor.authorize(Action::EditOrg, Some(&before.path))?;
        let fields = input.parse()?;
        let mut tx = self.db.begin().await?;
        // A new parent must be allowed, and must not lie inside the organisation itself.
        if fields.parent_id != before.parent_id
            && let Some(parent) = self.check_parent(&mut tx, actor, &fields).await?
            && parent.path.is_within(&before.path)
        {
            return Err(Invalid::one("org.parent", Reason::Cycle).into());
        }
        let after = orgs::update(&mut tx, id, &fields)
            .await
            .map_err(name_taken)?;
        audit::append(
            &mut tx,
            actor.audit("org.update", "org", id, json(&before), json(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Archives (or brings back) an organisation: it stays, with its history, but is no
    /// longer offered for new work.
    pub async fn set_org_archived(
        &self,
        actor: &Actor,
        id: OrgId,
        archived: bool,
    ) -> AppResult<Org> {
        let before = self.get_org(actor, id).await?;
        actor.authorize(Action::ArchiveOrg, Some(&before.path))?;
        let mut tx = self.db.begin().await?;
        let after = orgs::set_archived(&mut tx, id, archived).await?;
        let action = if archived {
            "org.archive"
        } else {
            "org.unarchive"
        };
        audit::append(
            &mut tx,
            actor.audit(action, "org", id, json(&before), json(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Resolves an organisation given as an id or its exact name (the CLI's ORG).
    pub async fn resolve_org(&self, id_or_name: &str) -> AppResult<Org> {
        if let Ok(id) = id_or_name.trim().parse::<i64>() {
            return Ok(orgs::get(&self.db, OrgId(id)).await?);
        }
        orgs::find_by_name(&self.db, id_or_name.trim())
            .await?
            .ok_or(AppError::NotFound)
    }
}
