"""A production-style deployment on loopback, the way docs/operations.md deploys: Debian's nginx
(deploy/nginx/osce-portal.conf) terminating TLS with a throw-away test CA, in front of gunicorn
running the production settings (debug off, DJANGO_TRUSTED_PROXIES=1), on the same kind of
database the suite runs on.

Skipped when nginx, openssl or Node (with deploy/observatory's packages) is missing, unless
OSCE_REQUIRE_TOOLS is set (CI sets it, so a missing tool fails the build instead). `make test`
installs them (scripts/install-test-tools).
"""

import os
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests import resources

ROOT = Path(settings.BASE_DIR)
OBSERVATORY = ROOT / "deploy" / "observatory"
NGINX_SITE = ROOT / "deploy" / "nginx" / "osce-portal.conf"
NGINX_PROXY = ROOT / "deploy" / "nginx" / "osce-portal-proxy.conf"
THROTTLE_PER_MINUTE = 40


def nginx_binary():
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def missing_tools():
    missing = []
    if not nginx_binary():
        missing.append("nginx (apt-get install nginx)")
    if not shutil.which("openssl"):
        missing.append("openssl")
    if not shutil.which("node"):
        missing.append("node")
    # scripts/install-test-tools installs the scanner (npm ci --ignore-scripts) and writes the
    # empty HSTS preload list its skipped install script would have downloaded.
    scanner = OBSERVATORY / "node_modules" / "@mdn" / "mdn-http-observatory"
    if not (scanner / "conf" / "hsts-preload.json").is_file():
        missing.append("the scanner (scripts/install-test-tools)")
    return missing


def require_tools():
    missing = missing_tools()
    if missing:
        resources.skip_or_fail("deployment test needs " + ", ".join(missing))


def free_ports(count):
    """Free loopback ports from this worker's share (tests/resources.py)."""
    ports = resources.port_range()
    found = []
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    pytest.fail(f"no {count} free ports in {ports}")


def run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{args[:3]} failed:\n{result.stdout}\n{result.stderr}"
    return result


def make_certificates(folder):
    """A test CA and a certificate for localhost (and 127.0.0.1) signed by it."""
    ca_key, ca_cert = folder / "ca.key", folder / "ca.pem"
    key, csr, cert = folder / "localhost.key", folder / "localhost.csr", folder / "localhost.pem"
    extensions = folder / "localhost.ext"
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=OSCE Portal test CA", "-keyout", ca_key, "-out", ca_cert,
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"])  # fmt: skip
    run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
         "-keyout", key, "-out", csr])  # fmt: skip
    extensions.write_text(
        "basicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
    )
    run(["openssl", "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key,
         "-CAcreateserial", "-days", "2", "-sha256", "-extfile", extensions,
         "-out", cert])  # fmt: skip
    return ca_cert, cert, key


def substitute(text, replacements):
    """Apply each replacement, failing when the repository's config no longer has its target."""
    for old, new in replacements:
        assert old in text, f"deploy/nginx config no longer contains {old!r}"
        text = text.replace(old, new)
    return text


def nginx_config(folder, *, http_port, https_port, app_port, cert, key, static_root):
    proxy = folder / "osce-portal-proxy.conf"
    proxy.write_text(
        substitute(NGINX_PROXY.read_text(), [("http://osce_portal_app", "http://osce_portal_app")])
    )
    site = substitute(
        NGINX_SITE.read_text(),
        [
            ("    listen [::]:80;\n", ""),
            ("    listen [::]:443 ssl http2;\n", ""),
            ("listen 80;", f"listen 127.0.0.1:{http_port};"),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
            ("server_name portal.example.org;", "server_name localhost;"),
            (
                "return 301 https://$host$request_uri;",
                f"return 301 https://$host:{https_port}$request_uri;",
            ),
            ("/etc/ssl/osce-portal/fullchain.pem", str(cert)),
            ("/etc/ssl/osce-portal/privkey.pem", str(key)),
            ("/srv/osce-portal/staticfiles/", f"{static_root}/"),
            ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
            ("include /etc/nginx/osce-portal-proxy.conf;", f"include {proxy};"),
        ],
    )
    (folder / "site.conf").write_text(site)
    temp = folder / "nginx-temp"
    temp.mkdir()
    main = folder / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the test's files
    main.write_text(
        f"{user}worker_processes 1;\n"
        f"pid {folder}/nginx.pid;\n"
        f"error_log {folder}/nginx-error.log warn;\n"
        "daemon off;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        "    access_log off;\n"
        f"    client_body_temp_path {temp}/body;\n"
        f"    proxy_temp_path {temp}/proxy;\n"
        f"    fastcgi_temp_path {temp}/fastcgi;\n"
        f"    uwsgi_temp_path {temp}/uwsgi;\n"
        f"    scgi_temp_path {temp}/scgi;\n"
        f"    include {folder}/site.conf;\n"
        "}\n"
    )
    return main


@dataclass
class Deployment:
    http_port: int
    https_port: int
    app_port: int
    ca_cert: Path
    env: dict

    @property
    def base(self):
        return f"https://localhost:{self.https_port}"

    def ssl_context(self):
        return ssl.create_default_context(cafile=str(self.ca_cert))

    def get(self, path, headers=None, base=None):
        """GET without following redirects; returns (status, headers, body)."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(
            NoRedirect, urllib.request.HTTPSHandler(context=self.ssl_context())
        )
        request = urllib.request.Request((base or self.base) + path, headers=headers or {})
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def scan(self, paths):
        import json

        result = run(
            ["node", "scan.mjs", "localhost", str(self.http_port), str(self.https_port), *paths],
            cwd=OBSERVATORY,
            env={**os.environ, "NODE_EXTRA_CA_CERTS": str(self.ca_cert)},
        )
        return json.loads(result.stdout)


def database_url(folder, purpose="deploy", copy_of=None):
    """The suite's kind of database: a scratch PostgreSQL database or an SQLite file; with
    `copy_of` (the URL of another one, which nothing may be connected to), a copy of it."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        base, _, name = url.rpartition("/")
        scratch = resources.scratch_database_name(name, purpose)
        template = f' TEMPLATE "{copy_of.rpartition("/")[2]}"' if copy_of else ""
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            connection.execute(f'CREATE DATABASE "{scratch}"{template}')

        def drop():
            with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')

        return f"{base}/{scratch}", drop
    path = folder / f"{purpose}.sqlite3"
    if copy_of:
        shutil.copyfile(copy_of.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}", lambda: None


# Bounded, with room for a loaded 2-core machine (gunicorn's workers import the whole project).
READY_WITHIN = 150


def wait_until_up(deployment, processes):
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                pytest.fail(f"{process.args[:3]} exited: {process.stderr.read()[-2000:]}")
        try:
            status, _, _ = deployment.get("/health/ready")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"the deployment did not become ready within {READY_WITHIN} s")


def production_env(database):
    """The environment of the project's commands as production runs them (debug off)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        {
            "DJANGO_DEBUG": "off",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "DATABASE_URL": database,
        }
    )
    return env


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory):
    """The URL of a database built as a deployment builds its own (`manage.py migrate`, then
    `manage.py load_seed`), once per process: the deployment and the backup tests each start
    from a copy of it (`database_url(copy_of=...)`: a file copy or a PostgreSQL template)."""
    folder = tmp_path_factory.mktemp("deploy-base")
    url, drop = database_url(folder, purpose="deploy_base")
    env = production_env(url)
    manage = [sys.executable, "manage.py"]
    run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env)
    run([*manage, "load_seed", "--if-empty", "-v0"], cwd=ROOT, env=env)
    yield url
    drop()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, request):
    require_tools()
    seeded = request.getfixturevalue("seeded_database")
    folder = tmp_path_factory.mktemp("deploy")
    ca_cert, cert, key = make_certificates(folder)
    http_port, https_port, app_port = free_ports(3)
    url, drop_database = database_url(folder, copy_of=seeded)
    static_root = folder / "static"
    env = production_env(url) | {
        "DJANGO_TRUSTED_PROXIES": "1",
        "DJANGO_STATIC_ROOT": str(static_root),
        "API_ANON_THROTTLE_RATE": f"{THROTTLE_PER_MINUTE}/minute",
        # One worker below: its memory cache is the only one, so its counts are exact.
        "DJANGO_SILENCED_SYSTEM_CHECKS": "osce_portal.W001",
    }
    manage = [sys.executable, "manage.py"]
    run([*manage, "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT, env=env)
    # The database is a copy of one `migrate` and `load_seed` built (seeded_database).
    run([*manage, "collectstatic", "--noinput"], cwd=ROOT, env=env)
    config = nginx_config(
        folder,
        http_port=http_port,
        https_port=https_port,
        app_port=app_port,
        cert=cert,
        key=key,
        static_root=static_root,
    )
    run([nginx_binary(), "-t", "-c", str(config)])
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "osce_portal.wsgi", "--workers", "1",
         "--bind", f"127.0.0.1:{app_port}", "--timeout", "120"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    nginx = subprocess.Popen(
        [nginx_binary(), "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deployment = Deployment(http_port, https_port, app_port, ca_cert, env)
    try:
        wait_until_up(deployment, [gunicorn, nginx])
        yield deployment
    finally:
        for process in (nginx, gunicorn):
            process.terminate()
        for process in (nginx, gunicorn):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        drop_database()
