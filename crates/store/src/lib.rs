//! Persistence for ungcuu. One SQL text serves both backends where the dialects agree
//! (`$n` placeholders, `RETURNING`, partial indexes all work in SQLite and PostgreSQL);
//! where they differ the code branches on [`Backend`]. Each backend has its own migrations.
//!
//! Writes go through a [`Tx`], which refuses to commit a change that wrote no audit row.

pub mod attachments;
pub mod audit;
pub mod backup;
pub mod contacts;
mod db;
pub mod documents;
pub mod error;
pub mod group;
pub mod inbox;
pub mod incidents;
pub mod notifications;
pub mod orgs;
pub mod outbox;
pub mod reports;
pub mod roster;
pub mod sessions;
mod sql;
pub mod systems;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod tokens;
pub mod users;

pub use db::{Backend, Db, Tx};
pub use error::{StoreError, StoreResult};
