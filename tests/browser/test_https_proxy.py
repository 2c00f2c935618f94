"""The README's nginx config, run for real: TLS in front of a real Streamlit server on loopback.

The config block is read from README.md ("Running it for a clinic"), so the documented config is the tested one.
Only the listen ports, the certificate (self-signed, made here) and the app's port are swapped in.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM_ARGS, ROOT, _free_port, streamlit_server

pytestmark = pytest.mark.slow

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def readme_nginx_config() -> str:
    """The ```nginx block of README.md."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```nginx\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1, "README.md should have one nginx example"
    return blocks[0]


def local_config(site: str, https_port: int, http_port: int, app_port: int, cert: Path, key: Path,
                 base: Path) -> str:
    """The README's site block made to run here: loopback ports, a temp cert, a temp prefix, no root needed."""
    swaps = [
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("/etc/ssl/certs/formcheck.pem", str(cert)),
        ("/etc/ssl/private/formcheck.key", str(key)),
        ("http://127.0.0.1:8501", f"http://127.0.0.1:{app_port}"),
    ]
    for old, new in swaps:
        assert old in site, f"the README's nginx example no longer has {old!r}"
        site = site.replace(old, new)
    temp = "\n".join(f"    {name}_temp_path {base / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                         "scgi"))
    return (f"error_log {base / 'error.log'} info;\npid {base / 'nginx.pid'};\nevents {{}}\n"
            f"http {{\n    access_log {base / 'access.log'};\n{temp}\n{site}\n}}\n")


def _self_signed(base: Path) -> tuple[Path, Path]:
    cert, key = base / "cert.pem", base / "key.pem"
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed (it makes the test's certificate)")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx stopped: {log.read_text()[-2000:] if log.exists() else ''}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("nginx did not listen")


@pytest.fixture
def proxied(tmp_path: Path):
    """(https url, http url) of the README's nginx config in front of a fresh app."""
    if NGINX is None:
        pytest.skip("nginx is not installed (`make proxy` or `make test` installs Debian's nginx as root)")
    base = tmp_path / "nginx"
    base.mkdir()
    cert, key = _self_signed(base)
    env = {"FORMCHECK_DATA_DIR": str(tmp_path / "data"), "FORMCHECK_CACHE_DIR": str(tmp_path / "cache"),
           "FORMCHECK_SAMPLES_DIR": str(tmp_path / "samples")}
    with streamlit_server(tmp_path, env) as app_url:
        app_port = int(app_url.rsplit(":", 1)[1])
        https_port, http_port = _free_port(), _free_port()
        conf = base / "nginx.conf"
        conf.write_text(local_config(readme_nginx_config(), https_port, http_port, app_port, cert, key, base))
        check = subprocess.run([NGINX, "-t", "-p", str(base), "-c", str(conf)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        # One process, in the foreground, as whoever runs the tests (no worker user, no root needed).
        proc = subprocess.Popen([NGINX, "-p", str(base), "-c", str(conf), "-g", "daemon off; master_process off;"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            _wait_for_port(https_port, proc, base / "error.log")
            yield f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _tls() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the throw-away self-signed certificate
    return ctx


def test_the_readme_nginx_config_serves_the_app_over_https_with_its_websocket(proxied, chromium, shots):
    from playwright.sync_api import sync_playwright

    https, http = proxied
    with urllib.request.urlopen(f"{https}/_stcore/health", context=_tls(), timeout=10) as r:
        assert r.status == 200 and r.read() == b"ok"
        assert "max-age" in r.headers.get("Strict-Transport-Security", "")

    # Plain HTTP is sent to HTTPS.
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
            return None

    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.build_opener(NoRedirect).open(f"{http}/", timeout=10)
    assert exc.value.code == 301 and exc.value.headers["Location"].startswith("https://")

    # The websocket upgrades through the proxy (what the README's Upgrade/Connection lines are for).
    host = https.removeprefix("https://")
    with socket.create_connection(("127.0.0.1", int(host.rsplit(":", 1)[1])), timeout=10) as raw, \
            _tls().wrap_socket(raw, server_hostname="127.0.0.1") as s:
        key = base64.b64encode(os.urandom(16)).decode()
        s.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nOrigin: {https}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                   "Sec-WebSocket-Protocol: streamlit\r\n\r\n").encode())
        status = s.recv(4096).decode(errors="replace").splitlines()[0]
    assert " 101 " in status, status

    # And a real browser gets the app running over it.
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(ignore_https_errors=True, viewport={"width": 1366, "height": 768}).new_page()
            page.goto(https)
            page.get_by_role("heading", name="formcheck: live coaching").wait_for(timeout=60_000)
            page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign in").wait_for()
            page.screenshot(path=str(shots / "https-proxy.png"))
        finally:
            browser.close()
