//! The program's project file (`Pulumi.yaml`) and its stack's configuration
//! (`Pulumi.<stack>.yaml` plus command-line overrides).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value as Json};
use serde_yaml::Value as Yaml;

use crate::props;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    NodeJs,
    Python,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    pub runtime: Runtime,
    /// `runtime.options` (typescript, virtualenv, tsconfig, nodeargs, ...).
    pub options: BTreeMap<String, Json>,
    /// `main`: the program's entry, relative to the project directory.
    pub main: Option<String>,
    pub dir: PathBuf,
    /// `plugins.providers` entries: package name → folder holding `pulumi-resource-<name>`.
    pub plugin_dirs: BTreeMap<String, PathBuf>,
    /// Project-level config defaults from Pulumi.yaml's `config:` block.
    config_defaults: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigValue {
    pub value: String,
    pub secret: bool,
}

/// Stack configuration, keyed `namespace:key`, values as the raw strings the CLI keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StackConfig {
    pub values: BTreeMap<String, ConfigValue>,
}

fn yaml_to_json(v: &Yaml) -> Json {
    serde_json::to_value(v).unwrap_or(Json::Null)
}

fn read_yaml(path: &Path) -> Result<Option<Yaml>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_yaml::from_str(&text)
            .map(Some)
            .map_err(|e| format!("{} is not valid YAML: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// A config value as the CLI stores it: strings as they are, anything else as its JSON text.
fn raw_config_string(key: &str, v: &Json, file: &Path) -> Result<String, String> {
    if let Some(obj) = v.as_object() {
        if obj.contains_key("secure") {
            return Err(format!(
                "{}: config '{key}' is an encrypted `secure:` value, which dr-engine cannot decrypt; pass it with --secret-config {key}=VALUE instead",
                file.display()
            ));
        }
    }
    if contains_secure(v) {
        return Err(format!(
            "{}: config '{key}' holds an encrypted `secure:` value, which dr-engine cannot decrypt",
            file.display()
        ));
    }
    Ok(match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn contains_secure(v: &Json) -> bool {
    match v {
        Json::Object(m) => m.contains_key("secure") || m.values().any(contains_secure),
        Json::Array(items) => items.iter().any(contains_secure),
        _ => false,
    }
}

/// `ns:key` as given, or a bare key in the project's namespace.
pub fn qualify_key(project: &str, key: &str) -> String {
    if key.contains(':') {
        key.to_string()
    } else {
        format!("{project}:{key}")
    }
}

impl Project {
    pub fn load(dir: &Path) -> Result<Project, String> {
        let path = dir.join("Pulumi.yaml");
        let doc = read_yaml(&path)?.ok_or_else(|| {
            format!(
                "no Pulumi.yaml in {} (pass --cwd with the program's directory)",
                dir.display()
            )
        })?;
        let doc = yaml_to_json(&doc);
        let name = doc
            .get("name")
            .and_then(Json::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| format!("{}: `name` is missing", path.display()))?
            .to_string();
        let (runtime_name, options) = match doc.get("runtime") {
            Some(Json::String(s)) => (s.clone(), BTreeMap::new()),
            Some(Json::Object(m)) => (
                m.get("name")
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .to_string(),
                m.get("options")
                    .and_then(Json::as_object)
                    .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default(),
            ),
            _ => (String::new(), BTreeMap::new()),
        };
        let runtime = match runtime_name.as_str() {
            "nodejs" => Runtime::NodeJs,
            "python" => Runtime::Python,
            other => {
                return Err(format!(
                    "{}: runtime '{other}' is not supported by dr-engine (nodejs or python)",
                    path.display()
                ))
            }
        };
        let mut plugin_dirs = BTreeMap::new();
        if let Some(list) = doc.pointer("/plugins/providers").and_then(Json::as_array) {
            for p in list {
                if let (Some(n), Some(dir_path)) = (
                    p.get("name").and_then(Json::as_str),
                    p.get("path").and_then(Json::as_str),
                ) {
                    plugin_dirs.insert(n.to_string(), dir.join(dir_path));
                }
            }
        }
        let mut config_defaults = BTreeMap::new();
        if let Some(cfg) = doc.get("config").and_then(Json::as_object) {
            for (k, v) in cfg {
                // `key: {type, default}` declares a project config key; `ns:key: value` sets one.
                let value = match v.as_object() {
                    Some(o) if o.contains_key("default") || o.contains_key("value") => {
                        o.get("value").or_else(|| o.get("default")).cloned()
                    }
                    Some(o) if o.contains_key("type") => None,
                    _ => Some(v.clone()),
                };
                if let Some(value) = value {
                    config_defaults
                        .insert(qualify_key(&name, k), raw_config_string(k, &value, &path)?);
                }
            }
        }
        Ok(Project {
            name,
            runtime,
            options,
            main: doc.get("main").and_then(Json::as_str).map(str::to_string),
            dir: dir.to_path_buf(),
            plugin_dirs,
            config_defaults,
        })
    }

    pub fn option_str(&self, key: &str) -> Option<String> {
        match self.options.get(key)? {
            Json::String(s) => Some(s.clone()),
            Json::Bool(b) => Some(b.to_string()),
            Json::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// Project defaults, then `Pulumi.<stack>.yaml`, then the command-line values.
    pub fn stack_config(
        &self,
        stack: &str,
        overrides: &[(String, String)],
        secret_overrides: &[(String, String)],
    ) -> Result<StackConfig, String> {
        let mut config = StackConfig::default();
        for (k, v) in &self.config_defaults {
            config.set(k.clone(), v.clone(), false);
        }
        let path = self.dir.join(format!("Pulumi.{stack}.yaml"));
        if let Some(doc) = read_yaml(&path)? {
            let doc = yaml_to_json(&doc);
            if let Some(cfg) = doc.get("config").and_then(Json::as_object) {
                for (k, v) in cfg {
                    config.set(
                        qualify_key(&self.name, k),
                        raw_config_string(k, v, &path)?,
                        false,
                    );
                }
            }
        }
        for (k, v) in overrides {
            config.set(qualify_key(&self.name, k), v.clone(), false);
        }
        for (k, v) in secret_overrides {
            config.set(qualify_key(&self.name, k), v.clone(), true);
        }
        Ok(config)
    }
}

impl StackConfig {
    pub fn set(&mut self, key: String, value: String, secret: bool) {
        self.values.insert(key, ConfigValue { value, secret });
    }

    /// The default provider's inputs for a package: every `<pkg>:<key>` as `key` → the raw string
    /// (secret-wrapped when secret).
    pub fn package_inputs(&self, package: &str) -> Map<String, Json> {
        let prefix = format!("{package}:");
        self.values
            .iter()
            .filter_map(|(k, v)| {
                let key = k.strip_prefix(&prefix)?;
                // `pkg:config:key` is an older spelling of the same key.
                let key = key.strip_prefix("config:").unwrap_or(key);
                let value = Json::String(v.value.clone());
                Some((
                    key.to_string(),
                    if v.secret {
                        props::secret(value)
                    } else {
                        value
                    },
                ))
            })
            .collect()
    }

    /// `ns:key` → raw string, as the SDKs read `PULUMI_CONFIG` and Construct/Call take `config`.
    pub fn plain_map(&self) -> std::collections::HashMap<String, String> {
        self.values
            .iter()
            .map(|(k, v)| (k.clone(), v.value.clone()))
            .collect()
    }

    pub fn secret_keys(&self) -> Vec<String> {
        self.values
            .iter()
            .filter(|(_, v)| v.secret)
            .map(|(k, _)| k.clone())
            .collect()
    }
}

/// Parses `KEY=VALUE` command-line pairs.
pub fn parse_pair(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("expected KEY=VALUE, got '{text}'")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("dr-engine-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn project_and_stack_config_merge_with_overrides() {
        let dir = temp("project");
        write(
            &dir,
            "Pulumi.yaml",
            "name: payments\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nconfig:\n  zone:\n    type: string\n    default: example.com\n",
        );
        write(
            &dir,
            "Pulumi.dev.yaml",
            "config:\n  multiregion-dr:maxRetries: 2\n  multiregion-dr:defaultTags:\n    app: payments\n  region: eu\n",
        );
        let p = Project::load(&dir).unwrap();
        assert_eq!(p.name, "payments");
        assert_eq!(p.runtime, Runtime::NodeJs);
        assert_eq!(p.option_str("typescript").as_deref(), Some("true"));
        let c = p
            .stack_config(
                "dev",
                &[("region".into(), "us".into())],
                &[("pw".into(), "s3cret".into())],
            )
            .unwrap();
        let get = |k: &str| c.values.get(k).cloned().unwrap();
        assert_eq!(get("payments:zone").value, "example.com");
        assert_eq!(get("payments:region").value, "us");
        assert_eq!(get("multiregion-dr:maxRetries").value, "2");
        assert_eq!(
            get("multiregion-dr:defaultTags").value,
            r#"{"app":"payments"}"#
        );
        assert!(get("payments:pw").secret);
        assert_eq!(c.secret_keys(), vec!["payments:pw".to_string()]);
        let inputs = c.package_inputs("multiregion-dr");
        assert_eq!(inputs["maxRetries"], Json::String("2".into()));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn secure_values_are_refused_with_the_key_named() {
        let dir = temp("secure");
        write(&dir, "Pulumi.yaml", "name: p\nruntime: python\n");
        write(
            &dir,
            "Pulumi.dev.yaml",
            "config:\n  p:password:\n    secure: AAABAF==\n",
        );
        let err = Project::load(&dir)
            .unwrap()
            .stack_config("dev", &[], &[])
            .unwrap_err();
        assert!(
            err.contains("p:password") && err.contains("secure"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn unknown_runtimes_and_missing_files_are_clear_errors() {
        let dir = temp("runtime");
        assert!(Project::load(&dir).unwrap_err().contains("no Pulumi.yaml"));
        write(&dir, "Pulumi.yaml", "name: p\nruntime: go\n");
        assert!(Project::load(&dir).unwrap_err().contains("'go'"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
