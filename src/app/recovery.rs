//! Autosave and crash recovery: a few seconds after an edit, the open document is written
//! (atomically, off the UI thread) to a recovery file in the user's data folder. A save,
//! a "Don't save" or a clean exit removes it; after a crash or a kill, the next start
//! offers to recover it. The file is an ordinary plan, validated like any other on load.

use crate::plan::Plan;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// How long the plan must be still after an edit before it is autosaved.
pub const AUTOSAVE_AFTER: Duration = Duration::from_secs(3);

/// The recovery file's name in the recovery folder.
const FILE_NAME: &str = "recovery.ron";

/// What the recovery file holds besides the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Header {
    /// The file the plan was opened from or saved to (`None`: never saved).
    path: Option<PathBuf>,
    /// Seconds since 1970 when it was written.
    written_unix_s: u64,
}

/// An unsaved document found at start.
#[derive(Debug, Clone, PartialEq)]
pub struct Recovered {
    pub plan: Plan,
    pub path: Option<PathBuf>,
    /// How long ago it was written.
    pub age: Duration,
}

impl Recovered {
    /// "plan.ron, 3 minutes ago" for the question.
    pub fn describe(&self) -> String {
        let name = self.path.as_ref().and_then(|p| p.file_name()).map_or_else(
            || format!("the plan \"{}\"", self.plan.name),
            |n| n.to_string_lossy().into_owned(),
        );
        format!("{name}, written {}", ago(self.age))
    }
}

/// "12 seconds ago", "3 minutes ago", "2 hours ago", "4 days ago".
pub fn ago(d: Duration) -> String {
    let s = d.as_secs();
    let (n, unit) = match s {
        0..60 => (s, "second"),
        60..3600 => (s / 60, "minute"),
        3600..86_400 => (s / 3600, "hour"),
        _ => (s / 86_400, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// The recovery folder in the user's data directory.
pub fn default_dir() -> Option<PathBuf> {
    super::map_view::project_dirs().map(|d| d.data_dir().join("recovery"))
}

/// Autosave state of the app.
#[derive(Default)]
pub struct Autosave {
    /// Where the recovery file goes (`None`: autosave off, as in the tests by default).
    pub dir: Option<PathBuf>,
    /// How long the plan must be still before it is written ([`AUTOSAVE_AFTER`] in the
    /// app).
    pub delay: Duration,
    /// The revision and unsaved state last written (or known to need no file).
    written: Option<(u64, bool)>,
    /// The revision seen last and when it was first seen.
    seen: Option<(u64, Instant)>,
    /// Writes in flight (joined before the next, so they land in order).
    worker: Option<std::thread::JoinHandle<()>>,
}

impl Autosave {
    /// The recovery file.
    pub fn file(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join(FILE_NAME))
    }

    /// Called every frame: writes the plan once it has been still for
    /// [`AUTOSAVE_AFTER`] with unsaved changes; removes the file when there are none.
    /// Returns when it wants to be called again (to wake the UI).
    pub fn tick(
        &mut self,
        plan: &Plan,
        path: Option<&Path>,
        revision: u64,
        dirty: bool,
    ) -> Option<Duration> {
        self.dir.as_ref()?;
        let key = (revision, dirty);
        if !dirty {
            if self.written != Some(key) {
                self.discard();
                self.written = Some(key);
            }
            return None;
        }
        if self.written == Some(key) {
            return None;
        }
        let since = match self.seen {
            Some((r, t)) if r == revision => t,
            _ => {
                self.seen = Some((revision, Instant::now()));
                Instant::now()
            }
        };
        let still = since.elapsed();
        if still < self.delay {
            return Some(self.delay - still);
        }
        self.write(plan.clone(), path.map(Path::to_path_buf));
        self.written = Some(key);
        None
    }

    /// Writes the recovery file now, on a worker thread.
    pub fn write(&mut self, plan: Plan, path: Option<PathBuf>) {
        let Some(file) = self.file() else { return };
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
        self.worker = Some(std::thread::spawn(move || {
            let _ = write_file(&file, &plan, path);
        }));
    }

    /// Removes the recovery file (after a save, "Don't save" or a clean exit). Should the
    /// plan still have unsaved changes afterwards (Don't save, then the Open was
    /// cancelled), the next tick writes it again.
    pub fn discard(&mut self) {
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
        self.written = None;
        if let Some(f) = self.file() {
            let _ = std::fs::remove_file(f);
        }
    }

    /// Waits for a write in flight (for tests and before exit).
    pub fn flush(&mut self) {
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }

    /// The unsaved document a crashed or killed session left, if any and if it reads.
    pub fn find(&self) -> Option<Result<Recovered, String>> {
        let file = self.file()?;
        if !file.exists() {
            return None;
        }
        Some(read_file(&file))
    }
}

/// The header line (a RON comment) and the plan, atomically.
fn write_file(file: &Path, plan: &Plan, path: Option<PathBuf>) -> Result<(), String> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let header = Header {
        path,
        written_unix_s: SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    };
    let header = ron::to_string(&header).map_err(|e| e.to_string())?;
    let text = format!(
        "// lysplan-recovery {header}\n{}",
        crate::plan::to_ron_string(plan)
    );
    crate::plan::write_atomic(file, text.as_bytes()).map_err(|e| e.to_string())
}

fn read_file(file: &Path) -> Result<Recovered, String> {
    let text = crate::error::read_text(file).map_err(|e| e.to_string())?;
    let (first, _) = text.split_once('\n').unwrap_or((&text, ""));
    let header: Header = first
        .strip_prefix("// lysplan-recovery ")
        .and_then(|h| ron::from_str(h).ok())
        .ok_or_else(|| format!("{}: not a Lysplan recovery file", file.display()))?;
    // The same reader (and validator) as any plan.
    let plan = crate::plan::load_ron_str(&text, file).map_err(|e| e.to_string())?;
    let written = SystemTime::UNIX_EPOCH + Duration::from_secs(header.written_unix_s);
    Ok(Recovered {
        plan,
        path: header.path,
        age: SystemTime::now()
            .duration_since(written)
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edited_plan_is_written_after_it_is_still_and_removed_once_saved() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = Autosave {
            dir: Some(dir.path().to_path_buf()),
            delay: AUTOSAVE_AFTER,
            ..Default::default()
        };
        let mut plan = crate::bundled::doll_plan();
        plan.name = "Edited".into();
        let file = a.file().unwrap();
        assert!(a.tick(&plan, None, 7, true).is_some(), "waits first");
        assert!(!file.exists());
        a.seen = Some((7, Instant::now() - AUTOSAVE_AFTER));
        a.tick(&plan, Some(Path::new("/site/plan.ron")), 7, true);
        a.flush();
        let r = a.find().unwrap().unwrap();
        assert_eq!(r.plan, plan);
        assert_eq!(r.path.as_deref(), Some(Path::new("/site/plan.ron")));
        assert!(
            r.describe().starts_with("plan.ron, written "),
            "{}",
            r.describe()
        );
        // Saved: nothing to recover.
        a.tick(&plan, None, 7, false);
        assert!(!file.exists());
    }

    #[test]
    fn ages_read_as_english() {
        assert_eq!(ago(Duration::from_secs(1)), "1 second ago");
        assert_eq!(ago(Duration::from_secs(150)), "2 minutes ago");
        assert_eq!(ago(Duration::from_secs(7200)), "2 hours ago");
    }
}
