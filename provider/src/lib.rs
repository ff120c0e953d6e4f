//! multiregion-dr: a Pulumi resource provider for multi-region disaster recovery on AWS.
//!
//! Layers: [`rpc`] speaks the Pulumi provider protocol and knows nothing of AWS; [`resources`] hold
//! one module per resource, each working with typed inputs and [`value::Value`]s; [`regions`] makes
//! the two regions one type so no work is written twice.

pub mod aws;
pub mod check;
pub mod component;
pub mod config;
pub mod context;
pub mod diff;
pub mod error;
pub mod launch;
pub mod naming;
pub mod progress;
pub mod readiness;
pub mod redact;
pub mod regions;
pub mod resources;
pub mod rpc;
pub mod schema;
pub mod tags;
pub mod throttle;
pub mod value;
