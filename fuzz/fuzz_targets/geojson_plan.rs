//! The GeoJSON reader on arbitrary bytes, then `check` on whatever it accepts.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(plan) = lysplan::locate::read_geojson(text, std::path::Path::new("fuzz.geojson")) {
        if plan.poles.len() <= 2_000 && plan.streets.len() <= 200 {
            for f in lysplan::check::run(&plan) {
                assert!(f.lon.is_none_or(f64::is_finite) && f.lat.is_none_or(f64::is_finite));
            }
        }
    }
});
