//! The command line (clap derive): `lysplan [FILE]` opens the app; `check` and `export`
//! work headless.
//!
//! Exit codes of `check`: 0 no errors, 1 errors found, 2 the input could not be read (the
//! message names the file, the place and what to do). `export` exits 0 or 2.

use clap::{Parser, Subcommand, ValueEnum};
use lysplan::error::FileError;
use lysplan::plan::{Plan, load_any, save_geojson_atomic, save_ron_atomic};
use lysplan::report::CheckReport;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Plan outdoor-lighting test beds: poles, photometry, EN 13201 coverage and layout checks.
///
/// With no verb, opens the desktop app on FILE (a .ron plan or a .geojson
/// FeatureCollection), or on the bundled DOLL Living Lab plan.
#[derive(Debug, Parser)]
#[command(name = "lysplan", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Plan to open in the app (.ron or .geojson).
    file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a plan against the site rules and print the findings.
    ///
    /// Exit status: 0 no errors, 1 errors found, 2 the file could not be read.
    Check {
        /// The plan: a .ron file or a GeoJSON FeatureCollection (.geojson / .json).
        file: PathBuf,
        /// `text` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Maintained horizontal illuminance at one ground point, lx, and each pole's share.
    Lux {
        /// The plan: a .ron file or a GeoJSON FeatureCollection.
        file: PathBuf,
        /// Longitude, degrees east (WGS84).
        #[arg(allow_negative_numbers = true)]
        lon: f64,
        /// Latitude, degrees north (WGS84).
        #[arg(allow_negative_numbers = true)]
        lat: f64,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Convert a plan: write it as GeoJSON (for QGIS and scripts) and/or as RON.
    ///
    /// Exit status: 0 written, 2 the input could not be read or the output not written.
    Export {
        /// The plan: a .ron file or a GeoJSON FeatureCollection (.geojson / .json).
        file: PathBuf,
        /// Write an RFC 7946 GeoJSON FeatureCollection here.
        #[arg(long, value_name = "OUT", required_unless_present = "ron")]
        geojson: Option<PathBuf>,
        /// Write a RON plan here.
        #[arg(long, value_name = "OUT")]
        ron: Option<PathBuf>,
    },
}

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => match lysplan::app::run(cli.file) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("lysplan: {e}");
                ExitCode::FAILURE
            }
        },
        Some(Command::Check { file, format }) => check(&file, format),
        Some(Command::Lux {
            file,
            lon,
            lat,
            format,
        }) => lux(&file, lon, lat, format),
        Some(Command::Export { file, geojson, ron }) => {
            export(&file, geojson.as_deref(), ron.as_deref())
        }
    }
}

fn load(path: &Path) -> Result<Plan, ExitCode> {
    load_any(path).map_err(|e| fail(&e))
}

fn fail(e: &FileError) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

fn check(path: &Path, format: Format) -> ExitCode {
    let plan = match load(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // Layout rules and the EN 13201 coverage (point-by-point from the photometry).
    let (photometry, _unreadable) = lysplan::lighting::load_photometry(&plan);
    let coverage = lysplan::lighting::evaluate(&plan, &photometry, None);
    let findings = lysplan::check::run_with(&plan, coverage.findings.clone());
    let mut report = CheckReport::new(&plan, &findings);
    report.streets = serde_json::to_value(coverage.street_results()).ok();
    report.energy = serde_json::to_value(&coverage.energy).ok();
    let out = match format {
        Format::Text => report.to_text(&path.display().to_string()),
        Format::Json => report.to_json(),
    };
    print!("{out}");
    if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn lux(path: &Path, lon: f64, lat: f64, format: Format) -> ExitCode {
    if !(lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat))
    {
        eprintln!(
            "error: {lon}, {lat} is not a WGS84 longitude, latitude in degrees (lon -180..180, lat -90..90)"
        );
        return ExitCode::from(2);
    }
    let plan = match load(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let (photometry, unreadable) = lysplan::lighting::load_photometry(&plan);
    for (id, e) in &unreadable {
        eprintln!("warning: luminaire type {id} gives no light: {e}");
    }
    let lighting = lysplan::lighting::Lighting::new(&plan, &photometry);
    let report = lighting.lux_report(&plan, lon, lat);
    match format {
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
        Format::Text => {
            println!(
                "{:.3} lx maintained horizontal illuminance at {lon:.6} E, {lat:.6} N (MF {})",
                report.e_h_lx, plan.maintenance_factor
            );
            for c in &report.contributions {
                println!("  {:<10} {:>9.3} lx", c.pole, c.e_h_lx);
            }
        }
    }
    ExitCode::SUCCESS
}

fn export(path: &Path, geojson: Option<&Path>, ron: Option<&Path>) -> ExitCode {
    let plan = match load(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(out) = geojson {
        if let Err(e) = save_geojson_atomic(&plan, out) {
            return fail(&e);
        }
        eprintln!("wrote {}", out.display());
    }
    if let Some(out) = ron {
        if let Err(e) = save_ron_atomic(&plan, out) {
            return fail(&e);
        }
        eprintln!("wrote {}", out.display());
    }
    ExitCode::SUCCESS
}
