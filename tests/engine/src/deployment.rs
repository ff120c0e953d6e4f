//! One run of the engine: its options, the state it works on, the providers it loaded, and the
//! bookkeeping the resource monitor and the step logic share.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::{watch, Semaphore};

use crate::events::{Events, Severity};
use crate::project::StackConfig;
use crate::providers::ProviderRegistry;
use crate::snapshot::Snapshot;
use crate::state::{self, ResourceState};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Preview,
    Up,
    Refresh,
    Destroy,
}

impl Operation {
    pub fn name(self) -> &'static str {
        match self {
            Operation::Preview => "preview",
            Operation::Up => "up",
            Operation::Refresh => "refresh",
            Operation::Destroy => "destroy",
        }
    }

    pub fn parse(s: &str) -> Option<Operation> {
        match s {
            "preview" => Some(Operation::Preview),
            "up" | "update" => Some(Operation::Up),
            "refresh" => Some(Operation::Refresh),
            "destroy" => Some(Operation::Destroy),
            _ => None,
        }
    }
}

pub const ORGANIZATION: &str = "organization";

/// What a run needs to know that does not change while it runs.
pub struct Settings {
    pub operation: Operation,
    pub project: String,
    pub stack: String,
    pub cwd: PathBuf,
    pub config: StackConfig,
    pub parallel: usize,
    pub state_path: PathBuf,
    /// `--plugin`: the binary for package [`crate::EXPLICIT_PLUGIN_PACKAGE`].
    pub plugin_path: Option<PathBuf>,
    /// Pulumi.yaml `plugins.providers` folders.
    pub plugin_dirs: BTreeMap<String, PathBuf>,
}

pub struct Deployment {
    pub settings: Settings,
    pub events: Arc<Events>,
    pub snapshot: Mutex<Snapshot>,
    pub providers: ProviderRegistry,
    /// `--parallel`: how many provider operations run at once.
    pub permits: Semaphore,
    /// The address of this engine's gRPC server (ResourceMonitor and Engine services).
    pub address: OnceLock<String>,
    pub root_urn: Mutex<String>,
    /// `providers` maps registered with components, for remote children that inherit them.
    pub component_providers: Mutex<HashMap<String, HashMap<String, String>>>,
    /// The alias URNs of each resource registered this run, which its children inherit.
    pub alias_map: Mutex<HashMap<String, Vec<String>>>,
    failed: AtomicBool,
    inflight: watch::Sender<usize>,
    /// Serialises state writes, so that the last write carries the latest snapshot.
    save_lock: Mutex<()>,
}

/// Counts an RPC in flight until dropped: SignalAndWaitForShutdown and the end of the run wait for
/// the count to reach zero.
pub struct InflightGuard<'a>(&'a watch::Sender<usize>);

impl Drop for InflightGuard<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl Deployment {
    pub fn new(settings: Settings, events: Arc<Events>, old: Vec<ResourceState>) -> Deployment {
        let parallel = settings.parallel.max(1);
        Deployment {
            settings,
            events,
            snapshot: Mutex::new(Snapshot::new(old)),
            providers: ProviderRegistry::default(),
            permits: Semaphore::new(parallel),
            address: OnceLock::new(),
            root_urn: Mutex::new(String::new()),
            component_providers: Mutex::new(HashMap::new()),
            alias_map: Mutex::new(HashMap::new()),
            failed: AtomicBool::new(false),
            inflight: watch::channel(0).0,
            save_lock: Mutex::new(()),
        }
    }

    pub fn dry_run(&self) -> bool {
        self.settings.operation == Operation::Preview
    }

    pub fn address(&self) -> String {
        self.address.get().cloned().unwrap_or_default()
    }

    pub fn snapshot(&self) -> std::sync::MutexGuard<'_, Snapshot> {
        self.snapshot.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn has_failed(&self) -> bool {
        self.failed.load(Ordering::SeqCst)
    }

    /// Records an error that fails the run.
    pub fn fail(&self, urn: &str, message: &str) {
        self.failed.store(true, Ordering::SeqCst);
        self.events.diag(Severity::Error, urn, message);
    }

    pub fn mark_failed(&self) {
        self.failed.store(true, Ordering::SeqCst);
    }

    pub fn inflight(&self) -> InflightGuard<'_> {
        self.inflight.send_modify(|n| *n += 1);
        InflightGuard(&self.inflight)
    }

    /// Waits until no registration, read, invoke or call is in flight.
    pub async fn idle(&self) {
        let mut rx = self.inflight.subscribe();
        let _ = rx.wait_for(|n| *n == 0).await;
    }

    /// Writes the state file (never during a preview). A failed write fails the run: continuing
    /// would leave resources the state does not know.
    pub fn save(&self) {
        if self.dry_run() {
            return;
        }
        let _writing = self.save_lock.lock().unwrap_or_else(|e| e.into_inner());
        let file = self
            .snapshot()
            .to_file(&self.settings.project, &self.settings.stack);
        if let Err(e) = state::save(&self.settings.state_path, &file) {
            self.fail("", &e);
        }
    }
}
