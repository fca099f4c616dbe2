//! The command line (clap derive): `lysplan [FILE]` opens the app; `check`, `lux`,
//! `energy`, `diff`, `report`, `export`, `osm-import` and `edit` work headless.
//!
//! Exit codes of `check`: 0 no errors, 1 errors found, 2 the input could not be read (the
//! message names the file, the place and what to do). `lux` and `export` exit 0 or 2.

use clap::{Parser, Subcommand, ValueEnum};
use lysplan::error::FileError;
use lysplan::lighting;
use lysplan::locate::load_any;
use lysplan::measure::save_gpkg_atomic;
use lysplan::plan::{Crs, Plan, same_file, save_geojson_atomic, save_ron_atomic};
use lysplan::report::CheckReport;
use lysplan::schedule::save_schedule_atomic;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod light;
mod measured;

use light::{luminance, lux};
use measured::{energy, survey};

/// Plan outdoor-lighting test beds: poles, photometry, EN 13201 coverage and layout checks.
///
/// With no verb, opens the desktop app on FILE (a .ron plan, a .geojson
/// FeatureCollection or a .gpkg GeoPackage), or on the bundled DOLL Living Lab plan.
// (Not a doc comment, which clap would print: `pub(crate)` because examples/gen_assets.rs
// includes this file to make the man pages and the shell completions from it.)
#[derive(Debug, Parser)]
#[command(name = "lysplan", version, args_conflicts_with_subcommands = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Plan to open in the app (.ron, .geojson or .gpkg).
    file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a plan against the site rules and print the findings.
    ///
    /// Exit status: 0 no errors, 1 errors found, 2 the file could not be read.
    Check {
        /// The plan: a .ron file, a GeoJSON FeatureCollection (.geojson / .json) or a
        /// GeoPackage (.gpkg).
        file: PathBuf,
        /// `text` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Layout rules only: skip the EN 13201 coverage calculation (and the
        /// `streets`/`energy` members of the JSON).
        #[arg(long)]
        no_coverage: bool,
    },
    /// Print the maintained horizontal illuminance at a point, lx.
    ///
    /// Exit status: 0 computed, 2 the file could not be read or the point is invalid.
    #[command(allow_negative_numbers = true)]
    Lux {
        /// The plan: a .ron file, a GeoJSON FeatureCollection (.geojson / .json) or a
        /// GeoPackage (.gpkg).
        file: PathBuf,
        /// Longitude, degrees east (WGS84).
        lon: f64,
        /// Latitude, degrees north (WGS84).
        lat: f64,
        /// `text` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the maintained road luminance at a point seen from an observer, cd/m².
    ///
    /// The point check for M classes, like `lux`: exactly the given point (on or off the
    /// carriageway), seen from an eye 1.5 m above the observer position, on the road
    /// surface of the street nearest the point. Exit status: 0 computed, 2 the file could
    /// not be read, a position is invalid, or the surface has no r-table.
    #[command(allow_negative_numbers = true)]
    Luminance {
        /// The plan: a .ron file or a GeoJSON FeatureCollection (.geojson / .json).
        file: PathBuf,
        /// Longitude of the road point, degrees east (WGS84).
        lon: f64,
        /// Latitude of the road point, degrees north (WGS84).
        lat: f64,
        /// The observer's position: LON LAT, degrees (WGS84).
        #[arg(long, num_args = 2, value_names = ["LON", "LAT"], required = true)]
        observer: Vec<f64>,
        /// `text` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print each vendor's annual energy and CO2 against the baseline installation.
    ///
    /// Lights switch on and off with the sun at the site (energy.switch_sun_elevation_deg),
    /// over the calendar year in energy.time_zone, under each vendor's control profile.
    /// Exit status: 0 computed, 2 the plan could not be read or its energy model is
    /// incomplete (an unknown profile id, a bad step time or level).
    Energy {
        /// The plan: a .ron file, a GeoJSON FeatureCollection (.geojson / .json) or a
        /// GeoPackage (.gpkg).
        file: PathBuf,
        /// `text` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The calendar year (default: the plan's energy.year).
        #[arg(long)]
        year: Option<i32>,
        /// Energy readings CSV (vendor or pole, from, to, kwh; docs/formats.md): each
        /// vendor gets "measured" beside the model over exactly the readings' intervals,
        /// with the readings stored in the plan. May be given more than once.
        #[arg(long, value_name = "READINGS.csv")]
        readings: Vec<PathBuf>,
        /// Store the --readings in the plan (refused for a file already imported) and
        /// write the plan to OUT (.ron, .geojson or .gpkg by extension), so later runs
        /// compare them without the CSV.
        #[arg(long, value_name = "OUT", requires = "readings")]
        save: Option<PathBuf>,
    },
    /// Compare surveys measured on site with the calculated illuminance.
    ///
    /// With no SURVEY.csv, the surveys stored in the plan. Per point the measured,
    /// calculated (initial, MF = 1, unless --maintained) and their ratio; per vendor
    /// section and survey date the ratio's mean, median, p10 and p90, and where the
    /// points cover the section's EN 13201 grid the measured E_avg, E_min, U_o beside the
    /// calculated ones; the dark or mis-aimed poles; each vendor's ratio per date.
    /// Exit status: 0 compared, 1 a pole is named dark or a measured verdict fails, 2 an
    /// input could not be read.
    Survey {
        /// The plan: a .ron file, a GeoJSON FeatureCollection (.geojson / .json) or a
        /// GeoPackage (.gpkg).
        file: PathBuf,
        /// Survey CSV files (docs/formats.md "Surveys (CSV)").
        surveys: Vec<PathBuf>,
        /// Compare with the maintained values (the plan's maintenance factor).
        #[arg(long)]
        maintained: bool,
        /// `text` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Store the CSV surveys in the plan (refused for a file already imported) and
        /// write the plan to OUT (.ron, .geojson or .gpkg by extension).
        #[arg(long, value_name = "OUT")]
        save: Option<PathBuf>,
    },
    /// Compare two plans, matched by id: what was added, removed, moved or changed.
    ///
    /// RON, GeoJSON and GeoPackage can be mixed; the order of objects does not matter.
    /// Exit status: 0 the plans are the same, 1 they differ, 2 one could not be read.
    Diff {
        /// The plan before (.ron, .geojson or .gpkg).
        old: PathBuf,
        /// The plan after (.ron, .geojson or .gpkg).
        new: PathBuf,
        /// `text` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also check both plans (with coverage) and list the findings the change
        /// introduced and resolved.
        #[arg(long)]
        check: bool,
    },
    /// Write the report that goes back to a vendor: one self-contained HTML file (site
    /// map, findings, EN 13201 results, energy, review decisions) that prints well.
    ///
    /// Exit status: 0 written, 2 a plan could not be read, the vendor is unknown, or the
    /// file could not be written.
    Report {
        /// The plan: a .ron file, a GeoJSON FeatureCollection (.geojson / .json) or a
        /// GeoPackage (.gpkg).
        file: PathBuf,
        /// Write the HTML report here.
        #[arg(long, value_name = "OUT")]
        html: PathBuf,
        /// Only this vendor's poles, sections, results and decisions.
        #[arg(long, value_name = "ID")]
        vendor: Option<String>,
        /// Also list what changed since this older plan.
        #[arg(long, value_name = "OLD")]
        against: Option<PathBuf>,
        /// Add the coordinator's yardstick: each vendor section's installed W/km against
        /// the best W/km of an arrangement of the same luminaire (lysplan optimise
        /// --sections).
        #[arg(long)]
        benchmark: bool,
    },
    /// Export a plan: as GeoJSON or a GeoPackage (for QGIS), as RON, and/or as the pole
    /// schedule (CSV, for procurement and spreadsheets).
    ///
    /// Each file is written atomically (temporary file, sync, rename); an OUT that is
    /// FILE itself is refused before anything is written.
    /// Exit status: 0 written, 2 the input could not be read or an output not written.
    Export {
        /// The plan: a .ron file, a GeoJSON FeatureCollection (.geojson / .json) or a
        /// GeoPackage (.gpkg).
        file: PathBuf,
        /// Write an RFC 7946 GeoJSON FeatureCollection here.
        #[arg(
            long,
            value_name = "OUT",
            required_unless_present_any = ["ron", "gpkg", "csv"]
        )]
        geojson: Option<PathBuf>,
        /// Write a RON plan here.
        #[arg(long, value_name = "OUT")]
        ron: Option<PathBuf>,
        /// Write an OGC GeoPackage here: layers streets, poles and sections, tables
        /// vendors, luminaire_types and plan_settings (QGIS and GDAL open it).
        #[arg(long, value_name = "OUT")]
        gpkg: Option<PathBuf>,
        /// The GeoPackage's CRS: EPSG code 25832 (ETRS89 / UTM zone 32N, metres) or 4326
        /// (WGS 84, degrees).
        #[arg(long, value_enum, default_value_t = CrsArg::Utm32, requires = "gpkg")]
        crs: CrsArg,
        /// Write the pole schedule here: one header row, then one row per pole (id,
        /// vendor, luminaire, flux, power, height, tilt, azimuth, overhang, lon, lat,
        /// E and N in EPSG:25832, street, chainage, side, review status).
        #[arg(long, value_name = "OUT")]
        csv: Option<PathBuf>,
        /// Start the CSV with a UTF-8 byte-order mark (for spreadsheet programs).
        #[arg(long, requires = "csv")]
        bom: bool,
    },
    /// Import the streets (and street lamps) in a box from OpenStreetMap, through an
    /// Overpass API endpoint, into a new plan. Map data © OpenStreetMap contributors
    /// (ODbL); the attribution is written into the plan.
    ///
    /// Exit status: 0 written, 2 a bad box, no answer from the endpoint, an unreadable
    /// response or an unwritable output (nothing is written then).
    #[command(allow_negative_numbers = true)]
    OsmImport(OsmImportArgs),
    /// Edit a plan: set pole fields, move and delete poles, add rows along a street,
    /// with the app's checks; then write it.
    ///
    /// Exit status: 0 written, 2 the plan could not be read, an edit was refused (its
    /// argument and the reason are named) or the output could not be written; nothing
    /// is written then.
    #[command(allow_negative_numbers = true)]
    Edit(lysplan::edit::command::EditArgs),
    /// Design a stretch of street to its EN 13201 class at the least power: search
    /// arrangements, heights, tilts, overhangs, driver levels and pole counts, judged by
    /// the check itself; optionally write the plan with the best one laid out.
    ///
    /// Exit status: 0 a passing candidate exists (--sections: computed), 1 none passes
    /// (the closest are listed), 2 bad input (an unknown street, section or luminaire,
    /// an empty stretch, a list that cannot be read).
    Optimise(lysplan::edit::optimise::OptimiseArgs),
}

/// The arguments of `osm-import`.
#[derive(Debug, clap::Args)]
struct OsmImportArgs {
    /// The box to import, W,S,E,N in degrees (WGS84), at most 25 km²,
    /// e.g. 12.370,55.678,12.395,55.690.
    #[arg(long, value_name = "W,S,E,N")]
    bbox: lysplan::osm::BBox,
    /// The Overpass API endpoint.
    #[arg(long, value_name = "URL", default_value = lysplan::osm::DEFAULT_ENDPOINT)]
    endpoint: String,
    /// Also add the street lamps (highway=street_lamp) as poles of vendor osm-existing.
    #[arg(long)]
    lamps: bool,
    /// Read a saved Overpass JSON response instead of asking the endpoint (offline).
    #[arg(long, value_name = "RESPONSE.json")]
    from_file: Option<PathBuf>,
    /// The plan to write (.geojson, or .ron).
    out: PathBuf,
}

/// The CRS of `export --gpkg`, by its EPSG code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CrsArg {
    /// ETRS89 / UTM zone 32N (metres).
    #[value(name = "25832")]
    Utm32,
    /// WGS 84 (degrees).
    #[value(name = "4326")]
    Wgs84,
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
        None => open_app(cli.file),
        Some(Command::Check {
            file,
            format,
            no_coverage,
        }) => check(&file, format, !no_coverage),
        Some(Command::Lux {
            file,
            lon,
            lat,
            format,
        }) => lux(&file, lon, lat, format),
        Some(Command::Luminance {
            file,
            lon,
            lat,
            observer,
            format,
        }) => luminance(&file, (lon, lat), (observer[0], observer[1]), format),
        Some(Command::Energy {
            file,
            format,
            year,
            readings,
            save,
        }) => energy(&file, format, year, &readings, save.as_deref()),
        Some(Command::Survey {
            file,
            surveys,
            maintained,
            format,
            save,
        }) => survey(&file, &surveys, maintained, format, save.as_deref()),
        Some(Command::Diff {
            old,
            new,
            format,
            check,
        }) => diff(&old, &new, format, check),
        Some(Command::Report {
            file,
            html,
            vendor,
            against,
            benchmark,
        }) => report(
            &file,
            &html,
            vendor.as_deref(),
            against.as_deref(),
            benchmark,
        ),
        Some(Command::Export {
            file,
            geojson,
            ron,
            gpkg,
            crs,
            csv,
            bom,
        }) => export(
            &file,
            &Outputs {
                geojson: geojson.as_deref(),
                ron: ron.as_deref(),
                gpkg: gpkg.as_deref(),
                crs: match crs {
                    CrsArg::Utm32 => Crs::Utm32,
                    CrsArg::Wgs84 => Crs::Wgs84,
                },
                csv: csv.as_deref(),
                bom,
            },
        ),
        Some(Command::OsmImport(args)) => osm_import(&args),
        Some(Command::Edit(args)) => lysplan::edit::command::run(&args),
        Some(Command::Optimise(args)) => lysplan::edit::optimise::run(&args),
    }
}

/// Opens the desktop app on `file` (or the bundled plan).
#[cfg(feature = "gui")]
fn open_app(file: Option<PathBuf>) -> ExitCode {
    match lysplan::app::run(file) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lysplan: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A build without the `gui` feature has no app to open: say so and how to get one.
#[cfg(not(feature = "gui"))]
fn open_app(_file: Option<PathBuf>) -> ExitCode {
    eprintln!(
        "error: this build has no desktop app; rebuild with the default `gui` feature \
         (cargo build, without --no-default-features), or use a verb: lysplan check FILE, \
         lysplan lux, lysplan export (see lysplan --help)"
    );
    ExitCode::from(2)
}

/// Writes `value` as pretty JSON and a newline to standard output.
fn emit_json<T: serde::Serialize>(value: &T) {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    emit(&s);
}

/// Writes `text` to standard output. When the reader has gone away (`lysplan check |
/// head -1`), the rest is dropped quietly, as other command-line tools do; any other
/// write error is reported on stderr.
fn emit(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: could not write the output: {e}");
    }
}

fn load(path: &Path) -> Result<Plan, ExitCode> {
    load_any(path).map_err(|e| fail(&e))
}

fn fail(e: &FileError) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

fn check(path: &Path, format: Format, coverage: bool) -> ExitCode {
    // The reader locates every pole on its street (for default azimuths); the rules
    // reuse that instead of asking the segment tree again.
    let (plan, located) = match lysplan::locate::load_located(path) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    let report = if coverage {
        let (findings, cov) = lysplan::check::run_with_coverage_located(&plan, located);
        CheckReport::new(&plan, &findings).with_coverage(&cov)
    } else {
        CheckReport::new(&plan, &lysplan::check::run_located(&plan, located))
    };
    let out = match format {
        Format::Text => report.to_text(&path.display().to_string()),
        Format::Json => report.to_json(),
    };
    emit(&out);
    let code = if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    // The process ends here: the system takes the plan's memory back at once, where
    // freeing it would visit each of its strings (several per pole).
    drop(report);
    std::mem::forget(plan);
    code
}

fn diff(old_path: &Path, new_path: &Path, format: Format, check: bool) -> ExitCode {
    // The two files are read side by side (reading is most of the time at 100k poles).
    let (old, new) = match rayon::join(|| load(old_path), || load(new_path)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let d = match lysplan::diff::diff(&old, &new) {
        Ok(d) => d,
        Err(e) => {
            let file = match &e {
                lysplan::diff::DiffError::DuplicateId { which, .. } => match which {
                    lysplan::diff::Side::Old => old_path,
                    lysplan::diff::Side::New => new_path,
                },
            };
            eprintln!("error: {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let findings = check.then(|| {
        let (a, b) = rayon::join(
            || lysplan::check::run_with_coverage(&old).0,
            || lysplan::check::run_with_coverage(&new).0,
        );
        lysplan::diff::FindingsDiff::new(&a, &b)
    });
    let names = (
        old_path.display().to_string(),
        new_path.display().to_string(),
    );
    emit(&match format {
        Format::Text => d.to_text(&old, &new, (&names.0, &names.1), findings.as_ref()),
        Format::Json => d.to_json(&names.0, &names.1, findings.as_ref()),
    });
    if d.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn report(
    path: &Path,
    out: &Path,
    vendor: Option<&str>,
    against: Option<&Path>,
    benchmark: bool,
) -> ExitCode {
    if let Some(input) = [Some(path), against]
        .into_iter()
        .flatten()
        .find(|p| same_file(out, p))
    {
        eprintln!(
            "error: {}: is the plan {} read; the report never overwrites a plan. Choose \
             another output file; nothing was written",
            out.display(),
            input.display()
        );
        return ExitCode::from(2);
    }
    let plan = match load(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let old = match against.map(load).transpose() {
        Ok(o) => o,
        Err(code) => return code,
    };
    let against_name = against.map(|p| p.display().to_string()).unwrap_or_default();
    let generated = lysplan::plan::review::now_rfc3339();
    let source = path.display().to_string();
    let opts = lysplan::html_report::ReportOptions {
        vendor,
        against: old.as_ref().map(|o| (o, against_name.as_str())),
        source: &source,
        generated: &generated,
    };
    let html = match lysplan::html_report::html(&plan, &opts) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {}: {e}; nothing was written", path.display());
            return ExitCode::from(2);
        }
    };
    let html = if benchmark {
        let (photometry, _) = lighting::load_photometry(&plan);
        let mut rows = lysplan::design::yardstick::sections(&plan, &photometry);
        rows.retain(|r| vendor.is_none_or(|v| r.vendor == v));
        lysplan::html_report::with_benchmark(&html, &rows)
    } else {
        html
    };
    if let Err(e) = lysplan::plan::write_atomic(out, html.as_bytes()) {
        return fail(&e);
    }
    eprintln!("wrote {}", out.display());
    ExitCode::SUCCESS
}

/// The files `export` writes.
struct Outputs<'a> {
    geojson: Option<&'a Path>,
    ron: Option<&'a Path>,
    gpkg: Option<&'a Path>,
    crs: Crs,
    csv: Option<&'a Path>,
    bom: bool,
}

fn export(path: &Path, out: &Outputs) -> ExitCode {
    let targets = [out.geojson, out.ron, out.gpkg, out.csv];
    // An export never replaces the plan it exports: refused before anything is written.
    if let Some(same) = targets.iter().flatten().find(|o| same_file(o, path)) {
        eprintln!(
            "error: {}: is the plan being exported ({}); an export never overwrites its input. \
             Choose another output file; nothing was written",
            same.display(),
            path.display()
        );
        return ExitCode::from(2);
    }
    let plan = match load(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // Never write what the readers would refuse (the readers validate too; this holds
    // whatever a future reader lets through).
    if let Err(e) = lysplan::plan::validate::plan(&plan) {
        eprintln!("error: {}: {e}; nothing was written", path.display());
        return ExitCode::from(2);
    }
    let gpkg_note = format!(" (GeoPackage, {})", out.crs.label());
    let csv_note = format!(
        " (pole schedule, {} poles{})",
        plan.poles.len(),
        if out.bom { ", UTF-8 BOM" } else { "" }
    );
    type Write<'a> = &'a dyn Fn(&Path) -> Result<(), FileError>;
    let writes: [(Option<&Path>, Write, &str); 4] = [
        (out.geojson, &|o| save_geojson_atomic(&plan, o), ""),
        (out.ron, &|o| save_ron_atomic(&plan, o), ""),
        (
            out.gpkg,
            &|o| save_gpkg_atomic(&plan, o, out.crs),
            &gpkg_note,
        ),
        (
            out.csv,
            &|o| save_schedule_atomic(&plan, o, out.bom),
            &csv_note,
        ),
    ];
    for (target, write, note) in writes {
        if let Some(o) = target {
            if let Err(e) = write(o) {
                return fail(&e);
            }
            eprintln!("wrote {}{note}", o.display());
        }
    }
    ExitCode::SUCCESS
}

fn osm_import(a: &OsmImportArgs) -> ExitCode {
    use lysplan::osm;
    let (text, origin, source) = match &a.from_file {
        Some(path) => match lysplan::error::read_text(path) {
            Ok(t) => (
                t,
                path.clone(),
                format!("box {}, saved response {}", a.bbox, path.display()),
            ),
            Err(e) => return fail(&e),
        },
        None => {
            eprintln!("asking {} for the streets in {} ...", a.endpoint, a.bbox);
            let q = osm::query(&a.bbox);
            match osm::fetch(&a.endpoint, &q, osm::FetchOptions::default(), &mut |_| true) {
                Ok(t) => (
                    t,
                    PathBuf::from(&a.endpoint),
                    format!("box {}, {}", a.bbox, a.endpoint),
                ),
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            }
        }
    };
    let data = match osm::parse_response(&text, &origin) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}; nothing was written");
            return ExitCode::from(2);
        }
    };
    let import = osm::to_import(&data);
    let plan = osm::to_plan(&import, a.lamps, &source);
    let is_ron = a
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ron"));
    let written = if is_ron {
        save_ron_atomic(&plan, &a.out)
    } else {
        save_geojson_atomic(&plan, &a.out)
    };
    if let Err(e) = written {
        return fail(&e);
    }
    eprintln!(
        "wrote {}: {} streets from {} ways, {} street lamps {}; {} ways skipped. {}",
        a.out.display(),
        plan.streets.len(),
        import
            .streets
            .iter()
            .map(|s| s.way_ids.len())
            .sum::<usize>(),
        import.lamps.len(),
        if a.lamps {
            "as poles of osm-existing"
        } else {
            "not added (add --lamps)"
        },
        import.skipped.len(),
        osm::ATTRIBUTION
    );
    ExitCode::SUCCESS
}
