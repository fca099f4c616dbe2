//! The GeoJSON reader in runs on both cores (how `load_geojson` reads a large file)
//! against the same bytes read whole: the same plan, or the same error, whatever the run
//! size. The first byte picks the run size (1 to 64 bytes, so even small inputs are cut
//! into many runs); the rest is the file.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lysplan::plan::geojson::load_unaimed_in_runs;

fuzz_target!(|data: &[u8]| {
    let Some((&k, bytes)) = data.split_first() else {
        return;
    };
    let run = 1 + usize::from(k % 64);
    let path =
        std::env::temp_dir().join(format!("lysplan-fuzz-runs-{}.geojson", std::process::id()));
    std::fs::write(&path, bytes).expect("the fuzzer's temporary file");
    let whole = lysplan::error::read_text(&path)
        .and_then(|t| lysplan::locate::read_geojson(&t, &path))
        .map_err(|e| e.to_string());
    let in_runs = load_unaimed_in_runs(&path, run)
        .map(|(u, _)| lysplan::locate::aimed(u).0)
        .map_err(|e| e.to_string());
    assert_eq!(in_runs, whole, "runs of {run}");
});
