//! URNs and provider references, built and parsed as the Pulumi engine does.
//!
//! `urn:pulumi:<stack>::<project>::<qualified type>::<name>`, where the qualified type is the
//! parent's qualified type, `$`, and the type, unless the parent is the root stack or there is none.
//! A provider reference is `<provider urn>::<provider id>`, split at the last `::`.

pub const STACK_TYPE: &str = "pulumi:pulumi:Stack";
pub const PROVIDER_TYPE_PREFIX: &str = "pulumi:providers:";

pub fn build(stack: &str, project: &str, parent: Option<&str>, ty: &str, name: &str) -> String {
    let qualified = match parent {
        Some(p) if !p.is_empty() => {
            let parent_type = qualified_type(p);
            if parent_type.is_empty() || parent_type == STACK_TYPE {
                ty.to_string()
            } else {
                format!("{parent_type}${ty}")
            }
        }
        _ => ty.to_string(),
    };
    format!("urn:pulumi:{stack}::{project}::{qualified}::{name}")
}

/// The `parent$type` part of a URN.
pub fn qualified_type(urn: &str) -> &str {
    urn.split("::").nth(2).unwrap_or_default()
}

/// The resource's own type (the last `$` segment of the qualified type).
pub fn type_of(urn: &str) -> &str {
    qualified_type(urn).rsplit('$').next().unwrap_or_default()
}

/// The name: everything after the qualified type (a name may itself contain `::`).
pub fn name_of(urn: &str) -> &str {
    let mut rest = urn;
    for _ in 0..3 {
        match rest.find("::") {
            Some(i) => rest = &rest[i + 2..],
            None => return "",
        }
    }
    rest
}

/// The package of a type or function token: `multiregion-dr:index:DnsFailover` → `multiregion-dr`;
/// `pulumi:providers:aws` → `aws`.
pub fn package_of(token: &str) -> &str {
    if let Some(pkg) = token.strip_prefix(PROVIDER_TYPE_PREFIX) {
        return pkg;
    }
    token.split(':').next().unwrap_or_default()
}

pub fn is_provider_type(ty: &str) -> bool {
    ty.starts_with(PROVIDER_TYPE_PREFIX)
}

/// `urn::id`.
pub fn provider_ref(urn: &str, id: &str) -> String {
    format!("{urn}::{id}")
}

/// Splits a provider reference at its last `::` into (urn, id).
pub fn parse_provider_ref(reference: &str) -> Option<(&str, &str)> {
    let i = reference.rfind("::")?;
    let (urn, id) = (&reference[..i], &reference[i + 2..]);
    if !urn.starts_with("urn:pulumi:") || id.is_empty() {
        return None;
    }
    Some((urn, id))
}

/// The name of the default provider for a package version: `default`, or `default_1_2_3` (every
/// character that cannot appear in a name segment becomes `_`).
pub fn default_provider_name(version: &str) -> String {
    if version.is_empty() {
        return "default".to_string();
    }
    let sanitized: String = version
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("default_{sanitized}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urns_qualify_types_below_components_but_not_below_the_stack() {
        let stack = build("dev", "proj", None, STACK_TYPE, "proj-dev");
        assert_eq!(stack, "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev");
        let comp = build("dev", "proj", Some(&stack), "my:index:Pair", "pair");
        assert_eq!(comp, "urn:pulumi:dev::proj::my:index:Pair::pair");
        let child = build("dev", "proj", Some(&comp), "dr:index:Db", "db");
        assert_eq!(child, "urn:pulumi:dev::proj::my:index:Pair$dr:index:Db::db");
        let grandchild = build("dev", "proj", Some(&child), "x:y:Z", "z");
        assert_eq!(
            grandchild,
            "urn:pulumi:dev::proj::my:index:Pair$dr:index:Db$x:y:Z::z"
        );
        assert_eq!(type_of(&grandchild), "x:y:Z");
        assert_eq!(name_of(&grandchild), "z");
    }

    #[test]
    fn names_may_contain_separators() {
        let urn = build("dev", "p", None, "a:b:C", "we::ird");
        assert_eq!(name_of(&urn), "we::ird");
        assert_eq!(type_of(&urn), "a:b:C");
    }

    #[test]
    fn provider_refs_split_at_the_last_separator() {
        let urn = "urn:pulumi:dev::p::pulumi:providers:multiregion-dr::default_0_1_0";
        let r = provider_ref(urn, "1234-abcd");
        assert_eq!(parse_provider_ref(&r), Some((urn, "1234-abcd")));
        assert_eq!(parse_provider_ref("no-separator"), None);
        assert_eq!(parse_provider_ref(&format!("{urn}::")), None);
    }

    #[test]
    fn default_provider_names_carry_the_version() {
        assert_eq!(default_provider_name(""), "default");
        assert_eq!(default_provider_name("0.1.0"), "default_0_1_0");
        assert_eq!(
            default_provider_name("1.2.3-alpha.1"),
            "default_1_2_3_alpha_1"
        );
        assert_eq!(
            package_of("pulumi:providers:multiregion-dr"),
            "multiregion-dr"
        );
        assert_eq!(
            package_of("multiregion-dr:index:DnsFailover"),
            "multiregion-dr"
        );
    }
}
