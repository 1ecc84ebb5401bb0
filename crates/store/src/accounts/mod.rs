//! Accounts: users, sign-in and sessions, second factor, API tokens.

pub mod sessions;
pub mod tokens;
pub mod users;
