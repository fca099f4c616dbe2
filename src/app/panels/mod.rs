//! Side panels, one per file.

pub mod findings;
pub mod inspector;
pub mod row;
pub mod settings;
pub mod tools;
