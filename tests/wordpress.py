"""Debian's WordPress for crawler tests: a real CMS, served by Apache on a loopback port.

The blog (see ``wordpress_blog.php``) is installed once into the machine's MariaDB with
php-cli and kept as a SQL dump under ``~/.cache/clinic-audit/wordpress/``, keyed by the
Debian package versions and the installer's digest; each test loads the dump into a database
of its own. Debian's ``/usr/share/wordpress/wp-config.php`` only reads ``/etc/wordpress``, so
the site is a private folder of symbolic links to the package's files with its own
``wp-config.php``, and PHP's ``auto_prepend_file`` points ABSPATH there. Apache runs in the
foreground with a private configuration; its access log is what the crawler asked for.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

import config

#: Where Debian's ``wordpress`` package puts WordPress.
WORDPRESS = Path("/usr/share/wordpress")
#: The Debian packages whose versions key the cached blog.
PACKAGES = ("wordpress", "wordpress-theme-twentytwentyone")
#: The machine's MariaDB server (root, empty password), as on CI.
MARIADB = ("--host=127.0.0.1", "--port=3306", "--user=root")
INSTALLER = Path(__file__).with_name("wordpress_blog.php")
CACHE = Path.home() / ".cache" / "clinic-audit" / "wordpress"
#: Seconds Apache gets to answer its first request.
START_TIMEOUT = 30.0

_CONFIG = """<?php
define('DB_NAME', '{database}');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', '127.0.0.1:3306');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
$table_prefix = 'wp_';
foreach (['AUTH', 'SECURE_AUTH', 'LOGGED_IN', 'NONCE'] as $salt) {{
    define($salt . '_KEY', 'clinic-audit test blog');
    define($salt . '_SALT', 'clinic-audit test blog');
}}
// Links must stay on the loopback address the test serves the blog on.
define('WP_HOME', '{url}');
define('WP_SITEURL', '{url}');
define('WP_CONTENT_DIR', '{wordpress}/wp-content');
// No request of the blog's own: no cron loopback, no update checks, nothing off the machine.
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
require_once ABSPATH . 'wp-settings.php';
"""

_APACHE = """
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
PidFile {run}/apache2.pid
DefaultRuntimeDir {run}
ErrorLog {run}/error.log
LogFormat "%r\t%>s\t%{{User-Agent}}i" crawl
CustomLog {run}/access.log crawl
{user}
LoadModule mpm_prefork_module {modules}/mod_mpm_prefork.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule dir_module {modules}/mod_dir.so
LoadModule mime_module {modules}/mod_mime.so
LoadModule rewrite_module {modules}/mod_rewrite.so
LoadModule php_module {php}
# More workers than the crawler's connections to one site (8 in fast mode): a connection
# without a worker would wait for another's keep-alive to time out.
StartServers 4
MaxRequestWorkers 16
TypesConfig /etc/mime.types
DocumentRoot {site}
DirectoryIndex index.php
<FilesMatch "\\.php$">
    SetHandler application/x-httpd-php
</FilesMatch>
php_admin_value auto_prepend_file {site}/abspath.php
<Directory {site}>
    Options FollowSymLinks
    AllowOverride None
    Require all granted
    # WordPress's own rules for pretty permalinks (what its .htaccess would say).
    RewriteEngine On
    RewriteBase /
    RewriteRule ^index\\.php$ - [L]
    RewriteCond %{{REQUEST_FILENAME}} !-f
    RewriteCond %{{REQUEST_FILENAME}} !-d
    RewriteRule . /index.php [L]
</Directory>
"""


@dataclass(frozen=True)
class Hit:
    """One request Apache answered."""

    target: str  # path and query, as requested
    status: int
    user_agent: str


@dataclass(frozen=True)
class WordPressSite:
    url: str
    access_log: Path
    database: str

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def post_paths(self) -> set[str]:
        """The paths of the blog's published posts, as its database holds them."""
        done = subprocess.run(
            [
                "mariadb",
                *MARIADB,
                "--batch",
                "--skip-column-names",
                self.database,
                "--execute",
                "SELECT CONCAT(DATE_FORMAT(post_date, '/%Y/%m/%d/'), post_name, '/') FROM wp_posts"
                " WHERE post_type = 'post' AND post_status = 'publish'",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return set(done.stdout.split())

    def hits(self, user_agent: str) -> list[Hit]:
        """The requests made with ``user_agent`` so far, in the order Apache answered them."""
        hits = []
        for line in self.access_log.read_text("utf-8").splitlines():
            request, status, agent = line.split("\t")
            if agent == user_agent:
                hits.append(Hit(request.split(" ")[1], int(status), agent))
        return hits


def missing(reason: str) -> NoReturn:
    """Fail where the services are required (CI), skip elsewhere."""
    if config.settings().require_services:
        pytest.fail(f"{reason}: run `make system-deps`")
    pytest.skip(reason)


def _run(*args: str, stdin: Path | None = None, stdout: Path | None = None) -> None:
    with (
        open(stdin, "rb") if stdin else open(os.devnull, "rb") as given,
        open(stdout, "wb") if stdout else open(os.devnull, "wb") as taken,
    ):
        done = subprocess.run(args, stdin=given, stdout=taken, stderr=subprocess.PIPE, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed: {done.stderr.decode(errors='replace')[-2000:]}")


def _sql(statement: str) -> None:
    _run("mariadb", *MARIADB, "--execute", statement)


def _versions() -> str:
    done = subprocess.run(
        ["dpkg-query", "--show", "--showformat=${Version} ", *PACKAGES],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 or not (WORDPRESS / "wp-settings.php").exists():
        missing(f"Debian's WordPress is not installed ({' '.join(PACKAGES)})")
    return done.stdout.strip().replace(" ", "_")


def _site(folder: Path, database: str, url: str) -> Path:
    """A WordPress folder that is Debian's but for its own ``wp-config.php``."""
    site = folder / "site"
    site.mkdir(parents=True)
    for entry in WORDPRESS.iterdir():
        if entry.name != "wp-config.php":
            (site / entry.name).symlink_to(entry)
    (site / "wp-config.php").write_text(
        _CONFIG.format(database=database, url=url, wordpress=WORDPRESS), "utf-8"
    )
    (site / "abspath.php").write_text(f"<?php define('ABSPATH', '{site}/');\n", "utf-8")
    return site


def _blog_dump(folder: Path) -> Path:
    """The installed blog as SQL, from the cache or made now (a few seconds) and cached."""
    digest = hashlib.sha256(INSTALLER.read_bytes()).hexdigest()[:12]
    dump = CACHE / f"blog-{_versions()}-{digest}.sql"
    if dump.exists():
        return dump
    database = f"clinic_audit_wp_install_{uuid.uuid4().hex[:8]}"
    _sql(f"CREATE DATABASE {database}")
    try:
        site = _site(folder / "install", database, "http://127.0.0.1")
        prepend = f"auto_prepend_file={site}/abspath.php"
        _run("php", "-d", prepend, "-d", "display_errors=stderr", str(INSTALLER))
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = dump.with_suffix(f".{os.getpid()}.part")
        _run("mariadb-dump", *MARIADB, "--skip-dump-date", database, stdout=partial)
        partial.replace(dump)  # atomic: a concurrent test sees no half-written dump
    finally:
        _sql(f"DROP DATABASE IF EXISTS {database}")
    return dump


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_served(url: str, apache: subprocess.Popen[bytes], error_log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if apache.poll() is not None:
            log = error_log.read_text("utf-8", "replace") if error_log.exists() else ""
            raise RuntimeError(f"apache2 exited with {apache.returncode}: {log[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"apache2 did not serve {url} within {START_TIMEOUT} s")
        time.sleep(0.1)  # polling for readiness, not synchronising on a guess


@contextmanager
def wordpress_site() -> Iterator[WordPressSite]:
    """The test blog on ``http://127.0.0.1:PORT/``; everything started is stopped after."""
    for tool in ("dpkg-query", "apache2", "php", "mariadb", "mariadb-dump"):
        if shutil.which(tool) is None:
            missing(f"{tool} is not installed")
    try:
        _sql("SELECT 1")
    except RuntimeError as exc:
        missing(f"MariaDB is unreachable on 127.0.0.1:3306: {exc}")
    php = sorted(Path("/usr/lib/apache2/modules").glob("libphp*.so"))
    if not php:
        missing("mod_php is not installed (libapache2-mod-php)")
    # Apache's workers run as www-data when started by root: the folder must be theirs to
    # read, so it is a world-readable one in /tmp, not under pytest's private tmp_path.
    folder = Path(tempfile.mkdtemp(prefix="clinic-audit-wp-"))
    folder.chmod(0o755)
    database = f"clinic_audit_wp_{uuid.uuid4().hex[:8]}"
    apache: subprocess.Popen[bytes] | None = None
    try:
        dump = _blog_dump(folder)
        _sql(f"CREATE DATABASE {database}")
        _run("mariadb", *MARIADB, database, stdin=dump)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        site = _site(folder, database, url)
        run = folder / "run"
        run.mkdir()
        config = folder / "apache2.conf"
        config.write_text(
            _APACHE.format(
                port=port,
                run=run,
                site=site,
                modules="/usr/lib/apache2/modules",
                php=php[-1],
                user="User www-data\nGroup www-data" if os.geteuid() == 0 else "",
            ),
            "utf-8",
        )
        with (run / "stderr.log").open("wb") as stderr:
            # A session of its own: on SIGTERM Apache signals its whole process group, which
            # would otherwise be pytest's.
            apache = subprocess.Popen(
                ["apache2", "-f", str(config), "-DFOREGROUND"],
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
        _wait_until_served(url + "/", apache, run / "error.log")
        yield WordPressSite(url=url, access_log=run / "access.log", database=database)
    finally:
        if apache is not None:
            apache.terminate()  # Apache's parent stops its workers on SIGTERM
            try:
                apache.wait(timeout=15)
            except subprocess.TimeoutExpired:
                apache.kill()
                apache.wait()
        with suppress(RuntimeError):
            _sql(f"DROP DATABASE IF EXISTS {database}")
        shutil.rmtree(folder, ignore_errors=True)
