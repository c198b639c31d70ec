//! Handlers: translate HTTP to domain calls and back, nothing more.

pub mod api_keys;
pub mod auth;
pub mod bulk;
pub mod links;
pub mod logos;
pub mod qr;
pub mod workspaces;
