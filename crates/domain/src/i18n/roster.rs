//! Strings of the response team roster and delegation (ủy quyền).

pub static ENTRIES: &[(&str, &str, &str)] = &[];
