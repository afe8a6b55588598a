//! A real redis-server for the tests: started in a temporary directory on
//! a unix socket, nothing saved unless asked, killed when dropped. With
//! `JWT_CLAIMS_REDIS_URL` set, the behavioural suite uses that server
//! instead (each test under a prefix of its own). Without redis-server the
//! Redis tests are skipped, except under `CI=true`, where they fail.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jwt_claims_state::{RedisStore, Store};

static NEXT: AtomicUsize = AtomicUsize::new(0);

fn unique() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Whether redis-server can be run; under CI its absence fails the test.
fn available() -> bool {
    let found = Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "redis-server is not installed, and CI=true: the Redis suite must run \
             (apt-get install redis-server, or set JWT_CLAIMS_REDIS_URL)"
        );
        eprintln!("skipped: redis-server is not installed (apt-get install redis-server)");
    }
    found
}

/// A redis-server process of the test's own.
pub(crate) struct Server {
    child: Option<Child>,
    dir: PathBuf,
    socket: PathBuf,
    args: Vec<String>,
}

impl Server {
    /// Starts a server; `persistent` keeps every write in an append-only
    /// file synced at once, so that a killed server restarts with its data.
    /// `None` when redis-server is not installed (and not under CI).
    pub(crate) fn start(persistent: bool, extra: &[&str]) -> Option<Server> {
        if !available() {
            return None;
        }
        let dir = std::env::temp_dir().join(format!("jwt-claims-state-{}", unique()));
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("redis.sock");
        let mut args: Vec<String> = [
            "--port",
            "0",
            "--unixsocket",
            socket.to_str().unwrap(),
            "--unixsocketperm",
            "700",
            "--dir",
            dir.to_str().unwrap(),
            "--save",
            "",
            "--daemonize",
            "no",
            "--maxmemory-policy",
            "noeviction",
        ]
        .map(String::from)
        .to_vec();
        if persistent {
            args.extend(["--appendonly", "yes", "--appendfsync", "always"].map(String::from));
        } else {
            args.extend(["--appendonly", "no"].map(String::from));
        }
        args.extend(extra.iter().map(|arg| arg.to_string()));
        let mut server = Server {
            child: None,
            dir,
            socket,
            args,
        };
        server.spawn();
        Some(server)
    }

    fn spawn(&mut self) {
        let child = Command::new("redis-server")
            .args(&self.args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        wait_until_ready(&self.socket);
    }

    /// `redis+unix:///…/redis.sock`.
    pub(crate) fn url(&self) -> String {
        format!("redis+unix://{}", self.socket.display())
    }

    /// Kills the server (SIGKILL: no shutdown, no final save).
    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_file(&self.socket);
    }

    /// Starts the server again on the same socket and directory.
    pub(crate) fn restart(&mut self) {
        self.kill();
        self.spawn();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Waits (at most 10 s) until the server answers PING on `socket`.
fn wait_until_ready(socket: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(mut stream) = UnixStream::connect(socket) {
            stream
                .set_read_timeout(Some(Duration::from_secs(1)))
                .unwrap();
            let mut reply = [0u8; 7];
            if stream.write_all(b"PING\r\n").is_ok()
                && stream.read_exact(&mut reply).is_ok()
                && &reply == b"+PONG\r\n"
            {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "redis-server did not start within 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The server one behavioural test runs on.
pub(crate) struct Redis {
    _server: Option<Server>,
    url: String,
    prefix: String,
}

impl Redis {
    /// `JWT_CLAIMS_REDIS_URL`'s server, or one of the test's own; `None`
    /// when there is neither (the test is skipped).
    pub(crate) fn for_suite() -> Option<Redis> {
        let prefix = format!("jwt-claims-test:{}:", unique());
        if let Ok(url) = std::env::var("JWT_CLAIMS_REDIS_URL") {
            return Some(Redis {
                _server: None,
                url,
                prefix,
            });
        }
        let server = Server::start(false, &[])?;
        Some(Redis {
            url: server.url(),
            _server: Some(server),
            prefix,
        })
    }

    pub(crate) async fn store(&self) -> Arc<dyn Store> {
        Arc::new(connect(&self.url, &self.prefix).await)
    }
}

/// A store on `url` under `prefix`, with short timeouts.
pub(crate) async fn connect(url: &str, prefix: &str) -> RedisStore {
    RedisStore::builder(url)
        .prefix(prefix)
        .response_timeout(Duration::from_millis(300))
        .connection_timeout(Duration::from_millis(300))
        .connect()
        .await
        .expect("connects to the test server")
}
