//! Provider errors as the engine reads them: the gRPC message, plus the details packed in
//! `grpc-status-details-bin` — `ErrorResourceInitFailed` (created but not initialised: record it)
//! and `InputPropertiesError` (which property was wrong).

use prost::Message;
use pulumi_gestalt_proto::pulumi::pulumirpc::ErrorResourceInitFailed;
use serde_json::Value as Json;

use crate::props;

const INIT_FAILED_TYPE: &str = "type.googleapis.com/pulumirpc.ErrorResourceInitFailed";
const INPUT_ERROR_TYPE: &str = "type.googleapis.com/pulumirpc.InputPropertiesError";

/// `pulumirpc.InputPropertiesError` (proto/pulumi/errors.proto), which the bindings predate.
#[derive(Clone, PartialEq, prost::Message)]
struct InputPropertiesError {
    #[prost(message, repeated, tag = "1")]
    errors: Vec<PropertyError>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct PropertyError {
    #[prost(string, tag = "1")]
    property_path: String,
    #[prost(string, tag = "2")]
    reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InitFailed {
    pub id: String,
    pub outputs: Json,
    pub inputs: Option<Json>,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProviderError {
    pub code: tonic::Code,
    pub message: String,
    pub init_failed: Option<InitFailed>,
}

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

pub fn from_status(status: &tonic::Status) -> ProviderError {
    let mut message = status.message().to_string();
    let mut init_failed = None;
    if let Ok(rpc) = tonic_types::pb::Status::decode(status.details()) {
        for detail in rpc.details {
            match detail.type_url.as_str() {
                INIT_FAILED_TYPE => {
                    if let Ok(d) = ErrorResourceInitFailed::decode(detail.value.as_slice()) {
                        init_failed = Some(InitFailed {
                            id: d.id,
                            outputs: props::opt_struct_to_json(d.properties.as_ref()),
                            inputs: d.inputs.as_ref().map(props::struct_to_json),
                            reasons: d.reasons,
                        });
                    }
                }
                INPUT_ERROR_TYPE => {
                    if let Ok(d) = InputPropertiesError::decode(detail.value.as_slice()) {
                        for e in d.errors {
                            let line = format!("{}: {}", e.property_path, e.reason);
                            if !message.contains(&line) {
                                message.push_str(&format!("\n  {line}"));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if message.is_empty() {
        message = format!("provider returned {:?}", status.code());
    }
    ProviderError {
        code: status.code(),
        message,
        init_failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_detail(type_url: &str, value: Vec<u8>) -> tonic::Status {
        let rpc = tonic_types::pb::Status {
            code: tonic::Code::Unknown as i32,
            message: "boom".into(),
            details: vec![prost_types::Any {
                type_url: type_url.into(),
                value,
            }],
        };
        tonic::Status::with_details(tonic::Code::Unknown, "boom", rpc.encode_to_vec().into())
    }

    #[test]
    fn partial_failures_are_recognised() {
        let detail = ErrorResourceInitFailed {
            id: "gdb-1".into(),
            properties: Some(props::json_to_struct(&serde_json::json!({"arn": "a"}))),
            reasons: vec!["secondary failed".into()],
            inputs: None,
            refresh_before_update: false,
        };
        let e = from_status(&with_detail(INIT_FAILED_TYPE, detail.encode_to_vec()));
        let init = e.init_failed.unwrap();
        assert_eq!(init.id, "gdb-1");
        assert_eq!(init.outputs["arn"], "a");
        assert_eq!(init.reasons, ["secondary failed"]);
    }

    #[test]
    fn input_errors_name_the_property() {
        let detail = InputPropertiesError {
            errors: vec![PropertyError {
                property_path: "engine".into(),
                reason: "unsupported".into(),
            }],
        };
        let e = from_status(&with_detail(INPUT_ERROR_TYPE, detail.encode_to_vec()));
        assert!(e.message.contains("engine: unsupported"), "{}", e.message);
        assert!(e.init_failed.is_none());
        let plain = from_status(&tonic::Status::unavailable("down"));
        assert_eq!(plain.message, "down");
    }
}
