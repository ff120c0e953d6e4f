//! What the RPC-level reliability tests share: the provider service called through its gRPC trait,
//! an engine stand-in (ResourceMonitor and Engine Log) that records what it is sent, and a way to print
//! the figures a test measured so that they show in `cargo test` output (test output is captured;
//! these lines are written to the process's stderr directly, past the capture).

#![allow(dead_code)]

use std::collections::BTreeSet;
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

pub fn urn(token: &str, name: &str) -> String {
    format!("urn:pulumi:dev::proj::{token}::{name}")
}

pub fn json(v: serde_json::Value) -> Value {
    Value::from_json(&v)
}

pub fn strukt(v: &Value) -> prost_types::Struct {
    encode_struct(v)
}

/// A ResourceMonitor that accepts every registration as the engine would: URNs from type and name,
/// `{}` for components, the inputs echoed (with unknowns in preview) for custom resources.
#[derive(Default)]
pub struct Monitor {
    pub registered: Mutex<Vec<rpc::RegisterResourceRequest>>,
    pub preview: bool,
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
        let urn = urn(&req.r#type, &req.name);
        let mut object = if req.custom {
            decode_opt(req.object.as_ref())
        } else {
            Value::object::<_, String>([])
        };
        if let (true, Value::Object(map)) = (req.custom && self.preview, &mut object) {
            map.insert("fqdn".into(), Value::Unknown(UnknownKind::String));
        }
        let id = if req.custom && !self.preview {
            "id-1".to_string()
        } else {
            String::new()
        };
        self.registered.lock().unwrap().push(req);
        Ok(Response::new(rpc::RegisterResourceResponse {
            urn,
            id,
            object: Some(encode_struct(&object)),
            ..Default::default()
        }))
    }
    async fn register_resource_outputs(
        &self,
        _: Request<rpc::RegisterResourceOutputsRequest>,
    ) -> Result<Response<()>, Status> {
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
