//! Side panels, one per file.

pub mod catalogue;
pub mod coverage;
pub mod design;
pub mod energy;
pub mod findings;
pub mod inspector;
pub mod plan_settings;
pub mod review;
pub mod route;
pub mod row;
pub mod search_job;
pub mod settings;
pub mod tools;
pub mod vendors;
pub mod yardstick;

/// `text` cut to `max` characters, with "…" when it was longer (for combo boxes, whose
/// list and hover show the whole name).
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}
