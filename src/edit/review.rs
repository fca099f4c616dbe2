//! The edits of a coordinator's review: decisions on a submission's changes (recorded in
//! the plan's submission log and, for poles, as the pole's review status), the merge of
//! the accepted changes, and the review status of chosen poles.

use super::document::Step;
use super::op::{Change as ListChange, Edit};
use crate::plan::Plan;
use crate::plan::review::{Decision, PoleReview, ReviewStatus, Submission, Verdict};

/// The decisions (each with the pole it reviews, if it is a pole's change) recorded in
/// the submission log entry `entry` (matched by its SHA-256, created if new), as one
/// edit named `label`.
pub fn record_decisions(
    plan: &Plan,
    entry: Submission,
    decisions: Vec<(Decision, Option<String>)>,
    label: String,
) -> Step {
    let mut edits = Vec::new();
    let mut record = match plan
        .submissions
        .iter()
        .position(|s| s.sha256 == entry.sha256)
    {
        Some(i) => (i, plan.submissions[i].clone()),
        None => (plan.submissions.len(), entry),
    };
    let mut reviews = Vec::new();
    for (d, pole) in decisions {
        if let Some(id) = pole {
            // A later decision on the same pole wins, as it would inserted in order.
            reviews.retain(|(p, _): &(String, Option<PoleReview>)| p != &id);
            reviews.push((
                id,
                Some(PoleReview {
                    status: match d.verdict {
                        Verdict::Accepted => ReviewStatus::Approved,
                        Verdict::Rejected => ReviewStatus::Rejected,
                    },
                    comment: d.comment.clone(),
                    reviewer: d.reviewer.clone(),
                    time: d.time.clone(),
                }),
            ));
        }
        record.1.decisions.push(d);
    }
    edits.push(Edit::Submissions(if record.0 < plan.submissions.len() {
        ListChange::Set(record.0, record.1)
    } else {
        ListChange::Insert(record.0, record.1)
    }));
    if !reviews.is_empty() {
        edits.push(Edit::PoleReviews(reviews));
    }
    Step {
        label,
        edit: Edit::Batch(edits),
    }
}

/// The merge of `accepted` changes of `submission` into `plan`, checked as the readers
/// would check the merged plan.
pub fn merge(
    plan: &Plan,
    submission: &Plan,
    accepted: &[&crate::review::Change],
    label: String,
) -> Result<Step, String> {
    let merged = crate::review::merge(plan, submission, accepted).map_err(|e| e.to_string())?;
    crate::plan::validate::plan(&merged).map_err(|e| {
        format!("The accepted changes would make the plan invalid, so nothing was merged: {e}")
    })?;
    Ok(Step {
        label,
        edit: Edit::between(plan, &merged),
    })
}

/// Sets the review of each pole in `ids` to `review`.
pub fn set_status(ids: &[String], review: &PoleReview, label: String) -> Step {
    Step {
        label,
        edit: Edit::PoleReviews(
            ids.iter()
                .map(|id| (id.clone(), Some(review.clone())))
                .collect(),
        ),
    }
}
