//! The stack's state: a JSON file listing every resource in dependency order, values in the wire
//! form (secrets wrapped, resource references kept), written atomically after each step.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::timeouts::CustomTimeouts;
use crate::urn;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateFile {
    pub version: u32,
    pub project: String,
    pub stack: String,
    pub resources: Vec<ResourceState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceState {
    pub urn: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub custom: bool,
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub parent: String,
    /// `urn::id` of the provider resource managing it ("" for components and providers).
    #[serde(default)]
    pub provider: String,
    #[serde(default = "crate::props::empty_object")]
    pub inputs: Json,
    #[serde(default = "crate::props::empty_object")]
    pub outputs: Json,
    #[serde(default)]
    pub dependencies: Vec<String>,
    #[serde(default)]
    pub property_dependencies: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub protect: bool,
    #[serde(default)]
    pub retain_on_delete: bool,
    #[serde(default)]
    pub delete_before_replace: bool,
    #[serde(default)]
    pub external: bool,
    /// An old copy replaced create-before-delete, waiting for its delete at the end of the update.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delete: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub deleted_with: String,
    #[serde(default, skip_serializing_if = "CustomTimeouts::is_empty")]
    pub custom_timeouts: CustomTimeouts,
    /// Reasons a create or update only partly succeeded; the next update will Diff and retry it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init_errors: Vec<String>,
}

impl ResourceState {
    pub fn new(urn: &str, ty: &str, custom: bool) -> Self {
        ResourceState {
            urn: urn.to_string(),
            ty: ty.to_string(),
            custom,
            id: String::new(),
            parent: String::new(),
            provider: String::new(),
            inputs: crate::props::empty_object(),
            outputs: crate::props::empty_object(),
            dependencies: Vec::new(),
            property_dependencies: BTreeMap::new(),
            protect: false,
            retain_on_delete: false,
            delete_before_replace: false,
            external: false,
            delete: false,
            deleted_with: String::new(),
            custom_timeouts: CustomTimeouts::default(),
            init_errors: Vec::new(),
        }
    }

    pub fn name(&self) -> &str {
        urn::name_of(&self.urn)
    }

    pub fn is_provider(&self) -> bool {
        urn::is_provider_type(&self.ty)
    }

    /// A default provider: the engine registers it with no parent, named `default[_<version>]`.
    pub fn is_default_provider(&self) -> bool {
        self.is_provider()
            && self.parent.is_empty()
            && (self.name() == "default" || self.name().starts_with("default_"))
    }

    /// Every URN this resource depends on: explicit dependencies, property dependencies, parent,
    /// provider and deletedWith.
    pub fn depends_on(&self) -> BTreeSet<String> {
        let mut all: BTreeSet<String> = self.dependencies.iter().cloned().collect();
        all.extend(self.property_dependencies.values().flatten().cloned());
        if !self.parent.is_empty() {
            all.insert(self.parent.clone());
        }
        if let Some((provider_urn, _)) = urn::parse_provider_ref(&self.provider) {
            all.insert(provider_urn.to_string());
        }
        if !self.deleted_with.is_empty() {
            all.insert(self.deleted_with.clone());
        }
        all.remove(&self.urn);
        all
    }
}

pub fn load(path: &Path) -> Result<Option<StateFile>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("state file {} is not valid: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read state file {}: {e}", path.display())),
    }
}

/// Writes to a temporary file beside the target, then renames it over the target, so that a crash
/// leaves either the old or the new state, never half of one.
pub fn save(path: &Path, state: &StateFile) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
    }
    let text = serde_json::to_string_pretty(state).map_err(|e| e.to_string())?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "state.json".into());
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_file_name(format!(".{file_name}.{}.{n}.tmp", std::process::id()));
    std::fs::write(&tmp, text + "\n")
        .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot replace {}: {e}", path.display())
    })
}

/// The order in which to delete `resources`: every resource before the resources it depends on
/// (dependencies, property dependencies, parent, provider, deletedWith). Ties keep the reverse of
/// the given order, which for a state file is reverse creation order.
pub fn reverse_dependency_order(resources: &[ResourceState]) -> Vec<ResourceState> {
    // pending_dependents[i] = the resources that depend on resource i (they must go first).
    let mut pending_dependents = vec![0usize; resources.len()];
    let mut dependencies: Vec<Vec<usize>> = vec![Vec::new(); resources.len()];
    for (i, r) in resources.iter().enumerate() {
        for dep in r.depends_on() {
            // Several state entries can share a URN (a replaced copy pending deletion); each one
            // depended on counts.
            for (j, other) in resources.iter().enumerate() {
                if j != i && other.urn == dep {
                    dependencies[i].push(j);
                    pending_dependents[j] += 1;
                }
            }
        }
    }
    let mut done = vec![false; resources.len()];
    let mut order = Vec::with_capacity(resources.len());
    while order.len() < resources.len() {
        // The latest resource that nothing still depends on; a cycle (a broken state) is broken
        // at the latest remaining resource so that everything is still deleted.
        let next = (0..resources.len())
            .rev()
            .find(|&i| !done[i] && pending_dependents[i] == 0)
            .or_else(|| (0..resources.len()).rev().find(|&i| !done[i]));
        let Some(i) = next else { break };
        done[i] = true;
        for &j in &dependencies[i] {
            pending_dependents[j] = pending_dependents[j].saturating_sub(1);
        }
        order.push(resources[i].clone());
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(name: &str) -> ResourceState {
        ResourceState::new(&format!("urn:pulumi:dev::p::t:m:T::{name}"), "t:m:T", true)
    }

    fn urn_of(name: &str) -> String {
        format!("urn:pulumi:dev::p::t:m:T::{name}")
    }

    fn names(rs: &[ResourceState]) -> Vec<&str> {
        rs.iter().map(|r| r.name()).collect()
    }

    #[test]
    fn dependents_are_deleted_before_what_they_depend_on() {
        let provider = ResourceState::new(
            "urn:pulumi:dev::p::pulumi:providers:t::default",
            "pulumi:providers:t",
            true,
        );
        let mut comp = res("comp");
        comp.custom = false;
        let mut a = res("a");
        a.provider = urn::provider_ref(&provider.urn, "id-1");
        let mut b = res("b");
        b.property_dependencies
            .insert("x".into(), vec![urn_of("a")]);
        b.parent = urn_of("comp");
        let mut c = res("c");
        c.deleted_with = urn_of("b");
        let mut d = res("d");
        d.dependencies = vec![urn_of("a")];
        // Listed in an order that is not already reversed-dependency order.
        let order = reverse_dependency_order(&[provider, comp, a, d, b, c]);
        let n = names(&order);
        let pos = |x: &str| n.iter().position(|y| *y == x).unwrap();
        assert!(pos("c") < pos("b"), "{n:?}");
        assert!(pos("b") < pos("a"), "{n:?}");
        assert!(pos("b") < pos("comp"), "{n:?}");
        assert!(pos("d") < pos("a"), "{n:?}");
        assert!(pos("a") < pos("default"), "{n:?}");
        assert_eq!(n.len(), 6);
    }

    #[test]
    fn without_dependencies_the_order_is_reverse_creation() {
        let order = reverse_dependency_order(&[res("a"), res("b"), res("c")]);
        assert_eq!(names(&order), ["c", "b", "a"]);
    }

    #[test]
    fn a_dependency_listed_later_still_goes_last() {
        let mut a = res("a");
        a.dependencies = vec![urn_of("b")];
        let order = reverse_dependency_order(&[a, res("b")]);
        assert_eq!(names(&order), ["a", "b"]);
    }

    #[test]
    fn save_is_atomic_and_round_trips() {
        let dir = std::env::temp_dir().join(format!("dr-engine-state-{}", std::process::id()));
        let path = dir.join("nested").join("dev.json");
        let mut r = res("a");
        r.outputs = serde_json::json!({"pw": crate::props::secret("x".into())});
        let state = StateFile {
            version: 1,
            project: "p".into(),
            stack: "dev".into(),
            resources: vec![r],
        };
        save(&path, &state).unwrap();
        assert_eq!(load(&path).unwrap(), Some(state));
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        let _ = std::fs::remove_dir_all(dir);
    }
}
