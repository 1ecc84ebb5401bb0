//! The registry: organisations with their contacts, information systems, the response team roster, and bulk import/export.

pub mod contacts;
pub mod import;
pub mod orgs;
pub mod roster;
pub mod systems;
