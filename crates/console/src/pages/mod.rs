//! One page a module.

pub mod queue;
pub mod report;
pub mod ticket;
