//! Notifications the responder sends itself: a JSON webhook (generic or
//! Slack-compatible) over http or https, and email over SMTP (STARTTLS,
//! implicit TLS, or a plain internal relay). Credentials never sit in a
//! playbook: the SMTP password is read from the environment variable the
//! step names, is sent only over TLS, and a webhook URL's path (where
//! Slack-style URLs keep their token) is left out of every message.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use base64::Engine as _;
use parapet_respond::ActionResult;
use sonic_rs::json;

use crate::respond_exec::{param, Params};

const TIMEOUT: Duration = Duration::from_secs(10);
const REPLY_LIMIT: u64 = 64 << 10;
/// Lines of one SMTP reply at most (EHLO lists a dozen or two).
const MAX_REPLY_LINES: usize = 200;

/// A connection before or after TLS.
enum Conn {
    Plain(TcpStream),
    #[cfg(feature = "aws")]
    Tls(Box<parapet_cloud::tls::TlsStream>),
}

impl Conn {
    fn encrypted(&self) -> bool {
        !matches!(self, Conn::Plain(_))
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            #[cfg(feature = "aws")]
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            #[cfg(feature = "aws")]
            Conn::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            #[cfg(feature = "aws")]
            Conn::Tls(s) => s.flush(),
        }
    }
}

fn start_tls(host: &str, tcp: TcpStream) -> Result<Conn, String> {
    #[cfg(feature = "aws")]
    return parapet_cloud::tls::connect(host, tcp).map(|s| Conn::Tls(Box::new(s)));
    #[cfg(not(feature = "aws"))]
    {
        drop(tcp);
        Err(format!(
            "{host}: this parapet was built without TLS (the `aws` feature)"
        ))
    }
}

fn connect(host: &str, port: u16) -> Result<TcpStream, String> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addr = (bare, port)
        .to_socket_addrs()
        .map_err(|e| format!("{host}:{port}: {e}"))?
        .next()
        .ok_or_else(|| format!("{host}:{port}: no address"))?;
    let stream =
        TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| format!("{host}:{port}: {e}"))?;
    stream
        .set_read_timeout(Some(TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(TIMEOUT)))
        .map_err(|e| e.to_string())?;
    Ok(stream)
}

/// `host:port` or `[v6]:port`, the port required or defaulted.
fn host_port(authority: &str, default_port: Option<u16>) -> Result<(String, u16), String> {
    let split = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => Some((host, port)),
        _ => None,
    };
    match (split, default_port) {
        (Some((host, port)), _) => {
            let port = port
                .parse()
                .map_err(|_| format!("`{authority}`: the port must be a number"))?;
            Ok((host.to_string(), port))
        }
        (None, Some(port)) => Ok((authority.to_string(), port)),
        (None, None) => Err(format!("`{authority}`: expected host:port")),
    }
}

struct WebhookUrl {
    tls: bool,
    host: String,
    port: u16,
    path: String,
}

impl WebhookUrl {
    fn parse(url: &str) -> Result<WebhookUrl, String> {
        let (tls, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (false, rest)
        } else {
            return Err("the webhook url must start with https:// or http://".to_string());
        };
        let (authority, path) = rest
            .split_once('/')
            .map_or((rest, "/".to_string()), |(a, p)| (a, format!("/{p}")));
        if authority.is_empty() || authority.contains('@') {
            return Err("the webhook url needs a host (and no user:password@)".to_string());
        }
        let (host, port) = host_port(authority, Some(if tls { 443 } else { 80 }))?;
        Ok(WebhookUrl {
            tls,
            host,
            port,
            path,
        })
    }

    /// Scheme, host and port: what messages show (the path may hold a token).
    fn origin(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}:{}", self.host, self.port)
    }
}

/// POSTs JSON over HTTP/1.1 (TLS for https) and checks the reply status.
pub fn post_webhook(params: &Params) -> Result<ActionResult, String> {
    let url = WebhookUrl::parse(param(params, "url")?)?;
    let text = param(params, "text")?;
    let origin = url.origin();
    let body = match params.get("format").map(String::as_str) {
        Some("slack") => json!({"text": text}),
        _ => json!({"source": "parapet", "text": text}),
    }
    .to_string();
    let tcp = connect(&url.host, url.port)?;
    let mut conn = if url.tls {
        start_tls(&url.host, tcp)?
    } else {
        Conn::Plain(tcp)
    };
    let request = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        url.path,
        url.host,
        body.len()
    );
    conn.write_all(request.as_bytes())
        .and_then(|()| conn.flush())
        .map_err(|e| format!("{origin}: {e}"))?;
    let reply = read_reply(&mut conn).map_err(|e| format!("{origin}: {e}"))?;
    let status_line = reply.lines().next().unwrap_or("");
    let status = status_line.split_whitespace().nth(1).unwrap_or("");
    if !status.starts_with('2') {
        let shown = if status_line.is_empty() {
            "nothing"
        } else {
            status_line
        };
        return Err(format!("{origin}: the webhook answered `{shown}`"));
    }
    Ok(ActionResult {
        output: json!({"sent": true, "status": status, "tls": conn.encrypted()}),
        ..ActionResult::default()
    })
}

/// Reads the reply until the server closes. A TLS peer that closes without
/// close_notify (common for HTTP servers) ends the reply; it is not an
/// error once the status line is in.
fn read_reply(conn: &mut Conn) -> Result<String, std::io::Error> {
    let mut reply = Vec::new();
    match conn.take(REPLY_LIMIT).read_to_end(&mut reply) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !reply.is_empty() => {}
        Err(e) => return Err(e),
    }
    Ok(String::from_utf8_lossy(&reply).into_owned())
}

#[derive(Clone, Copy, PartialEq)]
enum SmtpTls {
    /// STARTTLS when the server offers it.
    Auto,
    /// STARTTLS or fail.
    StartTls,
    /// TLS from the first byte (port 465).
    Implicit,
    /// A plain internal relay.
    Never,
}

impl SmtpTls {
    fn parse(value: Option<&String>) -> Result<SmtpTls, String> {
        match value.map(String::as_str) {
            None | Some("auto") => Ok(SmtpTls::Auto),
            Some("starttls") => Ok(SmtpTls::StartTls),
            Some("implicit") => Ok(SmtpTls::Implicit),
            Some("none") => Ok(SmtpTls::Never),
            Some(other) => Err(format!(
                "tls: `{other}`: expected auto, starttls, implicit or none"
            )),
        }
    }
}

/// One SMTP conversation: reply codes checked, multi-line replies read whole.
struct Smtp {
    server: String,
    reader: BufReader<Conn>,
}

impl Smtp {
    fn expect(&mut self, code: &str, what: &str) -> Result<Vec<String>, String> {
        let mut lines = Vec::new();
        loop {
            if lines.len() >= MAX_REPLY_LINES {
                return Err(format!(
                    "{}: {what}: a reply of more than {MAX_REPLY_LINES} lines",
                    self.server
                ));
            }
            let mut line = String::new();
            (&mut self.reader)
                .take(4096)
                .read_line(&mut line)
                .map_err(|e| format!("{}: {what}: {e}", self.server))?;
            if !line.starts_with(code) {
                return Err(format!("{}: {what}: `{}`", self.server, line.trim_end()));
            }
            let more = line.as_bytes().get(3) == Some(&b'-');
            lines.push(line.get(4..).unwrap_or("").trim_end().to_string());
            if !more {
                return Ok(lines);
            }
        }
    }

    fn say(&mut self, line: &str) -> Result<(), String> {
        let conn = self.reader.get_mut();
        conn.write_all(line.as_bytes())
            .and_then(|()| conn.write_all(b"\r\n"))
            .and_then(|()| conn.flush())
            .map_err(|e| format!("{}: {e}", self.server))
    }

    fn ehlo(&mut self) -> Result<Vec<String>, String> {
        self.say("EHLO parapet")?;
        self.expect("250", "EHLO")
    }

    fn upgrade(self, host: &str) -> Result<Smtp, String> {
        if !self.reader.buffer().is_empty() {
            return Err(format!(
                "{}: the server sent data before the TLS handshake",
                self.server
            ));
        }
        match self.reader.into_inner() {
            Conn::Plain(tcp) => Ok(Smtp {
                server: self.server,
                reader: BufReader::new(start_tls(host, tcp)?),
            }),
            #[cfg(feature = "aws")]
            tls => Ok(Smtp {
                server: self.server,
                reader: BufReader::new(tls),
            }),
        }
    }
}

fn offers(capabilities: &[String], word: &str) -> bool {
    capabilities.iter().any(|c| {
        c.split_whitespace()
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    })
}

/// EHLO, (STARTTLS, EHLO), (AUTH PLAIN), MAIL, RCPT, DATA, QUIT.
pub fn send_email(params: &Params) -> Result<ActionResult, String> {
    let server = param(params, "smtp")?;
    let from = param(params, "from")?;
    let to: Vec<&str> = param(params, "to")?
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let subject = param(params, "subject")?.replace(['\r', '\n'], " ");
    let text = param(params, "text")?;
    let mode = SmtpTls::parse(params.get("tls"))?;
    let username = params.get("username");
    if [from]
        .iter()
        .chain(&to)
        .any(|a| a.contains(['\r', '\n', '<', '>']))
    {
        return Err("from/to: an address may not contain line breaks or angle brackets".into());
    }
    let (host, port) = host_port(server, None)?;
    let tcp = connect(&host, port)?;
    let conn = if mode == SmtpTls::Implicit {
        start_tls(&host, tcp)?
    } else {
        Conn::Plain(tcp)
    };
    let mut smtp = Smtp {
        server: server.to_string(),
        reader: BufReader::new(conn),
    };
    smtp.expect("220", "greeting")?;
    let mut capabilities = smtp.ehlo()?;
    let wants_tls =
        mode == SmtpTls::StartTls || (mode == SmtpTls::Auto && offers(&capabilities, "STARTTLS"));
    if wants_tls && !smtp.reader.get_ref().encrypted() {
        if !offers(&capabilities, "STARTTLS") {
            return Err(format!(
                "{server}: tls: starttls asked, but the server does not offer STARTTLS"
            ));
        }
        smtp.say("STARTTLS")?;
        smtp.expect("220", "STARTTLS")?;
        smtp = smtp.upgrade(&host)?;
        capabilities = smtp.ehlo()?;
    }
    let encrypted = smtp.reader.get_ref().encrypted();
    if let Some(user) = username {
        if !encrypted {
            return Err(format!("{server}: refusing to send the SMTP password unencrypted: use tls: starttls or implicit"));
        }
        let variable = param(params, "password_env")?;
        let password = std::env::var(variable).map_err(|_| {
            format!("password_env: the environment variable `{variable}` is not set")
        })?;
        if !offers(&capabilities, "AUTH") {
            return Err(format!(
                "{server}: username given, but the server offers no AUTH"
            ));
        }
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{password}"));
        smtp.say(&format!("AUTH PLAIN {token}"))?;
        smtp.expect("235", "AUTH (user or password refused)")?;
    }
    smtp.say(&format!("MAIL FROM:<{from}>"))?;
    smtp.expect("250", "MAIL FROM")?;
    for rcpt in &to {
        smtp.say(&format!("RCPT TO:<{rcpt}>"))?;
        smtp.expect("250", "RCPT TO")?;
    }
    smtp.say("DATA")?;
    smtp.expect("354", "DATA")?;
    let body: String = text
        .lines()
        .map(|l| {
            if l.starts_with('.') {
                format!(".{l}\r\n")
            } else {
                format!("{l}\r\n")
            }
        })
        .collect();
    smtp.say(&format!("From: {from}\r\nTo: {}\r\nSubject: {subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}.", to.join(", ")))?;
    smtp.expect("250", "message")?;
    smtp.say("QUIT")?;
    Ok(ActionResult {
        output: json!({"sent": true, "to": to, "tls": encrypted}),
        ..ActionResult::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls_parse_and_hide_their_path() {
        let u = WebhookUrl::parse("https://hooks.example.com/services/T0/B0/secret").unwrap();
        assert!(u.tls);
        assert_eq!((u.host.as_str(), u.port), ("hooks.example.com", 443));
        assert_eq!(u.path, "/services/T0/B0/secret");
        assert_eq!(u.origin(), "https://hooks.example.com:443");
        let u = WebhookUrl::parse("http://[::1]:8080").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("[::1]", 8080, "/")
        );
        assert!(WebhookUrl::parse("ftp://x/").is_err());
        assert!(WebhookUrl::parse("https://user:pw@x/").is_err());
        assert!(WebhookUrl::parse("http://x:port/").is_err());
    }

    #[test]
    fn an_endless_smtp_reply_is_cut_off() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let _ = stream.write_all(b"220 hi\r\n");
            let mut line = [0u8; 64];
            let _ = stream.read(&mut line);
            for _ in 0..10_000 {
                if stream.write_all(b"250-more\r\n").is_err() {
                    break;
                }
            }
        });
        let params = Params::from([
            ("smtp".to_string(), address),
            ("tls".to_string(), "none".to_string()),
            ("from".to_string(), "a@example.com".to_string()),
            ("to".to_string(), "b@example.com".to_string()),
            ("subject".to_string(), "s".to_string()),
            ("text".to_string(), "t".to_string()),
        ]);
        let error = send_email(&params).unwrap_err();
        assert!(error.contains("more than 200 lines"), "{error}");
        let _ = server.join();
    }

    #[test]
    fn smtp_servers_need_a_port_and_tls_modes_are_named() {
        assert_eq!(host_port("mail:587", None).unwrap(), ("mail".into(), 587));
        assert!(host_port("mail", None).is_err());
        assert!(SmtpTls::parse(Some(&"ssl".to_string())).is_err());
        assert!(offers(&["AUTH PLAIN LOGIN".into()], "auth"));
        assert!(!offers(&["8BITMIME".into()], "STARTTLS"));
    }
}
