//! What changed between two plans, matched by stable id (`lysplan diff`, and the
//! coordinator's review of a vendor's submission).
//!
//! The contract (issue 10). Objects are matched by id; the order of objects in a file does
//! not matter. A pole has *moved* when its foot moved by more than [`MOVE_M`] on the
//! ground (geodesic metres); its other fields that differ are listed by their RON names
//! (`height_m`, `vendor`, …). Position is never a field. Streets, sections, vendors,
//! luminaire types and control profiles compare every field. Plan-level values
//! (`maintenance_factor`, `rules.max_spacing_m`, `energy.year`, …) are named with dotted
//! paths. Review metadata (the format version, and the revision, changelog and review
//! log once a plan carries them) is never a difference. Numbers are equal within 1e-9
//! relative ([`same_number`]). Every list is sorted by id.
//!
//! Fields are compared through each object's serde form, so a field added to the plan
//! later is compared without touching this module.
//!
//! `--format json` ([`PlanDiff::to_json`]), keys in this order:
//!
//! ```json
//! {"old": "a.ron", "new": "b.geojson",
//!  "poles": {"added": ["PX1"], "removed": ["P051"], "moved": [{"id": "P011", "distance_m": 2.5}],
//!            "changed": [{"id": "P021", "fields": ["height_m"]}]},
//!  "streets": {"added": [], "removed": [], "changed": [{"id": "gl-landevej", "fields": ["points"]}]},
//!  "sections": {"added": [], "removed": [], "changed": []},
//!  "vendors": {"added": [], "removed": [], "changed": []},
//!  "luminaires": {"added": [], "removed": [], "changed": []},
//!  "control_profiles": {"added": [], "removed": [], "changed": []},
//!  "settings": ["maintenance_factor", "rules.max_spacing_m"],
//!  "summary": {"added": 1, "removed": 1, "moved": 1, "changed": 3}}
//! ```
//!
//! `summary.changed` counts changed objects (a pole both moved and changed counts once
//! in `moved` and once in `changed`), plus one when any setting changed.

use crate::check::{Finding, RuleId};
use crate::frame::LonLat;
use crate::plan::Plan;
use crate::report::FindingJson;
use serde_json::{Map, Value, json};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

/// A pole whose foot moved by this much or less (metres on the ground) has not moved.
pub const MOVE_M: f64 = 0.001;

/// Relative tolerance under which two numbers are the same value.
pub const REL_EPS: f64 = 1e-9;

/// Plan-level keys that are collections (diffed by id) or metadata (never a difference).
const NOT_SETTINGS: &[&str] = &[
    "format_version",
    "vendors",
    "luminaires",
    "streets",
    "sections",
    "poles",
    "control_profiles",
    "revision",
    "changelog",
    "pole_reviews",
    "submissions",
];

/// Pole fields that are not compared as fields: the id, the position (a move) and the
/// review status (metadata).
const POLE_NOT_FIELDS: &[&str] = &["id", "lon", "lat", "review"];

/// Two numbers are the same when they differ by at most 1e-9 of the larger magnitude.
pub fn same_number(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= REL_EPS * a.abs().max(b.abs())
}

/// Two serde values are the same, numbers within [`REL_EPS`].
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => same_number(x, y),
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().all(|k| {
                same_value(
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                )
            })
        }
        _ => a == b,
    }
}

/// One field that differs: its name and both values (for "old → new" in the text form
/// and on hover in the app).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// An object present in both plans whose fields differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Changed {
    pub id: String,
    /// Sorted by field name; never empty.
    pub fields: Vec<FieldChange>,
}

impl Changed {
    pub fn field_names(&self) -> Vec<&str> {
        self.fields.iter().map(|f| f.field.as_str()).collect()
    }
}

/// A pole whose foot moved by more than [`MOVE_M`].
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    pub id: String,
    pub distance_m: f64,
    pub from: LonLat,
    pub to: LonLat,
}

/// Added, removed and changed objects of one kind, each list sorted by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<Changed>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The poles' changes: as [`Changes`], plus the moves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PoleChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub moved: Vec<Moved>,
    pub changed: Vec<Changed>,
}

impl PoleChanges {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.moved.is_empty()
            && self.changed.is_empty()
    }
}

/// A plan-level value that differs, by dotted name.
pub type SettingChange = FieldChange;

/// Everything that differs between two plans.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanDiff {
    pub poles: PoleChanges,
    pub streets: Changes,
    pub sections: Changes,
    pub vendors: Changes,
    pub luminaires: Changes,
    pub control_profiles: Changes,
    /// Sorted by dotted name.
    pub settings: Vec<SettingChange>,
}

/// Which of the two compared plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Old,
    New,
}

impl Side {
    /// As messages name it: "old" or "new".
    pub fn name(self) -> &'static str {
        match self {
            Side::Old => "old",
            Side::New => "new",
        }
    }
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why two plans cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// Matching is by id, so an id used twice within one plan has no partner.
    #[error(
        "the {which} plan uses {kind} id {id:?} more than once; ids must be unique to \
         compare plans (lysplan check names every duplicate)"
    )]
    DuplicateId {
        /// The plan that uses the id twice.
        which: Side,
        kind: &'static str,
        id: String,
    },
}

/// The counts of [`PlanDiff::summary`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiffSummary {
    pub added: usize,
    pub removed: usize,
    pub moved: usize,
    pub changed: usize,
}

impl PlanDiff {
    pub fn is_empty(&self) -> bool {
        self.poles.is_empty()
            && self.kinds().iter().all(|(_, c)| c.is_empty())
            && self.settings.is_empty()
    }

    /// The non-pole kinds with their names as the JSON spells them.
    pub fn kinds(&self) -> [(&'static str, &Changes); 5] {
        [
            ("streets", &self.streets),
            ("sections", &self.sections),
            ("vendors", &self.vendors),
            ("luminaires", &self.luminaires),
            ("control_profiles", &self.control_profiles),
        ]
    }

    pub fn summary(&self) -> DiffSummary {
        let kinds = self.kinds();
        DiffSummary {
            added: self.poles.added.len() + kinds.iter().map(|(_, c)| c.added.len()).sum::<usize>(),
            removed: self.poles.removed.len()
                + kinds.iter().map(|(_, c)| c.removed.len()).sum::<usize>(),
            moved: self.poles.moved.len(),
            changed: self.poles.changed.len()
                + kinds.iter().map(|(_, c)| c.changed.len()).sum::<usize>()
                + usize::from(!self.settings.is_empty()),
        }
    }

    /// The JSON contract of the module docs. `findings` (from [`FindingsDiff`]) adds the
    /// `"findings": {"introduced", "resolved"}` member after `"summary"`.
    pub fn to_json(&self, old: &str, new: &str, findings: Option<&FindingsDiff>) -> String {
        fn changed(c: &[Changed]) -> Value {
            Value::Array(
                c.iter()
                    .map(|c| json!({"id": c.id, "fields": c.field_names()}))
                    .collect(),
            )
        }
        fn kind(c: &Changes) -> Value {
            json!({"added": c.added, "removed": c.removed, "changed": changed(&c.changed)})
        }
        let mut o = Map::new();
        o.insert("old".into(), old.into());
        o.insert("new".into(), new.into());
        o.insert(
            "poles".into(),
            json!({
                "added": self.poles.added,
                "removed": self.poles.removed,
                "moved": self.poles.moved.iter()
                    .map(|m| json!({"id": m.id, "distance_m": round_mm(m.distance_m)}))
                    .collect::<Vec<_>>(),
                "changed": changed(&self.poles.changed),
            }),
        );
        for (name, c) in self.kinds() {
            o.insert(name.into(), kind(c));
        }
        o.insert(
            "settings".into(),
            self.settings
                .iter()
                .map(|s| s.field.clone())
                .collect::<Vec<_>>()
                .into(),
        );
        let s = self.summary();
        o.insert(
            "summary".into(),
            json!({"added": s.added, "removed": s.removed, "moved": s.moved, "changed": s.changed}),
        );
        if let Some(f) = findings {
            o.insert(
                "findings".into(),
                json!({"introduced": f.introduced, "resolved": f.resolved}),
            );
        }
        let mut out = serde_json::to_string_pretty(&Value::Object(o)).unwrap_or_default();
        out.push('\n');
        out
    }

    /// One line per change, for people: `+ pole PX1 cisco acme-road-runner 8.0 m`,
    /// `~ pole P011 moved 2.5 m`, `~ pole P021 height_m 8.0 → 9.0`; then a summary.
    /// `old` and `new` are the plans compared (for the added and removed objects' lines).
    pub fn to_text(
        &self,
        old: &Plan,
        new: &Plan,
        names: (&str, &str),
        findings: Option<&FindingsDiff>,
    ) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "--- {}\n+++ {}", names.0, names.1);
        let pole_line = |sign: char, p: &crate::plan::Pole| {
            format!(
                "{sign} pole {} {} {} {} m\n",
                p.id,
                p.vendor,
                p.luminaire,
                show_number(p.height_m)
            )
        };
        for id in &self.poles.added {
            if let Some(p) = new.pole(id) {
                s.push_str(&pole_line('+', p));
            }
        }
        for id in &self.poles.removed {
            if let Some(p) = old.pole(id) {
                s.push_str(&pole_line('-', p));
            }
        }
        for m in &self.poles.moved {
            let _ = writeln!(s, "~ pole {} moved {} m", m.id, show_distance(m.distance_m));
        }
        changed_lines(&mut s, "pole", &self.poles.changed);
        for (kind, c) in self.kinds() {
            let one = singular(kind);
            for id in &c.added {
                let _ = writeln!(s, "+ {one} {id}{}", describe(new, kind, id));
            }
            for id in &c.removed {
                let _ = writeln!(s, "- {one} {id}{}", describe(old, kind, id));
            }
            changed_lines(&mut s, one, &c.changed);
        }
        for f in &self.settings {
            let _ = writeln!(
                s,
                "~ setting {} {} → {}",
                f.field,
                show_value(&f.old),
                show_value(&f.new)
            );
        }
        if let Some(f) = findings {
            for x in &f.introduced {
                let _ = writeln!(s, "! new {} {}: {}", x.severity.name(), x.rule, x.message);
            }
            for x in &f.resolved {
                let _ = writeln!(
                    s,
                    "✓ resolved {} {}: {}",
                    x.severity.name(),
                    x.rule,
                    x.message
                );
            }
        }
        let sum = self.summary();
        if self.is_empty() {
            s.push_str("no differences\n");
        } else {
            let _ = writeln!(
                s,
                "{} added, {} removed, {} moved, {} changed",
                sum.added, sum.removed, sum.moved, sum.changed
            );
        }
        if let Some(f) = findings {
            let _ = writeln!(
                s,
                "findings: {} introduced, {} resolved",
                f.introduced.len(),
                f.resolved.len()
            );
        }
        s
    }
}

fn singular(kind: &str) -> &'static str {
    match kind {
        "streets" => "street",
        "sections" => "section",
        "vendors" => "vendor",
        "luminaires" => "luminaire",
        _ => "control profile",
    }
}

/// The rest of an added or removed object's line: what it is.
fn describe(plan: &Plan, kind: &str, id: &str) -> String {
    match kind {
        "streets" => plan
            .street(id)
            .map(|s| {
                let class = s.class.map(|c| c.name()).unwrap_or("unclassed");
                format!(" {:?} {class} {} points", s.name, s.points.len())
            })
            .unwrap_or_default(),
        "sections" => plan
            .sections
            .iter()
            .find(|s| s.id == id)
            .map(|s| {
                format!(
                    " {} on {} {}–{} m",
                    s.vendor,
                    s.street,
                    show_number(s.from_m),
                    show_number(s.to_m)
                )
            })
            .unwrap_or_default(),
        "vendors" => plan
            .vendor(id)
            .map(|v| format!(" {:?}", v.name))
            .unwrap_or_default(),
        "luminaires" => plan
            .luminaire(id)
            .map(|l| format!(" {:?} {} W", l.name, show_number(l.power_w)))
            .unwrap_or_default(),
        _ => plan
            .control_profile(id)
            .map(|p| format!(" {:?}", p.name))
            .unwrap_or_default(),
    }
}

fn changed_lines(s: &mut String, kind: &str, changed: &[Changed]) {
    for c in changed {
        for f in &c.fields {
            let _ = writeln!(
                s,
                "~ {kind} {} {} {} → {}",
                c.id,
                f.field,
                show_value(&f.old),
                show_value(&f.new)
            );
        }
    }
}

fn round_mm(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn show_distance(m: f64) -> String {
    if m < 0.1 {
        format!("{m:.3}")
    } else {
        format!("{m:.1}")
    }
}

/// A number for people: whole numbers with one decimal (`8.0`), others as written.
fn show_number(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.1}")
    } else {
        format!("{v}")
    }
}

/// A field value for one line of text: numbers and strings plainly, nothing as `none`,
/// long lists by their length.
pub fn show_value(v: &Value) -> String {
    match v {
        Value::Null => "none".into(),
        Value::Number(n) => n.as_f64().map(show_number).unwrap_or_else(|| n.to_string()),
        Value::String(s) => s.clone(),
        Value::Array(a) if a.len() > 4 || a.iter().any(|x| x.is_array() || x.is_object()) => {
            format!("{} items", a.len())
        }
        other => {
            let t = other.to_string();
            if t.chars().count() > 60 {
                let cut: String = t.chars().take(57).collect();
                format!("{cut}…")
            } else {
                t
            }
        }
    }
}

/// The fields of two serde objects that differ (keys of either; an absent key is null),
/// skipping `skip`, sorted by name.
fn field_changes(a: &Value, b: &Value, skip: &[&str]) -> Vec<FieldChange> {
    let empty = Map::new();
    let a = a.as_object().unwrap_or(&empty);
    let b = b.as_object().unwrap_or(&empty);
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    // Fields the files leave out at their default (a luminaire type's `output_level`)
    // compare as that default, so 1 → 0.6 reads as such and not as nothing → 0.6.
    let level = &crate::plan::schema::luminaire_fields::OUTPUT_LEVEL;
    let unwritten = |k: &str| match level.absent {
        crate::plan::schema::Absent::Number(v) if k == level.name => json!(v),
        _ => Value::Null,
    };
    keys.into_iter()
        .filter(|k| !skip.contains(&k.as_str()))
        .filter_map(|k| {
            let (x, y) = (
                a.get(k).cloned().unwrap_or_else(|| unwritten(k)),
                b.get(k).cloned().unwrap_or_else(|| unwritten(k)),
            );
            let (x, y) = (&x, &y);
            (!same_value(x, y)).then(|| FieldChange {
                field: k.clone(),
                old: x.clone(),
                new: y.clone(),
            })
        })
        .collect()
}

/// Plan-level differences with dotted names: nested objects (`rules`, `energy`) are
/// walked; anything else compares whole.
fn setting_changes(a: &Value, b: &Value, prefix: &str, out: &mut Vec<SettingChange>) {
    let empty = Map::new();
    let (ma, mb) = (
        a.as_object().unwrap_or(&empty),
        b.as_object().unwrap_or(&empty),
    );
    let keys: BTreeSet<&String> = ma.keys().chain(mb.keys()).collect();
    for k in keys {
        if prefix.is_empty() && NOT_SETTINGS.contains(&k.as_str()) {
            continue;
        }
        let (x, y) = (
            ma.get(k).unwrap_or(&Value::Null),
            mb.get(k).unwrap_or(&Value::Null),
        );
        let name = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        if x.is_object() && y.is_object() {
            setting_changes(x, y, &name, out);
        } else if !same_value(x, y) {
            out.push(FieldChange {
                field: name,
                old: x.clone(),
                new: y.clone(),
            });
        }
    }
}

fn to_value<T: serde::Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap_or(Value::Null)
}

/// Objects of one kind by id; an id used twice is an error.
fn by_id<'a, T>(
    items: &'a [T],
    id: impl Fn(&T) -> &str,
    which: Side,
    kind: &'static str,
) -> Result<HashMap<&'a str, &'a T>, DiffError> {
    let mut m = HashMap::with_capacity(items.len());
    for t in items {
        if m.insert(id(t), t).is_some() {
            return Err(DiffError::DuplicateId {
                which,
                kind,
                id: id(t).to_string(),
            });
        }
    }
    Ok(m)
}

/// Added, removed and changed objects of one kind; `equal` is a fast exact test that
/// lets identical objects skip the field-by-field comparison.
fn diff_kind<T: serde::Serialize + PartialEq>(
    old: &[T],
    new: &[T],
    id: impl Fn(&T) -> &str + Copy,
    kind: &'static str,
) -> Result<Changes, DiffError> {
    let a = by_id(old, id, Side::Old, kind)?;
    let b = by_id(new, id, Side::New, kind)?;
    let mut c = Changes::default();
    for t in new {
        match a.get(id(t)) {
            None => c.added.push(id(t).to_string()),
            Some(o) if *o != t => {
                let fields = field_changes(&to_value(*o), &to_value(t), &["id"]);
                if !fields.is_empty() {
                    c.changed.push(Changed {
                        id: id(t).to_string(),
                        fields,
                    });
                }
            }
            Some(_) => {}
        }
    }
    c.removed = old
        .iter()
        .filter(|t| !b.contains_key(id(t)))
        .map(|t| id(t).to_string())
        .collect();
    c.added.sort();
    c.removed.sort();
    c.changed.sort_by(|x, y| x.id.cmp(&y.id));
    Ok(c)
}

/// Geodesic distance on the WGS84 ellipsoid between two positions, metres.
pub fn ground_distance(a: LonLat, b: LonLat) -> f64 {
    use geo::{Distance as _, Geodesic, Point};
    Geodesic.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat))
}

fn diff_poles(old: &Plan, new: &Plan) -> Result<PoleChanges, DiffError> {
    let a = by_id(&old.poles, |p| &p.id, Side::Old, "pole")?;
    let b = by_id(&new.poles, |p| &p.id, Side::New, "pole")?;
    let mut c = PoleChanges::default();
    for p in &new.poles {
        let Some(o) = a.get(p.id.as_str()) else {
            c.added.push(p.id.to_string());
            continue;
        };
        if *o == p {
            continue;
        }
        if o.lon != p.lon || o.lat != p.lat {
            let (from, to) = (LonLat::new(o.lon, o.lat), LonLat::new(p.lon, p.lat));
            let d = ground_distance(from, to);
            if d > MOVE_M || !d.is_finite() {
                c.moved.push(Moved {
                    id: p.id.to_string(),
                    distance_m: d,
                    from,
                    to,
                });
            }
        }
        let fields = field_changes(&to_value(*o), &to_value(p), POLE_NOT_FIELDS);
        if !fields.is_empty() {
            c.changed.push(Changed {
                id: p.id.to_string(),
                fields,
            });
        }
    }
    c.removed = old
        .poles
        .iter()
        .filter(|p| !b.contains_key(p.id.as_str()))
        .map(|p| p.id.to_string())
        .collect();
    c.added.sort();
    c.removed.sort();
    c.moved.sort_by(|x, y| x.id.cmp(&y.id));
    c.changed.sort_by(|x, y| x.id.cmp(&y.id));
    Ok(c)
}

/// Everything that differs from `old` to `new`.
pub fn diff(old: &Plan, new: &Plan) -> Result<PlanDiff, DiffError> {
    let mut settings = Vec::new();
    setting_changes(&plan_settings(old), &plan_settings(new), "", &mut settings);
    Ok(PlanDiff {
        poles: diff_poles(old, new)?,
        streets: diff_kind(&old.streets, &new.streets, |s| &s.id, "street")?,
        sections: diff_kind(&old.sections, &new.sections, |s| &s.id, "section")?,
        vendors: diff_kind(&old.vendors, &new.vendors, |v| &v.id, "vendor")?,
        luminaires: diff_kind(&old.luminaires, &new.luminaires, |l| &l.id, "luminaire")?,
        control_profiles: diff_kind(
            &old.control_profiles,
            &new.control_profiles,
            |p| &p.id,
            "control profile",
        )?,
        settings,
    })
}

/// The plan's serde form without its collections.
fn plan_settings(plan: &Plan) -> Value {
    to_value(&plan.settings_only())
}

/// Findings introduced and resolved by a change, each as `check --format json` prints
/// it. A finding's identity is its rule, its sorted pole ids and its street.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FindingsDiff {
    pub introduced: Vec<FindingJson>,
    pub resolved: Vec<FindingJson>,
}

impl FindingsDiff {
    pub fn new(old: &[Finding], new: &[Finding]) -> Self {
        fn key(f: &Finding) -> (RuleId, Vec<&str>, Option<&str>) {
            let mut poles: Vec<&str> = f.poles.iter().map(String::as_str).collect();
            poles.sort_unstable();
            (f.rule, poles, f.street.as_deref())
        }
        let a: BTreeSet<_> = old.iter().map(key).collect();
        let b: BTreeSet<_> = new.iter().map(key).collect();
        FindingsDiff {
            introduced: new
                .iter()
                .filter(|f| !a.contains(&key(f)))
                .map(FindingJson::from)
                .collect(),
            resolved: old
                .iter()
                .filter(|f| !b.contains(&key(f)))
                .map(FindingJson::from)
                .collect(),
        }
    }
}
