//! Scanly's domain core: everything the edge Worker and the control plane must
//! agree on, written once. Pure Rust with no I/O, so it builds for
//! `wasm32-unknown-unknown` (the Worker) and natively (the Lambdas).

pub mod clock;
pub mod code;
pub mod color;
pub mod context;
pub mod country;
pub mod destination;
pub mod email;
pub mod error;
pub mod event;
pub mod host;
pub mod http_cache;
pub mod ids;
pub mod label;
pub mod language;
pub mod page;
pub mod password;
pub mod publish;
pub mod qr_payload;
pub mod record;
pub mod resolve;
pub mod rules;
pub mod signing;
mod text;
pub mod tz;
pub mod ua;
pub mod unlock;
pub mod utm;

pub use clock::TimeOfDay;
pub use code::ShortCode;
pub use color::HexColor;
pub use context::ScanContext;
pub use country::CountryCode;
pub use destination::Destination;
pub use email::Email;
pub use error::DomainError;
pub use host::Hostname;
pub use language::LanguageTag;
pub use record::LinkRecord;
pub use resolve::{Decision, resolve};
