//! Persistence for ungcuu. One SQL text serves both backends where the dialects agree
//! (`$n` placeholders, `RETURNING`, partial indexes all work in SQLite and PostgreSQL);
//! where they differ the code branches on [`Backend`]. Each backend has its own migrations.
//!
//! Writes go through a [`Tx`], which refuses to commit a change that wrote no audit row.

pub mod accounts;
pub mod audit;
pub mod backup;
pub mod coordination;
mod db;
pub mod documents;
pub mod error;
pub mod group;
pub mod intake;
pub mod notifications;
pub mod outbox;
pub mod prevention;
pub mod registry;
pub mod reporting;
pub mod response;
mod sql;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use db::{Backend, Db, Tx};
pub use error::{StoreError, StoreResult};
