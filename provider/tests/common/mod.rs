//! What the resource tests share: a provider configuration pointed at the emulator, and a context
//! that polls quickly (the emulator's transitions take seconds, not minutes).

#[allow(dead_code)]
pub mod database;

use std::sync::Arc;
use std::time::Duration;

use dr_test_support::Emulator;
use multiregion_dr::aws::LazyClients;
use multiregion_dr::config::ProviderConfig;
use multiregion_dr::context::{Backoff, Context};
use multiregion_dr::progress::Reporter;

pub fn config(emu: &Emulator, max_retries: u32) -> ProviderConfig {
    ProviderConfig {
        endpoints: emu.endpoints(),
        max_retries,
        ..ProviderConfig::default()
    }
}

pub fn context(config: ProviderConfig) -> Context {
    dr_test_support::static_credentials();
    let mut c = Context::new(
        Arc::new(config),
        Arc::new(LazyClients::default()),
        Reporter::silent(),
    );
    c.backoff = Backoff {
        first: Duration::from_millis(50),
        factor: 1.5,
        cap: Duration::from_millis(500),
        ..Backoff::default()
    };
    c
}
