//! Where `lysplan check` spends its time on a plan file: reading, the layout rules, the
//! coverage, the JSON report. For profiling issue 13's workload; not a benchmark.
//!
//! ```text
//! cargo run --release --example phases -- grid100k.geojson
//! ```

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: phases PLAN");
        std::process::exit(2);
    };
    // As `lysplan check` runs it: read (and locate the poles for their default
    // azimuths), then the rules and the coverage side by side on the located plan.
    let t = Instant::now();
    let (plan, located) = match lysplan::locate::load_located(std::path::Path::new(&path)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let read = t.elapsed();
    // The locating step alone, again (the read above includes it when a pole lacks an
    // azimuth).
    let t = Instant::now();
    let again = lysplan::index::Located::new(&plan);
    let locate = t.elapsed();
    drop(again);
    let t = Instant::now();
    let findings = lysplan::check::run_located(&plan, located.clone());
    let rules = t.elapsed();
    let t = Instant::now();
    let (findings2, cov) = lysplan::check::run_with_coverage_located(&plan, located);
    let both = t.elapsed();
    // The coverage adds its findings to the rules'.
    assert!(findings.len() <= findings2.len());
    let t = Instant::now();
    let json = lysplan::report::CheckReport::new(&plan, &findings2)
        .with_coverage(&cov)
        .to_json();
    let report = t.elapsed();
    eprintln!(
        "{} poles, {} findings, {} bytes of JSON\nread (with locating) {:?}, locating alone {:?}, \
         rules {:?}, rules and coverage side by side {:?}, report {:?}",
        plan.poles.len(),
        findings2.len(),
        json.len(),
        read,
        locate,
        rules,
        both,
        report
    );
}
