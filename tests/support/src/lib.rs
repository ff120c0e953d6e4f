//! Shared test helpers for multiregion-dr.
//!
//! - [`Emulator`]: the test AWS emulator (`tests/emulator/serve`), started per test or per suite.
//! - [`inventory`]: what the emulator holds, one line per object, to find orphans and duplicates.

pub mod emulator;
pub mod inventory;

pub use emulator::{max_concurrency, CallRecord, Emulator, Fault, Latency, RateLimit, SERVICES};
