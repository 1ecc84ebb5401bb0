//! Pure rules of ungcuu. No I/O, no async: everything here is a function of its inputs,
//! so the app layer, the web layer and the CLI all share one definition of each rule.

pub mod audit;
pub mod authz;
pub mod code;
pub mod i18n;
pub mod ids;
pub mod org;
pub mod paging;
pub mod role;
pub mod roster;
pub mod time;
pub mod validate;

pub use authz::{Action, Reach};
pub use i18n::Lang;
pub use ids::{OrgId, TokenId, UserId};
pub use org::OrgKind;
pub use role::Role;
pub use validate::{FieldError, Invalid};
pub mod delegation;
pub mod documents;
pub mod intake;
pub mod signin;
pub mod system;
pub mod text;
