//! The review record a plan carries (issue 10): each pole's review status, and the log of
//! the vendor submissions received with every decision taken on them.
//!
//! Review metadata is never a difference between plans (`lysplan diff` skips it) and
//! never changes a check. Times are RFC 3339 UTC (`2026-12-02T09:15:00Z`).

use serde::{Deserialize, Serialize};

/// Where a pole stands in the coordinator's review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    #[default]
    Pending,
    Approved,
    Rejected,
}

impl ReviewStatus {
    pub const ALL: [ReviewStatus; 3] = [
        ReviewStatus::Pending,
        ReviewStatus::Approved,
        ReviewStatus::Rejected,
    ];

    /// The name as the files spell it (`"approved"`).
    pub fn name(self) -> &'static str {
        match self {
            ReviewStatus::Pending => "pending",
            ReviewStatus::Approved => "approved",
            ReviewStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.name() == s)
    }
}

/// A pole's latest review: its status, with the comment, who and when.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoleReview {
    pub status: ReviewStatus,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reviewer: String,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub time: String,
}

/// What the coordinator decided about one change of a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Accepted,
    Rejected,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Accepted => "accepted",
            Verdict::Rejected => "rejected",
        }
    }
}

/// One decision on one change of a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The object changed, as `"<kind> <id>"`: `"pole P011"`, `"setting rules.max_spacing_m"`.
    pub object: String,
    /// The change as one line: `"moved 2.5 m; height_m 10.0 → 9.0"`.
    pub change: String,
    pub verdict: Verdict,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reviewer: String,
    /// RFC 3339.
    pub time: String,
}

/// One file a vendor sent in, and the decisions taken on its changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The submitting vendor's id.
    pub vendor: String,
    /// The file's name as received (no folder).
    pub file: String,
    /// SHA-256 of the file's bytes, lowercase hex: which file exactly was reviewed.
    pub sha256: String,
    /// When it was received (opened for review), RFC 3339.
    pub received: String,
    #[serde(default)]
    pub decisions: Vec<Decision>,
}

/// One save of the plan: its revision, when, who, and what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangelogEntry {
    pub revision: u64,
    /// RFC 3339.
    pub time: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    /// One line, proposed from the edits since the previous save.
    pub summary: String,
}

/// Now, as RFC 3339 UTC to the second.
pub fn now_rfc3339() -> String {
    let t = jiff::Timestamp::now();
    t.round(jiff::Unit::Second).unwrap_or(t).to_string()
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    use std::fmt::Write as _;
    let digest = sha2::Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc_is_the_fips_180_example() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn statuses_round_trip_by_name() {
        for s in ReviewStatus::ALL {
            assert_eq!(ReviewStatus::parse(s.name()), Some(s));
        }
        assert_eq!(ReviewStatus::parse("ok"), None);
    }
}
