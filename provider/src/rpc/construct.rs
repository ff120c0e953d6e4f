//! Construct: the `MultiRegionDR` component registered through the engine's ResourceMonitor, the way
//! the engine expects a component provider to do it: the component itself (same type, name and
//! parent as asked), then its children under it, then its outputs; every child RPC finished before
//! the reply.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use futures::future::{join_all, BoxFuture, Shared};
use futures::FutureExt;
use pulumi_gestalt_proto::pulumi::pulumirpc as rpc;
use rpc::resource_monitor_client::ResourceMonitorClient;
use tonic::transport::Channel;
use tonic::Status;

use crate::component::{self, Block, Child};
use crate::config::ProviderConfig;
use crate::resources::Resource;
use crate::rpc::codec::{decode_opt, encode_struct};
use crate::rpc::MAX_MESSAGE_SIZE;
use crate::schema;
use crate::value::Value;

/// The package name under which the engine passes this provider's reference in `providers`.
const PACKAGE: &str = "multiregion-dr";

pub async fn construct(
    req: rpc::ConstructRequest,
    registry: &[Arc<dyn Resource>],
    config: &ProviderConfig,
) -> Result<rpc::ConstructResponse, Status> {
    if req.r#type != component::TOKEN {
        return Err(Status::invalid_argument(format!(
            "unknown component type '{}': the multiregion-dr provider's component is {}",
            req.r#type,
            component::TOKEN
        )));
    }
    let inputs = decode_opt(req.inputs.as_ref());
    let children = component::plan(
        &component::Request {
            name: &req.name,
            inputs: &inputs,
            ignore_changes: &req.ignore_changes,
            replace_on_changes: &req.replace_on_changes,
            config,
        },
        registry,
    )
    .map_err(|failures| {
        let lines: Vec<String> = failures.iter().map(|f| format!("  {f}")).collect();
        Status::invalid_argument(format!(
            "MultiRegionDR {} has invalid inputs:\n{}",
            req.name,
            lines.join("\n")
        ))
    })?;

    let mut monitor = connect(&req.monitor_endpoint).await?;
    let urn = monitor
        .register_resource(component_request(&req))
        .await
        .map_err(|e| context(e, &format!("registering MultiRegionDR {}", req.name)))?
        .into_inner()
        .urn;

    // Every child is registered at once, except those that must follow another: they wait for its
    // registration (the engine answers when its step is done) and depend on it.
    let mut started: HashMap<&str, Registration> = HashMap::new();
    for child in children.iter().filter(|c| c.block.after.is_none()) {
        let request = child_request(&req, &inputs, &urn, child);
        started.insert(child.block.key, register(&monitor, child, request, None));
    }
    for child in children.iter().filter(|c| c.block.after.is_some()) {
        let request = child_request(&req, &inputs, &urn, child);
        let before = child.block.after.and_then(|key| started.get(key)).cloned();
        started.insert(child.block.key, register(&monitor, child, request, before));
    }
    // Every registration is seen to its end, even after one has failed: the engine records a
    // child's (partial) state only when it answers its registration, and what it never records
    // would stay in AWS, out of reach of `pulumi destroy`.
    let order = children.iter().map(|c| started[c.block.key].clone());
    let (registered, failed): (Vec<_>, Vec<_>) =
        join_all(order).await.into_iter().partition(Result::is_ok);
    if let Some(StatusParts(code, _)) = failed.first().and_then(|f| f.as_ref().err()) {
        let reasons: Vec<String> = failed
            .iter()
            .filter_map(|f| f.as_ref().err())
            .map(|e| e.1.clone())
            .collect();
        return Err(Status::new(*code, reasons.join("; ")));
    }
    let registered: Vec<_> = registered.into_iter().flatten().collect();

    let states: Vec<_> = registered
        .iter()
        .map(|(block, reply)| (*block, decode_opt(reply.object.as_ref())))
        .collect();
    let outputs = component::outputs(&inputs, &states);
    monitor
        .register_resource_outputs(rpc::RegisterResourceOutputsRequest {
            urn: urn.clone(),
            outputs: Some(encode_struct(&outputs)),
        })
        .await
        .map_err(|e| context(e, &format!("registering the outputs of {}", req.name)))?;

    // Every output comes from one child: it depends on that child.
    let mut state_dependencies = HashMap::new();
    for (block, reply) in &registered {
        for (key, _) in block.outputs {
            state_dependencies.insert(
                key.to_string(),
                rpc::construct_response::PropertyDependencies {
                    urns: vec![reply.urn.clone()],
                },
            );
        }
    }
    Ok(rpc::ConstructResponse {
        urn,
        state: Some(encode_struct(&outputs)),
        state_dependencies,
    })
}

/// A child's registration, awaited by the component and by the children that follow it.
type Registration = Shared<
    BoxFuture<'static, Result<(&'static Block, rpc::RegisterResourceResponse), StatusParts>>,
>;

/// A `Status` in parts, so a shared result can be cloned to every waiter.
#[derive(Clone, Debug)]
struct StatusParts(tonic::Code, String);

fn register(
    monitor: &ResourceMonitorClient<Channel>,
    child: &Child,
    mut request: rpc::RegisterResourceRequest,
    before: Option<Registration>,
) -> Registration {
    let mut monitor = monitor.clone();
    let (block, name) = (child.block, child.name.clone());
    async move {
        if let Some(before) = before {
            let (_, reply) = before.await.map_err(|StatusParts(code, _)| {
                let after = block.after.unwrap_or_default();
                let why = format!(
                    "{name} was not registered: it follows the {after} block, which failed"
                );
                StatusParts(code, why)
            })?;
            request.dependencies.push(reply.urn);
        }
        let reply = monitor
            .register_resource(request)
            .await
            .map_err(|e| {
                let e = context(e, &format!("registering {name}"));
                StatusParts(e.code(), e.message().to_string())
            })?
            .into_inner();
        Ok((block, reply))
    }
    .boxed()
    .shared()
}

async fn connect(endpoint: &str) -> Result<ResourceMonitorClient<Channel>, Status> {
    let uri = if endpoint.contains("://") {
        endpoint.to_string()
    } else {
        format!("http://{endpoint}")
    };
    let channel = Channel::from_shared(uri)
        .map_err(|e| Status::invalid_argument(format!("bad monitorEndpoint {endpoint:?}: {e}")))?
        .connect()
        .await
        .map_err(|e| {
            Status::unavailable(format!(
                "cannot reach the engine's resource monitor at {endpoint}: {e}"
            ))
        })?;
    Ok(ResourceMonitorClient::new(channel)
        .max_decoding_message_size(MAX_MESSAGE_SIZE)
        .max_encoding_message_size(MAX_MESSAGE_SIZE))
}

fn context(status: Status, what: &str) -> Status {
    Status::new(status.code(), format!("{what}: {}", status.message()))
}

/// The component itself: exactly the type, name and parent the engine asked for, or its URN would
/// not be the one the program expects.
fn component_request(req: &rpc::ConstructRequest) -> rpc::RegisterResourceRequest {
    rpc::RegisterResourceRequest {
        r#type: req.r#type.clone(),
        name: req.name.clone(),
        parent: req.parent.clone(),
        custom: false,
        object: Some(prost_types::Struct::default()),
        protect: req.protect,
        dependencies: req.dependencies.clone(),
        providers: req.providers.clone(),
        aliases: req.aliases.clone(),
        alias_specs: true,
        retain_on_delete: req.retain_on_delete,
        deleted_with: req.deleted_with.clone(),
        additional_secret_outputs: req.additional_secret_outputs.clone(),
        accept_secrets: true,
        accept_resources: true,
        supports_partial_values: true,
        ..Default::default()
    }
}

/// A child: inputs without output values (their dependencies become the child's dependencies), and
/// the options that reach every child of a component (provider, protect, timeouts, deletedWith).
fn child_request(
    req: &rpc::ConstructRequest,
    inputs: &Value,
    parent: &str,
    child: &Child,
) -> rpc::RegisterResourceRequest {
    let empty = std::collections::BTreeMap::new();
    // plan() refuses blocks that are not objects; an empty object is the safe reading otherwise.
    let fields = child.inputs.as_object().unwrap_or(&empty);
    let mut block_deps = input_dependencies(req, child.block.key);
    block_deps.extend(child.block_dependencies.iter().cloned());
    let mut object = std::collections::BTreeMap::new();
    let mut property_dependencies = HashMap::new();
    let mut all: BTreeSet<String> = req.dependencies.iter().cloned().collect();
    for (key, value) in fields {
        let mut deps: BTreeSet<String> = block_deps.clone();
        // A shared setting the block does not set itself comes from the component's input.
        let own = inputs
            .get(child.block.key)
            .and_then(|b| b.get(key))
            .is_some();
        if !own {
            deps.extend(input_dependencies(req, key));
        }
        object.insert(key.clone(), value.without_outputs(&mut deps));
        all.extend(deps.iter().cloned());
        property_dependencies.insert(
            key.clone(),
            rpc::register_resource_request::PropertyDependencies {
                urns: deps.into_iter().collect(),
            },
        );
    }
    rpc::RegisterResourceRequest {
        r#type: child.block.token.to_string(),
        name: child.name.clone(),
        parent: parent.to_string(),
        custom: true,
        object: Some(encode_struct(&Value::Object(object))),
        protect: req.protect,
        dependencies: all.into_iter().collect(),
        provider: req.providers.get(PACKAGE).cloned().unwrap_or_default(),
        property_dependencies,
        delete_before_replace: req.delete_before_replace.unwrap_or(false),
        delete_before_replace_defined: req.delete_before_replace.is_some(),
        version: schema::VERSION.to_string(),
        ignore_changes: child.ignore_changes.clone(),
        replace_on_changes: child.replace_on_changes.clone(),
        custom_timeouts: req.custom_timeouts.as_ref().map(|t| {
            rpc::register_resource_request::CustomTimeouts {
                create: t.create.clone(),
                update: t.update.clone(),
                delete: t.delete.clone(),
            }
        }),
        retain_on_delete: req.retain_on_delete,
        deleted_with: req.deleted_with.clone(),
        accept_secrets: true,
        accept_resources: true,
        supports_partial_values: true,
        ..Default::default()
    }
}

fn input_dependencies(req: &rpc::ConstructRequest, key: &str) -> BTreeSet<String> {
    req.input_dependencies
        .get(key)
        .map(|d| d.urns.iter().cloned().collect())
        .unwrap_or_default()
}
