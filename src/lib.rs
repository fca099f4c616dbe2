//! Lysplan: planning outdoor-lighting test beds.
//!
//! The core (plan, frame, index, photometry, lighting, check) has no GUI dependency; the
//! CLI and the headless tests use it directly. `app` is the egui desktop application,
//! built only with the default `gui` cargo feature.

#[cfg(feature = "gui")]
pub mod app;
pub mod bundled;
pub mod check;
pub mod error;
pub mod frame;
pub mod index;
pub mod lighting;
pub mod photometry;
pub mod plan;
pub mod report;
