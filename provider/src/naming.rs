//! Deterministic names and idempotency tokens. A retry after a timeout or a killed process must find the
//! thing it already made instead of making a second one, so every name comes from inputs that do not
//! change between attempts: the resource name and its URN ([`naming_seed`]), never Check's random
//! seed alone.

use sha2::{Digest, Sha256};

/// Hex digest of the parts, joined unambiguously.
pub fn digest(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// What derived names hash: the resource's URN. Check's `randomSeed` cannot be used: the engine
/// draws a new one for every Check (Pulumi's step generator reads fresh random bytes unless an
/// update plan is in use), so a create that died half way (a killed plugin, a lost connection)
/// would be retried under another name and the first attempt's objects left behind. The URN is the
/// same for every attempt, and differs between stacks, projects and resources. The random seed
/// only serves when there is no URN.
pub fn naming_seed<'a>(urn: &'a str, random_seed: &'a [u8]) -> &'a [u8] {
    if urn.is_empty() {
        random_seed
    } else {
        urn.as_bytes()
    }
}

/// `<name>-<suffix>` in the RDS identifier alphabet, at most `max_len` characters. The suffix comes
/// from the random seed, so a preview and the update that follows agree on the name.
pub fn derived_identifier(name: &str, random_seed: &[u8], max_len: usize) -> String {
    let suffix: String = hex::encode(Sha256::digest(random_seed))[..7].to_string();
    let mut base: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while base.contains("--") {
        base = base.replace("--", "-");
    }
    let mut base = base.trim_matches('-').to_string();
    if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
        base.insert_str(0, "dr-");
    }
    base.truncate(max_len - suffix.len() - 1);
    let base = base.trim_end_matches('-');
    format!("{base}-{suffix}")
}

/// RDS identifier rules: 1-63 letters, digits and hyphens, starting with a letter, no two hyphens in
/// a row, not ending with a hyphen. `max_len` leaves room for suffixes the provider adds.
pub fn rds_identifier_problem(id: &str, max_len: usize) -> Option<String> {
    if id.is_empty() || id.len() > max_len {
        return Some(format!("must be 1-{max_len} characters, got {}", id.len()));
    }
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Some("must start with a letter".into());
    }
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Some(format!(
            "may contain only letters, digits and hyphens, found '{bad}'"
        ));
    }
    if id.contains("--") {
        return Some("must not contain two consecutive hyphens".into());
    }
    if id.ends_with('-') {
        return Some("must not end with a hyphen".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_identifiers_are_stable_and_valid() {
        let a = derived_identifier("Payments_DB", b"seed", 40);
        assert_eq!(a, derived_identifier("Payments_DB", b"seed", 40));
        assert_ne!(a, derived_identifier("Payments_DB", b"other", 40));
        assert!(a.starts_with("payments-db-"), "{a}");
        assert_eq!(rds_identifier_problem(&a, 40), None);
        let odd = derived_identifier("9--x--", b"s", 40);
        assert_eq!(rds_identifier_problem(&odd, 40), None, "{odd}");
        let long = derived_identifier(&"a".repeat(100), b"s", 40);
        assert!(long.len() <= 40);
    }

    #[test]
    fn identifier_rules() {
        assert!(rds_identifier_problem("1abc", 63)
            .unwrap()
            .contains("letter"));
        assert!(rds_identifier_problem("a--b", 63)
            .unwrap()
            .contains("consecutive"));
        assert!(rds_identifier_problem("ab-", 63).unwrap().contains("end"));
        assert!(rds_identifier_problem("a_b", 63).unwrap().contains("'_'"));
        assert!(rds_identifier_problem(&"a".repeat(64), 63).is_some());
        assert_eq!(rds_identifier_problem("orders-db", 63), None);
    }

    #[test]
    fn names_follow_the_urn_not_the_random_seed() {
        let urn = "urn:pulumi:dev::shop::multiregion-dr:index:GlobalTable::orders";
        let first = derived_identifier("orders", naming_seed(urn, b"random-1"), 40);
        let retry = derived_identifier("orders", naming_seed(urn, b"random-2"), 40);
        assert_eq!(first, retry, "a retried create derives the same name");
        let other_stack = "urn:pulumi:prod::shop::multiregion-dr:index:GlobalTable::orders";
        assert_ne!(
            first,
            derived_identifier("orders", naming_seed(other_stack, b"random-1"), 40)
        );
        assert_eq!(naming_seed("", b"r"), b"r");
    }

    #[test]
    fn digests_do_not_collide_on_joins() {
        assert_ne!(digest(&["ab", "c"]), digest(&["a", "bc"]));
    }
}
