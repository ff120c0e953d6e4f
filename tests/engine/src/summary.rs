//! The end of a run: the CLI-style summary on stdout and the `--summary` JSON file.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::Value as Json;

use crate::deployment::Operation;
use crate::events::{Op, StepRecord};
use crate::props;

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub op: &'static str,
    pub urn: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub operation: &'static str,
    pub ok: bool,
    pub exit_code: i32,
    pub program_exit_code: Option<i32>,
    pub steps: Vec<Step>,
    pub counts: BTreeMap<&'static str, usize>,
    /// Stack outputs, secrets still wrapped.
    pub outputs: Json,
    pub errors: Vec<String>,
}

impl Summary {
    pub fn new(
        operation: Operation,
        steps: &[StepRecord],
        outputs: Json,
        errors: Vec<String>,
        program_exit_code: Option<i32>,
        ok: bool,
    ) -> Summary {
        let shown: Vec<&StepRecord> = steps.iter().filter(|s| !s.hidden).collect();
        let counts = Op::SUMMARY
            .iter()
            .map(|op| (op.name(), shown.iter().filter(|s| s.op == *op).count()))
            .collect();
        Summary {
            operation: operation.name(),
            ok,
            exit_code: if ok { 0 } else { 1 },
            program_exit_code,
            steps: shown
                .iter()
                .map(|s| Step {
                    op: s.op.name(),
                    urn: s.urn.clone(),
                    ty: s.ty.clone(),
                    name: s.name().to_string(),
                })
                .collect(),
            counts,
            outputs,
            errors,
        }
    }

    /// `--expect-no-changes`: every step must be `same`.
    pub fn expect_no_changes(&mut self) {
        let changes: Vec<String> = self
            .steps
            .iter()
            .filter(|s| s.op != "same")
            .map(|s| format!("{} {}", s.op, s.urn))
            .collect();
        if !changes.is_empty() {
            self.errors.push(format!(
                "no changes were expected, but {} step(s) would change something: {}",
                changes.len(),
                changes.join(", ")
            ));
            self.ok = false;
            self.exit_code = 1;
        }
    }

    pub fn render(&self, preview: bool, seconds: f64) -> String {
        let mut out = String::new();
        if let Some(map) = self.outputs.as_object().filter(|m| !m.is_empty()) {
            out.push_str("Outputs:\n");
            let width = map.keys().map(String::len).max().unwrap_or(0);
            for (k, v) in map {
                out.push_str(&format!("    {k:<width$}: {}\n", props::display(v)));
            }
            out.push('\n');
        }
        out.push_str("Resources:\n");
        let verbs: [(&str, &str, &str, &str); 6] = [
            ("create", "+ ", "to create", "created"),
            ("update", "~ ", "to update", "updated"),
            ("replace", "+-", "to replace", "replaced"),
            ("delete", "- ", "to delete", "deleted"),
            ("read", "> ", "to read", "read"),
            ("same", "  ", "unchanged", "unchanged"),
        ];
        let mut any = false;
        for (op, symbol, future, past) in verbs {
            let n = self.counts.get(op).copied().unwrap_or(0);
            if n > 0 {
                any = true;
                out.push_str(&format!(
                    "    {symbol}{n} {}\n",
                    if preview { future } else { past }
                ));
            }
        }
        if !any {
            out.push_str("    (none)\n");
        }
        if !self.errors.is_empty() {
            out.push_str("\nErrors:\n");
            for e in &self.errors {
                out.push_str(&format!("    {}\n", e.replace('\n', "\n      ")));
            }
        }
        out.push_str(&format!("\nDuration: {seconds:.1}s\n"));
        out
    }

    pub fn write(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n")
            .map_err(|e| format!("cannot write summary {}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(op: Op, name: &str, hidden: bool) -> StepRecord {
        StepRecord {
            op,
            urn: format!("urn:pulumi:dev::p::t:m:T::{name}"),
            ty: "t:m:T".into(),
            hidden,
        }
    }

    #[test]
    fn hidden_steps_are_neither_listed_nor_counted() {
        let steps = [
            step(Op::Create, "a", false),
            step(Op::Create, "default_0_1_0", true),
            step(Op::Same, "b", false),
        ];
        let s = Summary::new(
            Operation::Up,
            &steps,
            serde_json::json!({}),
            vec![],
            Some(0),
            true,
        );
        assert!(s.ok);
        assert_eq!(s.steps.len(), 2);
        assert_eq!(s.counts["create"], 1);
        assert_eq!(s.counts["same"], 1);
        assert_eq!(s.counts["read"], 0);
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["programExitCode"], 0);
        assert_eq!(json["steps"][0]["name"], "a");
    }

    #[test]
    fn expect_no_changes_fails_on_any_change() {
        let mut s = Summary::new(
            Operation::Preview,
            &[step(Op::Same, "a", false), step(Op::Update, "b", false)],
            serde_json::json!({}),
            vec![],
            Some(0),
            true,
        );
        s.expect_no_changes();
        assert!(!s.ok);
        assert_eq!(s.exit_code, 1);
        assert!(s.errors[0].contains("update urn:pulumi:dev::p::t:m:T::b"));
        assert!(s.render(true, 1.0).contains("~ 1 to update"));
    }
}
