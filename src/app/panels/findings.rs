//! The findings panel: what breaks the site rules, filtered by severity and rule;
//! clicking a finding selects its poles and centres the map there.

use crate::app::state::AppState;
use crate::check::{Finding, Severity};
use crate::plan::Plan;
use crate::plan::review::ReviewStatus;
use egui::{Color32, RichText, Ui};

/// Above this many rows the list lays out only the rows in view (one line each).
pub const LONG_LIST: usize = 200;
/// Order of the findings list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortBy {
    #[default]
    Rule,
    Pole,
    Severity,
}

/// Filter settings of the findings list.
#[derive(Debug, Clone, Default)]
pub struct FindingsFilter {
    pub rule: Option<String>,
    pub hide_warnings: bool,
    /// Only findings naming a pole of this vendor.
    pub vendor: Option<String>,
    /// Only findings of this severity.
    pub severity: Option<Severity>,
    /// Only findings naming a pole of this review status (a pole with no review is
    /// pending).
    pub review: Option<ReviewStatus>,
    pub sort: SortBy,
}

/// The findings the filter lets through, in its sort order.
pub fn visible<'a>(
    findings: &'a [Finding],
    plan: &Plan,
    filter: &FindingsFilter,
) -> Vec<&'a Finding> {
    let mut v: Vec<&Finding> = findings
        .iter()
        .filter(|f| filter.rule.as_deref().is_none_or(|r| r == f.rule))
        .filter(|f| !(filter.hide_warnings && f.severity != Severity::Error))
        .filter(|f| filter.severity.is_none_or(|s| s == f.severity))
        .filter(|f| {
            filter.vendor.as_deref().is_none_or(|v| {
                f.poles
                    .iter()
                    .any(|id| plan.pole(id).is_some_and(|p| p.vendor == v))
            })
        })
        .filter(|f| {
            filter.review.is_none_or(|want| {
                f.poles.iter().any(|id| {
                    plan.pole_reviews
                        .get(id)
                        .map_or(ReviewStatus::Pending, |r| r.status)
                        == want
                })
            })
        })
        .collect();
    match filter.sort {
        SortBy::Rule => v.sort_by(|a, b| crate::check::cmp_findings(a, b)),
        SortBy::Pole => v.sort_by(|a, b| {
            // Findings without poles last.
            (a.poles.is_empty(), a.poles.first())
                .cmp(&(b.poles.is_empty(), b.poles.first()))
                .then_with(|| crate::check::cmp_findings(a, b))
        }),
        SortBy::Severity => v.sort_by(|a, b| {
            a.severity
                .cmp(&b.severity)
                .then_with(|| crate::check::cmp_findings(a, b))
        }),
    }
    v
}

/// Shows the list; returns the position to centre on when a finding was clicked.
pub fn ui(ui: &mut Ui, state: &mut AppState, filter: &mut FindingsFilter) -> Option<(f64, f64)> {
    let errors = state
        .findings()
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = state
        .findings()
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    ui.horizontal(|ui| {
        ui.heading("Findings");
        ui.label(RichText::new(plural(errors, "error")).color(if errors > 0 {
            Color32::from_rgb(200, 30, 30)
        } else {
            Color32::DARK_GREEN
        }));
        ui.label(plural(warnings, "warning"));
    });
    let mut rules: Vec<&str> = state.findings().iter().map(|f| f.rule.as_str()).collect();
    rules.dedup();
    ui.horizontal(|ui| {
        egui::ComboBox::from_label("Rule")
            .selected_text(filter.rule.clone().unwrap_or_else(|| "All rules".into()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut filter.rule, None, "All rules");
                for r in &rules {
                    ui.selectable_value(&mut filter.rule, Some(r.to_string()), *r);
                }
            });
        ui.checkbox(&mut filter.hide_warnings, "Errors only");
    });
    ui.horizontal(|ui| {
        let vendor_name = filter
            .vendor
            .as_deref()
            .and_then(|v| state.plan().vendor(v))
            .map(|v| v.name.clone())
            .unwrap_or_else(|| "All vendors".into());
        egui::ComboBox::new("findings_vendor", "Vendor")
            .selected_text(vendor_name)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut filter.vendor, None, "All vendors");
                for v in &state.plan().vendors {
                    ui.selectable_value(&mut filter.vendor, Some(v.id.clone()), &v.name);
                }
            });
        egui::ComboBox::new("findings_severity", "Severity")
            .selected_text(filter.severity.map(|s| s.name()).unwrap_or("all"))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut filter.severity, None, "all");
                for s in [Severity::Error, Severity::Warning, Severity::Info] {
                    ui.selectable_value(&mut filter.severity, Some(s), s.name());
                }
            });
    });
    ui.horizontal(|ui| {
        ui.label("Sort by");
        ui.selectable_value(&mut filter.sort, SortBy::Rule, "rule");
        ui.selectable_value(&mut filter.sort, SortBy::Pole, "pole");
        ui.selectable_value(&mut filter.sort, SortBy::Severity, "severity");
    });
    ui.horizontal(|ui| {
        egui::ComboBox::new("findings_review", "Review status")
            .selected_text(filter.review.map(ReviewStatus::name).unwrap_or("any"))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut filter.review, None, "any");
                for s in ReviewStatus::ALL {
                    ui.selectable_value(&mut filter.review, Some(s), s.name());
                }
            });
    });
    if state.findings().is_empty() {
        ui.label(
            RichText::new("No findings: the layout meets every rule.").color(Color32::DARK_GREEN),
        );
        return None;
    }
    let mut clicked = None;
    let shown: Vec<&Finding> = visible(state.findings(), state.plan(), filter);
    let row = |ui: &mut Ui, f: &crate::check::Finding| {
        let color = match f.severity {
            Severity::Error => Color32::from_rgb(200, 30, 30),
            Severity::Warning => Color32::from_rgb(190, 120, 0),
            Severity::Info => Color32::GRAY,
        };
        let selected = !f.poles.is_empty() && f.poles.iter().all(|p| state.selection.contains(p));
        // On the selection highlight the severity colour cannot be read: the text is the
        // highlight's own text colour there.
        let color = if selected {
            ui.visuals().selection.stroke.color
        } else {
            color
        };
        let text = RichText::new(format!("{} — {}", f.rule, f.message)).color(color);
        ui.selectable_label(selected, text).clicked()
    };
    let scroll = egui::ScrollArea::vertical().auto_shrink([false, false]);
    if shown.len() <= LONG_LIST {
        scroll.show(ui, |ui| {
            for f in &shown {
                if row(ui, f) {
                    clicked = Some((*f).clone());
                }
            }
        });
    } else {
        // Thousands of findings: lay out only the rows in view, one line each.
        let height =
            ui.text_style_height(&egui::TextStyle::Button) + 2.0 * ui.spacing().button_padding.y;
        scroll.show_rows(ui, height, shown.len(), |ui, range| {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
            for f in shown.get(range).unwrap_or_default() {
                if row(ui, f) {
                    clicked = Some((*f).clone());
                }
            }
        });
    }
    clicked.and_then(|f| state.select_finding(&f))
}

/// "1 error", "2 errors".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::review::PoleReview;

    #[test]
    fn the_review_filter_keeps_findings_naming_a_pole_of_that_status() {
        let mut plan = crate::bundled::doll_plan();
        let (a, b) = (plan.poles[0].id.to_string(), plan.poles[1].id.to_string());
        plan.pole_reviews.insert(
            a.clone(),
            PoleReview {
                status: ReviewStatus::Rejected,
                ..Default::default()
            },
        );
        let finding = |poles: Vec<String>| Finding {
            rule: crate::check::RuleId::SpacingMin,
            severity: Severity::Error,
            message: String::new(),
            poles,
            street: None,
            chainage_m: None,
            lon: None,
            lat: None,
        };
        let findings = vec![finding(vec![a.clone()]), finding(vec![b.clone()])];
        let only = |status| {
            let f = FindingsFilter {
                review: Some(status),
                ..Default::default()
            };
            visible(&findings, &plan, &f)
                .iter()
                .map(|f| f.poles[0].clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(only(ReviewStatus::Rejected), vec![a]);
        assert_eq!(only(ReviewStatus::Pending), vec![b]);
        assert!(only(ReviewStatus::Approved).is_empty());
    }
}
