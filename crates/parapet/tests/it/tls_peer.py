"""An https webhook and an SMTP server with STARTTLS and AUTH PLAIN on 127.0.0.1,
for the notification tests. Python's ssl module is an independent TLS peer.

Usage: tls_peer.py DIR USER PASSWORD
Writes DIR/ca.pem (a private CA) and a server certificate for 127.0.0.1 signed by
it, prints "ready HTTPS_PORT SMTP_PORT", then one JSON line per message received:
{"webhook": {"path", "body"}} or {"email": {"tls", "user", "data"}}.
Runs until killed; failed handshakes are printed as {"refused": reason}.
"""
import base64
import datetime
import ipaddress
import json
import socket
import ssl
import sys
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LOCK = threading.Lock()


def say(obj):
    with LOCK:
        print(json.dumps(obj), flush=True)


def certificates(folder):
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "parapet test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    with open(f"{folder}/ca.pem", "wb") as f:
        f.write(ca.public_bytes(pem))
    with open(f"{folder}/server.pem", "wb") as f:
        f.write(leaf.public_bytes(pem) + ca.public_bytes(pem))
    with open(f"{folder}/server-key.pem", "wb") as f:
        f.write(
            key.private_bytes(
                pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(f"{folder}/server.pem", f"{folder}/server-key.pem")
    return context


def read_line(sock):
    line = b""
    while not line.endswith(b"\n"):
        byte = sock.recv(1)
        if not byte:
            break
        line += byte
    return line.decode()


def https(listener, context):
    while True:
        raw, _ = listener.accept()
        try:
            conn = context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError) as e:
            say({"refused": str(e)})
            raw.close()
            continue
        request = read_line(conn)
        length = 0
        while True:
            header = read_line(conn)
            if header.lower().startswith("content-length:"):
                length = int(header.split(":", 1)[1])
            if header in ("\r\n", ""):
                break
        body = b""
        while len(body) < length:
            chunk = conn.recv(length - len(body))
            if not chunk:
                break
            body += chunk
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        conn.close()
        say({"webhook": {"path": request.split()[1], "body": body.decode()}})


def smtp(listener, context, user, password):
    while True:
        conn, _ = listener.accept()
        tls = False
        who = None
        data = []
        conn.sendall(b"220 test ESMTP\r\n")
        try:
            while True:
                line = read_line(conn)
                if not line:
                    break
                verb = line[:4].upper()
                if verb == "EHLO":
                    extra = b"250 AUTH PLAIN\r\n" if tls else b"250 STARTTLS\r\n"
                    conn.sendall(b"250-test\r\n250-8BITMIME\r\n" + extra)
                elif line.upper().startswith("STARTTLS"):
                    conn.sendall(b"220 go ahead\r\n")
                    conn = context.wrap_socket(conn, server_side=True)
                    tls = True
                elif line.upper().startswith("AUTH PLAIN "):
                    given = base64.b64decode(line.split()[2]).split(b"\0")
                    if tls and given[1:] == [user.encode(), password.encode()]:
                        who = user
                        conn.sendall(b"235 ok\r\n")
                    else:
                        conn.sendall(b"535 no\r\n")
                elif verb == "DATA":
                    conn.sendall(b"354 go ahead\r\n")
                    while True:
                        text = read_line(conn)
                        if text in (".\r\n", ""):
                            break
                        data.append(text)
                    conn.sendall(b"250 queued\r\n")
                elif verb == "QUIT":
                    conn.sendall(b"221 bye\r\n")
                    break
                else:
                    conn.sendall(b"250 ok\r\n")
        except (ssl.SSLError, OSError) as e:
            say({"refused": str(e)})
        conn.close()
        if data:
            say({"email": {"tls": tls, "user": who, "data": "".join(data)}})


def main():
    folder, user, password = sys.argv[1:4]
    context = certificates(folder)
    web = socket.create_server(("127.0.0.1", 0))
    mail = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=https, args=(web, context), daemon=True).start()
    threading.Thread(target=smtp, args=(mail, context, user, password), daemon=True).start()
    print(f"ready {web.getsockname()[1]} {mail.getsockname()[1]}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
