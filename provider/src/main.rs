//! `pulumi-resource-multiregion-dr`: the plugin binary the Pulumi engine launches.

use std::io::Write;

use multiregion_dr::launch;

fn main() -> std::process::ExitCode {
    let args = launch::parse_args(std::env::args().skip(1));
    // Stdout belongs to the port handshake; every log line goes to stderr, which the engine
    // forwards to its diagnostics.
    let default_level = match args.verbosity {
        Some(v) if v >= 9 => "debug",
        Some(v) if v >= 5 => "info",
        _ => "warn",
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("MULTIREGION_DR_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level)),
        )
        .init();

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Deep AWS SDK futures need more than the 2 MiB default in debug builds.
        .thread_stack_size(8 * 1024 * 1024)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fatal: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let served = runtime.block_on(launch::serve(&args, |port| {
        let mut out = std::io::stdout().lock();
        // The engine reads up to the first newline and parses a bare port number.
        let _ = writeln!(out, "{port}");
        let _ = out.flush();
    }));
    match served {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("provider stopped: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
