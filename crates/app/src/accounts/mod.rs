//! Accounts: users, sign-in and sessions, second factor, API tokens.

pub mod account;
pub(crate) mod secrets;
pub mod signin;
pub mod tokens;
pub mod users;
