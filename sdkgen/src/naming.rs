//! Name conversions. They follow gen-sdk's conventions, because users see these names: file
//! names, class names, Python snake_case parameters and enum member names must match what
//! `pulumi package gen-sdk` produces for the same schema.

/// The last part of a `pkg:module:Name` token, first letter upper-cased.
pub fn token_name(token: &str) -> String {
    upper_first(token.rsplit(':').next().unwrap_or(token))
}

pub fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `foo-bar` becomes `fooBar`; a trailing hyphen is dropped.
fn unhyphenate(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper_next = false;
    for c in s.chars() {
        if c == '-' {
            upper_next = true;
        } else if upper_next {
            out.extend(c.to_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// camelCase as gen-sdk's Node generator uses it for file and function names: the leading run
/// of non-lower-case characters is lower-cased (`GlobalDatabase` → `globalDatabase`,
/// `DNSRecord` → `dnsrecord`).
pub fn camel(s: &str) -> String {
    let s = unhyphenate(s);
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    for c in chars.by_ref() {
        if c.is_lowercase() {
            out.push(c);
            break;
        }
        out.extend(c.to_lowercase());
    }
    out.extend(chars);
    out
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_part(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

const PY_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "exec", "finally", "for", "from", "global", "if",
    "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "print", "raise", "return",
    "try", "while", "with", "yield",
];

pub fn py_keyword_safe(name: String) -> String {
    if PY_KEYWORDS.contains(&name.as_str()) {
        name + "_"
    } else {
        name
    }
}

/// snake_case for Python. Words break at a lower-to-upper change; a run of capitals is one word
/// whose last capital starts the next word when a lower-case letter follows (`HTTPServer` →
/// `http_server`), except that digits and a plural `s` stay with the run (`IPs` → `ips`).
pub fn py_name(name: &str) -> String {
    #[derive(PartialEq)]
    enum State {
        Start,
        Upper,
        Acronym,
        Lower,
    }
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut state = State::Start;
    for c in name.chars() {
        let c = if is_ident_part(c) { c } else { '_' };
        match state {
            State::Start => {
                if !is_ident_start(c) {
                    word.push('_');
                }
                if c.is_uppercase() {
                    word.extend(c.to_lowercase());
                    state = State::Upper;
                } else {
                    word.push(c);
                    state = State::Lower;
                }
            }
            State::Upper => {
                if c.is_uppercase() {
                    word.extend(c.to_lowercase());
                    state = State::Acronym;
                } else {
                    word.push(c);
                    state = State::Lower;
                }
            }
            State::Acronym => {
                if c.is_uppercase() {
                    word.extend(c.to_lowercase());
                } else if c.is_numeric() || c == 's' {
                    word.push(c);
                    state = State::Lower;
                } else {
                    let last = word.pop().expect("an acronym has at least two letters");
                    words.push(std::mem::take(&mut word));
                    word.push(last);
                    word.push(c);
                    state = State::Lower;
                }
            }
            State::Lower => {
                if c.is_uppercase() {
                    words.push(std::mem::take(&mut word));
                    word.extend(c.to_lowercase());
                    state = State::Upper;
                } else {
                    word.push(c);
                }
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    py_keyword_safe(words.join("_"))
}

/// A property's parameter name in a Python resource `__init__`, kept clear of the two
/// parameters every resource constructor already has.
pub fn py_init_param(name: &str) -> String {
    let n = py_name(name);
    match n.as_str() {
        "resource_name" | "opts" => n + "_",
        _ => n,
    }
}

fn expand_short_enum_name(name: &str) -> &str {
    match name {
        "*" => "Asterisk",
        "0" => "Zero",
        "1" => "One",
        "2" => "Two",
        "3" => "Three",
        "4" => "Four",
        "5" => "Five",
        "6" => "Six",
        "7" => "Seven",
        "8" => "Eight",
        "9" => "Nine",
        other => other,
    }
}

fn valid_identifier(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 1);
    for (i, c) in name.chars().enumerate() {
        if !is_ident_part(c) {
            out.push('_');
        } else {
            if i == 0 && !is_ident_start(c) {
                out.push('_');
            }
            out.push(c);
        }
    }
    out
}

fn collapse_underscores(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '_' && out.ends_with('_') {
            continue;
        }
        out.push(c);
    }
    out
}

const TS_RESERVED: &[&str] = &[
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "export",
    "extends",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
    "enum",
    "await",
    "implements",
    "interface",
    "package",
    "private",
    "protected",
    "public",
    "null",
    "true",
    "false",
];

/// A valid TypeScript identifier (used for module namespaces).
pub fn ts_identifier(name: &str) -> String {
    let v = valid_identifier(name);
    if TS_RESERVED.contains(&v.as_str()) {
        format!("_{v}")
    } else {
        v
    }
}

/// Member name of an enum value in TypeScript: `"one"` → `One`, `"A Value"` → `A_Value`.
pub fn ts_enum_member(name: &str, enum_name: &str) -> Result<String, String> {
    let expanded = expand_short_enum_name(name);
    check_enum_name(expanded)?;
    let safe = collapse_underscores(&ts_identifier(&upper_first(expanded)));
    Ok(if safe.starts_with('_') {
        format!("{enum_name}{safe}")
    } else {
        safe
    })
}

/// Member name of an enum value in Python: `"one"` → `ONE`, `"intOne"` → `INT_ONE`.
pub fn py_enum_member(name: &str, enum_name: &str) -> Result<String, String> {
    let expanded = expand_short_enum_name(name);
    check_enum_name(expanded)?;
    let mut safe = valid_identifier(&py_name(expanded).to_uppercase());
    if safe.starts_with('_') {
        safe = format!("{}{}", py_name(enum_name).to_uppercase(), safe);
    }
    Ok(collapse_underscores(&safe))
}

fn check_enum_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !is_ident_start(c) => Err(format!(
            "enum member name {name:?} is not a valid identifier"
        )),
        (None, _) => Err("empty enum member name".to_string()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case() {
        assert_eq!(camel("GlobalDatabase"), "globalDatabase");
        assert_eq!(camel("DnsFailover"), "dnsFailover");
        assert_eq!(camel("getReadiness"), "getReadiness");
        assert_eq!(camel("MultiRegionDR"), "multiRegionDR");
        assert_eq!(camel("URLThing"), "urlthing");
        assert_eq!(camel("kebab-case-name"), "kebabCaseName");
    }

    #[test]
    fn snake_case() {
        assert_eq!(py_name("serverlessV2"), "serverless_v2");
        assert_eq!(py_name("vpcSecurityGroupIds"), "vpc_security_group_ids");
        assert_eq!(py_name("globalClusterARN"), "global_cluster_arn");
        assert_eq!(py_name("HTTPServer"), "http_server");
        assert_eq!(py_name("publicIPs"), "public_ips");
        assert_eq!(py_name("MultiRegionDR"), "multi_region_dr");
        assert_eq!(py_name("getReadiness"), "get_readiness");
        assert_eq!(py_name("fqdn"), "fqdn");
        assert_eq!(py_name("ttl"), "ttl");
        assert_eq!(py_name("type"), "type");
        assert_eq!(py_name("from"), "from_");
        assert_eq!(py_name("a-b"), "a_b");
        assert_eq!(py_init_param("opts"), "opts_");
        assert_eq!(py_init_param("resourceName"), "resource_name_");
    }

    #[test]
    fn enum_members() {
        assert_eq!(ts_enum_member("one", "E").unwrap(), "One");
        assert_eq!(
            ts_enum_member("A Value With Spaces.", "E").unwrap(),
            "A_Value_With_Spaces_"
        );
        assert_eq!(ts_enum_member("_x", "Wordy").unwrap(), "Wordy_x");
        assert_eq!(ts_enum_member("1", "E").unwrap(), "One");
        assert_eq!(py_enum_member("intOne", "E").unwrap(), "INT_ONE");
        assert_eq!(
            py_enum_member("It's got apostrophes", "E").unwrap(),
            "IT_S_GOT_APOSTROPHES"
        );
        assert_eq!(py_enum_member("0.5", "Ratio").unwrap(), "RATIO_0_5");
        assert!(ts_enum_member("+", "E").is_err());
    }
}
