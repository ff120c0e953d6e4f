//! Start-up as the engine does it: parse argv, listen on loopback, print the port (and only the port)
//! on stdout, serve until SIGINT or SIGTERM.

use std::net::SocketAddr;

use pulumi_gestalt_proto::pulumi::pulumirpc::resource_provider_server::ResourceProviderServer;
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;

use crate::rpc::service::ProviderService;
use crate::rpc::MAX_MESSAGE_SIZE;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// The engine's gRPC address: the last positional argument.
    pub engine_address: Option<String>,
    pub tracing_endpoint: Option<String>,
    pub verbosity: Option<u32>,
    pub log_to_stderr: bool,
}

/// Parses the arguments the engine builds: `[--logtostderr] [-v=N] [--tracing <url>] <engine>`.
/// Unknown flags are ignored rather than fatal, so a newer engine's flags do not break start-up.
pub fn parse_args<I: IntoIterator<Item = String>>(argv: I) -> Args {
    let mut args = Args::default();
    let mut iter = argv.into_iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--logtostderr" | "-logtostderr" => args.log_to_stderr = true,
            "--tracing" | "-tracing" => args.tracing_endpoint = iter.next(),
            a if a.starts_with("--tracing=") || a.starts_with("-tracing=") => {
                args.tracing_endpoint = a.split_once('=').map(|(_, v)| v.to_string())
            }
            a if a.starts_with("-v=") || a.starts_with("--v=") => {
                args.verbosity = a.split_once('=').and_then(|(_, v)| v.parse().ok())
            }
            a if a.starts_with('-') => {}
            positional => args.engine_address = Some(positional.to_string()),
        }
    }
    args
}

/// Serves the provider on an ephemeral loopback port; `on_port` is told the port once it is bound.
pub async fn serve(args: &Args, on_port: impl FnOnce(u16)) -> std::io::Result<()> {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    on_port(listener.local_addr()?.port());
    let service = ResourceProviderServer::new(ProviderService::new(args.engine_address.as_deref()))
        .max_decoding_message_size(MAX_MESSAGE_SIZE)
        .max_encoding_message_size(MAX_MESSAGE_SIZE);
    tonic::transport::Server::builder()
        .add_service(service)
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), shutdown_signal())
        .await
        .map_err(std::io::Error::other)
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT: shutting down"),
            _ = term.recv() => tracing::info!("SIGTERM: shutting down"),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Args {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn engine_address_is_the_last_argument_after_every_flag() {
        let a = parse(&[
            "--logtostderr",
            "-v=9",
            "--tracing",
            "http://127.0.0.1:9411",
            "127.0.0.1:43210",
        ]);
        assert_eq!(a.engine_address.as_deref(), Some("127.0.0.1:43210"));
        assert_eq!(a.tracing_endpoint.as_deref(), Some("http://127.0.0.1:9411"));
        assert_eq!(a.verbosity, Some(9));
        assert!(a.log_to_stderr);
    }

    #[test]
    fn the_tracing_url_is_not_taken_for_the_engine() {
        let a = parse(&["--tracing", "127.0.0.1:1", "127.0.0.1:2"]);
        assert_eq!(a.engine_address.as_deref(), Some("127.0.0.1:2"));
    }

    #[test]
    fn no_engine_address_is_allowed() {
        assert_eq!(parse(&[]).engine_address, None);
    }
}
