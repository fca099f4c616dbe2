//! Importing what was measured on site, and removing it: each one undoable step
//! (docs/formats.md "Surveys (CSV)", "Energy readings (CSV)").

use super::{Change, Edit, Step};
use crate::error::FileError;
use crate::measure::csv::{read_readings, read_surveys};
use crate::plan::Plan;
use crate::plan::measured::{EnergyReading, Survey};
use std::path::Path;

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| FileError::io(path, &e).to_string())
}

/// The survey of `plan` already holding the file with this SHA-256, if any.
fn holder<'p>(plan: &'p Plan, sha256: &str) -> Option<&'p Survey> {
    plan.surveys.iter().find(|s| s.sha256 == sha256)
}

/// The surveys of the CSV file at `path` added to the plan as one step, or why not: an
/// error in the file (naming its line and column), a file already imported (naming the
/// survey that holds it), a survey name the plan already has. Returns the step and the
/// new surveys' names.
pub fn import_survey_file(plan: &Plan, path: &Path) -> Result<(Step, Vec<String>), String> {
    let bytes = read(path)?;
    let surveys = read_surveys(plan, path, &bytes).map_err(|e| e.to_string())?;
    import_surveys(plan, path, surveys)
}

/// [`import_survey_file`] with the file already read into `surveys`.
pub fn import_surveys(
    plan: &Plan,
    path: &Path,
    surveys: Vec<Survey>,
) -> Result<(Step, Vec<String>), String> {
    if let Some(s) = surveys.first().and_then(|s| holder(plan, &s.sha256)) {
        return Err(format!(
            "{}: this file is already imported as survey {:?}; remove that survey first to \
             import it again",
            path.display(),
            s.name
        ));
    }
    for s in &surveys {
        if plan.surveys.iter().any(|o| o.name == s.name) {
            return Err(format!(
                "{}: the plan already has a survey named {:?}; name this one in the file's \
                 survey column, or remove that survey",
                path.display(),
                s.name
            ));
        }
    }
    let names: Vec<String> = surveys.iter().map(|s| s.name.clone()).collect();
    let n = plan.surveys.len();
    let points: usize = surveys.iter().map(|s| s.points.len()).sum();
    let edits: Vec<Edit> = surveys
        .into_iter()
        .enumerate()
        .map(|(k, s)| Edit::Surveys(Change::Insert(n + k, s)))
        .collect();
    let step = Step {
        label: format!(
            "Import survey {} ({points} points)",
            names
                .iter()
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        edit: Edit::Batch(edits),
    };
    Ok((step, names))
}

/// Removing the survey named `name`, as one step.
pub fn remove_survey(plan: &Plan, name: &str) -> Result<Step, String> {
    let i = plan
        .surveys
        .iter()
        .position(|s| s.name == name)
        .ok_or_else(|| {
            format!(
                "the plan has no survey named {name:?}; its surveys are {}",
                plan.surveys
                    .iter()
                    .map(|s| format!("{:?}", s.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
    Ok(Step {
        label: format!("Remove survey {name:?}"),
        edit: Edit::Surveys(Change::Remove(i)),
    })
}

/// The energy readings of the CSV file at `path` added to the plan as one step, or why
/// not (an error in the file, a file already imported). Returns the step and the count.
pub fn import_readings_file(plan: &Plan, path: &Path) -> Result<(Step, usize), String> {
    let bytes = read(path)?;
    let readings = read_readings(plan, path, &bytes).map_err(|e| e.to_string())?;
    import_readings(plan, path, readings)
}

/// [`import_readings_file`] with the file already read into `readings`.
pub fn import_readings(
    plan: &Plan,
    path: &Path,
    readings: Vec<EnergyReading>,
) -> Result<(Step, usize), String> {
    if let Some(r) = readings.first()
        && plan.energy_readings.iter().any(|o| o.sha256 == r.sha256)
    {
        return Err(format!(
            "{}: this file's readings are already imported (from {:?}); nothing was added",
            path.display(),
            r.source_file
        ));
    }
    let n = readings.len();
    let mut all = plan.energy_readings.clone();
    all.extend(readings);
    Ok((
        Step {
            label: format!("Import {n} energy readings"),
            edit: Edit::EnergyReadings(Change::Replace(all)),
        },
        n,
    ))
}
