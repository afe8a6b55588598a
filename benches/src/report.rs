//! The Markdown tables of a benchmark run: criterion's medians, read back
//! from its output directory, and the interleaved medians, each with its
//! ratio to the group's baseline (its first contender).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::interleave::Timing;

/// Where criterion writes, found as criterion finds it.
fn criterion_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(home.into());
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(Path::new(&target).join("criterion"));
    }
    // target/release/deps/<bench>-<hash>
    let exe = std::env::current_exe().ok()?;
    Some(exe.ancestors().nth(3)?.join("criterion"))
}

/// The median in nanoseconds of a benchmark measured since `since`.
fn median(dir: &Path, group: &str, contender: &str, since: SystemTime) -> Option<f64> {
    let path = dir.join(group).join(contender).join("new/estimates.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < since {
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

/// `ns` in the unit that suits it.
pub fn human(ns: f64) -> String {
    match ns {
        ns if ns < 1e3 => format!("{ns:.0} ns"),
        ns if ns < 1e6 => format!("{:.2} µs", ns / 1e3),
        ns => format!("{:.2} ms", ns / 1e6),
    }
}

/// Whether criterion measured `contender` of `group` since `since` (not
/// when it only tested it, or a filter left it out).
pub fn measured(group: &str, contender: &str, since: SystemTime) -> bool {
    criterion_dir().is_some_and(|dir| median(&dir, group, contender, since).is_some())
}

/// Prints the tables of everything measured since `since`: `groups` and
/// `contenders` in table order, the first contender a group has its
/// baseline; `races` as `interleave::race` timed them.
pub fn print(
    groups: &[&str],
    contenders: &[&str],
    since: SystemTime,
    races: &[(String, Vec<Timing>)],
) {
    let Some(dir) = criterion_dir() else {
        return;
    };
    let mut rows = Vec::new();
    for group in groups {
        let mut baseline = None;
        for contender in contenders {
            let Some(ns) = median(&dir, group, contender, since) else {
                continue;
            };
            let base = *baseline.get_or_insert(ns);
            rows.push(format!(
                "| {group} | {contender} | {} | {:.2}× |",
                human(ns),
                ns / base
            ));
        }
    }
    if !rows.is_empty() {
        println!("\nCriterion, one contender after another:\n");
        println!("| group | contender | median | ratio to the group's first row |");
        println!("|---|---|---:|---:|");
        for row in rows {
            println!("{row}");
        }
    }
    if !races.is_empty() {
        println!("\nInterleaved, every contender in turn (50 µs batches, 5 s a group):\n");
        println!("| group | contender | median | fastest batch | ratio to the group's first row |");
        println!("|---|---|---:|---:|---:|");
        for (group, timings) in races {
            let base = timings[0].median_ns;
            for timing in timings {
                println!(
                    "| {group} | {} | {} | {} | {:.2}× |",
                    timing.name,
                    human(timing.median_ns),
                    human(timing.min_ns),
                    timing.median_ns / base
                );
            }
        }
    }
}
