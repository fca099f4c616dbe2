//! Planned against measured: surveys measured on site compared with the calculated
//! illuminance, and energy readings with the modelled kWh (issue 28; docs/coordinator.md
//! "Measured on site").

pub mod csv;
