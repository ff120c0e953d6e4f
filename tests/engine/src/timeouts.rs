//! `customTimeouts` as SDKs send them (Go duration strings such as `5m`, `1h30m`, `90s`, `1.5h`),
//! turned into the seconds that Create/Update/Delete take in their `timeout` field.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomTimeouts {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub create: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub update: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub delete: String,
}

impl CustomTimeouts {
    pub fn is_empty(&self) -> bool {
        self.create.is_empty() && self.update.is_empty() && self.delete.is_empty()
    }
}

/// Seconds in a duration string; an empty string is 0 (no timeout).
pub fn seconds(duration: &str) -> Result<f64, String> {
    let s = duration.trim();
    if s.is_empty() || s == "0" {
        return Ok(0.0);
    }
    let bad = || format!("invalid duration '{duration}' (examples: 30s, 5m, 1h30m)");
    let mut total = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        if number_len == 0 {
            return Err(bad());
        }
        let value: f64 = rest[..number_len].parse().map_err(|_| bad())?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            _ => return Err(bad()),
        };
        total += value * factor;
        rest = &rest[unit_len..];
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_become_seconds() {
        assert_eq!(seconds("").unwrap(), 0.0);
        assert_eq!(seconds("5m").unwrap(), 300.0);
        assert_eq!(seconds("1h30m").unwrap(), 5400.0);
        assert_eq!(seconds("1.5h").unwrap(), 5400.0);
        assert_eq!(seconds("250ms").unwrap(), 0.25);
        assert!(seconds("5 minutes").is_err());
        assert!(seconds("m").is_err());
        assert!(seconds("10").is_err());
    }
}
