//! gRPC statuses the engine understands: partial failures (ErrorResourceInitFailed packed in a
//! `google.rpc.Status` detail) and invalid-input details.

use prost::Message;
use pulumi_gestalt_proto::pulumi::pulumirpc::ErrorResourceInitFailed;

use crate::check::CheckFailure;
use crate::error::ResourceError;
use crate::rpc::codec;
use crate::value::Value;

const INIT_FAILED_TYPE: &str = "type.googleapis.com/pulumirpc.ErrorResourceInitFailed";
const INPUT_ERROR_TYPE: &str = "type.googleapis.com/pulumirpc.InputPropertiesError";

/// `pulumirpc.InputPropertiesError` (proto/pulumi/errors.proto), which the bindings crate predates.
#[derive(Clone, PartialEq, prost::Message)]
pub struct InputPropertiesError {
    #[prost(message, repeated, tag = "1")]
    pub errors: Vec<PropertyError>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct PropertyError {
    #[prost(string, tag = "1")]
    pub property_path: String,
    #[prost(string, tag = "2")]
    pub reason: String,
}

fn with_detail(
    code: tonic::Code,
    message: String,
    type_url: &str,
    detail: Vec<u8>,
) -> tonic::Status {
    let status = tonic_types::pb::Status {
        code: code as i32,
        message: message.clone(),
        details: vec![prost_types::Any {
            type_url: type_url.to_string(),
            value: detail,
        }],
    };
    tonic::Status::with_details(code, message, status.encode_to_vec().into())
}

/// The reply for a resource that exists in AWS but did not finish: the engine records it with these
/// outputs and shows the reasons.
pub fn partial_failure(
    id: &str,
    outputs: &Value,
    inputs: Option<&Value>,
    reasons: &[String],
) -> tonic::Status {
    let detail = ErrorResourceInitFailed {
        id: id.to_string(),
        properties: Some(codec::encode_struct(outputs)),
        reasons: reasons.to_vec(),
        inputs: inputs.map(codec::encode_struct),
        refresh_before_update: false,
    };
    with_detail(
        tonic::Code::Unknown,
        reasons.join("; "),
        INIT_FAILED_TYPE,
        detail.encode_to_vec(),
    )
}

pub fn from_resource_error(err: ResourceError) -> tonic::Status {
    match err {
        ResourceError::Failed(e) => tonic::Status::unknown(e.to_string()),
        ResourceError::Partial {
            id,
            outputs,
            reasons,
        } => partial_failure(&id, &outputs, None, &reasons),
    }
}

/// Invalid inputs found outside Check (Construct, Invoke): the engine shows each property path.
pub fn invalid_inputs(message: &str, failures: &[CheckFailure]) -> tonic::Status {
    let detail = InputPropertiesError {
        errors: failures
            .iter()
            .map(|f| PropertyError {
                property_path: f.property.clone(),
                reason: f.reason.clone(),
            })
            .collect(),
    };
    let text = std::iter::once(message.to_string())
        .chain(failures.iter().map(|f| format!("  {f}")))
        .collect::<Vec<_>>()
        .join("\n");
    with_detail(
        tonic::Code::InvalidArgument,
        text,
        INPUT_ERROR_TYPE,
        detail.encode_to_vec(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_failure_packs_error_resource_init_failed() {
        let outputs = Value::object([("globalClusterArn", Value::from("arn:x"))]);
        let status = partial_failure("gdb-1", &outputs, None, &["secondary failed".to_string()]);
        assert_eq!(status.code(), tonic::Code::Unknown);
        let rpc_status = tonic_types::pb::Status::decode(status.details()).unwrap();
        assert_eq!(rpc_status.details.len(), 1);
        assert_eq!(rpc_status.details[0].type_url, INIT_FAILED_TYPE);
        let detail =
            ErrorResourceInitFailed::decode(rpc_status.details[0].value.as_slice()).unwrap();
        assert_eq!(detail.id, "gdb-1");
        assert_eq!(detail.reasons, ["secondary failed"]);
        assert_eq!(codec::decode_opt(detail.properties.as_ref()), outputs);
    }
}
