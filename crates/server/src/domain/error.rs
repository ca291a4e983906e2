use support_api::{FieldCode, FieldError};

/// What is wrong with one value, before anyone names the field it came in: its kind (for a
/// client that words it itself) and the English words for it. The HTTP layer knows the field
/// ([`FieldProblem::named`]); the command line words it its own way.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{problem}")]
pub struct FieldProblem {
    pub code: FieldCode,
    pub problem: String,
}

impl FieldProblem {
    pub fn new(code: FieldCode, problem: impl Into<String>) -> Self {
        Self {
            code,
            problem: problem.into(),
        }
    }

    /// The problem as the wrong `field` of a request.
    pub fn named(self, field: &str) -> FieldError {
        FieldError::new(self.code, field, self.problem)
    }
}

/// Values that did not parse: every wrong field at once, each with its kind and the words to
/// act on. The HTTP layer answers it as a validation problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid values: {}", describe(.0))]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    /// One wrong field.
    pub fn field(error: FieldError) -> Self {
        Self(vec![error])
    }

    /// The one wrong `field` of a request.
    pub fn named(field: &str, problem: FieldProblem) -> Self {
        Self::field(problem.named(field))
    }
}

fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.problem))
        .collect::<Vec<_>>()
        .join("; ")
}
