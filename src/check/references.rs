//! The reference rules: ids that name nothing (`reference.vendor`, `reference.street`,
//! `reference.luminaire`) and ids used twice (`reference.duplicate_id`).

use super::rules::street_index_map;
use super::{Finding, RuleId, Severity};
use crate::plan::{PhotometrySource, Plan};
use rayon::prelude::*;

/// A finding with the index of the pole whose position it shows (if any), so the
/// checker can follow that pole when it moves.
pub type Located = (Option<usize>, Finding);

/// `reference.vendor`: poles and sections naming a vendor that is not in the plan;
/// `reference.street`: sections naming an unknown street.
pub fn reference_vendor_street(plan: &Plan) -> Vec<Located> {
    let vendors: std::collections::HashSet<&str> =
        plan.vendors.iter().map(|v| v.id.as_str()).collect();
    let street_ix = street_index_map(plan);
    let mut out: Vec<Located> = plan
        .poles
        .par_iter()
        .enumerate()
        .filter(|(_, p)| !vendors.contains(p.vendor.as_str()))
        .map(|(i, p)| {
            (Some(i), Finding {
            rule: RuleId::ReferenceVendor,
            severity: Severity::Error,
            message: format!(
                "{}: vendor \"{}\" is not in the plan's vendor list; add the vendor or fix the pole",
                p.id, p.vendor
            ),
            poles: vec![p.id.to_string()],
            street: None,
            chainage_m: None,
            lon: Some(p.lon),
            lat: Some(p.lat),
        })
        })
        .collect();
    for s in &plan.sections {
        if !vendors.contains(s.vendor.as_str()) {
            out.push((None, Finding {
                rule: RuleId::ReferenceVendor,
                severity: Severity::Error,
                message: format!(
                    "section {}: vendor \"{}\" is not in the plan's vendor list; add the vendor or fix the section",
                    s.id, s.vendor
                ),
                poles: Vec::new(),
                street: Some(s.street.clone()),
                chainage_m: None,
                lon: None,
                lat: None,
            }));
        }
        if !street_ix.contains_key(s.street.as_str()) {
            out.push((
                None,
                Finding {
                    rule: RuleId::ReferenceStreet,
                    severity: Severity::Error,
                    message: format!(
                        "section {}: street \"{}\" is not in the plan; fix the section's street id",
                        s.id, s.street
                    ),
                    poles: Vec::new(),
                    street: None,
                    chainage_m: None,
                    lon: None,
                    lat: None,
                },
            ));
        }
    }
    out
}

/// `reference.luminaire`: poles naming an unknown luminaire type, and luminaire types
/// whose photometry cannot be read: embedded text that does not parse, or a bundled file
/// name Lysplan does not have (one finding per type, listing its poles).
pub fn reference_luminaire(plan: &Plan) -> Vec<Located> {
    let known: std::collections::HashSet<&str> =
        plan.luminaires.iter().map(|l| l.id.as_str()).collect();
    let mut out: Vec<Located> = plan
        .poles
        .par_iter()
        .enumerate()
        .filter(|(_, p)| !known.contains(p.luminaire.as_str()))
        .map(|(i, p)| {
            (Some(i), Finding {
            rule: RuleId::ReferenceLuminaire,
            severity: Severity::Error,
            message: format!(
                "{}: luminaire \"{}\" is not in the plan's catalogue; add the luminaire type or fix the pole",
                p.id, p.luminaire
            ),
            poles: vec![p.id.to_string()],
            street: None,
            chainage_m: None,
            lon: Some(p.lon),
            lat: Some(p.lat),
        })
        })
        .collect();
    for l in &plan.luminaires {
        // Embedded text is parsed; a bundled file only needs to exist (the bundled files
        // are checked when Lysplan is built).
        let (file_name, e) = match &l.photometry {
            PhotometrySource::Embedded { file_name, text } if text.is_empty() => (
                file_name.as_str(),
                "the file was not found when the plan was read (no photometry embedded); \
                 put the file beside the plan and read it again, or import it in the catalogue"
                    .to_string(),
            ),
            PhotometrySource::Embedded { file_name, text } => {
                match crate::photometry::parse(text, std::path::Path::new(file_name)) {
                    // Nonsense that parses matters where it lights poles (the catalogue
                    // shows the self-check of every type).
                    Ok(p) => match p.nonsense() {
                        Some(why) if plan.poles.iter().any(|q| q.luminaire == l.id) => {
                            (file_name.as_str(), why)
                        }
                        _ => continue,
                    },
                    Err(e) => (file_name.as_str(), e.to_string()),
                }
            }
            PhotometrySource::Bundled(name) => {
                if crate::photometry::catalogue::bundled()
                    .iter()
                    .any(|(f, _)| f == name)
                {
                    continue;
                }
                match crate::photometry::catalogue::load(&l.photometry) {
                    Ok(_) => continue,
                    Err(e) => (name.as_str(), e.to_string()),
                }
            }
        };
        let mut poles: Vec<String> = plan
            .poles
            .iter()
            .filter(|p| p.luminaire == l.id)
            .map(|p| p.id.to_string())
            .collect();
        poles.sort();
        let first_ix = plan.poles.iter().position(|p| p.luminaire == l.id);
        let first = first_ix.and_then(|i| plan.poles.get(i));
        out.push((
            first_ix,
            Finding {
                rule: RuleId::ReferenceLuminaire,
                severity: Severity::Error,
                message: format!(
                    "luminaire type {} ({}): photometry unreadable ({e}); used by {} pole{}; \
                 replace the photometry file",
                    l.id,
                    file_name,
                    poles.len(),
                    if poles.len() == 1 { "" } else { "s" }
                ),
                poles,
                street: None,
                chainage_m: None,
                lon: first.map(|p| p.lon),
                lat: first.map(|p| p.lat),
            },
        ));
    }
    out
}

/// `reference.duplicate_id`: an id used by more than one object (poles, streets,
/// sections, vendors and luminaire types share one id space). Sort-based, parallel.
pub fn reference_duplicate_id(plan: &Plan) -> Vec<Located> {
    // Each object as (kind, index), 8 bytes (a tuple holding the id too would be five
    // times larger at the peak of `check`), sorted by (id, kind name, index).
    const KINDS: [&str; 5] = ["pole", "street", "section", "vendor", "luminaire type"];
    let id_of = |(k, i): (u8, u32)| -> &str {
        let i = i as usize;
        match k {
            0 => plan.poles[i].id.as_str(),
            1 => plan.streets[i].id.as_str(),
            2 => plan.sections[i].id.as_str(),
            3 => plan.vendors[i].id.as_str(),
            _ => plan.luminaires[i].id.as_str(),
        }
    };
    let counts = [
        plan.poles.len(),
        plan.streets.len(),
        plan.sections.len(),
        plan.vendors.len(),
        plan.luminaires.len(),
    ];
    // (No plan that fits in memory has 2^32 objects of one kind.)
    let mut all: Vec<(u8, u32)> = Vec::with_capacity(counts.iter().sum());
    for (k, &n) in counts.iter().enumerate() {
        all.extend((0..n).map(|i| (k as u8, i as u32)));
    }
    let key = |e: (u8, u32)| (id_of(e), KINDS[e.0 as usize], e.1);
    all.par_sort_unstable_by(|&a, &b| key(a).cmp(&key(b)));
    let mut out = Vec::new();
    for run in all.chunk_by(|&a, &b| id_of(a) == id_of(b)) {
        if run.len() < 2 {
            continue;
        }
        let run: Vec<(&str, &str, usize)> = run
            .iter()
            .map(|&e| {
                let (id, kind, i) = key(e);
                (id, kind, i as usize)
            })
            .collect();
        let id = run[0].0;
        let kinds: Vec<&str> = run.iter().map(|r| r.1).collect();
        let first_ix = run.iter().find(|r| r.1 == "pole").map(|r| r.2);
        let first_pole = first_ix.and_then(|i| plan.poles.get(i));
        out.push((
            first_ix,
            Finding {
                rule: RuleId::ReferenceDuplicateId,
                severity: Severity::Error,
                message: format!(
                    "id \"{id}\" is used {} times, maximum 1 ({}); give each object its own id",
                    run.len(),
                    kinds.join(", ")
                ),
                poles: if first_pole.is_some() {
                    vec![id.to_string()]
                } else {
                    Vec::new()
                },
                street: None,
                chainage_m: None,
                lon: first_pole.map(|p| p.lon),
                lat: first_pole.map(|p| p.lat),
            },
        ));
    }
    out
}

/// `reference.profile`: a vendor whose `control_profile` names no profile of the plan
/// (its luminaires' energy cannot be computed; `lysplan energy` refuses the plan).
pub fn reference_profile(plan: &Plan) -> Vec<Located> {
    plan.vendors
        .iter()
        .filter_map(|v| {
            let id = v.control_profile.as_deref()?;
            if plan.control_profile(id).is_some() {
                return None;
            }
            let known: Vec<&str> = plan
                .control_profiles
                .iter()
                .map(|p| p.id.as_str())
                .collect();
            Some((
                None,
                Finding {
                    rule: RuleId::ReferenceProfile,
                    severity: Severity::Error,
                    message: format!(
                        "vendor {}: control profile \"{id}\" is not in the plan ({}); add the \
                         profile or pick another in the vendors panel",
                        v.id,
                        if known.is_empty() {
                            "it has no control profiles".to_string()
                        } else {
                            format!("it has {}", known.join(", "))
                        }
                    ),
                    poles: Vec::new(),
                    street: None,
                    chainage_m: None,
                    lon: None,
                    lat: None,
                },
            ))
        })
        .collect()
}

/// `reference.luminaire` for the energy baseline: `energy.baseline_luminaire` naming no
/// luminaire type of the plan (`lysplan energy` refuses the plan).
pub fn reference_baseline(plan: &Plan) -> Vec<Located> {
    let Err(e) = plan.energy.baseline(&plan.luminaires) else {
        return Vec::new();
    };
    vec![(
        None,
        Finding {
            rule: RuleId::ReferenceLuminaire,
            severity: Severity::Error,
            message: format!(
                "{}; pick the baseline's type in the plan or remove baseline_luminaire (then \
                 baseline_power_w is used)",
                e.within("energy")
            ),
            poles: Vec::new(),
            street: None,
            chainage_m: None,
            lon: None,
            lat: None,
        },
    )]
}

/// `reference.surface`: a street naming a road surface the plan has no readable r-table
/// for (its luminance cannot be computed: an error on an M street, a warning elsewhere).
pub fn reference_surface(plan: &Plan) -> Vec<Located> {
    let mut tables: std::collections::HashMap<&str, Option<String>> = Default::default();
    plan.streets
        .iter()
        .filter_map(|s| {
            let why = tables
                .entry(s.surface.as_str())
                .or_insert_with(|| crate::lighting::surface::table_for(plan, &s.surface).err())
                .clone()?;
            let m_class = s.class.is_some_and(|c| c.is_luminance());
            Some((
                None,
                Finding {
                    rule: RuleId::ReferenceSurface,
                    severity: if m_class {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                    message: format!("street {} ({}): {why}", s.name, s.id),
                    poles: Vec::new(),
                    street: Some(s.id.clone()),
                    chainage_m: None,
                    lon: s.points.first().map(|p| p.lon),
                    lat: s.points.first().map(|p| p.lat),
                },
            ))
        })
        .collect()
}
