"""Real servers on the loopback, for the browser tests (``tests/browser``) and the bench's
live steps (``bench/``): ``streamlit run server.py`` processes and Debian's nginx with the
shipped ``deploy/nginx/tracker.conf.template`` (TLS with a certificate made here, websockets,
``ip_hash`` over two processes).

One home, so that what the tests check is what the bench measures. No pytest here: a server
that does not start raises ``ServerError`` (a test fails with it, the bench stops on it).
Every process started here is stopped when its ``with`` block ends, whatever happens inside.
"""

from __future__ import annotations

import os
import resource
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "server.py"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "tracker.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CHROMIUM = Path(os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]
STARTUP_SECONDS = 90


class ServerError(RuntimeError):
    """A server that exited or never answered; the message ends with its log."""


def free_port() -> int:
    """A TCP port nobody listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def established(port: int) -> int:
    """Open TCP connections to ``port`` on the loopback (a tab's websocket, through nginx)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == "01" and int(local.rsplit(":", 1)[1], 16) == port:
                count += 1
    return count


def stop(process: subprocess.Popen) -> None:
    """Terminate ``process`` (then kill it after 10 s) unless it has ended already."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_healthy(url: str, process: subprocess.Popen, log: Path,
                 seconds: float = STARTUP_SECONDS) -> None:
    """Until Streamlit's ``/_stcore/health`` at ``url`` says ok."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"streamlit exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise ServerError(f"streamlit not healthy in {seconds:.0f} s:\n{log.read_text()[-3000:]}")


def _address_space(megabytes: int) -> Callable[[], None]:
    def limit() -> None:
        size = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (size, size))
    return limit


@dataclass
class App:
    url: str
    port: int
    process: subprocess.Popen

    @property
    def pid(self) -> int:
        return self.process.pid


@contextmanager
def streamlit_app(folder: Path, env: dict[str, str], script: Path = SERVER,
                  port: int | None = None, extra_args: tuple[str, ...] = (),
                  log_name: str | None = None, memory_mb: int | None = None) -> Iterator[App]:
    """``streamlit run <script>`` on the loopback with ``env``, its log in ``folder``
    (``streamlit-<port>.log`` unless named), its memory held to ``memory_mb`` when given
    (``RLIMIT_DATA``: heap and private mappings, as a container would hold it; the address
    space of a Streamlit server is past 1 GB before it has drawn a page); stopped when the
    block ends."""
    port = port or free_port()
    log = folder / (log_name or f"streamlit-{port}.log")
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
             *extra_args],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            preexec_fn=_address_space(memory_mb) if memory_mb else None)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, process, log)
        yield App(url, port, process)
    finally:
        stop(process)


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (``openssl``), valid one day."""
    cert, key = folder / "tracker.pem", folder / "tracker.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def nginx_conf(folder: Path, cert: Path, key: Path, https: int, http: int,
               apps: tuple[int, int]) -> Path:
    """The shipped site configuration, rendered, inside a minimal main configuration that
    keeps nginx's files in ``folder``."""
    site = Template(NGINX_TEMPLATE.read_text()).safe_substitute(
        SERVER_NAME="127.0.0.1", HTTPS_PORT=https, HTTP_PORT=http, TLS_CERT=cert,
        TLS_KEY=key, APP_PORT_1=apps[0], APP_PORT_2=apps[1])
    (folder / "tracker.conf").write_text(site)
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = folder / "nginx.conf"
    main.write_text(f"""{'user root;' if os.geteuid() == 0 else ''}
worker_processes 1;
daemon off;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} info;
events {{ worker_connections 256; }}
http {{
    access_log {folder / 'access.log'};
{temp}
    include {folder / 'tracker.conf'};
}}
""")
    return main


@dataclass
class Proxy:
    url: str  # https://127.0.0.1:<https port>
    http_port: int  # plain http, which redirects to https
    process: subprocess.Popen


@contextmanager
def nginx(folder: Path, app_ports: tuple[int, int]) -> Iterator[Proxy]:
    """The shipped nginx site in front of two app ports; stopped when the block ends."""
    if not Path(NGINX).exists():
        raise ServerError("no nginx: apt-get install nginx")
    cert, key = self_signed(folder)
    https, http_port = free_port(), free_port()
    conf = nginx_conf(folder, cert, key, https, http_port, app_ports)
    startup_log = str(folder / "error.log")  # not /var/log/nginx: any user may run this
    checked = subprocess.run([NGINX, "-t", "-e", startup_log, "-p", str(folder), "-c",
                              str(conf)], capture_output=True, text=True)
    if checked.returncode != 0:
        raise ServerError(checked.stderr)
    log = folder / "nginx.out"
    with log.open("w") as output:
        process = subprocess.Popen([NGINX, "-e", startup_log, "-p", str(folder), "-c",
                                    str(conf)], stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not listening(https):
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServerError(f"nginx did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield Proxy(f"https://127.0.0.1:{https}", http_port, process)
    finally:
        stop(process)


@contextmanager
def two_apps_behind_nginx(folder: Path, env: dict[str, str]
                          ) -> Iterator[tuple[Proxy, list[App]]]:
    """Two ``streamlit run server.py`` processes with ``env`` behind the shipped nginx."""
    with ExitStack() as stack:
        apps = [stack.enter_context(streamlit_app(folder, env)) for _ in range(2)]
        proxy = stack.enter_context(nginx(folder, (apps[0].port, apps[1].port)))
        yield proxy, apps
