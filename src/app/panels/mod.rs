//! Side panels, one per file.

pub mod coverage;
pub mod findings;
pub mod inspector;
pub mod tools;
