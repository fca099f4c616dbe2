//! The RON reader on arbitrary bytes, then `check` (rules and coverage) on whatever it
//! accepts: no panic, no non-finite number in a finding's position.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(plan) = lysplan::plan::load_ron_str(text, std::path::Path::new("fuzz.ron")) {
        lysplan_fuzz_check(&plan);
    }
});

fn lysplan_fuzz_check(plan: &lysplan::plan::Plan) {
    if plan.poles.len() > 2_000 || plan.streets.len() > 200 {
        return;
    }
    for f in lysplan::check::run(plan) {
        assert!(f.lon.is_none_or(f64::is_finite) && f.lat.is_none_or(f64::is_finite));
    }
    let (photometry, _) = lysplan::lighting::load_photometry(plan);
    let _ = lysplan::lighting::evaluate(plan, &photometry, None);
}
