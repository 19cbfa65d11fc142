//! eCabinet's central server as a library, so tests and benchmarks can start
//! a real one on port 0. `main.rs` is only argument parsing over this.

pub mod audit;
pub mod backup;
pub mod blobs;
pub mod commands;
pub mod demo;
pub mod documents;
pub mod http;
pub mod limits;
pub mod metrics;
pub mod op_rules;
pub mod opinions;
pub mod push;
pub mod room;
pub mod serve;
pub mod services;
pub mod session;
pub mod store;
pub mod voting;

pub use serve::{start, RunningServer, ServeConfig, ServeError, TlsFiles, VoiceConfig};
pub use services::Services;
