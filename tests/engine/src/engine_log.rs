//! `pulumirpc.Engine`, reached through the `--engine` address by programs and plugins: Log (printed
//! and recorded, status messages kept), and the root resource the Node.js SDK sets.

use std::sync::Arc;

use pulumi_gestalt_proto::pulumi::pulumirpc as rpc;
use pulumi_gestalt_proto::pulumi::pulumirpc::engine_server::Engine;
use tonic::{Request, Response, Status};

use crate::deployment::Deployment;
use crate::events::Severity;

pub struct EngineService {
    pub deployment: Arc<Deployment>,
}

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl Engine for EngineService {
    async fn log(&self, request: Request<rpc::LogRequest>) -> Reply<()> {
        let req = request.into_inner();
        self.deployment.events.log(
            Severity::from_rpc(req.severity),
            &req.message,
            &req.urn,
            req.ephemeral,
        );
        Ok(Response::new(()))
    }

    async fn get_root_resource(
        &self,
        _: Request<rpc::GetRootResourceRequest>,
    ) -> Reply<rpc::GetRootResourceResponse> {
        let urn = self
            .deployment
            .root_urn
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        Ok(Response::new(rpc::GetRootResourceResponse { urn }))
    }

    async fn set_root_resource(
        &self,
        request: Request<rpc::SetRootResourceRequest>,
    ) -> Reply<rpc::SetRootResourceResponse> {
        *self
            .deployment
            .root_urn
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = request.into_inner().urn;
        Ok(Response::new(rpc::SetRootResourceResponse {}))
    }

    async fn start_debugging(&self, request: Request<rpc::StartDebuggingRequest>) -> Reply<()> {
        self.deployment.events.log(
            Severity::Info,
            &format!(
                "program started under a debugger: {}",
                request.into_inner().message
            ),
            "",
            false,
        );
        Ok(Response::new(()))
    }

    /// No version constraint is enforced: this stand-in implements the protocol of the SDKs it is
    /// tested with.
    async fn require_pulumi_version(
        &self,
        _: Request<rpc::RequirePulumiVersionRequest>,
    ) -> Reply<rpc::RequirePulumiVersionResponse> {
        Ok(Response::new(rpc::RequirePulumiVersionResponse {}))
    }
}
