//! The desktop app's tests, one test binary: egui_kittest drives the real `LysplanApp`
//! headless and renders snapshots on the CPU (wgpu on llvmpipe).
#![cfg(feature = "gui")]

mod common;

mod ui;
mod ui_about;
mod ui_catalogue;
mod ui_coverage;
mod ui_design;
mod ui_energy;
mod ui_export;
mod ui_farzoom;
mod ui_guard_props;
mod ui_luminance;
mod ui_measured;
mod ui_osm;
mod ui_review;
mod ui_route;
mod ui_shell;
mod ui_workbench;
