//! Why an edit was refused: a typed error, shown to the user as one sentence.

use crate::plan::validate::ValueError;

/// An edit that was refused; the plan is unchanged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    /// A value the core's validator refuses (the same limits as the file readers),
    /// optionally for one object (`"P017"`, `"section 2"`).
    #[error("{}{}", context_prefix(.context), .error.explain())]
    Invalid {
        context: Option<String>,
        error: ValueError,
    },
    /// What the edit refers to is not in the plan.
    #[error("{kind} {id} is not in the plan")]
    Missing { kind: &'static str, id: String },
    /// An editing rule that a plan file does not have to meet (a street keeps two
    /// vertices, a section lies on its street, a vendor with poles stays).
    #[error("{0}")]
    Rule(String),
}

fn context_prefix(c: &Option<String>) -> String {
    c.as_deref().map(|c| format!("{c}: ")).unwrap_or_default()
}

impl From<ValueError> for EditError {
    fn from(error: ValueError) -> Self {
        EditError::Invalid {
            context: None,
            error,
        }
    }
}

impl EditError {
    /// The same error, said of `what` ("P017", "section 1").
    pub fn of(self, what: impl Into<String>) -> Self {
        match self {
            EditError::Invalid { error, .. } => EditError::Invalid {
                context: Some(what.into()),
                error,
            },
            EditError::Rule(r) => EditError::Rule(format!("{}: {r}", what.into())),
            other => other,
        }
    }

    /// An editing rule, in words.
    pub fn rule(text: impl Into<String>) -> Self {
        EditError::Rule(text.into())
    }
}

impl From<String> for EditError {
    fn from(text: String) -> Self {
        EditError::Rule(text)
    }
}

impl From<&str> for EditError {
    fn from(text: &str) -> Self {
        EditError::Rule(text.to_string())
    }
}
