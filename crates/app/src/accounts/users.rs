//! Users: list, create, edit, disable. Accounts are disabled, never deleted.

use crate::App;
use crate::access::{Actor, json};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ungcuu_domain::validate::{self, Reason};
use ungcuu_domain::{Action, Invalid, OrgId, Role, UserId};
use ungcuu_store::accounts::users::{self, User, UserFilter};
use ungcuu_store::{accounts::sessions, audit, registry::orgs};

/// A user as the API shows it: the store's row without the password hash, the second
/// factor's secrets and the sign-in counters, so that no change to the row can leak them.
/// Named `User` in the OpenAPI document, as before.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = User)]
pub struct UserView {
    pub id: UserId,
    pub org_id: OrgId,
    pub org_name: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub totp_enabled: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            org_id: u.org_id,
            org_name: u.org_name.clone(),
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.role,
            totp_enabled: u.totp_enabled,
            locked_until: u.locked_until,
            disabled_at: u.disabled_at,
            created_at: u.created_at,
        }
    }
}

/// A user as typed into a form, the API or the CLI.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct UserInput {
    pub name: String,
    pub email: String,
    pub org_id: String,
    pub role: String,
    /// Required when creating; when editing, empty keeps the current password.
    pub password: String,
}

struct Parsed {
    name: String,
    email: String,
    org_id: OrgId,
    role: Role,
    password: Option<String>,
}

impl UserInput {
    fn parse(&self, creating: bool) -> Result<Parsed, Invalid> {
        let mut bad = Invalid::default();
        let name = bad.check(validate::line("user.name", &self.name, 120));
        let email = bad.check(validate::email("user.email", &self.email));
        let org = bad.check(
            validate::optional_id("user.org", &self.org_id).and_then(|o| {
                o.ok_or_else(|| ungcuu_domain::FieldError::new("user.org", Reason::Required))
            }),
        );
        let role = bad.check(validate::choice("user.role", &self.role, |s| {
            s.parse::<Role>().ok()
        }));
        let password = if creating || !self.password.is_empty() {
            bad.check(validate::new_password("user.password", &self.password))
                .map(Some)
        } else {
            Some(None)
        };
        match (name, email, org, role, password) {
            (Some(name), Some(email), Some(org), Some(role), Some(password))
                if bad.0.is_empty() =>
            {
                Ok(Parsed {
                    name,
                    email,
                    org_id: OrgId(org),
                    role,
                    password,
                })
            }
            _ => Err(bad),
        }
    }

    pub fn from_user(u: &User) -> UserInput {
        UserInput {
            name: u.name.clone(),
            email: u.email.clone(),
            org_id: u.org_id.to_string(),
            role: u.role.code().into(),
            password: String::new(),
        }
    }
}

fn email_taken(e: ungcuu_store::StoreError) -> AppError {
    match e {
        ungcuu_store::StoreError::Unique(_) => Invalid::one("user.email", Reason::Taken).into(),
        e => e.into(),
    }
}

/// The user form's choices and buttons, decided for its reader.
#[derive(Debug, Clone)]
pub struct UserForm {
    pub user: Option<User>,
    pub orgs: Vec<ungcuu_store::registry::orgs::Org>,
    pub may_disable: bool,
}

impl App {
    pub async fn list_users(&self, actor: &Actor) -> AppResult<Vec<User>> {
        let within = actor.scope(Action::ViewUser)?;
        Ok(users::list(
            &self.db,
            &UserFilter {
                within,
                limit: 0,
                offset: 0,
            },
        )
        .await?)
    }

    pub async fn get_user(&self, actor: &Actor, id: UserId) -> AppResult<User> {
        let u = users::get(&self.db, id).await?;
        actor
            .authorize(Action::ViewUser, Some(&u.org_path))
            .map_err(|_| AppError::NotFound)?;
        Ok(u)
    }

    /// What the user form offers the actor: the user being edited (None for a new one), the
    /// organisations a user may be placed in, and whether the disable button is shown (never
    /// for oneself). Refused when the actor may not create, or edit this user.
    pub async fn user_form(&self, actor: &Actor, id: Option<UserId>) -> AppResult<UserForm> {
        let (user, action) = match id {
            None => {
                actor.scope(Action::CreateUser)?;
                (None, Action::CreateUser)
            }
            Some(id) => {
                let u = self.get_user(actor, id).await?;
                actor.authorize(Action::EditUser, Some(&u.org_path))?;
                (Some(u), Action::EditUser)
            }
        };
        let orgs = self.org_choices(actor, action).await?;
        let may_disable = user.as_ref().is_some_and(|u| {
            actor.can(Action::DisableUser, Some(&u.org_path)) && Some(u.id) != actor.user_id
        });
        Ok(UserForm {
            user,
            orgs,
            may_disable,
        })
    }

    /// The organisation must exist, be active, and lie where the actor may act.
    async fn check_user_org(&self, actor: &Actor, action: Action, org: OrgId) -> AppResult<()> {
        let org = match orgs::get(&self.db, org).await {
            Ok(o) => o,
            Err(ungcuu_store::StoreError::NotFound) => {
                return Err(Invalid::one("user.org", Reason::Unknown).into());
            }
            Err(e) => return Err(e.into()),
        };
        if org.archived_at.is_some() {
            return Err(Invalid::one("user.org", Reason::Archived).into());
        }
        actor
            .authorize(action, Some(&org.path))
            .map_err(|_| Invalid::one("user.org", Reason::NotAllowed).into())
    }

    pub async fn create_user(&self, actor: &Actor, input: &UserInput) -> AppResult<User> {
        actor.scope(Action::CreateUser)?;
        let p = input.parse(true)?;
        self.check_user_org(actor, Action::CreateUser, p.org_id)
            .await?;
        let hash = crate::accounts::signin::hash_password(p.password.unwrap_or_default()).await?;
        let mut tx = self.db.begin().await?;
        let user = users::insert(
            &mut tx,
            &users::NewUser {
                org_id: p.org_id,
                email: &p.email,
                name: &p.name,
                role: p.role,
                password_hash: &hash,
            },
        )
        .await
        .map_err(email_taken)?;
        audit::append(
            &mut tx,
            actor.audit(
                "user.create",
                "user",
                user.id,
                None,
                json(&UserView::from(&user)),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn update_user(
        &self,
        actor: &Actor,
        id: UserId,
        input: &UserInput,
    ) -> AppResult<User> {
        let before = self.get_user(actor, id).await?;
        actor.authorize(Action::EditUser, Some(&before.org_path))?;
        let p = input.parse(false)?;
        self.check_user_org(actor, Action::EditUser, p.org_id)
            .await?;
        // An administrator cannot demote themselves and leave nobody to administer.
        if Some(id) == actor.user_id && p.role != before.role {
            return Err(Invalid::one("user.role", Reason::NotAllowed).into());
        }
        let hash = match p.password {
            Some(pw) => Some(crate::accounts::signin::hash_password(pw).await?),
            None => None,
        };
        let mut tx = self.db.begin().await?;
        let mut after = users::update(
            &mut tx,
            id,
            &users::UserUpdate {
                org_id: p.org_id,
                email: &p.email,
                name: &p.name,
                role: p.role,
            },
        )
        .await
        .map_err(email_taken)?;
        if let Some(h) = &hash {
            users::set_password_hash(&mut tx, id, h).await?;
            // A reset password ends the sessions opened with the old one.
            sessions::delete_for_user(&mut tx, id).await?;
            after = users::get_in(&mut tx, id).await?;
        }
        let mut after_json = json(&UserView::from(&after));
        if let (Some(serde_json::Value::Object(m)), true) = (after_json.as_mut(), hash.is_some()) {
            m.insert("password_reset".into(), true.into());
        }
        audit::append(
            &mut tx,
            actor.audit(
                "user.update",
                "user",
                id,
                json(&UserView::from(&before)),
                after_json,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        id: UserId,
        disabled: bool,
    ) -> AppResult<User> {
        let before = self.get_user(actor, id).await?;
        actor.authorize(Action::DisableUser, Some(&before.org_path))?;
        if Some(id) == actor.user_id && disabled {
            return Err(Invalid::one("user.email", Reason::NotAllowed).into());
        }
        let mut tx = self.db.begin().await?;
        users::set_disabled(&mut tx, id, disabled).await?;
        if disabled {
            sessions::delete_for_user(&mut tx, id).await?;
        }
        let after = users::get_in(&mut tx, id).await?;
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        audit::append(
            &mut tx,
            actor.audit(
                action,
                "user",
                id,
                json(&UserView::from(&before)),
                json(&UserView::from(&after)),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn count_users(&self) -> AppResult<i64> {
        Ok(users::count(&self.db).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_view_of_a_user_carries_no_credentials_or_second_factor_secret() {
        let at = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap();
        let u = User {
            id: UserId(7),
            org_id: OrgId(1),
            org_name: "Công an tỉnh Bắc Ninh".into(),
            org_path: ungcuu_domain::org::OrgPath::root(OrgId(1)),
            email: "an@bn.gov.vn".into(),
            name: "Nguyễn Văn An".into(),
            role: Role::Admin,
            password_hash: "$argon2id$v=19$bí-mật".into(),
            totp_secret: Some("JBSWY3DPEHPK3PXP".into()),
            totp_pending_secret: Some("KRSXG5CTMVRXEZLU".into()),
            totp_last_step: Some(59_333_333),
            totp_enabled: true,
            failed_logins: 3,
            locked_until: None,
            disabled_at: None,
            org_archived: false,
            created_at: at,
        };
        let v = serde_json::to_value(UserView::from(&u)).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        // The fields the API always showed, and no others.
        assert_eq!(
            keys,
            [
                "created_at",
                "disabled_at",
                "email",
                "id",
                "locked_until",
                "name",
                "org_id",
                "org_name",
                "role",
                "totp_enabled"
            ]
        );
        let text = v.to_string();
        for secret in ["argon2", "JBSWY3DP", "KRSXG5CT", "59333333"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}
