//! TLS client streams for what the responder sends itself (https webhooks,
//! SMTP with STARTTLS or implicit TLS). rustls with the system's trusted
//! roots; `SSL_CERT_FILE` / `SSL_CERT_DIR` replace them, which is how a
//! private CA (an internal relay, a test server) is trusted.
//! Synchronous on purpose: one short exchange per notification.

use std::net::TcpStream;
use std::sync::{Arc, OnceLock};

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

pub type TlsStream = StreamOwned<ClientConnection, TcpStream>;

/// Wraps a connected socket in TLS for `host` (a DNS name or an IP
/// address, checked against the certificate) and completes the handshake,
/// so a certificate problem is reported here with the host it concerns.
pub fn connect(host: &str, mut tcp: TcpStream) -> Result<TlsStream, String> {
    let config = client_config()?;
    let name = ServerName::try_from(
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .to_string(),
    )
    .map_err(|e| format!("{host}: not a name TLS can verify: {e}"))?;
    let mut connection =
        ClientConnection::new(config, name).map_err(|e| format!("{host}: TLS: {e}"))?;
    while connection.is_handshaking() {
        connection
            .complete_io(&mut tcp)
            .map_err(|e| format!("{host}: TLS handshake: {e}"))?;
    }
    Ok(StreamOwned::new(connection, tcp))
}

fn client_config() -> Result<Arc<ClientConfig>, String> {
    static CONFIG: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();
    CONFIG.get_or_init(build_config).clone()
}

fn build_config() -> Result<Arc<ClientConfig>, String> {
    let loaded = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    let (added, _unparsable) = roots.add_parsable_certificates(loaded.certs);
    if added == 0 {
        let why = loaded
            .errors
            .first()
            .map_or_else(String::new, |e| format!(" ({e})"));
        return Err(format!(
            "no trusted root certificates could be loaded{why}: set SSL_CERT_FILE to a PEM bundle"
        ));
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
