//! Per-client rate limits (token buckets keyed by client), for sign-in and the API.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Sign-in attempts per client per minute (burst of the same size).
    pub signin_per_minute: u32,
    /// API requests per client per minute.
    pub api_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            signin_per_minute: 20,
            api_per_minute: 600,
        }
    }
}

pub struct Bucket {
    tokens: f64,
    at: Instant,
}

pub struct Limiter {
    per_minute: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl Limiter {
    pub fn new(per_minute: u32) -> Limiter {
        Limiter {
            per_minute: per_minute.max(1) as f64,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key`; on refusal, the seconds until one is free.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        let rate = self.per_minute / 60.0;
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 50_000 {
            // Forget clients whose bucket has refilled: they are back to a fresh start anyway.
            map.retain(|_, b| {
                b.tokens + now.duration_since(b.at).as_secs_f64() * rate < self.per_minute
            });
        }
        let b = map.entry(key.to_string()).or_insert(Bucket {
            tokens: self.per_minute,
            at: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * rate).min(self.per_minute);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - b.tokens) / rate).ceil() as u64)
        }
    }
}

pub struct Limiters {
    pub signin: Limiter,
    pub api: Limiter,
}

impl Limiters {
    pub fn new(l: Limits) -> Limiters {
        Limiters {
            signin: Limiter::new(l.signin_per_minute),
            api: Limiter::new(l.api_per_minute),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_client_gets_its_burst_then_waits_while_others_are_unaffected() {
        let l = Limiter::new(3);
        let t = Instant::now();
        for _ in 0..3 {
            assert!(l.check_at("a", t).is_ok());
        }
        assert_eq!(l.check_at("a", t), Err(20));
        assert!(l.check_at("b", t).is_ok());
        assert!(l.check_at("a", t + Duration::from_secs(20)).is_ok());
        assert!(l.check_at("a", t + Duration::from_secs(21)).is_err());
    }
}
