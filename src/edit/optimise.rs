//! `lysplan optimise`: the arrangement search ([`crate::design`]) from the command line,
//! its `--apply` as one edit through the edit layer, and the coordinator's yardstick
//! (`--sections`). Exit status: 0 a passing candidate exists (the yardstick: computed),
//! 1 none passes, 2 bad input.

use super::op::{Change, Edit};
use super::{Document, Step};
use crate::design::{
    Arrangement, Candidate, Outcome, Request, SearchSet, Stretch, lay_out, optimise, stretch_poles,
    yardstick,
};
use crate::frame::Polyline;
use crate::index::{SiteIndex, pole_stations};
use crate::locate::load_any;
use crate::measure::save_any;
use crate::plan::{Crs, FreshIds, LuminaireType, Plan, same_file};
use serde::Serialize;
use serde::ser::SerializeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// The arguments of `optimise`.
#[derive(Debug, clap::Args)]
pub struct OptimiseArgs {
    /// The plan (.ron, .geojson or .gpkg).
    pub file: PathBuf,
    /// The street to design (its id).
    #[arg(long, required_unless_present = "sections")]
    pub street: Option<String>,
    /// A vendor section (its id): the stretch from its start to its end.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub section: Option<String>,
    /// The stretch's start chainage, m (default 0).
    #[arg(long, allow_negative_numbers = true)]
    pub from: Option<f64>,
    /// The stretch's end chainage, m (default the street's end).
    #[arg(long, allow_negative_numbers = true)]
    pub to: Option<f64>,
    /// A luminaire type to search with (repeat for more; default: the types already on
    /// the stretch).
    #[arg(long = "luminaire", value_name = "ID")]
    pub luminaires: Vec<String>,
    /// Arrangements, comma-separated: single-left, single-right, staggered, opposite.
    #[arg(long, value_name = "LIST")]
    pub arrangements: Option<String>,
    /// Mounting heights, m, comma-separated (default 4 to 12 in 0.5 steps).
    #[arg(long, value_name = "LIST")]
    pub heights: Option<String>,
    /// Tilts, degrees, comma-separated (default 0,5,10,15).
    #[arg(long, value_name = "LIST")]
    pub tilts: Option<String>,
    /// Overhangs, m, comma-separated (default 0 to 2 in 0.5 steps).
    #[arg(long, value_name = "LIST")]
    pub overhangs: Option<String>,
    /// Driver levels, fractions of the rated output, comma-separated (default 0.3 to 1
    /// in 0.05 steps).
    #[arg(long, value_name = "LIST")]
    pub levels: Option<String>,
    /// How far the poles stand behind the carriageway edge, m (default 1).
    #[arg(long, value_name = "M")]
    pub setback: Option<f64>,
    /// How many candidates to confirm by the check and list, best first.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// `text` for people, `json` for scripts.
    #[arg(long, value_enum, default_value_t = OutFormat::Text)]
    pub format: OutFormat,
    /// Write the plan with the vendor's poles on the stretch replaced by the best
    /// candidate here (needs --vendor).
    #[arg(long, value_name = "OUT", requires = "vendor")]
    pub apply: Option<PathBuf>,
    /// Whose poles on the stretch the candidate replaces (default: every pole on it);
    /// the new poles are theirs.
    #[arg(long, value_name = "ID")]
    pub vendor: Option<String>,
    /// The coordinator's yardstick: per vendor section, the vendor's installed W/km
    /// against the best W/km the search finds with the same luminaire (the default
    /// search set, or the lists given).
    #[arg(long, conflicts_with_all = ["street", "section", "apply"])]
    pub sections: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    Text,
    Json,
}

fn bad(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

/// A comma-separated list of numbers, or what cannot be read.
pub fn parse_list(what: &str, s: &str) -> Result<Vec<f64>, String> {
    s.split(',')
        .map(|x| {
            let x = x.trim();
            x.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("--{what} {s:?}: {x:?} is not a number"))
        })
        .collect()
}

/// The search set of the arguments (defaults where not given).
pub fn search_set(a: &OptimiseArgs) -> Result<SearchSet, String> {
    let mut set = SearchSet::default();
    if let Some(s) = &a.arrangements {
        set.arrangements = s
            .split(',')
            .map(|x| {
                Arrangement::parse(x).ok_or_else(|| {
                    format!(
                        "--arrangements {s:?}: {x:?} is not one of single-left, \
                         single-right, staggered, opposite"
                    )
                })
            })
            .collect::<Result<_, _>>()?;
    }
    for (what, given, into) in [
        ("heights", &a.heights, &mut set.heights_m),
        ("tilts", &a.tilts, &mut set.tilts_deg),
        ("overhangs", &a.overhangs, &mut set.overhangs_m),
        ("levels", &a.levels, &mut set.levels),
    ] {
        if let Some(s) = given {
            *into = parse_list(what, s)?;
        }
    }
    if let Some(s) = a.setback {
        set.setback_m = s;
    }
    set.checked()
}

/// The stretch the arguments name, or what is wrong.
pub fn stretch(plan: &Plan, a: &OptimiseArgs) -> Result<Stretch, String> {
    let street_id = a.street.clone().unwrap_or_default();
    let street = plan
        .street(&street_id)
        .ok_or_else(|| format!("no street {street_id:?} in the plan"))?;
    let len = Polyline::from_lonlat(&street.points).length();
    let (from_m, to_m) = match &a.section {
        Some(id) => {
            let s = plan
                .sections
                .iter()
                .find(|s| &s.id == id)
                .ok_or_else(|| format!("no section {id:?} in the plan"))?;
            if s.street != street.id {
                return Err(format!(
                    "section {id} lies on {}, not on {}",
                    s.street, street.id
                ));
            }
            (s.from_m, s.to_m)
        }
        None => (a.from.unwrap_or(0.0), a.to.unwrap_or(len)),
    };
    if let Some(v) = &a.vendor
        && plan.vendor(v).is_none()
    {
        return Err(format!("no vendor {v:?} in the plan"));
    }
    Ok(Stretch {
        street: street.id.clone(),
        from_m,
        to_m,
        vendor: a.vendor.clone(),
    })
}

/// Runs `lysplan optimise`; returns the exit code.
pub fn run(a: &OptimiseArgs) -> ExitCode {
    if let Some(out) = &a.apply
        && same_file(out, &a.file)
    {
        return bad(format_args!(
            "{}: is the plan being read; --apply writes a new file. Nothing was written",
            out.display()
        ));
    }
    let plan = match load_any(&a.file) {
        Ok(p) => p,
        Err(e) => return bad(e),
    };
    let start = Instant::now();
    let (photometry, _) = crate::lighting::load_photometry(&plan);
    if a.sections {
        let set = match search_set(a) {
            Ok(s) => s,
            Err(e) => return bad(e),
        };
        let rows = yardstick::sections_with(&plan, &photometry, &set);
        let seconds = start.elapsed().as_secs_f64();
        match a.format {
            OutFormat::Json => emit_json(&serde_json::json!({
                "sections": rows,
                "evaluated": rows.iter().map(|r| r.evaluated).sum::<usize>(),
                "seconds": seconds,
            })),
            OutFormat::Text => print!("{}", yardstick_text(&rows)),
        }
        return ExitCode::SUCCESS;
    }
    let set = match search_set(a) {
        Ok(s) => s,
        Err(e) => return bad(e),
    };
    let stretch = match stretch(&plan, a) {
        Ok(s) => s,
        Err(e) => return bad(e),
    };
    let req = Request {
        stretch,
        luminaires: a.luminaires.clone(),
        set,
        top: a.top.max(1),
    };
    let outcome = match optimise(&plan, &photometry, &req, None) {
        Ok(o) => o,
        Err(e) => return bad(e),
    };
    let seconds = start.elapsed().as_secs_f64();
    let top = a.top.max(1);
    match a.format {
        OutFormat::Json => emit_json(&OutcomeJson {
            o: &outcome,
            top,
            seconds,
        }),
        OutFormat::Text => print!("{}", outcome_text(&outcome, top, seconds)),
    }
    let Some(best) = outcome.best() else {
        if a.apply.is_some() {
            eprintln!("no candidate passes: nothing was written");
        }
        return ExitCode::from(1);
    };
    if let (Some(out), Some(vendor)) = (&a.apply, &a.vendor) {
        let mut doc = Document::new(plan, Some(a.file.clone()));
        let applied = apply_step(doc.plan(), &req.stretch, best, vendor).and_then(|step| {
            doc.apply(step.label.clone(), step.edit)
                .map(|_| step.label)
                .map_err(|e| e.to_string())
        });
        match applied {
            Ok(label) => eprintln!("{label}"),
            Err(e) => return bad(format_args!("{e}; nothing was written")),
        }
        if let Err(e) = save_any(doc.plan(), out, Crs::Utm32) {
            return bad(e);
        }
        eprintln!("wrote {}", out.display());
    }
    ExitCode::SUCCESS
}

/// The id prefix of `vendor`'s poles: the most common id with its trailing digits cut
/// (`P` for `P017`), else the plan's, else `P`.
pub fn vendor_prefix(plan: &Plan, vendor: &str) -> String {
    let prefix_of = |id: &str| {
        id.trim_end_matches(|c: char| c.is_ascii_digit())
            .to_string()
    };
    let most = |it: &mut dyn Iterator<Item = String>| {
        let mut count: std::collections::BTreeMap<String, usize> = Default::default();
        for p in it {
            *count.entry(p).or_default() += 1;
        }
        count
            .into_iter()
            .max_by_key(|(p, n)| (*n, std::cmp::Reverse(p.clone())))
            .map(|(p, _)| p)
            .filter(|p| !p.is_empty())
    };
    most(
        &mut plan
            .poles
            .iter()
            .filter(|p| p.vendor == vendor)
            .map(|p| prefix_of(&p.id)),
    )
    .or_else(|| most(&mut plan.poles.iter().map(|p| prefix_of(&p.id))))
    .unwrap_or_else(|| "P".into())
}

/// The one edit that replaces `vendor`'s poles on the stretch with candidate `c`: a
/// level below the rated output as a luminaire type `<type>-<percent>` (added unless
/// it exists), the old poles removed, the new ones appended with fresh ids of the
/// vendor's pattern.
pub fn apply_step(
    plan: &Plan,
    stretch: &Stretch,
    c: &Candidate,
    vendor: &str,
) -> Result<Step, String> {
    let si = plan
        .streets
        .iter()
        .position(|s| s.id == stretch.street)
        .ok_or_else(|| format!("no street {:?}", stretch.street))?;
    let street = &plan.streets[si];
    let base = plan
        .luminaire(&c.luminaire)
        .ok_or_else(|| format!("no luminaire type {:?}", c.luminaire))?;
    let mut edits = Vec::new();
    let luminaire = if c.level >= 1.0 && base.output_level == 1.0 {
        base.id.clone()
    } else {
        let id = format!("{}-{}", base.id, (c.level * 100.0).round());
        if plan.luminaire(&id).is_none() {
            let t = LuminaireType {
                id: id.clone(),
                name: format!("{} at {:.0} %", base.name, c.level * 100.0),
                output_level: c.level,
                ..base.clone()
            };
            edits.push(Edit::Luminaires(Change::Insert(plan.luminaires.len(), t)));
        }
        id
    };
    let index = SiteIndex::build(plan);
    let stations = pole_stations(&index);
    let own = stretch_poles(
        plan,
        &stations,
        si,
        stretch.from_m,
        stretch.to_m,
        Some(vendor),
    );
    let prefix = vendor_prefix(plan, vendor);
    let mut fresh = FreshIds::of(plan);
    let line = Polyline::from_lonlat(&street.points);
    let len = line.length();
    // The candidate's own ends: the stretch's, or inside them (`Candidate::note`).
    let (first, last) = if c.first_m.is_finite() && c.last_m.is_finite() {
        (c.first_m, c.last_m)
    } else {
        (stretch.from_m, stretch.to_m)
    };
    let poles = lay_out(
        &line,
        first.max(0.0),
        last.min(len),
        street.width_m,
        &c.geometry,
        c.stations,
        vendor,
        &luminaire,
        || fresh.next_id(&prefix),
    );
    let n = poles.len();
    if !own.is_empty() {
        edits.push(Edit::RemovePoles(own.clone()));
    }
    let at = plan.poles.len() - own.len();
    edits.push(Edit::InsertPoles(
        poles
            .into_iter()
            .enumerate()
            .map(|(k, p)| (at + k, p))
            .collect(),
    ));
    Ok(Step {
        label: format!(
            "Design {} {:.0}–{:.0} m: {} poles of {luminaire} ({}, {} m, {}°, level {:.0} %) \
             replace {} of {vendor}",
            street.id,
            stretch.from_m,
            stretch.to_m,
            n,
            c.geometry.arrangement,
            c.geometry.height_m,
            c.geometry.tilt_deg,
            c.level * 100.0,
            own.len()
        ),
        edit: Edit::Batch(edits),
    })
}

/// The JSON of an outcome, keys in the contract's order.
struct OutcomeJson<'a> {
    o: &'a Outcome,
    top: usize,
    seconds: f64,
}

struct CandidateJson<'a>(&'a Candidate);

impl Serialize for CandidateJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let g = &c.geometry;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("luminaire", &c.luminaire)?;
        m.serialize_entry("arrangement", g.arrangement.name())?;
        m.serialize_entry("height_m", &g.height_m)?;
        m.serialize_entry("tilt_deg", &g.tilt_deg)?;
        m.serialize_entry("overhang_m", &g.overhang_m)?;
        m.serialize_entry("setback_m", &g.setback_m)?;
        m.serialize_entry("level", &c.level)?;
        m.serialize_entry("spacing_m", &c.spacing_m)?;
        m.serialize_entry("poles", &c.poles)?;
        m.serialize_entry("installed_w", &c.installed_w)?;
        m.serialize_entry("w_per_km", &c.w_per_km)?;
        m.serialize_entry("d_p_w_per_lx_m2", &c.d_p_w_per_lx_m2)?;
        for (k, v) in &c.metrics {
            m.serialize_entry(k, &finite(*v))?;
        }
        let margins: serde_json::Map<String, serde_json::Value> = c
            .margins
            .iter()
            .map(|(k, v)| ((*k).to_string(), serde_json::json!(finite(*v))))
            .collect();
        m.serialize_entry("margins", &margins)?;
        m.serialize_entry("pass", &c.pass)?;
        if let Some(n) = &c.note {
            m.serialize_entry("note", n)?;
        }
        m.end()
    }
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

impl Serialize for OutcomeJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let o = self.o;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("street", &o.street)?;
        m.serialize_entry("from_m", &o.from_m)?;
        m.serialize_entry("to_m", &o.to_m)?;
        m.serialize_entry("class", &o.class)?;
        let c: Vec<CandidateJson> = o
            .candidates
            .iter()
            .take(self.top)
            .map(CandidateJson)
            .collect();
        m.serialize_entry("candidates", &c)?;
        m.serialize_entry("evaluated", &o.evaluated)?;
        m.serialize_entry("seconds", &self.seconds)?;
        m.end()
    }
}

fn emit_json<T: Serialize>(v: &T) {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    print!("{s}");
}

/// The text answer: one line per candidate, best first; with none passing, what the
/// closest misses.
pub fn outcome_text(o: &Outcome, top: usize, seconds: f64) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} {:.0}–{:.0} m, class {}: {} layouts evaluated ({} by the check) in {seconds:.1} s",
        o.street, o.from_m, o.to_m, o.class, o.evaluated, o.confirmed
    );
    let _ = writeln!(
        s,
        "  {:<20} {:<12} {:>7} {:>6} {:>6} {:>6} {:>9} {:>5} {:>9}  margins",
        "luminaire", "arrangement", "height", "tilt", "overh.", "level", "spacing", "poles", "W/km"
    );
    for c in o.candidates.iter().take(top) {
        let margins: Vec<String> = c
            .margins
            .iter()
            .map(|(k, v)| format!("{k} {:+.0} %", v * 100.0))
            .collect();
        let _ = writeln!(
            s,
            "{} {:<20} {:<12} {:>5.1} m {:>4.0}° {:>4.1} m {:>5.0} % {:>7.1} m {:>5} {:>9.1}  {}",
            if c.pass { "✓" } else { "✗" },
            c.luminaire,
            c.geometry.arrangement.name(),
            c.geometry.height_m,
            c.geometry.tilt_deg,
            c.geometry.overhang_m,
            c.level * 100.0,
            c.spacing_m,
            c.poles,
            c.w_per_km,
            margins.join(", ")
        );
    }
    match o.candidates.first() {
        None => {
            let _ = writeln!(
                s,
                "no layout within the site rules: widen the search (heights, setback)"
            );
        }
        Some(c) if c.pass => {
            if let Some(note) = &c.note {
                let _ = writeln!(s, "the best: {note}");
            }
        }
        Some(c) => {
            let _ = writeln!(
                s,
                "no candidate passes; the closest misses: {}",
                c.misses().join("; ")
            );
        }
    }
    s
}

/// The yardstick as text.
pub fn yardstick_text(rows: &[yardstick::SectionYardstick]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<10} {:<16} {:<20} {:>13} {:>10} {:>10} {:>6}",
        "section", "vendor", "street", "stretch", "W/km now", "best W/km", "ratio"
    );
    for r in rows {
        let _ = writeln!(
            s,
            "{:<10} {:<16} {:<20} {:>5.0}–{:<5.0} m {:>10.1} {:>10} {:>6}{}",
            r.section,
            r.vendor,
            r.street,
            r.from_m,
            r.to_m,
            r.current_w_per_km,
            r.best_w_per_km
                .map_or_else(|| "-".into(), |v| format!("{v:.1}")),
            r.ratio.map_or_else(|| "-".into(), |v| format!("{v:.2}")),
            r.note
                .as_ref()
                .map_or_else(String::new, |n| format!("  ({n})"))
        );
    }
    s
}
