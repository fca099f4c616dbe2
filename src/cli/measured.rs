//! `lysplan survey` and `lysplan energy`: what was measured on site against the plan.

use super::*;

/// `--save OUT` of `survey` and `energy`: the plan read from `path`, with the imported
/// `what` (surveys, readings), written to OUT; never over the plan being read.
fn save_measured(plan: &Plan, path: &Path, out: &Path, what: &str) -> Result<(), ExitCode> {
    if same_file(path, out) {
        eprintln!(
            "error: {} is the plan being read; write the plan with its {what} to another file",
            out.display()
        );
        return Err(ExitCode::from(2));
    }
    lysplan::measure::save_any(plan, out, Crs::default()).map_err(|e| fail(&e))?;
    eprintln!("wrote {}", out.display());
    Ok(())
}

pub(super) fn energy(
    path: &Path,
    format: Format,
    year: Option<i32>,
    readings: &[PathBuf],
    save: Option<&Path>,
) -> ExitCode {
    let mut plan = match load(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let value_error = |e: lysplan::plan::ValueError| {
        fail(&FileError::new(
            path,
            lysplan::error::Location::Field(e.path.clone()),
            format!("{} is {}; it must be {}", e.path, e.value, e.allowed),
        ))
    };
    for r in readings {
        match lysplan::edit::measured::import_readings_file(&plan, r) {
            Ok((step, _)) => {
                if let Err(e) = step.edit.apply(&mut plan) {
                    eprintln!("error: {}: {e}", r.display());
                    return ExitCode::from(2);
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if let Some(out) = save
        && let Err(code) = save_measured(&plan, path, out, "readings")
    {
        return code;
    }
    let mut e = match lysplan::energy::annual(&plan, year) {
        Ok(e) => e,
        Err(e) => return value_error(e),
    };
    // Adaptive lighting: each vendor's dimming judged against the class in force.
    let (photometry, _) = lysplan::lighting::load_photometry(&plan);
    let coverage = lysplan::lighting::evaluate(&plan, &photometry, None);
    e.set_compliance(&coverage.first_failures());
    if plan.energy_readings.is_empty() {
        emit(&match format {
            Format::Text => e.to_text(&plan),
            Format::Json => e.to_json(),
        });
        return ExitCode::SUCCESS;
    }
    let (rows, measured) = match lysplan::measure::compare_readings(&plan, &plan.energy_readings) {
        Ok(x) => x,
        Err(e) => return value_error(e),
    };
    match format {
        Format::Text => {
            let mut text = e.to_text(&plan);
            text.push_str(&lysplan::measure::readings_text(&rows, &measured));
            emit(&text);
        }
        Format::Json => {
            let mut v: serde_json::Value =
                serde_json::from_str(&e.to_json()).unwrap_or(serde_json::Value::Null);
            if let Some(vendors) = v.get_mut("vendors").and_then(|x| x.as_array_mut()) {
                for vendor in vendors {
                    let id = vendor["id"].as_str().unwrap_or("").to_string();
                    if let Some(o) = vendor.as_object_mut() {
                        o.insert(
                            "measured".into(),
                            measured
                                .get(&id)
                                .map_or(serde_json::Value::Null, lysplan::measure::json_value),
                        );
                    }
                }
            }
            if let Some(o) = v.as_object_mut() {
                o.insert("readings".into(), lysplan::measure::json_value(&rows));
            }
            emit_json(&v);
        }
    }
    ExitCode::SUCCESS
}

pub(super) fn survey(
    path: &Path,
    csvs: &[PathBuf],
    maintained: bool,
    format: Format,
    save: Option<&Path>,
) -> ExitCode {
    let mut plan = match load(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut surveys = Vec::new();
    for c in csvs {
        let bytes = match std::fs::read(c) {
            Ok(b) => b,
            Err(e) => return fail(&FileError::io(c, &e)),
        };
        match lysplan::measure::csv::read_surveys(&plan, c, &bytes) {
            Ok(s) => surveys.push((c, s)),
            Err(e) => return fail(&e),
        }
    }
    if let Some(out) = save {
        if csvs.is_empty() {
            eprintln!("error: --save stores the SURVEY.csv files given; give at least one");
            return ExitCode::from(2);
        }
        for (c, s) in &surveys {
            let step = match lysplan::edit::measured::import_surveys(&plan, c, s.clone()) {
                Ok((step, _)) => step,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            if let Err(e) = step.edit.apply(&mut plan) {
                eprintln!("error: {}: {e}", c.display());
                return ExitCode::from(2);
            }
        }
        if let Err(code) = save_measured(&plan, path, out, "surveys") {
            return code;
        }
    }
    let compared: Vec<lysplan::plan::measured::Survey> = if csvs.is_empty() {
        plan.surveys.clone()
    } else {
        surveys.into_iter().flat_map(|(_, s)| s).collect()
    };
    if compared.is_empty() {
        eprintln!(
            "error: {} holds no survey; give SURVEY.csv files (docs/formats.md \"Surveys \
             (CSV)\")",
            path.display()
        );
        return ExitCode::from(2);
    }
    let (photometry, errors) = lighting::load_photometry(&plan);
    for (id, e) in &errors {
        eprintln!("warning: luminaire type {id} lights nothing: {e}");
    }
    let c = lysplan::measure::compare_surveys(&plan, &photometry, &compared, maintained);
    emit(&match format {
        Format::Text => c.to_text(maintained),
        Format::Json => c.to_json(),
    });
    if c.fails() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
