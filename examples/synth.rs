//! Writes a synthetic plan: a grid-like street network around the DOLL Living Lab with
//! poles every ~30 m on alternating sides and about 1 % rule violations mixed in.
//!
//! ```text
//! cargo run --release --example synth -- --poles 100000 --out synth.geojson
//! ```
//!
//! The output is GeoJSON (or RON when FILE ends in .ron). The same generator is
//! `lysplan::check::synth`, used by the benchmarks.

use clap::Parser;
use lysplan::check::synth::{SynthOptions, generate};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "Write a synthetic Lysplan plan (GeoJSON or RON) for tests and benchmarks")]
struct Args {
    /// Number of poles.
    #[arg(long, default_value_t = 1000)]
    poles: usize,
    /// Output file; .geojson/.json writes GeoJSON, .ron writes a RON plan.
    #[arg(long)]
    out: PathBuf,
    /// Seed of the generator (equal seeds give equal plans).
    #[arg(long, default_value_t = SynthOptions::default().seed)]
    seed: u64,
    /// Probability of an injected violation per pole slot.
    #[arg(long, default_value_t = 0.01)]
    violation_rate: f64,
}

fn main() -> ExitCode {
    let a = Args::parse();
    if !(0.0..=1.0).contains(&a.violation_rate) {
        eprintln!("--violation-rate must be in 0..1, got {}", a.violation_rate);
        return ExitCode::from(2);
    }
    let s = generate(&SynthOptions {
        poles: a.poles,
        seed: a.seed,
        violation_rate: a.violation_rate,
    });
    let is_ron = a
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ron"));
    let result = if is_ron {
        lysplan::plan::save_ron_atomic(&s.plan, &a.out)
    } else {
        lysplan::plan::save_geojson_atomic(&s.plan, &a.out)
    };
    if let Err(e) = result {
        eprintln!("{e}");
        return ExitCode::from(2);
    }
    eprintln!(
        "wrote {}: {} poles, {} streets, {} sections; injected {} gaps, {} too close, {} off route, {} wrong vendor",
        a.out.display(),
        s.plan.poles.len(),
        s.plan.streets.len(),
        s.plan.sections.len(),
        s.injected.gaps,
        s.injected.too_close,
        s.injected.off_route,
        s.injected.wrong_vendor
    );
    ExitCode::SUCCESS
}
