// `sqlx::migrate!` embeds the migration files at compile time; without this, a new migration
// file would not rebuild the crate and the binary would go on applying the old set.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
