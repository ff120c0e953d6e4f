//! Shared test helpers for multiregion-dr.
//!
//! - [`Emulator`]: the test AWS emulator (`tests/emulator/serve`), started per test or per suite.

pub mod emulator;

pub use emulator::{max_concurrency, CallRecord, Emulator, Fault, Latency, RateLimit, SERVICES};
