//! Side panels, one per file.

pub mod catalogue;
pub mod coverage;
pub mod findings;
pub mod inspector;
pub mod route;
pub mod row;
pub mod settings;
pub mod tools;
pub mod vendors;
