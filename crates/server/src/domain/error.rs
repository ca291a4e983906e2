use support_api::FieldError;

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
}

fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.problem))
        .collect::<Vec<_>>()
        .join("; ")
}
