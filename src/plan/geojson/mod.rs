//! GeoJSON interchange (RFC 7946, WGS84 lon/lat) for QGIS users and scripts, as defined
//! in docs/architecture.md "GeoJSON interchange".
//!
//! One FeatureCollection holds the plan:
//! - streets: `LineString` features, properties `kind: "street"`, `id`, `name`, `class`
//!   (absent = not evaluated), `width_m` (default 7), `lanes` (default 2) and `surface`
//!   (an r-table id, default "C2");
//! - poles: `Point` features, properties `kind: "pole"`, `id`, `vendor`, `luminaire`,
//!   `height_m` (> 0), `tilt_deg` (0), `azimuth_deg` (default: towards the nearest street
//!   centreline, as a true bearing), `overhang_m` (0). `luminaire` is a luminaire type id
//!   of the `lysplan` member, or a path to an .ldt/.ies file relative to the GeoJSON file:
//!   that file is read and embedded in the plan as a new luminaire type (one per path);
//! - vendor sections: `kind: "section"`, `vendor`, `street`, `from_m`, `to_m`, optional
//!   `id`; any geometry (or null);
//! - survey points: `Point` features, `kind: "measurement"`, `survey` (the survey's name),
//!   `measured_at`, `e_h_lx`, `note` (optional); the surveys themselves (name, file,
//!   SHA-256, instrument) are `lysplan.surveys`, where the first version 3 files also
//!   held the points (still read);
//! - plan settings in the top-level foreign member `"lysplan": {"name", "description",
//!   "maintenance_factor", "burning_hours_per_year", "rules", "vendors", "luminaires"}`.
//!   Without `vendors`, the vendors named by poles and sections are created.
//!
//! Malformed input gives a [`FileError`] naming the feature and property
//! (`features[3].properties.height_m`) and what to do; JSON syntax errors give
//! line:column.

mod chunked;
mod fast;
mod feature;
mod meta;
mod write;

pub use write::to_geojson;

use super::{Plan, Unaimed, Vendor};
use crate::error::{FileError, Location};
use feature::{PoleNote, read_feature};
use meta::{embed_photometry, is_photometry_path, read_meta};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// Reads and validates the plan file at `path`; the default azimuths come with
/// `crate::locate::aimed` (reading a GeoJSON plan whole: `crate::locate::load_geojson`).
/// A file of 512 KiB or more laid out as usual (features one after
/// another) is read in runs on every core, without holding its whole text; any other,
/// or one whose runs do not all read, is read whole, on the paths that name what is
/// wrong.
pub fn load_unaimed(path: &Path) -> Result<Unaimed, FileError> {
    load_unaimed_in_runs(path, chunked::RUN_BYTES).map(|(u, _)| u)
}

/// As [`load_unaimed`], with runs of about `run_bytes`, and whether the file was read in
/// runs (`false`: whole). For tests that hold the two to the same plan.
#[doc(hidden)]
pub fn load_unaimed_in_runs(path: &Path, run_bytes: usize) -> Result<(Unaimed, bool), FileError> {
    if let Some(c) = chunked::read(path, run_bytes) {
        return finish(&Reader { origin: path }, c).map(|u| (u, true));
    }
    let text = crate::error::read_text(path)?;
    read_unaimed(&text, path).map(|u| (u, false))
}

/// Writes `plan` as GeoJSON to `path` atomically.
pub fn save_geojson_atomic(plan: &Plan, path: &Path) -> Result<(), FileError> {
    super::ron_io::write_atomic(path, to_geojson(plan).as_bytes())
}

struct Reader<'a> {
    origin: &'a Path,
}

impl Reader<'_> {
    fn err(&self, field: impl Into<String>, message: impl Into<String>) -> FileError {
        FileError::new(self.origin, Location::Field(field.into()), message)
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

/// What the streaming reader collects.
#[derive(Default)]
struct Collected {
    kind: Option<Value>,
    meta: Option<Value>,
    features_seen: bool,
    plan: Plan,
    /// Parallel to `plan.poles`.
    pole_notes: Vec<PoleNote>,
    /// The survey points of `measurement` features, each with the name of its survey,
    /// in file order (given to the surveys once the `lysplan` member is read).
    measurements: Vec<(String, super::measured::SurveyPoint)>,
    /// The luminaire names too long to hold inline that poles give ([`PoleNote`]).
    long_luminaires: LongNames,
    /// A semantic error in a feature; it aborts the JSON parse and wins over it.
    error: Option<FileError>,
    /// How many features were read.
    features: usize,
    /// The sections named by their feature's index (no `id` given), as (index in
    /// `plan.sections`, feature index): renamed when runs read apart are joined.
    default_named: Vec<(usize, usize)>,
}

/// Names too long to be held inline in a pole's [`super::Name`] (photometry file paths,
/// mostly), each once. A pole that gives one holds an empty name and the index here in
/// its [`PoleNote`] until [`finish`] gives it the luminaire's id: a million poles that
/// name one file hold one copy of its path, not a million on the heap.
#[derive(Default)]
struct LongNames {
    names: indexmap::IndexSet<String>,
    /// The last name interned: most poles give the name of the pole before.
    last: Option<u32>,
}

impl LongNames {
    /// Whether `name` is too long to be held inline.
    fn is_long(name: &str) -> bool {
        name.len() > std::mem::size_of::<super::Name>()
    }

    /// The index of `name`, added if new; `None` past what a [`PoleNote`] counts (the
    /// fast reader then gives up, and the careful one holds the names in the poles).
    fn intern(&mut self, name: &str) -> Option<u32> {
        if let Some(k) = self.last
            && self.names.get_index(k as usize).is_some_and(|n| n == name)
        {
            return Some(k);
        }
        let k = match self.names.get_index_of(name) {
            Some(k) => k,
            None => self.names.insert_full(name.to_owned()).0,
        };
        let k = u32::try_from(k).ok().filter(|&k| k != PoleNote::INLINE)?;
        self.last = Some(k);
        Some(k)
    }

    /// The name of note `n`'s luminaire, if the pole does not hold it.
    fn of(&self, n: &PoleNote) -> Option<&str> {
        self.names
            .get_index(n.long_luminaire as usize)
            .map(String::as_str)
    }
}

/// The id of a section feature `fi` that gives none.
fn default_section_id(fi: usize) -> String {
    format!("section-{fi}")
}

impl Collected {
    /// Appends the features of `next`, read from the features that follow this one's;
    /// `None` (and the collection is not to be used) past what the long names count.
    fn append(&mut self, next: Collected) -> Option<()> {
        let offset = self.features;
        let Collected {
            plan,
            pole_notes,
            long_luminaires,
            features,
            default_named,
            measurements,
            ..
        } = next;
        // Their long names, as indices into this one's.
        let long: Vec<u32> = long_luminaires
            .names
            .iter()
            .map(|name| self.long_luminaires.intern(name))
            .collect::<Option<_>>()?;
        let sections = self.plan.sections.len();
        self.plan.streets.extend(plan.streets);
        self.plan.sections.extend(plan.sections);
        for (si, fi) in default_named {
            self.plan.sections[sections + si].id = default_section_id(offset + fi);
            self.default_named.push((sections + si, offset + fi));
        }
        if self.plan.poles.is_empty() {
            self.plan.poles = plan.poles;
        } else {
            self.plan.poles.extend(plan.poles);
        }
        self.plan.pole_reviews.extend(plan.pole_reviews);
        self.measurements.extend(measurements);
        self.pole_notes.extend(pole_notes.into_iter().map(|n| {
            PoleNote {
                feature: offset + n.feature,
                long_luminaire: long
                    .get(n.long_luminaire as usize)
                    .copied()
                    .unwrap_or(PoleNote::INLINE),
                ..n
            }
        }));
        self.features += features;
        Some(())
    }
}

struct RootVisitor<'r, 'a> {
    r: &'r Reader<'a>,
    c: &'r mut Collected,
}

impl<'de> serde::de::Visitor<'de> for RootVisitor<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a GeoJSON FeatureCollection object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => self.c.kind = Some(map.next_value()?),
                "lysplan" => self.c.meta = Some(map.next_value()?),
                "features" => {
                    self.c.features_seen = true;
                    map.next_value_seed(FeaturesSeed {
                        r: self.r,
                        c: &mut *self.c,
                    })?;
                }
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct FeaturesSeed<'r, 'a> {
    r: &'r Reader<'a>,
    c: &'r mut Collected,
}

impl<'de> serde::de::DeserializeSeed<'de> for FeaturesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for FeaturesSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("\"features\" to be an array of GeoJSON features")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // One feature at a time: memory stays proportional to the plan, not to a
        // JSON tree of the whole file.
        let mut fi = 0usize;
        while let Some(v) = seq.next_element::<Value>()? {
            let c = &mut *self.c;
            if let Err(e) = read_feature(
                self.r,
                fi,
                &v,
                &mut c.plan,
                &mut c.pole_notes,
                &mut c.measurements,
            ) {
                self.c.error = Some(e);
                return Err(serde::de::Error::custom("invalid feature"));
            }
            fi += 1;
        }
        Ok(())
    }
}

/// Parses and validates a plan from GeoJSON text; the default azimuths come with
/// `crate::locate::aimed`. `origin` names the file in messages and anchors relative
/// photometry paths. Features are read one at a time (streaming).
pub fn read_unaimed(text: &str, origin: &Path) -> Result<Unaimed, FileError> {
    let r = Reader { origin };
    // Most files are well-formed: read them fast, and only a file the fast reader gives
    // up on is read again carefully, for the message that names what is wrong.
    let c = match fast::read(text) {
        Ok(c) => c,
        Err(fast::GaveUp) => read_carefully(&r, text)?,
    };
    finish(&r, c)
}

/// As [`read_unaimed`], always on the careful path (every feature through a `Value`):
/// the same plan, slower. For tests that hold the fast path to it.
#[doc(hidden)]
pub fn read_unaimed_careful(text: &str, origin: &Path) -> Result<Unaimed, FileError> {
    let r = Reader { origin };
    finish(&r, read_carefully(&r, text)?)
}

/// The reader that explains: every feature through a `Value`, each property's type and
/// value judged with its path in the message.
fn read_carefully(r: &Reader, text: &str) -> Result<Collected, FileError> {
    let origin = r.origin;
    let syntax = |e: serde_json::Error| {
        FileError::new(
            origin,
            Location::LineCol {
                // serde_json counts columns from 0 at the start of a line only when it
                // has read nothing there; positions are 1-based everywhere else.
                line: e.line().max(1),
                col: e.column().max(1),
            },
            format!("{e}; fix the JSON syntax there"),
        )
    };
    if !text.trim_start().starts_with('{') {
        // Not an object: report a syntax error if there is one, else the shape.
        serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(syntax)?;
        return Err(r.err("(root)", "must be a GeoJSON FeatureCollection object"));
    }
    let mut c = Collected::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = serde::Deserializer::deserialize_map(&mut de, RootVisitor { r, c: &mut c })
        .and_then(|()| de.end());
    if let Some(e) = c.error.take() {
        return Err(e);
    }
    parsed.map_err(syntax)?;
    Ok(c)
}

/// What every reader does once the features are read: the collection's type, the
/// `lysplan` member, photometry files, which poles wait for a default azimuth, implied
/// vendors, the validator.
fn finish(r: &Reader, mut c: Collected) -> Result<Unaimed, FileError> {
    let origin = r.origin;

    match c.kind.as_ref().and_then(Value::as_str) {
        Some("FeatureCollection") => {}
        other => {
            // Say what was found as a reader of the file would (no Rust `None`/`Some`).
            let found = match (other, c.kind.as_ref()) {
                (Some(t), _) => format!("\"{t}\""),
                (None, None) => "missing".to_string(),
                (None, Some(v)) => format!("{v}, not a string"),
            };
            return Err(r.err(
                "type",
                format!(
                    "is {found}, but a plan must be a FeatureCollection; wrap the features in \
                     {{\"type\": \"FeatureCollection\", \"features\": [...]}}"
                ),
            ));
        }
    }
    if !c.features_seen {
        return Err(r.err("features", "is missing; add \"features\": [...]"));
    }
    let mut plan = std::mem::take(&mut c.plan);
    // The poles' vector grew by doubling: give back what it does not use.
    plan.poles.shrink_to_fit();
    let notes = std::mem::take(&mut c.pole_notes);
    let long = std::mem::take(&mut c.long_luminaires);
    let vendors_given = read_meta(r, c.meta.as_ref(), &mut plan)?;
    super::measured::join_points(&mut plan.surveys, std::mem::take(&mut c.measurements));
    // The luminaire each pole gives: its own name, or one of the long names.
    let long_name = |pi: usize| notes.get(pi).and_then(|n| long.of(n));

    // Luminaires: a catalogue id, or a photometry file to embed (once per path). The
    // names the poles give, each once, in order of first use (most poles repeat the
    // name of the pole before).
    let names: Vec<(String, usize)> = first_uses(
        plan.poles
            .iter()
            .enumerate()
            .map(|(pi, p)| long_name(pi).unwrap_or(p.luminaire.as_str())),
        std::iter::empty(),
    )
    .into_iter()
    .map(|(name, pi)| (name.to_owned(), pi))
    .collect();
    let catalogue: std::collections::HashSet<String> =
        plan.luminaires.iter().map(|l| l.id.clone()).collect();
    let mut embedded: HashMap<String, String> = HashMap::new();
    for (lum, pi) in names {
        if catalogue.contains(&lum) || !is_photometry_path(&lum) {
            // Unknown ids are kept; the reference.luminaire check reports them.
            continue;
        }
        let feature = notes.get(pi).map_or(pi, |n| n.feature);
        let field = format!("features[{feature}].properties.luminaire");
        let id = embed_photometry(r, &field, &lum, &mut plan)?;
        embedded.insert(lum, id);
    }
    // Each pole gets the id of the file it names, or the long name it gave.
    if !embedded.is_empty() || !long.names.is_empty() {
        use rayon::prelude::*;
        const CHUNK: usize = 4096;
        plan.poles
            .par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(ci, poles)| {
                let mut last: Option<(&str, &str)> = None;
                for (j, p) in poles.iter_mut().enumerate() {
                    let held = long_name(ci * CHUNK + j);
                    let name = held.unwrap_or(p.luminaire.as_str());
                    let id = match last {
                        Some((path, id)) if path == name => Some(id),
                        _ => embedded.get_key_value(name).map(|(k, v)| {
                            last = Some((k.as_str(), v.as_str()));
                            v.as_str()
                        }),
                    };
                    if let Some(name) = id.or(held) {
                        p.luminaire = name.into();
                    }
                }
            });
    }
    drop(long);

    // Default azimuth: the luminaire's C = 90 direction towards the nearest centreline.
    let aim: Vec<bool> = notes.iter().map(|n| !n.azimuth_given).collect();

    if !vendors_given {
        add_implied_vendors(&mut plan);
    }
    // Each value was judged where it was read, with its feature named; this is the net
    // under that (the same validator the RON reader uses, paths from the plan's root).
    // The default azimuths come later (`crate::locate::aimed`): always finite.
    super::validate::plan(&plan).map_err(|e| super::ron_io::value_error(origin, e))?;
    Ok(Unaimed { plan, aim })
}

/// Adds a vendor (id = name, a palette colour) for each vendor id the poles and sections
/// name, in order of first use: a file without a vendor list (GeoJSON, GeoPackage).
pub(in crate::plan) fn add_implied_vendors(plan: &mut Plan) {
    let names: Vec<String> = first_uses(
        plan.poles
            .iter()
            .map(|p| p.vendor.as_str())
            .chain(plan.sections.iter().map(|s| s.vendor.as_str())),
        plan.vendors.iter().map(|v| v.id.as_str()),
    )
    .into_iter()
    .map(|(v, _)| v.to_owned())
    .collect();
    for v in names {
        let k = plan.vendors.len();
        plan.vendors.push(Vendor {
            name: v.clone(),
            id: v,
            color: super::schema::palette(k),
            control_profile: None,
        });
    }
}

/// The distinct names of `names` not in `known`, each with the position of its first
/// use, in that order. Cheap on a million poles: most repeat the name before them,
/// which is checked before the set.
fn first_uses<'a>(
    names: impl Iterator<Item = &'a str>,
    known: impl Iterator<Item = &'a str>,
) -> Vec<(&'a str, usize)> {
    let mut seen: std::collections::HashSet<&str> = known.collect();
    let mut last: Option<&str> = None;
    let mut out = Vec::new();
    for (k, name) in names.enumerate() {
        if last != Some(name) && seen.insert(name) {
            out.push((name, k));
        }
        last = Some(name);
    }
    out
}
