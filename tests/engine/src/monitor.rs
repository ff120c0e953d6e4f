//! `pulumirpc.ResourceMonitor`, the service programs (and component providers' Construct) talk
//! to. Thin: each call hands off to the deployment.

use std::sync::Arc;

use pulumi_gestalt_proto::pulumi::pulumirpc as rpc;
use pulumi_gestalt_proto::pulumi::pulumirpc::resource_monitor_server::ResourceMonitor;
use tonic::{Request, Response, Status};

use crate::deployment::Deployment;

/// Feature IDs this engine honours. Transforms, invoke transforms, resource and error hooks,
/// parameterization and replaceWith are answered false.
///
/// Alias specs must be answered true, as the engine does: without them the Python SDK computes
/// alias URNs itself, which fails inside a component provider's Construct (its parent is a
/// `DependencyResource` without a name).
pub const SUPPORTED_FEATURES: [&str; 5] = [
    "secrets",
    "resourceReferences",
    "outputValues",
    "deletedWith",
    "aliasSpecs",
];

pub struct MonitorService {
    pub deployment: Arc<Deployment>,
}

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl ResourceMonitor for MonitorService {
    async fn supports_feature(
        &self,
        request: Request<rpc::SupportsFeatureRequest>,
    ) -> Reply<rpc::SupportsFeatureResponse> {
        let id = request.into_inner().id;
        Ok(Response::new(rpc::SupportsFeatureResponse {
            has_support: SUPPORTED_FEATURES.contains(&id.as_str()),
        }))
    }

    async fn invoke(
        &self,
        request: Request<rpc::ResourceInvokeRequest>,
    ) -> Reply<rpc::InvokeResponse> {
        self.deployment
            .invoke(request.into_inner())
            .await
            .map(Response::new)
    }

    async fn call(&self, request: Request<rpc::ResourceCallRequest>) -> Reply<rpc::CallResponse> {
        self.deployment
            .call(request.into_inner())
            .await
            .map(Response::new)
    }

    async fn read_resource(
        &self,
        request: Request<rpc::ReadResourceRequest>,
    ) -> Reply<rpc::ReadResourceResponse> {
        self.deployment
            .read_resource(request.into_inner())
            .await
            .map(Response::new)
    }

    async fn register_resource(
        &self,
        request: Request<rpc::RegisterResourceRequest>,
    ) -> Reply<rpc::RegisterResourceResponse> {
        self.deployment
            .register_resource(request.into_inner())
            .await
            .map(Response::new)
    }

    async fn register_resource_outputs(
        &self,
        request: Request<rpc::RegisterResourceOutputsRequest>,
    ) -> Reply<()> {
        self.deployment.register_outputs(request.into_inner());
        Ok(Response::new(()))
    }

    async fn register_stack_transform(&self, _: Request<rpc::Callback>) -> Reply<()> {
        Err(Status::unimplemented(
            "transforms are not supported by dr-engine",
        ))
    }

    async fn register_stack_invoke_transform(&self, _: Request<rpc::Callback>) -> Reply<()> {
        Err(Status::unimplemented(
            "invoke transforms are not supported by dr-engine",
        ))
    }

    async fn register_resource_hook(
        &self,
        _: Request<rpc::RegisterResourceHookRequest>,
    ) -> Reply<()> {
        Err(Status::unimplemented(
            "resource hooks are not supported by dr-engine",
        ))
    }

    async fn register_error_hook(&self, _: Request<rpc::RegisterErrorHookRequest>) -> Reply<()> {
        Err(Status::unimplemented(
            "error hooks are not supported by dr-engine",
        ))
    }

    async fn register_package(
        &self,
        _: Request<rpc::RegisterPackageRequest>,
    ) -> Reply<rpc::RegisterPackageResponse> {
        Err(Status::unimplemented(
            "parameterized packages are not supported by dr-engine",
        ))
    }

    /// Returns once every step the program started has finished.
    async fn signal_and_wait_for_shutdown(&self, _: Request<()>) -> Reply<()> {
        self.deployment.idle().await;
        Ok(Response::new(()))
    }
}
