//! The gRPC side of the provider: the Pulumi provider protocol, value encoding, statuses and the
//! engine's Log service. It knows nothing of AWS.

pub mod codec;
pub mod construct;
pub mod engine_log;
pub mod service;
pub mod status;

/// Pulumi raises gRPC message limits to 400 MiB on every side; tonic's default is 4 MiB.
pub const MAX_MESSAGE_SIZE: usize = 400 * 1024 * 1024;
