//! Lysplan: planning outdoor-lighting test beds.
//!
//! The core (everything but `app`) has no GUI dependency; the CLI and the headless tests
//! use it directly. `app` is the egui desktop application, built only with the default
//! `gui` cargo feature.
//!
//! Layers, lowest first; a module imports only from layers below it:
//!
//! 1. [`error`] (file errors), [`finding`] (the finding type and its order);
//! 2. [`frame`] (lon/lat <-> UTM 32N metres, polylines and chainage);
//! 3. [`photometry`] (EULUMDAT / IES readers, the bundled catalogue; knows no plan);
//! 4. [`plan`] (the document, its validator, RON, GeoJSON and GeoPackage; knows no
//!    index), then [`index`] (R-trees and stations over a plan), then [`locate`] (reading
//!    a plan and aiming the poles a file gives no azimuth at their nearest street, with
//!    the location the checks reuse) and [`schedule`] (the pole schedule CSV, with each
//!    pole's station);
//! 5. [`energy`] (the sun, the lit hours of a year in the site's time zone, control
//!    profiles, each vendor's kWh and CO2; needs only [`plan`]), then [`lighting`]
//!    (illuminance, EN 13201 grids and classes, D_P and D_E; knows no check);
//! 6. [`check`] (the rules, the incremental checker) and [`measure`] (surveys and
//!    energy readings against the calculation and the energy model), then [`report`] and [`diff`] (what
//!    changed between two plans, and the findings it introduced), then [`review`] (a
//!    submission's changes, who owns them, and merging the accepted ones) and
//!    [`html_report`] (the report sent back to a vendor); [`bundled`] (the
//!    site data embedded at build time; its GeoJSON through [`locate`]) and [`osm`]
//!    (streets and street lamps from OpenStreetMap through an Overpass API endpoint)
//!    need only [`plan`];
//! 7. [`edit`] (the document, typed edits with their inverses, the undo history, and the
//!    operations that produce edits; docs/architecture.md "The edit model");
//! 8. `app` (behind `gui`) and the `lysplan` binary's CLI, which edit plans through
//!    [`edit`].

#[cfg(feature = "gui")]
pub mod app;
pub mod bundled;
pub mod check;
pub mod design;
pub mod diff;
pub mod edit;
pub mod energy;
pub mod error;
pub mod finding;
pub mod frame;
pub mod html_report;
pub mod index;
pub mod lighting;
pub mod locate;
pub mod measure;
pub mod osm;
pub mod photometry;
pub mod plan;
pub mod report;
pub mod review;
pub mod schedule;
