//! The `lysplan` binary: parses the command line; with no verb it opens the desktop app.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
