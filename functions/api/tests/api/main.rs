//! The API as its clients see it: in-process requests through the router,
//! the embedded store, and a stand-in edge that checks signatures.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod helpers;

mod analytics;
mod auth;
mod bulk;
mod cors;
mod limits;
mod links;
mod logos;
mod openapi;
mod qr;
mod qr_studio;
mod schema;
mod snapshots;
mod workspaces;
