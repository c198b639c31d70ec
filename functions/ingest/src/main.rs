//! The ingest function as an AWS Lambda behind an HTTP API: config and the
//! queue client are built once per cold start, then every event runs
//! through the router.

use scanly_ingest::runtime::{init_tracing, state_from_env};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    init_tracing();
    let state = state_from_env()?;
    lambda_http::run(scanly_ingest::router(state)).await
}
