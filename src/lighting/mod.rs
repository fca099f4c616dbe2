//! Point-by-point illuminance, EN 13201 classes and grids, energy indicators.
