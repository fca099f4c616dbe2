//! Reviewing a vendor's submission against the master plan (issue 10): the submission's
//! [`diff`](crate::diff) as a list of reviewable [`Change`]s, one per object, each with the
//! vendors it belongs to and whether it reaches outside the submitting vendor's own poles
//! and sections; and [`merge`], which takes the accepted changes into the master plan.
//!
//! Ownership: a pole or a section belongs to its vendor (both vendors when the change
//! moves it from one to another); a vendor entry belongs to that vendor. Streets, plan
//! settings, and luminaire types and control profiles that another vendor uses are the
//! site's: a change to them is *outside* the submitter's own. A luminaire type or control
//! profile that the submission adds is not outside.

use crate::diff::{Changed, FieldChange, Moved, PlanDiff, show_value};
use crate::plan::Plan;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// What kind of object a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    Pole,
    Street,
    Section,
    Vendor,
    Luminaire,
    ControlProfile,
    Setting,
}

impl ObjectKind {
    /// As the review log spells it (`"pole"`, `"control profile"`).
    pub fn name(self) -> &'static str {
        match self {
            ObjectKind::Pole => "pole",
            ObjectKind::Street => "street",
            ObjectKind::Section => "section",
            ObjectKind::Vendor => "vendor",
            ObjectKind::Luminaire => "luminaire",
            ObjectKind::ControlProfile => "control profile",
            ObjectKind::Setting => "setting",
        }
    }
}

/// Added, removed, or present in both with differences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    pub fn sign(self) -> char {
        match self {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Changed => '~',
        }
    }
}

/// One reviewable change: everything that differs about one object (a pole's move and
/// its changed fields are one change; each plan setting is its own).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub object: ObjectKind,
    /// The object's id (a setting's dotted name).
    pub id: String,
    pub kind: ChangeKind,
    /// A pole's move.
    pub moved: Option<Moved>,
    /// The fields that differ (for a setting: one, named by its dotted path).
    pub fields: Vec<FieldChange>,
    /// The vendors the change belongs to (sorted; empty for the site's objects).
    pub vendors: Vec<String>,
    /// It touches something that is not the submitting vendor's own.
    pub outside: bool,
}

impl Change {
    /// `"pole P011"`, as the review log records the object.
    pub fn object_label(&self) -> String {
        format!("{} {}", self.object.name(), self.id)
    }

    /// The change in one line: `"added"`, `"moved 2.5 m; height_m 10.0 → 9.0"`.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        match self.kind {
            ChangeKind::Added => parts.push("added".to_string()),
            ChangeKind::Removed => parts.push("removed".to_string()),
            ChangeKind::Changed => {}
        }
        if let Some(m) = &self.moved {
            parts.push(format!("moved {:.1} m", m.distance_m));
        }
        for f in &self.fields {
            let name = if self.object == ObjectKind::Setting {
                String::new()
            } else {
                format!("{} ", f.field)
            };
            parts.push(format!(
                "{name}{} → {}",
                show_value(&f.old),
                show_value(&f.new)
            ));
        }
        parts.join("; ")
    }
}

/// The vendor that owns most of the submission's changed poles and sections: the
/// likely submitter (ties go to the smaller id). `None` when no pole or section changed.
pub fn likely_submitter(master: &Plan, submission: &Plan, d: &PlanDiff) -> Option<String> {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for c in changes(master, submission, d, "") {
        if matches!(c.object, ObjectKind::Pole | ObjectKind::Section) {
            for v in c.vendors {
                *count.entry(v).or_default() += 1;
            }
        }
    }
    count
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(v, _)| v)
}

/// The submission's diff against the master as reviewable changes, in the diff's order
/// (poles, streets, sections, vendors, luminaires, control profiles, settings; each by
/// id). `submitter` is the submitting vendor's id.
pub fn changes(master: &Plan, submission: &Plan, d: &PlanDiff, submitter: &str) -> Vec<Change> {
    let mut out = Vec::new();
    // poles: the move and the field changes of one pole are one change
    let old_pole: HashMap<&str, &crate::plan::Pole> =
        master.poles.iter().map(|p| (p.id.as_str(), p)).collect();
    let new_pole: HashMap<&str, &crate::plan::Pole> = submission
        .poles
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let pole_vendors = |id: &str| {
        sorted_set(
            [old_pole.get(id), new_pole.get(id)]
                .into_iter()
                .flatten()
                .map(|p| p.vendor.as_str()),
        )
    };
    for id in &d.poles.added {
        out.push(owned(
            ObjectKind::Pole,
            id,
            ChangeKind::Added,
            pole_vendors(id),
        ));
    }
    for id in &d.poles.removed {
        out.push(owned(
            ObjectKind::Pole,
            id,
            ChangeKind::Removed,
            pole_vendors(id),
        ));
    }
    let mut changed: BTreeMap<&str, Change> = BTreeMap::new();
    for m in &d.poles.moved {
        let c = changed.entry(&m.id).or_insert_with(|| {
            owned(
                ObjectKind::Pole,
                &m.id,
                ChangeKind::Changed,
                pole_vendors(&m.id),
            )
        });
        c.moved = Some(m.clone());
    }
    for f in &d.poles.changed {
        let c = changed.entry(&f.id).or_insert_with(|| {
            owned(
                ObjectKind::Pole,
                &f.id,
                ChangeKind::Changed,
                pole_vendors(&f.id),
            )
        });
        c.fields = f.fields.clone();
    }
    out.extend(changed.into_values());

    // sections belong to their vendor
    let section_vendors = |id: &str| {
        sorted_set(
            master
                .sections
                .iter()
                .chain(&submission.sections)
                .filter(|s| s.id == id)
                .map(|s| s.vendor.as_str()),
        )
    };
    push_kind(&mut out, ObjectKind::Street, &d.streets, |_| Vec::new());
    push_kind(&mut out, ObjectKind::Section, &d.sections, section_vendors);
    push_kind(&mut out, ObjectKind::Vendor, &d.vendors, |id| {
        vec![id.to_string()]
    });
    // a catalogue entry belongs to the vendors whose poles (or, for a profile, whose
    // vendor entry) use it in either plan
    let lum_users = |id: &str| {
        sorted_set(
            master
                .poles
                .iter()
                .chain(&submission.poles)
                .filter(|p| p.luminaire == id)
                .map(|p| p.vendor.as_str()),
        )
    };
    push_kind(&mut out, ObjectKind::Luminaire, &d.luminaires, lum_users);
    let profile_users = |id: &str| {
        sorted_set(
            master
                .vendors
                .iter()
                .chain(&submission.vendors)
                .filter(|v| v.control_profile.as_deref() == Some(id))
                .map(|v| v.id.as_str()),
        )
    };
    push_kind(
        &mut out,
        ObjectKind::ControlProfile,
        &d.control_profiles,
        profile_users,
    );
    for s in &d.settings {
        out.push(Change {
            object: ObjectKind::Setting,
            id: s.field.clone(),
            kind: ChangeKind::Changed,
            moved: None,
            fields: vec![s.clone()],
            vendors: Vec::new(),
            outside: true,
        });
    }
    for c in &mut out {
        c.outside = match c.object {
            ObjectKind::Street | ObjectKind::Setting => true,
            ObjectKind::Luminaire | ObjectKind::ControlProfile => {
                c.kind != ChangeKind::Added && c.vendors.iter().any(|v| v != submitter)
            }
            _ => c.vendors.is_empty() || c.vendors.iter().any(|v| v != submitter),
        };
    }
    out
}

/// The distinct names, sorted.
fn sorted_set<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let set: std::collections::BTreeSet<&str> = names.collect();
    set.into_iter().map(String::from).collect()
}

fn owned(object: ObjectKind, id: &str, kind: ChangeKind, vendors: Vec<String>) -> Change {
    Change {
        object,
        id: id.to_string(),
        kind,
        moved: None,
        fields: Vec::new(),
        vendors,
        outside: false,
    }
}

fn push_kind(
    out: &mut Vec<Change>,
    object: ObjectKind,
    c: &crate::diff::Changes,
    vendors: impl Fn(&str) -> Vec<String>,
) {
    for id in &c.added {
        out.push(owned(object, id, ChangeKind::Added, vendors(id)));
    }
    for id in &c.removed {
        out.push(owned(object, id, ChangeKind::Removed, vendors(id)));
    }
    for Changed { id, fields } in &c.changed {
        let mut ch = owned(object, id, ChangeKind::Changed, vendors(id));
        ch.fields = fields.clone();
        out.push(ch);
    }
}

/// Why accepted changes could not be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("the setting {0} cannot be taken over: {1}")]
    Setting(String, String),
}

/// The master plan with `accepted` changes of `submission` taken over, and nothing else:
/// an added object is appended, a removed one removed, a changed one replaced by the
/// submission's version where it stands; a setting takes the submission's value. The
/// review record (statuses, log) stays the master's.
pub fn merge(master: &Plan, submission: &Plan, accepted: &[&Change]) -> Result<Plan, MergeError> {
    let mut out = master.clone();
    let of = |k: ObjectKind| -> Vec<&Change> {
        accepted.iter().copied().filter(|c| c.object == k).collect()
    };
    take(
        &mut out.poles,
        &submission.poles,
        &of(ObjectKind::Pole),
        |p| &p.id,
    );
    take(
        &mut out.streets,
        &submission.streets,
        &of(ObjectKind::Street),
        |s| &s.id,
    );
    take(
        &mut out.sections,
        &submission.sections,
        &of(ObjectKind::Section),
        |s| &s.id,
    );
    take(
        &mut out.vendors,
        &submission.vendors,
        &of(ObjectKind::Vendor),
        |v| &v.id,
    );
    take(
        &mut out.luminaires,
        &submission.luminaires,
        &of(ObjectKind::Luminaire),
        |l| &l.id,
    );
    take(
        &mut out.control_profiles,
        &submission.control_profiles,
        &of(ObjectKind::ControlProfile),
        |p| &p.id,
    );
    let settings: Vec<&FieldChange> = of(ObjectKind::Setting)
        .into_iter()
        .flat_map(|c| &c.fields)
        .collect();
    if !settings.is_empty() {
        let mut v = serde_json::to_value(out.settings_only())
            .map_err(|e| MergeError::Setting("plan settings".into(), e.to_string()))?;
        for f in &settings {
            set_dotted(&mut v, &f.field, f.new.clone());
        }
        let patched: Plan = serde_json::from_value(v).map_err(|e| {
            let names: Vec<&str> = settings.iter().map(|f| f.field.as_str()).collect();
            MergeError::Setting(names.join(", "), e.to_string())
        })?;
        out = Plan {
            vendors: out.vendors,
            luminaires: out.luminaires,
            streets: out.streets,
            sections: out.sections,
            poles: out.poles,
            control_profiles: out.control_profiles,
            pole_reviews: out.pole_reviews,
            submissions: out.submissions,
            revision: out.revision,
            changelog: out.changelog,
            ..patched
        };
    }
    Ok(out)
}

fn set_dotted(v: &mut Value, path: &str, new: Value) {
    let mut cur = v;
    let mut parts = path.split('.').peekable();
    while let Some(k) = parts.next() {
        let Some(obj) = cur.as_object_mut() else {
            return;
        };
        if parts.peek().is_none() {
            if new.is_null() {
                obj.remove(k);
            } else {
                obj.insert(k.to_string(), new);
            }
            return;
        }
        cur = obj
            .entry(k.to_string())
            .or_insert_with(|| Value::Object(Default::default()));
    }
}

/// Takes the changed objects of one kind over from the submission into `list`, in one
/// pass: removed ones leave, changed ones are replaced where they stand, added ones are
/// appended in the submission's order.
fn take<T: Clone>(list: &mut Vec<T>, from: &[T], changes: &[&Change], id: impl Fn(&T) -> &str) {
    if changes.is_empty() {
        return;
    }
    let theirs: HashMap<&str, &T> = from.iter().map(|t| (id(t), t)).collect();
    let wanted: HashMap<&str, ChangeKind> =
        changes.iter().map(|c| (c.id.as_str(), c.kind)).collect();
    let mut kept = Vec::with_capacity(list.len() + changes.len());
    for t in list.drain(..) {
        match (wanted.get(id(&t)), theirs.get(id(&t))) {
            (Some(ChangeKind::Removed), _) => {}
            (Some(_), Some(new)) => kept.push((*new).clone()),
            _ => kept.push(t),
        }
    }
    // an added id is in the submission only (the diff says so)
    kept.extend(
        from.iter()
            .filter(|t| wanted.get(id(t)) == Some(&ChangeKind::Added))
            .cloned(),
    );
    *list = kept;
}

/// How one street's EN 13201 result differs between two plans.
#[derive(Debug, Clone, PartialEq)]
pub struct StreetEffect {
    pub street: String,
    pub name: String,
    pub before: Option<crate::lighting::StreetResult>,
    pub after: Option<crate::lighting::StreetResult>,
}

impl StreetEffect {
    /// `"Fabriksparken U_o 0.40 → 0.37, fails C4"`.
    pub fn line(&self) -> String {
        match (&self.before, &self.after) {
            (Some(b), Some(a)) => {
                let verdict = match (b.pass, a.pass) {
                    (true, false) => format!(", fails {}", a.class.name()),
                    (false, true) => format!(", passes {}", a.class.name()),
                    (true, true) => format!(", still passes {}", a.class.name()),
                    (false, false) => format!(", still fails {}", a.class.name()),
                };
                let u =
                    |r: &crate::lighting::StreetResult| crate::lighting::show_optional(r.u_o, 2);
                let l = |r: &crate::lighting::StreetResult| {
                    r.luminance
                        .as_ref()
                        .map(|l| crate::lighting::show_optional(l.l_avg_cd_m2, 2))
                };
                let lum = match (l(b), l(a)) {
                    (Some(x), Some(y)) => format!(", L_avg {x} → {y} cd/m²"),
                    _ => String::new(),
                };
                format!(
                    "{} E_avg {:.2} → {:.2} lx{lum}, U_o {} → {}{verdict}",
                    self.name,
                    b.e_avg_lx,
                    a.e_avg_lx,
                    u(b),
                    u(a)
                )
            }
            (None, Some(a)) => format!(
                "{} newly evaluated: E_avg {:.2} lx, U_o {}, {} {}",
                self.name,
                a.e_avg_lx,
                crate::lighting::show_optional(a.u_o, 2),
                if a.pass { "passes" } else { "fails" },
                a.class.name()
            ),
            (Some(b), None) => {
                format!("{} no longer evaluated (was {})", self.name, b.class.name())
            }
            (None, None) => self.name.clone(),
        }
    }
}

/// What taking one set of changes over would do: the findings it introduces and
/// resolves, and the streets whose EN 13201 result moves (E_avg or U_o by more than
/// 0.5 %, or the verdict).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effect {
    pub findings: crate::diff::FindingsDiff,
    pub streets: Vec<StreetEffect>,
}

/// The effect of going from `before` to `after`, both checked with their coverage.
pub fn effect(before: &Plan, after: &Plan) -> Effect {
    let ((fa, ca), (fb, cb)) = rayon::join(
        || crate::check::run_with_coverage(before),
        || crate::check::run_with_coverage(after),
    );
    let a: HashMap<String, crate::lighting::StreetResult> = ca
        .street_results()
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let b: HashMap<String, crate::lighting::StreetResult> = cb
        .street_results()
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let moved = |x: f64, y: f64| (x - y).abs() > 0.005 * x.abs().max(y.abs()).max(1e-9);
    let mut ids: Vec<&String> = a.keys().chain(b.keys()).collect();
    ids.sort();
    ids.dedup();
    let streets = ids
        .into_iter()
        .filter_map(|id| {
            let (x, y) = (a.get(id), b.get(id));
            let differs = match (x, y) {
                (Some(x), Some(y)) => {
                    x.pass != y.pass
                        || moved(x.u_o.unwrap_or(0.0), y.u_o.unwrap_or(0.0))
                        || moved(x.e_avg_lx, y.e_avg_lx)
                        || x.luminance != y.luminance
                }
                _ => true,
            };
            differs.then(|| StreetEffect {
                street: id.clone(),
                name: after
                    .street(id)
                    .or_else(|| before.street(id))
                    .map_or_else(|| id.clone(), |s| s.name.clone()),
                before: x.cloned(),
                after: y.cloned(),
            })
        })
        .collect();
    Effect {
        findings: crate::diff::FindingsDiff::new(&fa, &fb),
        streets,
    }
}
