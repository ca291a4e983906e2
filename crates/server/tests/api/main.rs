//! API tests: each starts the real app on 127.0.0.1 and talks HTTP to it.

mod health;
mod helpers;
mod spa;
