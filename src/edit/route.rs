//! Edits of the route: a new street centreline, a street's fields, deleting a street
//! with its sections, and inserting, moving and deleting its vertices. Each function
//! checks its input and returns the typed edit with its label.

use super::document::Step;
use super::error::EditError;
use super::op::{Change, Edit};
use crate::frame::{LonLat, Polyline, Xy};
use crate::plan::{LightingClass, Plan, Street};

/// Why a street's fields are unacceptable, or Ok.
pub fn validate_street(s: &Street) -> Result<(), EditError> {
    if s.name.trim().is_empty() {
        return Err("a street needs a name".into());
    }
    // The core's limits (the same as the file readers'); a street wider than 60 m is
    // allowed and gets a value.implausible warning.
    crate::plan::validate::street(s).map_err(|e| e.explain())?;
    if s.points.len() < 2 {
        return Err("a street needs at least two vertices".into());
    }
    if let Some(i) = s.points.iter().position(|p| {
        !(p.lon.is_finite() && p.lat.is_finite()) || p.lon.abs() > 180.0 || p.lat.abs() > 90.0
    }) {
        return Err(format!("vertex {} is not a valid lon/lat", i + 1).into());
    }
    if Polyline::from_lonlat(&s.points).length() < 1.0 {
        return Err("a street must be at least 1 m long".into());
    }
    Ok(())
}

/// Drops vertices closer than 5 cm to the previous one (a double-click adds the same
/// point twice).
pub fn dedup_close(points: &mut Vec<LonLat>) {
    let mut out: Vec<LonLat> = Vec::with_capacity(points.len());
    for p in points.drain(..) {
        match out.last() {
            Some(q) if q.to_xy().dist(p.to_xy()) < 0.05 => {}
            _ => out.push(p),
        }
    }
    *points = out;
}

/// The midpoint of segment `i` of `points`, in lon/lat (taken in metres).
pub fn segment_midpoint(points: &[LonLat], i: usize) -> Option<LonLat> {
    let (pa, pb) = (points.get(i)?.to_xy(), points.get(i + 1)?.to_xy());
    Some(LonLat::from_xy(Xy::new(
        (pa.x + pb.x) / 2.0,
        (pa.y + pb.y) / 2.0,
    )))
}

/// A new street through `points` (close doubles merged), named `name` (blank: "New
/// street n"): the edit and the new street's id.
pub fn new_street(
    plan: &Plan,
    mut points: Vec<LonLat>,
    name: &str,
    class: Option<LightingClass>,
    width_m: f64,
) -> Result<(Step, String), EditError> {
    dedup_close(&mut points);
    let id = plan.next_id("street-");
    let name = if name.trim().is_empty() {
        format!("New street {}", id.trim_start_matches("street-"))
    } else {
        name.trim().to_string()
    };
    let street = Street {
        lanes: crate::plan::DEFAULT_LANES,
        surface: crate::plan::DEFAULT_SURFACE.into(),
        class_schedule: Vec::new(),
        id: id.clone(),
        name,
        class,
        width_m,
        points,
    };
    validate_street(&street)?;
    let step = Step {
        label: format!("Draw street {}", street.name),
        edit: Edit::Streets(Change::Insert(plan.streets.len(), street)),
    };
    Ok((step, id))
}

/// Street `id` changed by `f`, after validating the result. `None` when nothing changed.
pub fn edit_street(
    plan: &Plan,
    id: &str,
    label: &str,
    f: impl FnOnce(&mut Street),
) -> Result<Option<Step>, EditError> {
    let Some(i) = plan.streets.iter().position(|s| s.id == id) else {
        return Err(format!("street {id} is not in the plan").into());
    };
    let s = &plan.streets[i];
    let mut edited = s.clone();
    f(&mut edited);
    validate_street(&edited)?;
    if &edited == s {
        return Ok(None);
    }
    Ok(Some(Step {
        label: label.to_string(),
        edit: Edit::Streets(Change::Set(i, edited)),
    }))
}

/// A class schedule as the street editor writes it: `"22:00 M4, 00:00 M5, 05:00 M3"`
/// (steps separated by commas or semicolons, each a time and a class); blank for none.
/// The times are checked with the street ([`crate::plan::validate::class_schedule`]).
pub fn parse_class_schedule(text: &str) -> Result<Vec<(String, LightingClass)>, String> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
        .map(|(i, step)| {
            let mut parts = step.split_whitespace();
            match (
                parts.next(),
                parts.next().map(LightingClass::parse),
                parts.next(),
            ) {
                (Some(t), Some(Some(c)), None) => Ok((t.to_string(), c)),
                _ => Err(format!(
                    "class schedule step {}: '{step}' is not \"HH:MM class\" (e.g. \"22:00 M4\")",
                    i + 1
                )),
            }
        })
        .collect()
}

/// The class schedule in the form [`parse_class_schedule`] reads.
pub fn format_class_schedule(steps: &[(String, LightingClass)]) -> String {
    steps
        .iter()
        .map(|(t, c)| format!("{t} {c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Street `id`'s class schedule set from the editor's `text` ([`parse_class_schedule`]),
/// as one undoable edit; `None` when it is already so. Refused with the reason (a bad
/// step, a class of another family than the design class).
pub fn set_class_schedule(plan: &Plan, id: &str, text: &str) -> Result<Option<Step>, EditError> {
    let steps = parse_class_schedule(text)?;
    let name = plan
        .streets
        .iter()
        .find(|s| s.id == id)
        .map_or(id, |s| s.name.as_str());
    let label = if steps.is_empty() {
        format!("Remove class schedule of {name}")
    } else {
        format!(
            "Set class schedule of {name} to {}",
            format_class_schedule(&steps)
        )
    };
    edit_street(plan, id, &label, |s| s.class_schedule = steps)
}

/// Deletes street `id` and the vendor sections on it. Poles stay (the checks then show
/// the ones left off the route). Returns the edit and how many sections go with it.
pub fn delete_street(plan: &Plan, id: &str) -> Option<(Step, usize)> {
    let i = plan.streets.iter().position(|s| s.id == id)?;
    let mut edits = super::vendors::remove_sections(plan, |s| s.street == id);
    let removed = edits.len();
    edits.push(Edit::Streets(Change::Remove(i)));
    let step = Step {
        label: format!("Delete street {}", plan.streets[i].name),
        edit: Edit::Batch(edits),
    };
    Some((step, removed))
}

/// Deletes vertex `v` of street `id`; a street keeps at least two.
pub fn delete_vertex(plan: &Plan, id: &str, v: usize) -> Result<Step, EditError> {
    let Some(si) = plan.streets.iter().position(|s| s.id == id) else {
        return Err(format!("street {id} is not in the plan").into());
    };
    let n = plan.streets[si].points.len();
    if v >= n {
        return Err(format!("street {id} has no vertex {}", v + 1).into());
    }
    if n <= 2 {
        return Err("a street keeps at least two vertices; delete the street instead".into());
    }
    let mut edited = plan.streets[si].clone();
    edited.points.remove(v);
    validate_street(&edited)?;
    Ok(Step {
        label: format!("Delete vertex {} of {id}", v + 1),
        edit: Edit::StreetPoints {
            street: si,
            change: Change::Remove(v),
        },
    })
}

/// Inserts a vertex at `at` before vertex `v` of street index `si` (a drag follows).
pub fn insert_vertex(si: usize, v: usize, at: LonLat) -> Edit {
    Edit::StreetPoints {
        street: si,
        change: Change::Insert(v, at),
    }
}

/// Moves vertex `v` of street index `si` to `to`.
pub fn move_vertex(si: usize, v: usize, to: LonLat) -> Edit {
    Edit::StreetPoints {
        street: si,
        change: Change::Set(v, to),
    }
}

/// Street centrelines imported (e.g. a QGIS export of the real streets) as one edit: a
/// street whose id exists already is replaced, others are added. Returns the edit and
/// how many were added and replaced.
pub fn import_streets(plan: &Plan, streets: Vec<Street>) -> (Step, usize, usize) {
    let n = streets.len();
    let mut edits = Vec::new();
    let (mut added, mut replaced) = (0, 0);
    let mut at = plan.streets.len();
    let mut new_ids: Vec<String> = Vec::new();
    for s in streets {
        if let Some(i) = plan.streets.iter().position(|x| x.id == s.id) {
            edits.push(Edit::Streets(Change::Set(i, s)));
            replaced += 1;
        } else if let Some(k) = new_ids.iter().position(|id| *id == s.id) {
            // The same id twice in one import: the later street wins, as it would
            // replace the one just added.
            edits.push(Edit::Streets(Change::Set(plan.streets.len() + k, s)));
            replaced += 1;
        } else {
            new_ids.push(s.id.clone());
            edits.push(Edit::Streets(Change::Insert(at, s)));
            at += 1;
            added += 1;
        }
    }
    let step = Step {
        label: format!("Import {n} streets"),
        edit: Edit::Batch(edits),
    };
    (step, added, replaced)
}
