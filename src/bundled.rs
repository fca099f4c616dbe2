//! The bundled DOLL Living Lab site, embedded in the binary: the street map
//! (`maps/hersted-industripark.geojson`) and the default plan
//! (`assets/plans/doll-living-lab.ron`). build.rs checks both before they are embedded,
//! so a malformed file fails the build rather than the app.
//!
//! The street geometry is an approximation drawn by hand, not a survey, and the vendor
//! placements in the plan are illustrative examples (see the plan's description and
//! docs/planner.md "The bundled site").

use crate::error::FileError;
use crate::locate::read_geojson;
use crate::plan::{Plan, load_ron_str};
use std::path::Path;

/// File name of the bundled plan, as shown in titles and messages.
pub const DOLL_PLAN_FILE_NAME: &str = "doll-living-lab.ron";

/// The bundled plan as RON text.
pub const DOLL_PLAN_RON: &str = include_str!("../assets/plans/doll-living-lab.ron");

/// File name of the bundled street map.
pub const SITE_GEOJSON_FILE_NAME: &str = "hersted-industripark.geojson";

/// The bundled street map of Hersted Industripark as GeoJSON text (a FeatureCollection of
/// LineString street features, see docs/architecture.md "GeoJSON interchange").
pub const SITE_GEOJSON: &str = include_str!("../maps/hersted-industripark.geojson");

/// Parses the bundled plan; errors name the bundled file.
pub fn try_doll_plan() -> Result<Plan, FileError> {
    load_ron_str(DOLL_PLAN_RON, Path::new(DOLL_PLAN_FILE_NAME))
}

/// The bundled DOLL Living Lab plan.
///
/// The text is checked at build time and by the tests, so this cannot fail in a released
/// build; should it ever, the result is an empty plan whose description carries the error
/// rather than a panic.
pub fn doll_plan() -> Plan {
    try_doll_plan().unwrap_or_else(|e| Plan {
        name: "DOLL Living Lab (bundled plan unreadable)".into(),
        description: e.to_string(),
        ..Plan::default()
    })
}

/// The bundled streets alone (the offline basemap), parsed from [`SITE_GEOJSON`].
pub fn site_streets() -> Result<Vec<crate::plan::Street>, FileError> {
    read_geojson(SITE_GEOJSON, Path::new(SITE_GEOJSON_FILE_NAME)).map(|p| p.streets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_texts_parse() {
        let plan = try_doll_plan().expect("bundled plan parses");
        assert!(plan.poles.len() >= 250);
        let streets = site_streets().expect("bundled map parses");
        assert_eq!(streets, plan.streets);
    }
}
