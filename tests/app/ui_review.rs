//! The coordinator's review in the app, headless: compare with a vendor's submission,
//! review with the keyboard (J/K, A, R), give the reviewer's name once, reject with a
//! comment, merge the accepted changes as one undoable edit, save, reopen: the
//! decisions and the pole statuses are in the file.

use crate::common;

use egui::Key;
use egui_kittest::kittest::Queryable;
use lysplan::app::commands::Command;
use lysplan::plan::Plan;
use lysplan::plan::review::{ReviewStatus, Verdict};

/// The bundled plan and a submission from its first pole's vendor: two of its poles
/// moved or re-heighted, one added, and one pole of another vendor changed (outside).
fn plans() -> (Plan, Plan) {
    let master = lysplan::bundled::doll_plan();
    let me = master.poles[0].vendor.clone();
    let mut sub = master.clone();
    let mine: Vec<usize> = (0..sub.poles.len())
        .filter(|&i| sub.poles[i].vendor == me)
        .collect();
    sub.poles[mine[0]].lat += 3.0 / 111_320.0;
    sub.poles[mine[1]].height_m += 1.0;
    let mut added = sub.poles[mine[2]].clone();
    added.id = "NEW1".into();
    added.lon += 0.00012;
    sub.poles.push(added);
    let other = sub.poles.iter().position(|p| p.vendor != me).unwrap();
    sub.poles[other].tilt_deg = 7.0;
    (master, sub)
}

type H = egui_kittest::Harness<'static, lysplan::app::LysplanApp>;

/// Types `text` into the text field labelled `label`, as a user does (focus, then type).
fn type_into(h: &mut H, label: &str, text: &str) {
    use egui::accesskit::Role;
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.run_steps(1);
}

fn compare(h: &mut H, path: &std::path::Path) {
    let ctx = h.ctx.clone();
    h.state_mut().run(&ctx, Command::CompareSubmissionTyped);
    h.run_steps(2);
    h.state_mut()
        .dialogs
        .typed
        .as_mut()
        .expect("typed path")
        .text = path.display().to_string();
    h.run_steps(1);
    h.get_by_label("OK").click();
    h.run_steps(3);
}

fn wait_for_effect(h: &mut H) {
    for _ in 0..500 {
        h.run_steps(1);
        if h.query_by_label_contains("Checking its effect").is_none() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run_steps(2);
}

#[test]
fn review_with_the_keyboard_merge_save_and_reopen() {
    let (master, sub) = plans();
    let dir = tempfile::tempdir().unwrap();
    let sub_path = dir.path().join("vendor-submission.geojson");
    lysplan::plan::save_geojson_atomic(&sub, &sub_path).unwrap();
    let mut h = common::app_harness(master.clone(), egui::vec2(1400.0, 1000.0), 0.25);
    compare(&mut h, &sub_path);
    {
        let s = h.state().review.session.as_ref().expect("a review session");
        assert_eq!(s.changes.len(), 4, "{:#?}", s.changes);
        assert_eq!(s.submitter, master.poles[0].vendor);
        assert_eq!(s.changes.iter().filter(|c| c.outside).count(), 1);
        // listed, and walked by J/K, the submitter's own first: the other vendor's last
        assert!(s.changes[..3].iter().all(|c| !c.outside));
        assert!(s.changes[3].outside);
    }
    h.get_by_label_contains("4 changes: 0 accepted, 0 rejected, 4 pending");
    wait_for_effect(&mut h);

    // K goes back (wraps to the last), J forward again
    h.key_press(Key::K);
    h.run_steps(2);
    assert_eq!(h.state().review.session.as_ref().unwrap().current, 3);
    h.key_press(Key::J);
    h.run_steps(2);
    assert_eq!(h.state().review.session.as_ref().unwrap().current, 0);

    // A: the name is asked once, then the decision is taken
    h.key_press(Key::A);
    h.run_steps(2);
    type_into(&mut h, "Name", "Test Coordinator");
    h.get_by_label("OK").click();
    h.run_steps(3);
    assert_eq!(h.state().review.reviewer, "Test Coordinator");
    // the decision moved on to the next change; accept it with A too
    assert_eq!(h.state().review.session.as_ref().unwrap().current, 1);
    h.key_press(Key::A);
    h.run_steps(3);
    // reject the third with a comment, by the button
    type_into(&mut h, "Comment", "keep the old height");
    h.get_by_label("Reject (R)").click();
    h.run_steps(3);
    h.get_by_label_contains("4 changes: 2 accepted, 1 rejected, 1 pending");

    // no pole has moved yet: deciding is not merging
    assert_eq!(h.state().state.plan().poles, master.poles);
    common::click_button(&mut h, "Merge 2 accepted into the plan");
    h.run_steps(2);
    let merged = h.state().state.plan().clone();
    let (accepted, rejected): (Vec<_>, Vec<_>) = {
        let s = &merged.submissions[0];
        s.decisions
            .iter()
            .partition(|d| d.verdict == Verdict::Accepted)
    };
    assert_eq!((accepted.len(), rejected.len()), (2, 1));
    assert_eq!(rejected[0].comment, "keep the old height");
    assert_eq!(rejected[0].reviewer, "Test Coordinator");
    // exactly the two accepted changes are in the plan
    let d = lysplan::diff::diff(&master, &merged).unwrap();
    let s = d.summary();
    assert_eq!(s.added + s.moved + s.changed, 2, "{d:?}");
    // the accepted changes left the list; the rejected and the pending one stay
    assert_eq!(h.state().review.session.as_ref().unwrap().changes.len(), 2);

    // save, reopen: decisions and statuses are there
    let path = dir.path().join("master.ron");
    assert!(h.state_mut().save_to(&path));
    let back = lysplan::locate::load_any(&path).unwrap();
    // the save is revision 1, its summary proposed from the edits
    assert_eq!(back.revision, 1);
    assert_eq!(back.changelog.len(), 1);
    let summary = &back.changelog[0].summary;
    assert!(summary.starts_with("Accept pole "), "{summary}");
    assert!(summary.contains("and 1 more"), "{summary}");
    assert_eq!(back.changelog[0].author, "Test Coordinator");
    assert_eq!(back.submissions, merged.submissions);
    assert_eq!(back.submissions[0].file, "vendor-submission.geojson");
    assert_eq!(back.submissions[0].sha256.len(), 64);
    let statuses: Vec<ReviewStatus> = back.pole_reviews.values().map(|r| r.status).collect();
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == ReviewStatus::Approved)
            .count(),
        2
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == ReviewStatus::Rejected)
            .count(),
        1
    );
    h.state_mut().open_path(&path);
    h.run_steps(2);
    assert_eq!(h.state().state.plan().pole_reviews, back.pole_reviews);

    // comparing the same file again resumes: the decisions are found by its SHA-256
    compare(&mut h, &sub_path);
    h.get_by_label_contains("2 changes: 0 accepted, 1 rejected, 1 pending");
}

#[test]
fn the_merge_is_one_undoable_edit() {
    let (master, sub) = plans();
    let dir = tempfile::tempdir().unwrap();
    let sub_path = dir.path().join("s.ron");
    lysplan::plan::save_ron_atomic(&sub, &sub_path).unwrap();
    let mut h = common::app_harness(master.clone(), egui::vec2(1400.0, 1000.0), 0.25);
    h.state_mut().review.reviewer = "R".into();
    compare(&mut h, &sub_path);
    // accept everything of the submitter; the other vendor's pole stays pending
    let me = master.poles[0].vendor.clone();
    common::click_button(&mut h, &format!("Accept all 3 from {me}"));
    h.run_steps(2);
    let decided = h.state().state.plan().clone();
    common::click_button(&mut h, "Merge 3 accepted into the plan");
    h.run_steps(2);
    assert_ne!(h.state().state.plan().poles, master.poles);
    let ctx = h.ctx.clone();
    h.state_mut().run(&ctx, Command::Undo);
    h.run_steps(2);
    assert_eq!(
        h.state().state.plan(),
        &decided,
        "undo takes the merge back whole"
    );
    assert_eq!(h.state().state.plan().poles, master.poles);
}

#[test]
fn an_unreadable_submission_says_why_and_changes_nothing() {
    let (master, _) = plans();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.geojson");
    std::fs::write(&bad, "{\"type\": \"FeatureCollection\", \"features\": [").unwrap();
    let mut h = common::app_harness(master.clone(), egui::vec2(1280.0, 800.0), 0.25);
    compare(&mut h, &bad);
    assert!(h.state().review.session.is_none());
    let err = h.state().dialogs.error.clone().expect("an error message");
    assert!(err.contains("broken.geojson"), "{err}");
    assert!(err.contains("plan is unchanged"), "{err}");
    assert_eq!(h.state().state.plan(), &master);
    assert!(!h.state().state.is_dirty());
}

#[test]
fn approve_and_reject_selection_set_statuses_undoably() {
    let (master, _) = plans();
    let mut h = common::app_harness(master.clone(), egui::vec2(1280.0, 800.0), 0.25);
    h.state_mut().review.reviewer = "R".into();
    let ids = [
        master.poles[0].id.to_string(),
        master.poles[1].id.to_string(),
    ];
    h.state_mut().state.selection = ids.iter().cloned().collect();
    let ctx = h.ctx.clone();
    h.state_mut().run(&ctx, Command::ApproveSelection);
    h.run_steps(2);
    let r = &h.state().state.plan().pole_reviews;
    assert!(ids.iter().all(|i| r[i].status == ReviewStatus::Approved));
    h.state_mut().run(&ctx, Command::RejectSelection);
    h.run_steps(2);
    type_into(&mut h, "Comment", "wrong optic");
    h.get_by_label("Reject").click();
    h.run_steps(2);
    let r = &h.state().state.plan().pole_reviews;
    assert!(
        ids.iter()
            .all(|i| r[i].status == ReviewStatus::Rejected && r[i].comment == "wrong optic")
    );
    h.state_mut().run(&ctx, Command::Undo);
    h.run_steps(1);
    let r = &h.state().state.plan().pole_reviews;
    assert!(ids.iter().all(|i| r[i].status == ReviewStatus::Approved));
    // status colours on the map are a toggle
    h.state_mut().run(&ctx, Command::ToggleReviewColours);
    h.run_steps(2);
    assert!(h.state().review.colour_by_status);
}

#[test]
fn review_mode_snapshot() {
    let (master, sub) = plans();
    let dir = tempfile::tempdir().unwrap();
    let sub_path = dir.path().join("vendor-submission.geojson");
    lysplan::plan::save_geojson_atomic(&sub, &sub_path).unwrap();
    let mut h = common::app_harness(master, egui::vec2(1400.0, 1000.0), 0.25);
    common::wait_for_coverage(&mut h);
    h.state_mut().review.reviewer = "Gate 21".into();
    compare(&mut h, &sub_path);
    h.key_press(Key::J);
    h.run_steps(4);
    wait_for_effect(&mut h);
    h.snapshot("review_mode");
}

#[test]
fn the_report_from_a_review_is_the_submitting_vendors() {
    let (master, sub) = plans();
    let dir = tempfile::tempdir().unwrap();
    let sub_path = dir.path().join("s.geojson");
    lysplan::plan::save_geojson_atomic(&sub, &sub_path).unwrap();
    let mut h = common::app_harness(master.clone(), egui::vec2(1400.0, 1000.0), 0.25);
    compare(&mut h, &sub_path);
    let me = master.poles[0].vendor.clone();
    let out = dir.path().join("report.html");
    let ctx = h.ctx.clone();
    h.state_mut().run(&ctx, Command::ExportReportTyped);
    h.run_steps(2);
    let typed = h.state_mut().dialogs.typed.as_mut().expect("typed path");
    assert!(
        typed.text.ends_with(&format!("-report-{me}.html")),
        "{}",
        typed.text
    );
    typed.text = out.display().to_string();
    h.run_steps(1);
    h.get_by_label("OK").click();
    h.run_steps(3);
    let text = std::fs::read_to_string(&out).expect("the report was written");
    let doc = scraper::Html::parse_document(&text);
    let poles = scraper::Selector::parse("svg#map circle.pole").unwrap();
    assert_eq!(
        doc.select(&poles).count(),
        master.poles.iter().filter(|p| p.vendor == me).count()
    );
    assert!(h.state().state.status.contains("Wrote the report"));
}
