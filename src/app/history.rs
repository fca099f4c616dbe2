//! The edit history behind undo and redo. Each entry keeps what one edit changed, not a
//! copy of the whole plan: the poles (by far the largest part, up to a million) as one
//! splice — the run of poles between the first and the last one the edit touched — and
//! the rest of the plan (streets, sections, vendors, luminaires: small) as it was. A move
//! of one pole in a 50,000-pole plan keeps one pole; a row of 20 keeps nothing but the
//! count.

use crate::plan::{Plan, Pole};

/// The poles `start..start + len` of one plan state were `removed` in the other.
#[derive(Debug, Clone, PartialEq)]
struct Splice {
    start: usize,
    /// How many poles now occupy the spliced run.
    len: usize,
    removed: Vec<Pole>,
}

/// The smallest single run that turns `after` back into `before` (common prefix and
/// suffix kept).
fn splice_between(before: &[Pole], after: &[Pole]) -> Splice {
    let prefix = before.iter().zip(after).take_while(|(a, b)| a == b).count();
    let max_suffix = before.len().min(after.len()) - prefix;
    let suffix = before
        .iter()
        .rev()
        .zip(after.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    Splice {
        start: prefix,
        len: after.len() - prefix - suffix,
        removed: before[prefix..before.len() - suffix].to_vec(),
    }
}

impl Splice {
    /// Puts the removed poles back into `poles`; returns the splice that redoes it.
    fn apply(self, poles: &mut Vec<Pole>) -> Splice {
        let end = (self.start + self.len).min(poles.len());
        let start = self.start.min(end);
        let taken: Vec<Pole> = poles
            .splice(start..end, self.removed.iter().cloned())
            .collect();
        Splice {
            start,
            len: self.removed.len(),
            removed: taken,
        }
    }
}

/// One undoable edit.
#[derive(Debug, Clone)]
pub struct Entry {
    pub label: String,
    poles: Splice,
    /// The plan without its poles, as it was on the other side of the edit.
    rest: Plan,
}

impl Plan {
    /// A copy of everything but the poles (without cloning them first).
    fn clone_rest(&self) -> Plan {
        Plan {
            format_version: self.format_version,
            name: self.name.clone(),
            description: self.description.clone(),
            maintenance_factor: self.maintenance_factor,
            burning_hours_per_year: self.burning_hours_per_year,
            rules: self.rules.clone(),
            vendors: self.vendors.clone(),
            luminaires: self.luminaires.clone(),
            streets: self.streets.clone(),
            sections: self.sections.clone(),
            poles: Vec::new(),
            energy: self.energy.clone(),
            control_profiles: self.control_profiles.clone(),
            surfaces: self.surfaces.clone(),
            pole_reviews: self.pole_reviews.clone(),
            submissions: self.submissions.clone(),
            revision: self.revision,
            changelog: self.changelog.clone(),
        }
    }
}

impl Entry {
    /// The entry that takes `after` back to `before`.
    pub fn new(label: String, before: &Plan, after: &Plan) -> Entry {
        Entry {
            label,
            poles: splice_between(&before.poles, &after.poles),
            rest: before.clone_rest(),
        }
    }

    /// Turns `plan` into the state this entry remembers; returns the entry that goes
    /// back (for the other stack).
    pub fn apply(self, plan: &mut Plan) -> Entry {
        let mut poles = std::mem::take(&mut plan.poles);
        let other = self.poles.apply(&mut poles);
        // The save history is not an edit: undo and redo leave it as it is.
        let revision = plan.revision;
        let changelog = std::mem::take(&mut plan.changelog);
        let rest = std::mem::replace(plan, self.rest);
        plan.poles = poles;
        plan.revision = revision;
        plan.changelog = changelog;
        Entry {
            label: self.label,
            poles: other,
            rest,
        }
    }

    /// How many poles this entry holds (for tests and the memory bound).
    pub fn poles_held(&self) -> usize {
        self.poles.removed.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pole(n: u32) -> Pole {
        Pole {
            id: format!("P{n}").into(),
            lon: 12.0 + f64::from(n) * 1e-4,
            lat: 55.0,
            height_m: 8.0,
            overhang_m: 0.0,
            tilt_deg: 0.0,
            azimuth_deg: 0.0,
            vendor: "v".into(),
            luminaire: "l".into(),
        }
    }

    fn plan(n: u32) -> Plan {
        Plan {
            poles: (0..n).map(pole).collect(),
            ..Plan::default()
        }
    }

    #[test]
    fn moving_one_pole_of_many_keeps_one_pole() {
        let before = plan(50_000);
        let mut after = before.clone();
        after.poles[123].lon += 1e-5;
        after.name = "renamed".into();
        let e = Entry::new("Move".into(), &before, &after);
        assert_eq!(e.poles_held(), 1);
        let mut p = after.clone();
        let redo = e.apply(&mut p);
        assert_eq!(p, before);
        redo.apply(&mut p);
        assert_eq!(p, after);
    }

    #[test]
    fn appending_a_row_keeps_no_pole() {
        let before = plan(1000);
        let mut after = before.clone();
        after.poles.extend((1000..1020).map(pole));
        let e = Entry::new("Row".into(), &before, &after);
        assert_eq!(e.poles_held(), 0);
        let mut p = after;
        e.apply(&mut p);
        assert_eq!(p, before);
    }

    #[test]
    fn the_app_history_of_a_large_plan_holds_only_what_edits_touched() {
        let mut s = crate::app::state::AppState::new(crate::check::synth::plan(5_000), None);
        let p = s.plan().poles[500].clone();
        s.begin_edit("Move");
        s.drag_pole_to(500, p.lon + 1e-5, p.lat);
        s.drag_pole_to(500, p.lon + 2e-5, p.lat);
        s.end_edit();
        s.selection = [s.plan().poles[7].id.to_string()].into();
        s.delete_selected();
        assert_eq!(s.history_poles_held(), 2);
        s.undo();
        s.undo();
        assert_eq!(s.plan().poles[500], p);
        assert_eq!(s.plan(), &crate::check::synth::plan(5_000));
        // Redoing the delete needs no pole, redoing the move the moved one.
        assert_eq!(s.history_poles_held(), 1);
    }

    proptest! {
        /// Any sequence of edits (change, insert, delete anywhere, rename) undoes back
        /// to the start and redoes back to the end.
        #[test]
        fn undo_and_redo_restore_every_state(
            ops in proptest::collection::vec((0u8..4, 0usize..60, 0usize..5), 1..12)
        ) {
            let mut states = vec![plan(30)];
            let mut next = 100u32;
            for (kind, at, n) in ops {
                let mut p = states.last().unwrap().clone();
                let len = p.poles.len();
                match kind {
                    0 if len > 0 => p.poles[at % len].height_m += 1.0,
                    1 => {
                        let at = at % (len + 1);
                        for k in 0..n {
                            p.poles.insert(at, pole(next + k as u32));
                        }
                        next += 10;
                    }
                    2 if len > 0 => {
                        let at = at % len;
                        let end = (at + n).min(len);
                        p.poles.drain(at..end);
                    }
                    _ => p.name = format!("name {at}"),
                }
                states.push(p);
            }
            let mut undo: Vec<Entry> = states
                .windows(2)
                .map(|w| Entry::new(String::new(), &w[0], &w[1]))
                .collect();
            let mut plan = states.last().unwrap().clone();
            let mut redo = Vec::new();
            for k in (0..undo.len()).rev() {
                let e = undo.pop().unwrap();
                redo.push(e.apply(&mut plan));
                prop_assert_eq!(&plan, &states[k]);
            }
            for state in &states[1..] {
                let e = redo.pop().unwrap();
                e.apply(&mut plan);
                prop_assert_eq!(&plan, state);
            }
        }
    }
}
