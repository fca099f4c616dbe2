//! The desktop application (egui/eframe/walkers). The only place that imports them.
