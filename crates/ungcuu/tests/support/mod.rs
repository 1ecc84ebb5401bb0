//! The harness the end-to-end tests share (`mod support;`): the real binary and its server
//! ([`server`]), fresh databases and plain SQL ([`db`]), the seeded province ([`seed`]), mail
//! built and sent over SMTP ([`mail`]), and the intake body of API.md ([`sample_report`]).

// Each test binary compiles this module for itself and uses only its own part of it.
#![allow(dead_code)]

pub mod db;
pub mod mail;
pub mod seed;
pub mod server;

/// The intake body of API.md, filled in.
pub fn sample_report() -> serde_json::Value {
    serde_json::from_str(include_str!("sample_report.json")).expect("sample_report.json is JSON")
}
