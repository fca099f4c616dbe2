//! Edits of the plan's luminaire catalogue, independent of the widgets: importing a
//! photometry file as a new luminaire type and changing a type's rotation. Each is one
//! undoable edit through [`AppState::edit`].

use super::state::AppState;
use crate::plan::{LuminaireType, PhotometrySource};
use std::path::Path;

/// Largest photometry file accepted for import, bytes (real files are tens of kB).
pub const MAX_IMPORT_BYTES: usize = 16 * 1024 * 1024;

/// Why a rotation is unacceptable, or Ok.
pub fn validate_rotation_deg(deg: f64) -> Result<(), crate::app::error::EditError> {
    crate::plan::validate::LUMINAIRE_ROTATION
        .check(deg)
        .map_err(|e| super::state::explain(&e))?;
    // The catalogue keeps rotations within one turn either way (the file may hold any
    // finite angle).
    if !(-360.0..=360.0).contains(&deg) {
        return Err(format!("rotation {deg}°: must be between -360° and 360°").into());
    }
    Ok(())
}

impl AppState {
    /// Reads the road-surface r-table (CSV, `lighting::surface` format) at `path` and adds
    /// it to the plan's surfaces, named after the file, as one undoable edit. Returns the
    /// new surface id; on error the plan is untouched and the message names the file, the
    /// line and column and what is wrong.
    pub fn import_surface_file(&mut self, path: &Path) -> Result<String, String> {
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
        let taken = |id: &str| {
            id == crate::plan::DEFAULT_SURFACE || self.plan().surfaces.iter().any(|s| s.id == id)
        };
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
        self.edit(format!("Import road surface {id}"), |plan| {
            plan.surfaces.push(surface)
        });
        Ok(id)
    }

    /// Reads the .ldt / .ies file at `path` and adds it as a new luminaire type with its
    /// text embedded in the plan (so the saved plan opens anywhere). Returns the new id;
    /// on error the plan is untouched and the message names the file, the place and what
    /// is wrong.
    pub fn import_luminaire_file(&mut self, path: &Path) -> Result<String, String> {
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
        self.import_luminaire(&file_name, &text)
    }

    /// Adds photometry text (`file_name` chooses the format by extension) as a new
    /// luminaire type, as one undoable edit. Flux is the file's declared luminaire flux,
    /// or the integrated flux for absolute photometry; power is the file's. Returns the
    /// new id, or the parse error (plan untouched).
    pub fn import_luminaire(&mut self, file_name: &str, text: &str) -> Result<String, String> {
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
        let id = self.plan().next_id("L");
        let lum = LuminaireType {
            id: id.clone(),
            name,
            photometry: source,
            rotation_deg: 0.0,
            flux_lm,
            power_w,
            standby_w: 0.0,
        };
        self.edit(format!("Import luminaire {id} ({file_name})"), |plan| {
            plan.luminaires.push(lum)
        });
        self.status = format!("Imported {file_name} as luminaire type {id}");
        Ok(id)
    }

    /// Sets the rotation of luminaire type `id`, as one undoable edit. `Ok(false)` when
    /// the value is unchanged; an error (plan untouched) when invalid or unknown.
    pub fn set_luminaire_rotation(
        &mut self,
        id: &str,
        deg: f64,
    ) -> Result<bool, crate::app::error::EditError> {
        validate_rotation_deg(deg)?;
        let Some(current) = self
            .plan()
            .luminaires
            .iter()
            .find(|l| l.id == id)
            .map(|l| l.rotation_deg)
        else {
            return Err(format!("no luminaire type {id} in the plan").into());
        };
        if current == deg {
            return Ok(false);
        }
        let label = format!("Rotate luminaire type {id} to {deg}°");
        self.edit(label.clone(), |plan| {
            if let Some(l) = plan.luminaires.iter_mut().find(|l| l.id == id) {
                l.rotation_deg = deg;
            }
        });
        self.status = label;
        Ok(true)
    }
}
