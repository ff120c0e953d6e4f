//! The deployment's view of state while it runs: the old resources (from the state file), the new
//! ones registered so far, and the replaced copies waiting for their delete.
//!
//! What is written after each step is `new`, then the old resources not yet registered, then the
//! replaced copies: dependency order, because a new resource can only depend on resources
//! registered before it, and nothing new depends on an old resource not registered this run.

use std::collections::{HashMap, HashSet};

use serde_json::Value as Json;

use crate::state::{ResourceState, StateFile};

#[derive(Default)]
pub struct Snapshot {
    old: Vec<ResourceState>,
    new: Vec<ResourceState>,
    /// Old URN → the URN of the registration that took it over (itself, or a new name whose
    /// alias it is). A claimed old entry stays in the written state until its successor is
    /// recorded, so that a crash in between loses nothing.
    claims: HashMap<String, String>,
    /// URNs registered (or being registered) this run, to refuse duplicates.
    seen: HashSet<String>,
    pending_delete: Vec<ResourceState>,
    /// RegisterResourceOutputs that arrived before the resource's own registration finished.
    early_outputs: HashMap<String, Json>,
}

impl Snapshot {
    pub fn new(old: Vec<ResourceState>) -> Snapshot {
        // Copies a previous run replaced but could not delete are deleted by this one.
        let (pending_delete, old): (Vec<_>, Vec<_>) = old.into_iter().partition(|r| r.delete);
        Snapshot {
            old,
            pending_delete,
            ..Snapshot::default()
        }
    }

    /// Marks a URN as registered this run; false if it already was (a duplicate URN).
    pub fn begin(&mut self, urn: &str) -> bool {
        self.seen.insert(urn.to_string())
    }

    /// The old entry this registration takes over: its own URN, else the first alias that has one.
    pub fn claim_old(&mut self, urn: &str, aliases: &[String]) -> Option<ResourceState> {
        let found = std::iter::once(urn)
            .chain(aliases.iter().map(String::as_str))
            .find_map(|u| {
                self.old
                    .iter()
                    .find(|r| r.urn == u && !self.claims.contains_key(&r.urn))
                    .cloned()
            })?;
        self.claims.insert(found.urn.clone(), urn.to_string());
        Some(found)
    }

    pub fn registered(&self, urn: &str) -> Option<&ResourceState> {
        self.new.iter().find(|r| r.urn == urn)
    }

    /// Any entry for a URN: registered this run, else old, else a replaced copy.
    pub fn find(&self, urn: &str) -> Option<&ResourceState> {
        self.registered(urn)
            .or_else(|| self.old.iter().find(|r| r.urn == urn))
            .or_else(|| self.pending_delete.iter().find(|r| r.urn == urn))
    }

    pub fn add_new(&mut self, mut resource: ResourceState) {
        if let Some(outputs) = self.early_outputs.remove(&resource.urn) {
            resource.outputs = outputs;
        }
        self.new.retain(|r| r.urn != resource.urn);
        self.new.push(resource);
    }

    /// Changes the entry registered this run (outputs registered later).
    pub fn update_new(&mut self, urn: &str, f: impl FnOnce(&mut ResourceState)) -> bool {
        match self.new.iter_mut().find(|r| r.urn == urn) {
            Some(r) => {
                f(r);
                true
            }
            None => false,
        }
    }

    pub fn set_outputs(&mut self, urn: &str, outputs: Json) {
        let updated = self.update_new(urn, |r| r.outputs = outputs.clone());
        if !updated {
            self.early_outputs.insert(urn.to_string(), outputs);
        }
    }

    /// An old entry replaced create-before-delete: kept (marked `delete`) until deleted.
    pub fn mark_replaced(&mut self, old: &ResourceState) {
        let mut copy = old.clone();
        self.old.retain(|r| !(r.urn == old.urn && r.id == old.id));
        copy.delete = true;
        self.pending_delete.push(copy);
    }

    /// The old resources no registration took over, then the replaced copies: what an update
    /// deletes at its end.
    pub fn unclaimed(&self) -> Vec<ResourceState> {
        self.old
            .iter()
            .filter(|r| !self.claims.contains_key(&r.urn))
            .cloned()
            .chain(self.pending_delete.iter().cloned())
            .collect()
    }

    /// Removes a deleted resource (matched by URN, ID and whether it was a replaced copy).
    pub fn remove(&mut self, gone: &ResourceState) {
        let same =
            |r: &ResourceState| r.urn == gone.urn && r.id == gone.id && r.delete == gone.delete;
        if gone.delete {
            self.pending_delete.retain(|r| !same(r));
        } else {
            self.old.retain(|r| !same(r));
            self.new.retain(|r| !same(r));
        }
    }

    /// Replaces an old entry in place (refresh).
    pub fn replace_old(&mut self, updated: ResourceState) {
        if let Some(r) = self
            .old
            .iter_mut()
            .chain(self.pending_delete.iter_mut())
            .find(|r| r.urn == updated.urn && r.id == updated.id && r.delete == updated.delete)
        {
            *r = updated;
        }
    }

    pub fn all_old(&self) -> Vec<ResourceState> {
        self.old
            .iter()
            .cloned()
            .chain(self.pending_delete.iter().cloned())
            .collect()
    }

    pub fn to_file(&self, project: &str, stack: &str) -> StateFile {
        let mut resources = self.new.clone();
        resources.extend(
            self.old
                .iter()
                .filter(|r| match self.claims.get(&r.urn) {
                    Some(successor) => self.registered(successor).is_none(),
                    None => true,
                })
                .cloned(),
        );
        resources.extend(self.pending_delete.iter().cloned());
        StateFile {
            version: 1,
            project: project.to_string(),
            stack: stack.to_string(),
            resources,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(name: &str) -> ResourceState {
        ResourceState::new(&format!("urn:pulumi:dev::p::t:m:T::{name}"), "t:m:T", true)
    }

    #[test]
    fn written_state_is_new_then_unclaimed_then_replaced() {
        let mut s = Snapshot::new(vec![res("a"), res("b"), res("c")]);
        let old_b = s.claim_old(&res("b").urn, &[]).unwrap();
        let mut new_b = res("b");
        new_b.id = "new".into();
        let before = s.to_file("p", "dev");
        assert_eq!(
            before.resources.len(),
            3,
            "a claimed entry stays until its successor is recorded"
        );
        s.mark_replaced(&old_b);
        s.add_new(new_b);
        let file = s.to_file("p", "dev");
        let order: Vec<(&str, &str, bool)> = file
            .resources
            .iter()
            .map(|r| (r.name(), r.id.as_str(), r.delete))
            .collect();
        assert_eq!(
            order,
            [
                ("b", "new", false),
                ("a", "", false),
                ("c", "", false),
                ("b", "", true)
            ]
        );
        assert_eq!(s.unclaimed().len(), 3);
        assert!(s.begin("u"));
        assert!(!s.begin("u"));
    }

    #[test]
    fn aliases_claim_the_old_entry() {
        let mut s = Snapshot::new(vec![res("old-name")]);
        let claimed = s.claim_old(&res("new-name").urn, &[res("old-name").urn]);
        assert_eq!(claimed.unwrap().name(), "old-name");
        assert!(s.unclaimed().is_empty());
    }

    #[test]
    fn outputs_registered_early_are_kept() {
        let mut s = Snapshot::new(vec![]);
        s.set_outputs(&res("c").urn, serde_json::json!({"x": 1}));
        s.add_new(res("c"));
        assert_eq!(s.registered(&res("c").urn).unwrap().outputs["x"], 1);
    }
}
