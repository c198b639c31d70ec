//! Scanly's management API. Handlers are plain async functions over narrow
//! store ports; `app::router` wires them into an axum `Router` that the
//! Lambda main (`lambda_http`) and the local server (`axum::serve`) both run.

pub mod app;
pub mod auth;
pub mod config;
pub mod error;
pub mod extract;
pub mod ids;
pub mod limits;
pub mod model;
pub mod objects;
pub mod openapi;
pub mod publish;
pub mod routes;
pub mod runtime;
pub mod scan_limits;
pub mod store;

pub use app::{AppState, router};
/// For the scheduled Lambda binaries.
pub use lambda_http::lambda_runtime;
