//! `scanly-local`: the control plane on `SCANLY_API_ADDR` (default
//! 127.0.0.1:8788) until SIGINT or SIGTERM, then a clean stop.

use std::net::SocketAddr;
use std::process::ExitCode;

use scanly_api::runtime::init_tracing;
use scanly_local::LocalPlatform;

#[tokio::main]
async fn main() -> ExitCode {
    init_tracing();
    let platform = match LocalPlatform::from_env().await {
        Ok(platform) => platform,
        Err(error) => {
            tracing::error!(%error, "the local control plane cannot start");
            return ExitCode::FAILURE;
        }
    };
    let addr = std::env::var("SCANLY_API_ADDR").unwrap_or_else(|_| "127.0.0.1:8788".to_owned());
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%error, %addr, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    let background = platform.spawn_background();
    tracing::info!(%addr, "scanly control plane listening");
    let app = platform
        .router()
        .into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(stopped())
        .await;
    for task in background {
        task.abort();
    }
    // What changed since the last background save.
    match tokio::task::spawn_blocking(move || platform.persistence.save_now()).await {
        Ok(Ok(_)) => {}
        Ok(Err(error)) => tracing::error!(%error, "the final save failed"),
        Err(error) => tracing::error!(%error, "the final save did not run"),
    }
    match served {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!(%error, "the server failed");
            ExitCode::FAILURE
        }
    }
}

/// SIGINT (Ctrl-C) or SIGTERM.
async fn stopped() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
