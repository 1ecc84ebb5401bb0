//! Strings of the registry: organisations' contacts and information systems.

pub static ENTRIES: &[(&str, &str, &str)] = &[];
