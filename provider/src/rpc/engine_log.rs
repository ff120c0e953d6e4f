//! The engine's Log service, reached at the address the engine passes on the command line (or later
//! through Attach). Logging never fails an operation: a lost message is traced and dropped.

use std::sync::{Arc, RwLock};

use pulumi_gestalt_proto::pulumi::pulumirpc::engine_client::EngineClient;
use pulumi_gestalt_proto::pulumi::pulumirpc::LogRequest;
use tonic::transport::{Channel, Endpoint};

use crate::progress::{LogSink, Severity};

#[derive(Default)]
pub struct EngineLog {
    client: RwLock<Option<EngineClient<Channel>>>,
}

impl EngineLog {
    pub fn new(address: Option<&str>) -> Arc<Self> {
        let log = Arc::new(EngineLog::default());
        if let Some(addr) = address {
            log.connect(addr);
        }
        log
    }

    /// (Re)binds to an engine address. The connection is made lazily, on the first message.
    pub fn connect(&self, address: &str) {
        let uri = if address.contains("://") {
            address.to_string()
        } else {
            format!("http://{address}")
        };
        match Endpoint::from_shared(uri) {
            Ok(endpoint) => {
                let client = EngineClient::new(endpoint.connect_lazy())
                    .max_decoding_message_size(crate::rpc::MAX_MESSAGE_SIZE)
                    .max_encoding_message_size(crate::rpc::MAX_MESSAGE_SIZE);
                *self.client.write().unwrap_or_else(|e| e.into_inner()) = Some(client);
            }
            Err(e) => tracing::warn!("engine address {address} is not usable: {e}"),
        }
    }
}

impl LogSink for EngineLog {
    fn log(&self, severity: Severity, urn: &str, message: &str, ephemeral: bool) {
        let Some(mut client) = self
            .client
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        else {
            return;
        };
        let request = LogRequest {
            severity: match severity {
                Severity::Debug => 0,
                Severity::Info => 1,
                Severity::Warning => 2,
                Severity::Error => 3,
            },
            message: message.to_string(),
            urn: urn.to_string(),
            stream_id: 0,
            ephemeral,
        };
        // Fire and forget: a slow engine must not hold up AWS work.
        tokio::spawn(async move {
            if let Err(e) = client.log(request).await {
                tracing::debug!("engine log failed: {e}");
            }
        });
    }
}
