//! Reading and writing plans as RON, with the format version checked first and atomic
//! saves (temporary file, fsync, rename).

use super::{FORMAT_VERSION, Plan};
use crate::error::{FileError, Location};
use serde::Deserialize;
use std::io::Write;
use std::path::Path;

/// Only the version, so a newer file can be refused before its body is interpreted.
#[derive(Deserialize)]
#[serde(rename = "Plan")]
struct VersionProbe {
    format_version: u32,
}

fn ron_location(e: &ron::error::SpannedError) -> Location {
    Location::LineCol {
        line: e.span.start.line,
        col: e.span.start.col,
    }
}

/// Parses a plan from RON text. `origin` names the file in error messages.
pub fn load_ron_str(text: &str, origin: &Path) -> Result<Plan, FileError> {
    let opts = ron::Options::default();
    match opts.from_str::<VersionProbe>(text) {
        Ok(probe) if probe.format_version > FORMAT_VERSION => {
            return Err(FileError::new(
                origin,
                Location::Field("format_version".into()),
                format!(
                    "the file is format version {}, but this Lysplan reads up to version {}; \
                     open it with a newer Lysplan",
                    probe.format_version, FORMAT_VERSION
                ),
            ));
        }
        Ok(probe) if probe.format_version == 0 => {
            return Err(FileError::new(
                origin,
                Location::Field("format_version".into()),
                "format_version 0 is not a Lysplan version; the first version is 1".to_string(),
            ));
        }
        _ => {}
    }
    let mut plan: Plan = opts.from_str(text).map_err(|e| {
        let message = match &e.code {
            // A typo must not be dropped silently (tilt_dgs would give tilt 0).
            ron::Error::NoSuchStructField {
                expected, found, ..
            } => unknown_field(found, expected),
            code => format!("{code}; fix the RON syntax or field there"),
        };
        FileError::new(origin, ron_location(&e), message)
    })?;
    migrate(&mut plan);
    // Values are judged on the current format, after the migration.
    super::validate::plan(&plan).map_err(|e| value_error(origin, e))?;
    Ok(plan)
}

/// Brings a plan read from an older format version to this one. Version 1 → 2 only adds
/// the review record, which defaults to empty: the content is unchanged.
pub(crate) fn migrate(plan: &mut Plan) {
    plan.format_version = FORMAT_VERSION;
}

/// "unknown field `tilt_dgs`: did you mean `tilt_deg`?", naming the fields allowed
/// when no name is close.
pub(crate) fn unknown_field(found: &str, expected: &[&str]) -> String {
    let nearest = expected
        .iter()
        .map(|e| (strsim::damerau_levenshtein(found, e), *e))
        .min();
    match nearest {
        Some((d, name)) if d <= 3.max(found.len() / 3) => {
            format!("unknown field `{found}`: did you mean `{name}`? Fix the name there")
        }
        _ => format!(
            "unknown field `{found}`; the fields here are {}",
            expected
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A refused value as a file error: the field path, the value and what is allowed.
pub(crate) fn value_error(origin: &Path, e: super::ValueError) -> FileError {
    FileError::new(
        origin,
        Location::Field(e.path),
        format!(
            "is {}, but it must be {}; fix the value in the file",
            e.value, e.allowed
        ),
    )
}

/// Reads a plan from a RON file.
pub fn load_ron(path: &Path) -> Result<Plan, FileError> {
    let text = crate::error::read_text(path)?;
    load_ron_str(&text, path)
}

/// The plan as pretty RON text, as saved.
pub fn to_ron_string(plan: &Plan) -> String {
    let cfg = ron::ser::PrettyConfig::new()
        .struct_names(true)
        .depth_limit(3)
        .indentor("  ".to_string());
    // Serialising plain data structs cannot fail; fall back to compact form just in case.
    ron::ser::to_string_pretty(plan, cfg)
        .or_else(|_| ron::to_string(plan))
        .unwrap_or_default()
}

/// Writes `plan` to `path` atomically: a temporary file in the same folder is written,
/// synced to disk, then renamed over the target. A crash leaves either the old or the new
/// file, never a torn one.
pub fn save_ron_atomic(plan: &Plan, path: &Path) -> Result<(), FileError> {
    write_atomic(path, to_ron_string(plan).as_bytes())
}

/// Atomic write of any bytes (used for RON, GeoJSON and reports).
///
/// A symlinked target is written through the link (the real file is replaced, the link
/// stays); the target's permissions are kept; temporary files that an earlier, killed
/// save of the same target left behind are removed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    // Through a symlink: replace the file it points to, not the link.
    let target = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(path).map_err(|e| FileError::io(path, &e))?
        }
        _ => path.to_path_buf(),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "plan".into());
    remove_stale_temps(&dir, &file_name);
    let tmp = dir.join(format!("{}{}", temp_prefix(&file_name), std::process::id()));
    let permissions = std::fs::metadata(&target).ok().map(|m| m.permissions());
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        if let Some(p) = permissions {
            f.set_permissions(p)?;
        }
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, &target)?;
        // Make the rename itself durable where the platform allows syncing a directory.
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        FileError::io(path, &e)
    })
}

/// Whether `a` and `b` name the same existing file: the same path once symlinks and
/// `..` are resolved, or (on Unix) the same inode, so a hard link counts too. False when
/// either does not exist. Exports use it to refuse to overwrite the plan they export.
pub fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ca), Ok(cb)) = (std::fs::canonicalize(a), std::fs::canonicalize(b)) else {
        return false;
    };
    if ca == cb {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if let (Ok(ma), Ok(mb)) = (std::fs::metadata(&ca), std::fs::metadata(&cb)) {
            return ma.dev() == mb.dev() && ma.ino() == mb.ino();
        }
    }
    false
}

/// The start of the temporary file names a save of `file_name` uses (then the pid).
fn temp_prefix(file_name: &str) -> String {
    format!(".{file_name}.tmp-")
}

/// Removes the temporary files of `file_name` in `dir` left by saves that were killed
/// between writing and renaming: those whose process is gone (on Linux, no `/proc/<pid>`)
/// or, elsewhere, older than an hour. A save running now in another process is left alone.
pub fn remove_stale_temps(dir: &Path, file_name: &str) {
    let prefix = temp_prefix(file_name);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(&prefix)
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = if cfg!(target_os = "linux") {
            pid != std::process::id() && Path::new("/proc").join(pid.to_string()).exists()
        } else {
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() < 3600)
        };
        if !alive {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
