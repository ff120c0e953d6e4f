//! dr-engine: a stand-in for the Pulumi engine, for tests. It serves the ResourceMonitor and Engine
//! services to real Node.js and Python programs (the real Pulumi SDKs), and drives resource
//! provider plugins exactly as the engine does, keeping a JSON state file.
//!
//! Module map: `cli` (command line), `project` (Pulumi.yaml, stack config), `program` (running the
//! program), `monitor`/`engine_log` (the gRPC services), `register` (what each monitor call does),
//! `providers`/`plugin` (provider instances and their processes), `steps` (check, diff, create,
//! update, replace, delete, refresh), `snapshot`/`state` (state in memory and on disk), `props`
//! (the wire encoding of values), `urn`, `events`/`summary` (output).

pub mod cli;
pub mod deployment;
pub mod engine_log;
pub mod events;
pub mod monitor;
pub mod plugin;
pub mod program;
pub mod project;
pub mod property_path;
pub mod props;
pub mod providers;
pub mod register;
pub mod rpc_error;
pub mod snapshot;
pub mod state;
pub mod steps;
pub mod summary;
pub mod timeouts;
pub mod urn;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use pulumi_gestalt_proto::pulumi::pulumirpc::engine_server::EngineServer;
use pulumi_gestalt_proto::pulumi::pulumirpc::resource_monitor_server::ResourceMonitorServer;
use serde_json::Value as Json;
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;

use crate::cli::Options;
use crate::deployment::{Deployment, Operation, Settings};
use crate::events::Events;
use crate::plugin::MAX_MESSAGE_SIZE;
use crate::summary::Summary;

/// The package whose plugin `--plugin` names.
pub const EXPLICIT_PLUGIN_PACKAGE: &str = "multiregion-dr";

fn header(operation: Operation, stack: &str) -> String {
    match operation {
        Operation::Preview => format!("Previewing update ({stack}):"),
        Operation::Up => format!("Updating ({stack}):"),
        Operation::Refresh => format!("Refreshing ({stack}):"),
        Operation::Destroy => format!("Destroying ({stack}):"),
    }
}

/// Serves the ResourceMonitor and Engine services on one loopback port until `stop` fires.
async fn serve(
    deployment: Arc<Deployment>,
    stop: tokio::sync::oneshot::Receiver<()>,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let _ = deployment.address.set(format!("127.0.0.1:{port}"));
    let monitor = ResourceMonitorServer::new(monitor::MonitorService {
        deployment: deployment.clone(),
    })
    .max_decoding_message_size(MAX_MESSAGE_SIZE)
    .max_encoding_message_size(MAX_MESSAGE_SIZE);
    let engine = EngineServer::new(engine_log::EngineService {
        deployment: deployment.clone(),
    })
    .max_decoding_message_size(MAX_MESSAGE_SIZE)
    .max_encoding_message_size(MAX_MESSAGE_SIZE);
    Ok(tokio::spawn(async move {
        let served = tonic::transport::Server::builder()
            .add_service(monitor)
            .add_service(engine)
            .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async {
                let _ = stop.await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!("engine server stopped: {e}");
        }
    }))
}

/// What a run produced.
pub struct Outcome {
    pub summary: Summary,
}

/// Fails before anything ran (bad project, config or state): reported like any other failure.
fn early_failure(options: &Options, events: &Events, message: &str) -> Outcome {
    events.error(message);
    let summary = Summary::new(
        options.operation,
        &[],
        props::empty_object(),
        events.errors(),
        None,
        false,
    );
    finish(options, summary, 0.0)
}

fn finish(options: &Options, mut summary: Summary, seconds: f64) -> Outcome {
    if options.expect_no_changes {
        summary.expect_no_changes();
    }
    let text = summary.render(options.operation == Operation::Preview, seconds);
    {
        use std::io::Write;
        // A closed stdout (a pager that quit) must not turn a finished run into a crash.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "\n{text}").and_then(|_| out.flush());
    }
    if let Some(path) = &options.summary {
        if let Err(e) = summary.write(path) {
            eprintln!("error: {e}");
            summary.ok = false;
            summary.exit_code = 1;
        }
    }
    Outcome { summary }
}

/// One engine run: preview, up, refresh or destroy.
pub async fn run(options: &Options) -> Outcome {
    let started = Instant::now();
    let events = match Events::new(options.events.as_deref()) {
        Ok(e) => Arc::new(e),
        Err(e) => {
            let fallback = Events::new(None).expect("an events log without a file cannot fail");
            return early_failure(options, &fallback, &e);
        }
    };
    events.print(&header(options.operation, &options.stack));
    let project = match project::Project::load(&options.cwd) {
        Ok(p) => p,
        Err(e) => return early_failure(options, &events, &e),
    };
    let config = match project.stack_config(&options.stack, &options.config, &options.secret_config)
    {
        Ok(c) => c,
        Err(e) => return early_failure(options, &events, &e),
    };
    let old = match state::load(&options.state) {
        Ok(Some(s)) => {
            if s.project != project.name || s.stack != options.stack {
                return early_failure(
                    options,
                    &events,
                    &format!(
                        "state file {} belongs to {}/{}, not {}/{}",
                        options.state.display(),
                        s.project,
                        s.stack,
                        project.name,
                        options.stack
                    ),
                );
            }
            s.resources
        }
        Ok(None) => Vec::new(),
        Err(e) => return early_failure(options, &events, &e),
    };
    let deployment = Arc::new(Deployment::new(
        Settings {
            operation: options.operation,
            project: project.name.clone(),
            stack: options.stack.clone(),
            cwd: options.cwd.clone(),
            config,
            parallel: options.parallel,
            state_path: options.state.clone(),
            plugin_path: options.plugin.clone(),
            plugin_dirs: project.plugin_dirs.clone(),
        },
        events.clone(),
        old,
    ));
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let server = match serve(deployment.clone(), stopped).await {
        Ok(s) => s,
        Err(e) => return early_failure(options, &events, &e),
    };

    let mut program_exit_code = None;
    match options.operation {
        Operation::Preview | Operation::Up => {
            let program_options = program::ProgramOptions {
                python: options.python.clone(),
            };
            match program::run(&project, &deployment, &program_options).await {
                Ok(code) => {
                    program_exit_code = Some(code);
                    // Steps a failing program left running still finish and are recorded.
                    deployment.idle().await;
                    if code != 0 {
                        deployment.fail(
                            "",
                            &format!(
                                "the program exited with code {code}; no resources were deleted"
                            ),
                        );
                    } else if !deployment.has_failed() {
                        let unclaimed = deployment.snapshot().unclaimed();
                        deployment.delete_resources(unclaimed).await;
                    }
                }
                Err(e) => deployment.fail("", &e),
            }
        }
        Operation::Refresh => {
            deployment.refresh_all().await;
        }
        Operation::Destroy => {
            let all = deployment.snapshot().all_old();
            deployment.delete_resources(all).await;
        }
    }
    // The final state, also when nothing changed (an empty stack still gets its file).
    deployment.save();
    deployment.shutdown_plugins().await;
    let _ = stop.send(());
    let _ = server.await;

    let outputs = stack_outputs(&deployment);
    let summary = Summary::new(
        options.operation,
        &events.steps(),
        outputs,
        events.errors(),
        program_exit_code,
        !deployment.has_failed(),
    );
    finish(options, summary, started.elapsed().as_secs_f64())
}

fn stack_outputs(d: &Deployment) -> Json {
    if d.settings.operation == Operation::Destroy {
        return props::empty_object();
    }
    let snap = d.snapshot();
    let file = snap.to_file(&d.settings.project, &d.settings.stack);
    file.resources
        .iter()
        .find(|r| r.ty == urn::STACK_TYPE && r.parent.is_empty())
        .map(|r| r.outputs.clone())
        .unwrap_or_else(props::empty_object)
}
