//! `lysplan edit`: makes edits on a plan from the command line with the same operations
//! and checks as the app (see [`super::script`]), then writes the plan. Nothing is
//! written unless every edit is accepted. (The binary's `cli` names the verb; its
//! arguments and work live here, in the library, so the man-page generator that reads
//! the CLI's definitions finds them too.)

use super::script::Instruction;
use super::{Document, Step};
use crate::locate::load_any;
use crate::measure::save_any;
use crate::plan::{Crs, same_file};
use std::path::PathBuf;
use std::process::ExitCode;

/// The arguments of `edit`.
#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// The plan to edit (.ron, .geojson or .gpkg).
    pub file: PathBuf,
    /// Set a field of a pole: POLE.FIELD=VALUE, e.g. P017.height_m=9.5 (fields:
    /// height_m, overhang_m, tilt_deg, azimuth_deg, lon, lat, vendor, luminaire).
    #[arg(long = "set", value_name = "POLE.FIELD=VALUE")]
    pub set: Vec<String>,
    /// Move a pole: POLE=LON,LAT in degrees (WGS84), e.g. P017=12.3901,55.6842.
    #[arg(long = "move", value_name = "POLE=LON,LAT", allow_hyphen_values = true)]
    pub moves: Vec<String>,
    /// Delete a pole by id.
    #[arg(long = "delete", value_name = "POLE")]
    pub delete: Vec<String>,
    /// Add a row of poles along a street: street=ID,side=left|right,from_m=M,to_m=M,
    /// count=N or spacing_m=M,height_m=M,offset_m=M,overhang_m=M,tilt_deg=D,vendor=ID,
    /// luminaire=ID.
    #[arg(long = "row", value_name = "KEY=VALUE,...")]
    pub rows: Vec<String>,
    /// Set a street's night class schedule (adaptive lighting): STREET="HH:MM CLASS, ...",
    /// e.g. gl-landevej="22:00 M5, 00:00 M6, 05:00 M4"; STREET= removes it. The classes
    /// must be of the street's design class's family.
    #[arg(long = "class-schedule", value_name = "STREET=HH:MM CLASS,...")]
    pub class_schedules: Vec<String>,
    /// Remove a survey measured on site (lysplan survey --save stored it) by its name.
    #[arg(long = "remove-survey", value_name = "NAME")]
    pub remove_surveys: Vec<String>,
    /// Write the edited plan here (.ron, .geojson or .gpkg, by its extension).
    #[arg(long, short, value_name = "OUT", required_unless_present = "in_place")]
    pub output: Option<PathBuf>,
    /// Write the edited plan back to FILE (atomically).
    #[arg(long, conflicts_with = "output")]
    pub in_place: bool,
}

/// The instructions in the order they are made: sets, moves, class schedules, deletes,
/// then rows.
fn instructions(a: &EditArgs) -> Result<Vec<(String, Instruction)>, String> {
    let mut out = Vec::new();
    type Parse = fn(&str) -> Result<Instruction, String>;
    let groups: [(&str, &[String], Parse); 4] = [
        ("--set", &a.set, Instruction::parse_set),
        ("--move", &a.moves, Instruction::parse_move),
        ("--row", &a.rows, Instruction::parse_row),
        (
            "--class-schedule",
            &a.class_schedules,
            Instruction::parse_class_schedule,
        ),
    ];
    for (flag, texts, parse) in groups {
        for t in texts {
            let i = parse(t).map_err(|e| format!("{flag} {t}: {e}"))?;
            out.push((format!("{flag} {t}"), i));
        }
    }
    for name in &a.remove_surveys {
        out.push((
            format!("--remove-survey {name}"),
            Instruction::RemoveSurvey { name: name.clone() },
        ));
    }
    for id in &a.delete {
        out.push((
            format!("--delete {id}"),
            Instruction::Delete { pole: id.clone() },
        ));
    }
    // Rows last, so their fresh ids follow the other edits.
    out.sort_by_key(|(_, i)| matches!(i, Instruction::Row(_)));
    Ok(out)
}

/// Runs `lysplan edit`; returns the exit code (messages on standard error).
pub fn run(a: &EditArgs) -> ExitCode {
    let out = match (&a.output, a.in_place) {
        (Some(o), _) => o.clone(),
        (None, _) => a.file.clone(),
    };
    if !a.in_place && same_file(&out, &a.file) {
        eprintln!(
            "error: {}: is the plan being edited; use --in-place to replace it. Nothing was \
             written",
            out.display()
        );
        return ExitCode::from(2);
    }
    let todo = match instructions(a) {
        Ok(t) if t.is_empty() => {
            eprintln!(
                "error: no edit given; use --set, --move, --delete, --row, --class-schedule or \
                 --remove-survey"
            );
            return ExitCode::from(2);
        }
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}; nothing was written");
            return ExitCode::from(2);
        }
    };
    let plan = match load_any(&a.file) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut doc = Document::new(plan, Some(a.file.clone()));
    for (arg, instruction) in &todo {
        let applied = instruction.step(&doc).and_then(|Step { label, edit }| {
            doc.apply(label.clone(), edit)
                .map(|changed| (label, changed))
                .map_err(|e| e.to_string().into())
        });
        match applied {
            Ok((label, true)) => eprintln!("{label}"),
            Ok((label, false)) => eprintln!("{label}: unchanged"),
            Err(e) => {
                eprintln!("error: {arg}: {e}; nothing was written");
                return ExitCode::from(2);
            }
        }
    }
    if let Err(e) = save_any(doc.plan(), &out, Crs::Utm32) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let errors = doc
        .findings()
        .iter()
        .filter(|f| f.severity == crate::check::Severity::Error)
        .count();
    eprintln!(
        "wrote {} ({} poles; {errors} layout error{} — run lysplan check for the findings)",
        out.display(),
        doc.plan().poles.len(),
        if errors == 1 { "" } else { "s" }
    );
    ExitCode::SUCCESS
}
