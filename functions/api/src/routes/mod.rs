//! Handlers: translate HTTP to domain calls and back, nothing more.

pub mod auth;
pub mod bulk;
pub mod links;
