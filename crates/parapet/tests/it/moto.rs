//! A real AWS API emulator for the tests: moto's server on 127.0.0.1, on a
//! free port, killed when dropped. `.ci/run` installs it in `.venv`; set
//! PARAPET_MOTO_VENV to use another virtual environment.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::venv;

pub struct Moto {
    child: Child,
    pub endpoint: String,
    pub python: PathBuf,
}

impl Moto {
    pub fn start() -> Moto {
        let venv = venv();
        let server = venv.join("bin/moto_server");
        assert!(
            server.exists(),
            "moto is not installed at {}: run .ci/run (python3 -m venv .venv && .venv/bin/pip install 'moto[server]')",
            server.display()
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "moto_server did not listen on {port} within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            python: venv.join("bin/python"),
        }
    }

    /// Runs the independent boto3 seeding script.
    pub fn seed(&self, step: &str) -> String {
        self.seed_with("seed_aws.py", step)
    }

    /// Runs a boto3 seeding script of tests/it with one argument.
    pub fn seed_with(&self, script: &str, step: &str) -> String {
        let script = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/it")
            .join(script);
        let output = Command::new(&self.python)
            .arg(script)
            .args([&self.endpoint, step])
            .output()
            .expect("python runs");
        assert!(
            output.status.success(),
            "seeding `{step}` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Environment for the AWS SDK inside `parapet`: fake keys, no profile
/// files, no instance metadata lookups.
pub fn aws_env(command: &mut Command) -> &mut Command {
    command
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/parapet-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/parapet-test-credentials",
        )
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
}
