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
    let t = Instant::now();
    let plan = match lysplan::plan::load_any(std::path::Path::new(&path)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let read = t.elapsed();
    let t = Instant::now();
    let findings = lysplan::check::run(&plan);
    let rules = t.elapsed();
    let t = Instant::now();
    let (photometry, _) = lysplan::lighting::load_photometry(&plan);
    let cov = lysplan::lighting::evaluate(&plan, &photometry, None);
    let coverage = t.elapsed();
    let t = Instant::now();
    let json = lysplan::report::CheckReport::new(&plan, &findings)
        .with_coverage(&cov)
        .to_json();
    let report = t.elapsed();
    eprintln!(
        "{} poles, {} findings, {} bytes of JSON\nread {:?}, rules {:?}, coverage {:?}, report {:?}",
        plan.poles.len(),
        findings.len(),
        json.len(),
        read,
        rules,
        coverage,
        report
    );
}
