//! Editing plans, for the app and the command line alike (docs/architecture.md "The edit
//! model"): the [`Document`] (the plan, one revision counter, the undo history and an
//! index of pole ids), the typed [`Edit`]s that change a plan and know their inverse,
//! and the operations that produce edits: poles ([`poles`]), rows along the route
//! ([`row`]), the route ([`route`]), vendors and sections ([`vendors`]), the luminaire
//! catalogue ([`catalogue`]), reviews ([`review`]), and moving a pole along its street
//! ([`anchor`]).
//!
//! An operation checks its input against the plan and returns a [`Step`] (a label and
//! an edit) or the reason it refuses ([`EditError`]); nothing changes until the step is
//! given to [`Document::apply`].

pub mod anchor;
pub mod catalogue;
pub mod command;
pub mod document;
pub mod error;
pub mod measured;
pub mod op;
pub mod optimise;
pub mod poles;
pub mod review;
pub mod route;
pub mod row;
pub mod script;
pub mod vendors;

pub use document::{Document, Step};
pub use error::EditError;
pub use op::{Change, Edit, PlanSettings, PoleMove};

pub use crate::plan::FreshIds;
