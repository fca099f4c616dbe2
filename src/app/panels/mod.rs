//! Side panels, one per file.

pub mod catalogue;
pub mod findings;
pub mod inspector;
pub mod tools;
