//! Property paths as `ignoreChanges` names them: `tags`, `healthCheck.port`, `rules[0].port`,
//! `tags["a.b"]`, and `*` for every key or element at one level.

use serde_json::{Map, Value as Json};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
    Any,
}

pub fn parse(path: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    let chars: Vec<char> = path.chars().collect();
    let mut i = 0;
    let mut key = String::new();
    let bad = |why: &str| format!("invalid property path '{path}': {why}");
    let flush = |key: &mut String, segments: &mut Vec<Segment>| {
        if !key.is_empty() {
            segments.push(if key == "*" {
                Segment::Any
            } else {
                Segment::Key(std::mem::take(key))
            });
            key.clear();
        }
    };
    while i < chars.len() {
        match chars[i] {
            '.' => {
                if key.is_empty() && !matches!(chars.get(i.wrapping_sub(1)), Some(']')) {
                    return Err(bad("empty segment"));
                }
                flush(&mut key, &mut segments);
                i += 1;
            }
            '[' => {
                flush(&mut key, &mut segments);
                let close = chars[i..]
                    .iter()
                    .position(|&c| c == ']')
                    .map(|p| p + i)
                    .ok_or_else(|| bad("unclosed ["))?;
                let inner: String = chars[i + 1..close].iter().collect();
                if let Some(quoted) = inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                    segments.push(Segment::Key(quoted.to_string()));
                } else if inner == "*" {
                    segments.push(Segment::Any);
                } else {
                    let n = inner
                        .parse::<usize>()
                        .map_err(|_| bad("an index must be a number, \"key\" or *"))?;
                    segments.push(Segment::Index(n));
                }
                i = close + 1;
            }
            c => {
                key.push(c);
                i += 1;
            }
        }
    }
    flush(&mut key, &mut segments);
    if segments.is_empty() {
        return Err(bad("empty path"));
    }
    Ok(segments)
}

/// `news` with the value at each ignored path replaced by the old value, or removed where the old
/// inputs had none: what the engine sends to Check as the new inputs.
pub fn apply_ignore_changes(olds: &Json, news: &Json, paths: &[String]) -> Result<Json, String> {
    let mut result = news.clone();
    for path in paths {
        let segments = parse(path)?;
        copy_path(Some(olds), &mut result, &segments);
    }
    Ok(result)
}

fn copy_path(old: Option<&Json>, new: &mut Json, segments: &[Segment]) {
    let Some((first, rest)) = segments.split_first() else {
        return;
    };
    match first {
        Segment::Any => {
            let keys: Vec<Segment> = match (old, &*new) {
                (_, Json::Array(items)) => (0..items.len()).map(Segment::Index).collect(),
                (Some(Json::Array(items)), _) => (0..items.len()).map(Segment::Index).collect(),
                (o, n) => {
                    let mut keys: Vec<String> = Vec::new();
                    for m in [o.and_then(Json::as_object), n.as_object()]
                        .into_iter()
                        .flatten()
                    {
                        keys.extend(
                            m.keys()
                                .filter(|k| !keys.contains(k))
                                .cloned()
                                .collect::<Vec<_>>(),
                        );
                    }
                    keys.into_iter().map(Segment::Key).collect()
                }
            };
            for key in keys {
                let mut path = vec![key];
                path.extend_from_slice(rest);
                copy_path(old, new, &path);
            }
        }
        Segment::Key(k) => {
            let old_child = old.and_then(|o| o.get(k));
            if rest.is_empty() {
                match old_child {
                    Some(v) => {
                        ensure_object(new).insert(k.clone(), v.clone());
                    }
                    None => {
                        if let Json::Object(m) = new {
                            m.remove(k);
                        }
                    }
                }
                return;
            }
            if old_child.is_none() && new.get(k).is_none() {
                return;
            }
            let slot = ensure_object(new).entry(k.clone()).or_insert(Json::Null);
            copy_path(old_child, slot, rest);
        }
        Segment::Index(n) => {
            let old_child = old.and_then(|o| o.get(*n));
            let Json::Array(items) = new else {
                return;
            };
            if *n >= items.len() {
                // An element the program no longer has cannot be kept in place.
                return;
            }
            if rest.is_empty() {
                if let Some(v) = old_child {
                    items[*n] = v.clone();
                }
                return;
            }
            copy_path(old_child, &mut items[*n], rest);
        }
    }
}

fn ensure_object(v: &mut Json) -> &mut Map<String, Json> {
    if !v.is_object() {
        *v = Json::Object(Map::new());
    }
    match v {
        Json::Object(m) => m,
        _ => unreachable!("just made an object"),
    }
}

/// Whether a changed path (`tags.env`, `rules[0]`) falls under a `replaceOnChanges` path.
pub fn matches(pattern: &str, changed: &str) -> bool {
    let (Ok(p), Ok(c)) = (parse(pattern), parse(changed)) else {
        return false;
    };
    p.iter().zip(c.iter()).all(|(a, b)| match (a, b) {
        (Segment::Any, _) | (_, Segment::Any) => true,
        (x, y) => x == y,
    }) && (p.len() <= c.len() || c.len() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_parse_keys_indices_quoted_keys_and_wildcards() {
        use Segment::*;
        assert_eq!(parse("tags").unwrap(), vec![Key("tags".into())]);
        assert_eq!(
            parse("rules[0].port").unwrap(),
            vec![Key("rules".into()), Index(0), Key("port".into())]
        );
        assert_eq!(
            parse("tags[\"a.b\"]").unwrap(),
            vec![Key("tags".into()), Key("a.b".into())]
        );
        assert_eq!(parse("tags.*").unwrap(), vec![Key("tags".into()), Any]);
        assert!(parse("a..b").is_err());
        assert!(parse("a[x").is_err());
    }

    #[test]
    fn ignored_top_level_keys_keep_the_old_value_or_disappear() {
        let olds = json!({"ttl": 60, "name": "a"});
        let news = json!({"ttl": 30, "name": "b", "extra": 1});
        let got = apply_ignore_changes(&olds, &news, &["ttl".into(), "extra".into()]).unwrap();
        assert_eq!(got, json!({"ttl": 60, "name": "b"}));
    }

    #[test]
    fn ignored_nested_paths_touch_only_that_leaf() {
        let olds =
            json!({"healthCheck": {"port": 443, "path": "/old"}, "tags": {"a": "1", "b": "2"}});
        let news = json!({"healthCheck": {"port": 8443, "path": "/new"}, "tags": {"a": "9"}});
        let got = apply_ignore_changes(&olds, &news, &["healthCheck.port".into(), "tags.*".into()])
            .unwrap();
        assert_eq!(
            got,
            json!({"healthCheck": {"port": 443, "path": "/new"}, "tags": {"a": "1", "b": "2"}})
        );
    }

    #[test]
    fn ignored_array_elements() {
        let olds = json!({"rules": [{"port": 1}, {"port": 2}]});
        let news = json!({"rules": [{"port": 10}, {"port": 20}]});
        let got = apply_ignore_changes(&olds, &news, &["rules[1].port".into()]).unwrap();
        assert_eq!(got, json!({"rules": [{"port": 10}, {"port": 2}]}));
    }

    #[test]
    fn replace_on_changes_paths_match_their_subpaths() {
        assert!(matches("tags", "tags.env"));
        assert!(matches("tags.*", "tags.env"));
        assert!(matches("healthCheck.port", "healthCheck"));
        assert!(!matches("ttl", "tags"));
    }
}
