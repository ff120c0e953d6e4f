//! What the RPC-level reliability tests share: the provider service called through its gRPC trait,
//! an engine stand-in (ResourceMonitor and Engine Log) that records what it is sent, and a way to print
//! the figures a test measured so that they show in `cargo test` output (test output is captured;
//! these lines are written to the process's stderr directly, past the capture).

#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::sync::{Arc, Mutex};

use multiregion_dr::rpc::codec::{decode_opt, encode_struct};
use multiregion_dr::value::{UnknownKind, Value};
use pulumi_gestalt_proto::pulumi::pulumirpc as rpc;
use rpc::engine_server::{Engine, EngineServer};
use rpc::resource_monitor_server::{ResourceMonitor, ResourceMonitorServer};
use tokio_stream::wrappers::TcpListenerStream;
use tonic::{Request, Response, Status};

/// Prints `[figures] <test>: <line>` past libtest's capture, so `make test` shows it.
pub fn figure(test: &str, line: &str) {
    let _ = writeln!(std::io::stderr(), "[figures] {test}: {line}");
}

pub const STACK: &str = "dev";
pub const PROJECT: &str = "proj";

pub fn urn(token: &str, name: &str) -> String {
    format!("urn:pulumi:{STACK}::{PROJECT}::{token}::{name}")
}

pub fn stack_urn() -> String {
    urn("pulumi:pulumi:Stack", &format!("{PROJECT}-{STACK}"))
}

pub fn json(v: serde_json::Value) -> Value {
    Value::from_json(&v)
}

pub fn strukt(v: &Value) -> prost_types::Struct {
    encode_struct(v)
}

#[derive(Debug, Clone)]
pub enum Call {
    Register(Box<rpc::RegisterResourceRequest>),
    Outputs(rpc::RegisterResourceOutputsRequest),
}

/// A ResourceMonitor that answers as the engine does and records what it is sent: URNs built the
/// engine's way (a child's type qualified by its parent's), `{}` for components, and for custom
/// resources their inputs echoed with the outputs only AWS can tell (unknown in preview).
#[derive(Default)]
pub struct Monitor {
    pub calls: Mutex<Vec<Call>>,
    /// URN → type, to build children's qualified types as the engine does.
    types: Mutex<HashMap<String, String>>,
    pub preview: bool,
    /// A custom resource whose registration the engine refuses at once (its create failed).
    pub refuse: Option<String>,
    /// How long every other custom resource takes to register (its create runs that long).
    pub delay: std::time::Duration,
    /// The names whose registration was answered, in the order they were.
    pub answered: Mutex<Vec<String>>,
}

impl Monitor {
    /// A monitor for a program whose stack resource is registered already.
    pub fn new(preview: bool) -> Monitor {
        let monitor = Monitor {
            preview,
            ..Monitor::default()
        };
        monitor
            .types
            .lock()
            .unwrap()
            .insert(stack_urn(), "pulumi:pulumi:Stack".into());
        monitor
    }

    /// A monitor on which `name` fails to register while the other children take `delay`.
    pub fn refusing(name: &str, delay: std::time::Duration) -> Monitor {
        Monitor {
            refuse: Some(name.to_string()),
            delay,
            ..Monitor::new(false)
        }
    }

    /// Every RegisterResource request, in order.
    pub fn registered(&self) -> Vec<rpc::RegisterResourceRequest> {
        let calls = self.calls.lock().unwrap();
        calls
            .iter()
            .filter_map(|c| match c {
                Call::Register(r) => Some((**r).clone()),
                Call::Outputs(_) => None,
            })
            .collect()
    }

    pub fn urn(&self, parent: &str, ty: &str, name: &str) -> String {
        let types = self.types.lock().unwrap();
        let qualified = match types.get(parent) {
            Some(parent_type) if parent_type != "pulumi:pulumi:Stack" => {
                // the parent's qualified type is the third `::` field of its URN
                let parent_qualified = parent.split("::").nth(2).unwrap_or(parent_type);
                format!("{parent_qualified}${ty}")
            }
            _ => ty.to_string(),
        };
        format!("urn:pulumi:{STACK}::{PROJECT}::{qualified}::{name}")
    }
}

#[tonic::async_trait]
impl ResourceMonitor for Monitor {
    async fn supports_feature(
        &self,
        _: Request<rpc::SupportsFeatureRequest>,
    ) -> Result<Response<rpc::SupportsFeatureResponse>, Status> {
        Ok(Response::new(rpc::SupportsFeatureResponse {
            has_support: true,
        }))
    }
    async fn invoke(
        &self,
        _: Request<rpc::ResourceInvokeRequest>,
    ) -> Result<Response<rpc::InvokeResponse>, Status> {
        Err(Status::unimplemented("invoke"))
    }
    async fn call(
        &self,
        _: Request<rpc::ResourceCallRequest>,
    ) -> Result<Response<rpc::CallResponse>, Status> {
        Err(Status::unimplemented("call"))
    }
    async fn read_resource(
        &self,
        _: Request<rpc::ReadResourceRequest>,
    ) -> Result<Response<rpc::ReadResourceResponse>, Status> {
        Err(Status::unimplemented("read"))
    }
    async fn register_resource(
        &self,
        request: Request<rpc::RegisterResourceRequest>,
    ) -> Result<Response<rpc::RegisterResourceResponse>, Status> {
        let req = request.into_inner();
        let urn = self.urn(&req.parent, &req.r#type, &req.name);
        self.types
            .lock()
            .unwrap()
            .insert(urn.clone(), req.r#type.clone());
        self.calls
            .lock()
            .unwrap()
            .push(Call::Register(Box::new(req.clone())));
        if req.custom {
            if self.refuse.as_deref() == Some(req.name.as_str()) {
                return Err(Status::unknown(format!(
                    "creating {}: AccessDenied: refused",
                    req.name
                )));
            }
            tokio::time::sleep(self.delay).await;
        }
        self.answered.lock().unwrap().push(req.name.clone());
        let object = if !req.custom {
            Value::object::<_, String>([])
        } else {
            // a custom resource echoes its inputs plus the outputs only AWS can tell
            let mut state = decode_opt(req.object.as_ref());
            if let Value::Object(map) = &mut state {
                let fqdn = if self.preview {
                    Value::Unknown(UnknownKind::String)
                } else {
                    Value::string("api.example.com")
                };
                map.insert("fqdn".into(), fqdn);
                map.insert("primaryRegion".into(), Value::string("us-east-1"));
                map.insert("secondaryRegion".into(), Value::string("us-east-2"));
            }
            state
        };
        Ok(Response::new(rpc::RegisterResourceResponse {
            urn,
            id: if req.custom && !self.preview {
                "id-1".into()
            } else {
                String::new()
            },
            object: Some(encode_struct(&object)),
            ..Default::default()
        }))
    }
    async fn register_resource_outputs(
        &self,
        request: Request<rpc::RegisterResourceOutputsRequest>,
    ) -> Result<Response<()>, Status> {
        self.calls
            .lock()
            .unwrap()
            .push(Call::Outputs(request.into_inner()));
        Ok(Response::new(()))
    }
    async fn register_stack_transform(
        &self,
        _: Request<rpc::Callback>,
    ) -> Result<Response<()>, Status> {
        Err(Status::unimplemented("transforms"))
    }
    async fn register_stack_invoke_transform(
        &self,
        _: Request<rpc::Callback>,
    ) -> Result<Response<()>, Status> {
        Err(Status::unimplemented("transforms"))
    }
    async fn register_resource_hook(
        &self,
        _: Request<rpc::RegisterResourceHookRequest>,
    ) -> Result<Response<()>, Status> {
        Err(Status::unimplemented("hooks"))
    }
    async fn register_error_hook(
        &self,
        _: Request<rpc::RegisterErrorHookRequest>,
    ) -> Result<Response<()>, Status> {
        Err(Status::unimplemented("hooks"))
    }
    async fn register_package(
        &self,
        _: Request<rpc::RegisterPackageRequest>,
    ) -> Result<Response<rpc::RegisterPackageResponse>, Status> {
        Err(Status::unimplemented("packages"))
    }
    async fn signal_and_wait_for_shutdown(&self, _: Request<()>) -> Result<Response<()>, Status> {
        Ok(Response::new(()))
    }
}

/// Serves `monitor` on a loopback port; returns its address.
pub async fn serve_monitor(monitor: Arc<Monitor>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(ResourceMonitorServer::from_arc(monitor))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    address
}

/// The engine's Log service, recording every message.
#[derive(Default)]
pub struct EngineLog {
    pub messages: Mutex<Vec<rpc::LogRequest>>,
}

#[tonic::async_trait]
impl Engine for EngineLog {
    async fn log(&self, request: Request<rpc::LogRequest>) -> Result<Response<()>, Status> {
        self.messages.lock().unwrap().push(request.into_inner());
        Ok(Response::new(()))
    }
    async fn get_root_resource(
        &self,
        _: Request<rpc::GetRootResourceRequest>,
    ) -> Result<Response<rpc::GetRootResourceResponse>, Status> {
        Ok(Response::new(rpc::GetRootResourceResponse::default()))
    }
    async fn set_root_resource(
        &self,
        _: Request<rpc::SetRootResourceRequest>,
    ) -> Result<Response<rpc::SetRootResourceResponse>, Status> {
        Ok(Response::new(rpc::SetRootResourceResponse::default()))
    }
    async fn start_debugging(
        &self,
        _: Request<rpc::StartDebuggingRequest>,
    ) -> Result<Response<()>, Status> {
        Ok(Response::new(()))
    }
    async fn require_pulumi_version(
        &self,
        _: Request<rpc::RequirePulumiVersionRequest>,
    ) -> Result<Response<rpc::RequirePulumiVersionResponse>, Status> {
        Ok(Response::new(rpc::RequirePulumiVersionResponse::default()))
    }
}

pub async fn serve_engine(engine: Arc<EngineLog>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(EngineServer::from_arc(engine))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    address
}

/// Property paths of the failures in an InvalidArgument status's message (`  path: reason` lines).
pub fn status_failures(status: &Status) -> Vec<(String, String)> {
    status
        .message()
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter_map(|l| l.split_once(": "))
        .map(|(p, r)| (p.to_string(), r.to_string()))
        .collect()
}

/// Every string leaf outside a secret wrapper, with its path: what a non-secret output shows.
pub fn plain_strings(v: &Value, path: &str, out: &mut BTreeSet<(String, String)>) {
    match v {
        Value::String(s) => {
            out.insert((path.to_string(), s.clone()));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                plain_strings(item, &format!("{path}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                plain_strings(item, &format!("{path}.{k}"), out);
            }
        }
        Value::Output(o) if !o.secret => {
            if let Some(inner) = &o.value {
                plain_strings(inner, path, out);
            }
        }
        _ => {}
    }
}
