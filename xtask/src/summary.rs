//! Runs test commands, echoes their output and adds up what their runners report, so that
//! `cargo xtask test` ends with one line: `xtask: N passed, N failed, N skipped`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::{Failure, Result, root};

#[derive(Debug, Default)]
pub struct Summary {
    passed: u64,
    failed: u64,
    skipped: u64,
    failed_steps: Vec<String>,
}

impl Summary {
    /// Runs one test command; a failure is recorded and the next suites still run.
    pub fn run_counted(&mut self, what: &str, command: &mut Command) -> Result {
        println!("\n==> {what}");
        let mut child = command
            .current_dir(root())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| {
                Failure::Step(format!(
                    "{what}: cannot start {:?}: {e}",
                    command.get_program()
                ))
            })?;
        let (mut passed, mut failed, mut skipped) = (0, 0, 0);
        if let Some(stdout) = child.stdout.take() {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                println!("{line}");
                let counts = parse_cargo(&line).or_else(|| parse_node(&line));
                if let Some((p, f, s)) = counts {
                    passed += p;
                    failed += f;
                    skipped += s;
                }
            }
        }
        let status = child
            .wait()
            .map_err(|e| Failure::Step(format!("{what}: {e}")))?;
        self.passed += passed;
        self.failed += failed;
        self.skipped += skipped;
        if !status.success() || failed > 0 {
            self.failed_steps.push(format!("{what} ({status})"));
        }
        Ok(())
    }

    pub fn finish(self) -> Result {
        println!();
        if !self.failed_steps.is_empty() {
            println!("failed: {}", self.failed_steps.join("; "));
        }
        println!(
            "xtask: {} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        );
        if self.failed_steps.is_empty() {
            Ok(())
        } else {
            Err(Failure::Step(format!(
                "{} test step(s) failed",
                self.failed_steps.len()
            )))
        }
    }
}

/// `test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; ...`
fn parse_cargo(line: &str) -> Option<(u64, u64, u64)> {
    let rest = line.strip_prefix("test result: ")?;
    let number_before = |word: &str| -> Option<u64> {
        rest.split(';')
            .find_map(|part| part.trim().strip_suffix(word))
            .and_then(|n| n.trim().rsplit(' ').next()?.parse().ok())
    };
    Some((
        number_before(" passed")?,
        number_before(" failed")?,
        number_before(" ignored").unwrap_or(0),
    ))
}

/// Node's test runner ends with lines such as `ℹ pass 3`, `ℹ fail 0`, `ℹ skipped 0`
/// (spec reporter) or `# pass 3` (TAP); each is reported on its own line.
fn parse_node(line: &str) -> Option<(u64, u64, u64)> {
    let rest = line
        .strip_prefix("ℹ ")
        .or_else(|| line.strip_prefix("# "))?;
    let (word, number) = rest.split_once(' ')?;
    let n: u64 = number.trim().parse().ok()?;
    match word {
        "pass" => Some((n, 0, 0)),
        "fail" => Some((0, n, 0)),
        "skipped" | "todo" => Some((0, 0, n)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_test_result_lines() {
        let line = "test result: ok. 12 passed; 1 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.01s";
        assert_eq!(parse_cargo(line), Some((12, 1, 2)));
        assert_eq!(parse_cargo("running 3 tests"), None);
    }

    #[test]
    fn reads_node_test_runner_totals() {
        assert_eq!(parse_node("ℹ pass 4"), Some((4, 0, 0)));
        assert_eq!(parse_node("ℹ fail 1"), Some((0, 1, 0)));
        assert_eq!(parse_node("# skipped 2"), Some((0, 0, 2)));
        assert_eq!(parse_node("ℹ tests 5"), None);
        assert_eq!(parse_node("ℹ duration_ms 12.5"), None);
    }
}
