//! Writes the man pages and the shell completions of the Debian package, made from the
//! command line's clap definitions (src/cli/mod.rs), into `assets/generated/` (not in git),
//! where `cargo deb` takes them from (Cargo.toml, `[package.metadata.deb]`):
//!
//! ```sh
//! cargo run --example gen_assets   # assets/generated/{man,completions}/
//! cargo deb
//! ```
//!
//! Writes `man/lysplan.1` and one `man/lysplan-VERB.1` per verb, and
//! `completions/lysplan.bash`, `completions/_lysplan` (zsh) and
//! `completions/lysplan.fish`. tests/core/package.rs runs [`generate`] into a temporary
//! folder and checks the package takes every file it writes.

// The binary's command line, as the binary builds it (its verbs' code comes along unused).
#[path = "../src/cli/mod.rs"]
#[allow(dead_code)]
mod cli;

use std::path::{Path, PathBuf};

/// Where `cargo deb` expects the generated files, relative to the package root.
pub const OUT_DIR: &str = "assets/generated";

/// Writes the man pages and the bash, zsh and fish completions under `dir`; returns the
/// files written, relative to `dir`, sorted.
pub fn generate(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    use clap::CommandFactory as _;
    use clap_complete::Shell;
    let cmd = cli::Cli::command();
    let man = dir.join("man");
    let completions = dir.join("completions");
    for d in [&man, &completions] {
        // Stale files (a verb since removed) must not be packaged.
        if d.exists() {
            std::fs::remove_dir_all(d)?;
        }
        std::fs::create_dir_all(d)?;
    }
    clap_mangen::generate_to(cmd.clone(), &man)?;
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        clap_complete::generate_to(shell, &mut cmd.clone(), "lysplan", &completions)?;
    }
    let mut files = Vec::new();
    for d in ["man", "completions"] {
        for entry in std::fs::read_dir(dir.join(d))? {
            files.push(Path::new(d).join(entry?.file_name()));
        }
    }
    files.sort();
    Ok(files)
}

fn main() -> std::process::ExitCode {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(OUT_DIR);
    match generate(&dir) {
        Ok(files) => {
            for f in files {
                println!("wrote {}", Path::new(OUT_DIR).join(f).display());
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {e}", dir.display());
            std::process::ExitCode::from(2)
        }
    }
}
