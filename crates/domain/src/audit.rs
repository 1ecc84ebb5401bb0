//! The audit trail's hash chain. Each row carries the SHA-256 of the row before it and its
//! own hash over its content; altering or deleting any row breaks the chain from there on.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// The hash the first row points back to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit row as stored. `before` and `after` are JSON text, kept byte for byte as hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    /// Who acted, readable: an email, `cli`, `system`, `token:<id>`.
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    /// The hash of this row's content chained to `prev_hash`. Each field is length-prefixed,
    /// so no two different rows serialise to the same bytes.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        let mut field = |b: &[u8]| {
            h.update((b.len() as u64).to_be_bytes());
            h.update(b);
        };
        field(self.prev_hash.as_bytes());
        field(&self.seq.to_be_bytes());
        field(&self.at.timestamp_micros().to_be_bytes());
        match self.actor_user_id {
            Some(id) => field(&id.to_be_bytes()),
            None => field(b"-"),
        }
        field(self.actor.as_bytes());
        field(self.action.as_bytes());
        field(self.object_type.as_bytes());
        field(self.object_id.as_bytes());
        for part in [&self.before, &self.after] {
            match part {
                Some(s) => {
                    field(b"+");
                    field(s.as_bytes());
                }
                None => field(b"-"),
            }
        }
        hex::encode(h.finalize())
    }
}

/// Where a chain walk found the first fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The row's content does not match its stored hash: it was altered.
    Altered { seq: i64 },
    /// The row does not point at the hash of the row before it, or a sequence number is
    /// missing: a row was deleted or inserted before it.
    Broken { seq: i64, expected_seq: i64 },
    /// The last row is not the one the chain head records: rows were removed from the end.
    Truncated { last_seq: i64, head_seq: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::Altered { seq } => write!(f, "audit row {seq} was altered (hash mismatch)"),
            ChainBreak::Broken { seq, expected_seq } => write!(
                f,
                "audit chain broken at row {seq} (expected row {expected_seq} to follow): a row was deleted or inserted"
            ),
            ChainBreak::Truncated { last_seq, head_seq } => write!(
                f,
                "audit chain ends at row {last_seq} but its head records row {head_seq}: rows were deleted from the end"
            ),
        }
    }
}

/// Checks rows in sequence order, carrying the state between batches so the whole log never
/// has to be in memory at once.
#[derive(Debug, Clone)]
pub struct ChainWalker {
    prev_hash: String,
    next_seq: i64,
    pub checked: u64,
}

impl Default for ChainWalker {
    fn default() -> Self {
        ChainWalker {
            prev_hash: GENESIS.to_string(),
            next_seq: 1,
            checked: 0,
        }
    }
}

impl ChainWalker {
    pub fn step(&mut self, row: &AuditRow) -> Result<(), ChainBreak> {
        if row.seq != self.next_seq || row.prev_hash != self.prev_hash {
            return Err(ChainBreak::Broken {
                seq: row.seq,
                expected_seq: self.next_seq,
            });
        }
        if row.compute_hash() != row.hash {
            return Err(ChainBreak::Altered { seq: row.seq });
        }
        self.prev_hash = row.hash.clone();
        self.next_seq += 1;
        self.checked += 1;
        Ok(())
    }

    /// Compares the end of the walk with the recorded head (last seq and hash).
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<(), ChainBreak> {
        let last = self.next_seq - 1;
        if last != head_seq || (head_seq > 0 && head_hash != self.prev_hash) {
            return Err(ChainBreak::Truncated {
                last_seq: last,
                head_seq,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn chain(n: i64) -> Vec<AuditRow> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut r = AuditRow {
                    seq,
                    at: Utc.timestamp_opt(1_700_000_000 + seq, 0).unwrap(),
                    actor_user_id: Some(1),
                    actor: "an@bacninh.gov.vn".into(),
                    action: "org.create".into(),
                    object_type: "org".into(),
                    object_id: seq.to_string(),
                    before: None,
                    after: Some(format!("{{\"name\":\"Sở {seq}\"}}")),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                r.hash = r.compute_hash();
                prev = r.hash.clone();
                r
            })
            .collect()
    }

    fn walk(rows: &[AuditRow], head: (i64, &str)) -> Result<(), ChainBreak> {
        let mut w = ChainWalker::default();
        for r in rows {
            w.step(r)?;
        }
        w.finish(head.0, head.1)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let rows = chain(5);
        assert_eq!(walk(&rows, (5, &rows[4].hash)), Ok(()));
        assert_eq!(walk(&[], (0, GENESIS)), Ok(()));
    }

    #[test]
    fn an_altered_row_is_named() {
        let mut rows = chain(5);
        rows[2].after = Some("{\"name\":\"khác\"}".into());
        let head = rows[4].hash.clone();
        assert_eq!(walk(&rows, (5, &head)), Err(ChainBreak::Altered { seq: 3 }));
    }

    #[test]
    fn a_deleted_row_breaks_the_chain_at_the_next_row() {
        let mut rows = chain(5);
        rows.remove(1);
        let head = rows[3].hash.clone();
        assert_eq!(
            walk(&rows, (5, &head)),
            Err(ChainBreak::Broken {
                seq: 3,
                expected_seq: 2
            })
        );
    }

    #[test]
    fn rows_deleted_from_the_end_are_caught_by_the_head() {
        let rows = chain(5);
        let head = rows[4].hash.clone();
        assert_eq!(
            walk(&rows[..3], (5, &head)),
            Err(ChainBreak::Truncated {
                last_seq: 3,
                head_seq: 5
            })
        );
    }

    #[test]
    fn a_rehashed_altered_row_still_breaks_the_next_link() {
        let mut rows = chain(4);
        rows[1].actor = "mallory".into();
        rows[1].hash = rows[1].compute_hash();
        let head = rows[3].hash.clone();
        assert_eq!(
            walk(&rows, (4, &head)),
            Err(ChainBreak::Broken {
                seq: 3,
                expected_seq: 3
            })
        );
    }
}
