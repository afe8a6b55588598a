//! The services demo, run as a newcomer runs it: the real binary, three
//! services on loopback, the scripted client over real HTTP. Every step's
//! status and `WWW-Authenticate` (and `Retry-After`) is pinned here, apart
//! from the demo's own checks, which make it exit non-zero on a wrong
//! answer. With the `redis` feature the same scenario runs on a real
//! redis-server the test starts.

use std::process::Command;

/// What each step must answer: the status line, then the
/// `WWW-Authenticate` and `Retry-After` lines, as the demo prints them.
const GOLDEN: &[&[&str]] = &[
    &["-> 200 OK"],
    &["-> 200 OK"],
    &["-> 200 OK"],
    &["-> 200 OK"],
    &[
        "-> 401 Unauthorized",
        r#"www-authenticate: Bearer realm="billing""#,
    ],
    &["-> 401 Unauthorized", INVALID],
    &["-> 401 Unauthorized", INVALID],
    &["-> 401 Unauthorized", INVALID],
    &[
        "-> 401 Unauthorized",
        r#"www-authenticate: Bearer realm="billing", error="invalid_token", error_description="the token expired""#,
    ],
    &["-> 401 Unauthorized", INVALID],
    &["-> 200 OK"],
    &["-> 200 OK"],
    &["-> 401 Unauthorized", INVALID],
    &["-> 401 Unauthorized", REPORTS_INVALID],
    &["-> 200 OK"],
    &[
        "-> 403 Forbidden",
        r#"www-authenticate: Bearer realm="billing", error="insufficient_scope", error_description="the token does not grant this request""#,
    ],
    &["-> 200 OK"],
    &["-> 503 Service Unavailable", "retry-after: 5"],
    &["-> 200 OK"],
    &["-> 401 Unauthorized", REPORTS_INVALID],
    &["-> 200 OK"],
    &["-> 200 OK"],
    &["-> 401 Unauthorized", REPORTS_INVALID],
    &["-> 200 OK"],
    &["-> 200 OK"],
    &["-> 200 OK"],
    &["-> 200 OK"],
    &["-> 400 Bad Request"],
    &["-> 400 Bad Request"],
    &["-> 401 Unauthorized", INVALID],
    &["-> 204 No Content"],
    &["-> 401 Unauthorized", INVALID],
    &["-> 400 Bad Request"],
];

const INVALID: &str = r#"www-authenticate: Bearer realm="billing", error="invalid_token", error_description="the token is invalid""#;
const REPORTS_INVALID: &str = r#"www-authenticate: Bearer realm="reports", error="invalid_token", error_description="the token is invalid""#;

/// Runs the demo with `args`; its output, after checking it exited 0.
fn run_demo(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_services"))
        .args(args)
        .output()
        .expect("the demo runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    assert!(
        output.status.success(),
        "the demo failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Per step, its answer lines: status, challenge, retry-after.
fn answers(stdout: &str) -> Vec<Vec<String>> {
    let mut steps: Vec<Vec<String>> = Vec::new();
    for line in stdout.lines() {
        let line = line.trim();
        if line.starts_with('[') && line.contains(']') {
            steps.push(Vec::new());
        } else if let Some(step) = steps.last_mut()
            && (line.starts_with("-> ")
                || line.starts_with("www-authenticate:")
                || line.starts_with("retry-after:"))
        {
            step.push(line.to_owned());
        }
    }
    steps
}

fn assert_golden(stdout: &str) {
    let answers = answers(stdout);
    assert_eq!(answers.len(), GOLDEN.len(), "{stdout}");
    for (number, (got, want)) in answers.iter().zip(GOLDEN).enumerate() {
        assert_eq!(got, want, "step {}:\n{stdout}", number + 1);
    }
    assert!(
        stdout.contains("33 steps, all answered as expected"),
        "{stdout}"
    );
    // Not one usable token is printed.
    assert!(
        !stdout
            .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .any(|word| matches!(word.matches('.').count(), 2 | 4) && word.len() > 40),
        "{stdout}"
    );
}

#[test]
fn the_services_answer_every_step_of_the_scenario_as_pinned_on_the_memory_store() {
    let stdout = run_demo(&[]);
    assert!(stdout.contains("store  in memory"), "{stdout}");
    assert_golden(&stdout);
}

#[test]
fn the_demo_refuses_an_unknown_argument() {
    let output = Command::new(env!("CARGO_BIN_EXE_services"))
        .arg("--bogus")
        .output()
        .expect("the demo runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage: services [--redis"));
}

#[cfg(feature = "redis")]
#[allow(dead_code, unreachable_pub)]
#[path = "../../jwt-claims-state/tests/integration/redis_server.rs"]
mod redis_server;

#[cfg(feature = "redis")]
#[test]
fn the_services_answer_every_step_of_the_scenario_as_pinned_on_redis() {
    let Some(server) = redis_server::Server::start(false, &[]) else {
        return;
    };
    let url = server.url();
    let stdout = run_demo(&["--redis", &url]);
    assert!(stdout.contains("store  Redis at redis+unix://"), "{stdout}");
    assert_golden(&stdout);
}
