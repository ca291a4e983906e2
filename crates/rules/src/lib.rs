//! The support policy as data, and the calendar arithmetic on it.
