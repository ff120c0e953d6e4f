//! Shared test helpers for multiregion-dr.
//!
//! - [`Emulator`]: the test AWS emulator (`tests/emulator/serve`), started per test or per suite.
//! - [`inventory`]: what the emulator holds, one line per object, to find orphans and duplicates.

pub mod emulator;
pub mod inventory;

pub use emulator::{max_concurrency, CallRecord, Emulator, Fault, Latency, RateLimit, SERVICES};

/// Static credentials and a region in the environment, for clients the provider builds the way it
/// does in production: the emulator checks a signature's shape, not its keys, and no credential
/// lookup (instance metadata included) may leave the machine. Call it before any client is built.
pub fn static_credentials() {
    std::env::set_var("AWS_ACCESS_KEY_ID", "test");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
    std::env::set_var("AWS_REGION", "us-east-1");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
}
