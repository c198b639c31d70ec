//! The API as an AWS Lambda behind an HTTP API: config and clients are
//! built once per cold start, then every event runs through the router.

use scanly_api::runtime::{init_tracing, state_from_env};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    init_tracing();
    let state = state_from_env()?;
    lambda_http::run(scanly_api::router(state)).await
}
