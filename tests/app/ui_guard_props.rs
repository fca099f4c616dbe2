//! Property test over the app's commands and the unsaved-changes question: no sequence
//! of edits, commands that replace the plan, and answers loses an edit unless "Don't
//! save" was pressed for it.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lysplan::app::{Command, LysplanApp};
use lysplan::plan::Plan;
use proptest::prelude::*;

use crate::common;

#[derive(Debug, Clone)]
enum Op {
    /// Delete the first pole (an edit).
    Edit,
    /// Save to the plan's file (File → Save with a file chosen before).
    Save,
    /// A command that replaces the plan, then an answer if the app asks.
    Replace(u8, Answer),
}

#[derive(Debug, Clone, Copy)]
enum Answer {
    Cancel,
    DontSave,
    Save,
}

fn op() -> impl Strategy<Value = Op> {
    let answer = prop_oneof![
        Just(Answer::Cancel),
        Just(Answer::DontSave),
        Just(Answer::Save)
    ];
    prop_oneof![
        3 => Just(Op::Edit),
        1 => Just(Op::Save),
        3 => (0u8..3, answer).prop_map(|(c, a)| Op::Replace(c, a)),
    ]
}

fn plan_of(h: &Harness<'_, LysplanApp>) -> Plan {
    h.state().state.plan().clone()
}

/// The plan without its save history (a save raises the revision and adds a changelog
/// entry: that is the save, not an edit).
fn content(mut p: Plan) -> Plan {
    p.revision = 0;
    p.changelog.clear();
    p
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]
    #[test]
    fn no_sequence_loses_an_edit_without_dont_save(ops in proptest::collection::vec(op(), 1..8)) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plan.ron");
        let other = dir.path().join("other.ron");
        let mut o = lysplan::bundled::doll_plan();
        o.name = "Other".into();
        lysplan::plan::save_ron_atomic(&o, &other).unwrap();
        let mut h = common::app_harness(lysplan::bundled::doll_plan(), egui::vec2(1280.0, 800.0), 0.25);
        prop_assert!(h.state_mut().save_to(&file));
        h.state_mut().recent = vec![other.clone()];
        let ctx = h.ctx.clone();
        for op in ops {
            let before = plan_of(&h);
            let dirty = h.state().state.is_dirty();
            match op {
                Op::Edit => {
                    let app = h.state_mut();
                    if let Some(id) = app.state.plan().poles.first().map(|p| p.id.to_string()) {
                        app.state.selection = [id].into();
                        app.state.delete_selected();
                    }
                }
                Op::Save => {
                    prop_assert!(h.state_mut().save_to(&file));
                    let saved = lysplan::locate::load_any(&file).unwrap();
                    prop_assert_eq!(saved.revision, before.revision + 1);
                    prop_assert_eq!(content(saved), content(before));
                }
                Op::Replace(c, answer) => {
                    let cmd = match c {
                        0 => Command::NewPlan,
                        1 => Command::OpenBundled,
                        _ => Command::OpenRecent(other.clone()),
                    };
                    h.state_mut().run(&ctx, cmd);
                    h.run_steps(2);
                    let asked = h.state().dialogs.confirm.is_some();
                    prop_assert_eq!(asked, dirty, "asks exactly when there are unsaved edits");
                    if asked {
                        // The question replaced nothing yet.
                        prop_assert_eq!(&plan_of(&h), &before);
                        let has_file = h.state().state.path() == Some(file.as_path());
                        match answer {
                            Answer::Cancel => {
                                h.get_by_label("Cancel").click();
                                h.run_steps(2);
                                prop_assert_eq!(&plan_of(&h), &before, "Cancel keeps the edits");
                                prop_assert!(h.state().state.is_dirty(), "and they stay unsaved");
                            }
                            Answer::Save if has_file => {
                                h.get_by_label("Save").click();
                                h.run_steps(2);
                                prop_assert_eq!(content(lysplan::locate::load_any(&file).unwrap()), content(before), "Save wrote the edits");
                            }
                            // Save without a file would open a file dialog; Don't save.
                            _ => {
                                h.get_by_label("Don't save").click();
                                h.run_steps(2);
                            }
                        }
                    }
                }
            }
            h.run_steps(1);
        }
    }
}
