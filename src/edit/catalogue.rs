//! Edits of the plan's catalogue: a photometry file imported as a new luminaire type, a
//! road-surface r-table imported, a type's rotation changed. Each returns one typed edit.

use super::document::Step;
use super::error::EditError;
use super::op::{Change, Edit};
use crate::plan::{LuminaireType, PhotometrySource, Plan};
use std::path::Path;

/// Largest photometry file accepted for import, bytes (real files are tens of kB).
pub const MAX_IMPORT_BYTES: usize = 16 * 1024 * 1024;

/// Why a rotation is unacceptable, or Ok.
pub fn validate_rotation_deg(deg: f64) -> Result<(), EditError> {
    crate::plan::validate::LUMINAIRE_ROTATION
        .check(deg)
        .map_err(|e| e.explain())?;
    // The catalogue keeps rotations within one turn either way (the file may hold any
    // finite angle).
    if !(-360.0..=360.0).contains(&deg) {
        return Err(format!("rotation {deg}°: must be between -360° and 360°").into());
    }
    Ok(())
}

/// Reads the road-surface r-table (CSV, `lighting::surface` format) at `path` and adds
/// it to the plan's surfaces, named after the file, as one undoable edit. Returns the
/// new surface id; on error the plan is untouched and the message names the file, the
/// line and column and what is wrong.
pub fn import_surface_file(plan: &Plan, path: &Path) -> Result<(Step, String), String> {
    let text = crate::error::read_text(path).map_err(|e| e.to_string())?;
    if text.len() > MAX_IMPORT_BYTES {
        return Err(format!("{}: too large for an r-table", path.display()));
    }
    crate::lighting::surface::RTable::parse(&text, path).map_err(|e| e.to_string())?;
    let stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "surface".into());
    let base: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let taken =
        |id: &str| id == crate::plan::DEFAULT_SURFACE || plan.surfaces.iter().any(|s| s.id == id);
    let mut id = base.clone();
    let mut n = 2;
    while taken(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    let surface = crate::plan::RoadSurface {
        id: id.clone(),
        name: stem,
        table_csv: text,
    };
    let step = Step {
        label: format!("Import road surface {id}"),
        edit: Edit::Surfaces(Change::Insert(plan.surfaces.len(), surface)),
    };
    Ok((step, id))
}

/// Reads the .ldt / .ies file at `path` and adds it as a new luminaire type with its
/// text embedded in the plan (so the saved plan opens anywhere). Returns the new id;
/// on error the plan is untouched and the message names the file, the place and what
/// is wrong.
pub fn import_luminaire_file(plan: &Plan, path: &Path) -> Result<(Step, String), String> {
    let bytes =
        std::fs::read(path).map_err(|e| crate::error::FileError::io(path, &e).to_string())?;
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(format!(
            "{}: {} bytes is too large for a photometry file (at most {} MB)",
            path.display(),
            bytes.len(),
            MAX_IMPORT_BYTES / (1024 * 1024)
        ));
    }
    // Photometry files are often Latin-1: decode leniently, as photometry::read does.
    let text = String::from_utf8(bytes.clone())
        .unwrap_or_else(|_| bytes.iter().map(|&b| b as char).collect());
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    // Parse under the full path so errors name the file the user chose.
    crate::photometry::parse(&text, path).map_err(|e| e.to_string())?;
    import_luminaire(plan, &file_name, &text)
}

/// Adds photometry text (`file_name` chooses the format by extension) as a new
/// luminaire type, as one undoable edit. Flux is the file's declared luminaire flux,
/// or the integrated flux for absolute photometry; power is the file's. Returns the
/// new id, or the parse error (plan untouched).
pub fn import_luminaire(
    plan: &Plan,
    file_name: &str,
    text: &str,
) -> Result<(Step, String), String> {
    let source = PhotometrySource::Embedded {
        file_name: file_name.to_string(),
        text: text.to_string(),
    };
    let ph = crate::photometry::catalogue::load(&source).map_err(|e| e.to_string())?;
    let flux_lm = ph
        .declared_flux_lm
        .filter(|f| f.is_finite() && *f > 0.0)
        .unwrap_or_else(|| ph.table.flux_lm());
    if !(flux_lm.is_finite() && flux_lm > 0.0) {
        return Err(format!(
            "{file_name}: the photometry gives no light (flux {flux_lm} lm); check the file"
        ));
    }
    let power_w = if ph.power_w.is_finite() && ph.power_w >= 0.0 {
        ph.power_w
    } else {
        0.0
    };
    let stem = Path::new(file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| file_name.to_string());
    let name = match (ph.manufacturer.trim(), ph.name.trim()) {
        (_, "") => stem,
        ("", n) => n.to_string(),
        (m, n) if n.starts_with(m) => n.to_string(),
        (m, n) => format!("{m} {n}"),
    };
    let id = plan.next_id("L");
    let lum = LuminaireType {
        id: id.clone(),
        name,
        photometry: source,
        rotation_deg: 0.0,
        flux_lm,
        power_w,
        standby_w: 0.0,
        output_level: 1.0,
    };
    let step = Step {
        label: format!("Import luminaire {id} ({file_name})"),
        edit: Edit::Luminaires(Change::Insert(plan.luminaires.len(), lum)),
    };
    Ok((step, id))
}

/// Luminaire type `id` turned to `deg`. `None` when it is turned so already; an error
/// when the angle is invalid or the type unknown.
pub fn luminaire_rotation(plan: &Plan, id: &str, deg: f64) -> Result<Option<Step>, EditError> {
    validate_rotation_deg(deg)?;
    let Some(i) = plan.luminaires.iter().position(|l| l.id == id) else {
        return Err(format!("no luminaire type {id} in the plan").into());
    };
    if plan.luminaires[i].rotation_deg == deg {
        return Ok(None);
    }
    let mut edited = plan.luminaires[i].clone();
    edited.rotation_deg = deg;
    Ok(Some(Step {
        label: format!("Rotate luminaire type {id} to {deg}°"),
        edit: Edit::Luminaires(Change::Set(i, edited)),
    }))
}
