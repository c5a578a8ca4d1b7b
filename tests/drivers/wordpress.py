"""A real WordPress for the tests, from Debian's packages, on 127.0.0.1.

`start_wordpress(base)` copies Debian's WordPress (`/usr/share/wordpress`) under `base`
with a `wp-config.php` of its own, starts MariaDB on a data folder and unix socket of
its own (no network), installs the site with a PHP script, adds an Author and an
Editor with application passwords, and serves it with PHP's built-in server.
`WordPressSite.stop()` ends both servers by pid. `php(code)` runs PHP inside the site
(WordPress loaded, as the admin) for what a test does "on the site": edit or delete a
post, look at what was stored.

Set-up: `scripts/dev` installs `wordpress`, `mariadb-server`, `php-cli`, `php-mysql`,
`php-gd` (their services are not started).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

WORDPRESS = Path("/usr/share/wordpress")
AUTHOR, EDITOR, CONTRIBUTOR, ADMIN = "writer", "editor", "helper", "admin"

ROUTER = """<?php
// PHP's built-in server: files as they are, everything else to WordPress
$path = urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
if ($path !== '/' && is_file(__DIR__ . $path)) {
    return false;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = __DIR__ . '/index.php';
require __DIR__ . '/index.php';
"""

CONFIG = """<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'wp');
define('DB_PASSWORD', 'wp');
define('DB_HOST', 'localhost:{socket}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
{salts}
$table_prefix = 'wp_';
define('WP_DEBUG', false);
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_HOME', '{url}');
define('WP_SITEURL', '{url}');
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('FS_METHOD', 'direct');
if (!defined('ABSPATH')) {{
    define('ABSPATH', __DIR__ . '/');
}}
require_once ABSPATH . 'wp-settings.php';
"""

INSTALL = """<?php
define('WP_INSTALLING', true);
require __DIR__ . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
wp_install('Test Recaps', 'admin', 'admin@example.com', true, '', 'admin-password');
update_option('permalink_structure', '{permalinks}');
$ids = [];
foreach ([['writer', 'author'], ['editor', 'editor'], ['helper', 'contributor']]
         as [$login, $role]) {{
    $ids[$login] = wp_insert_user(['user_login' => $login, 'user_pass' => $login . '-pw',
                                   'user_email' => $login . '@example.com', 'role' => $role]);
}}
$ids['admin'] = 1;
$out = [];
foreach ($ids as $login => $id) {{
    [$password] = WP_Application_Passwords::create_new_application_password(
        $id, ['name' => 'recapdesk tests']);
    $out[$login] = $password;
}}
echo json_encode($out);
"""


@dataclass
class WordPressSite:
    """A running test site: its address, its users' application passwords."""

    url: str
    root: Path
    passwords: dict[str, str]
    processes: list[subprocess.Popen] = field(default_factory=list)

    def php(self, code: str) -> str:
        """Run PHP with WordPress loaded (as the admin); returns what it printed."""
        script = ("<?php\nrequire __DIR__ . '/wp-load.php';\nwp_set_current_user(1);\n"
                  + code)
        path = self.root / f".run-{os.getpid()}-{secrets.token_hex(4)}.php"
        path.write_text(script, "utf-8")
        try:
            done = subprocess.run(["php", str(path)], cwd=self.root, capture_output=True,
                                  text=True, timeout=60, env=self._env(), check=False)
        finally:
            path.unlink(missing_ok=True)
        if done.returncode != 0:
            raise RuntimeError(f"php failed: {done.stderr or done.stdout}")
        return done.stdout

    def php_json(self, code: str) -> object:
        return json.loads(self.php(code))

    def _env(self) -> dict[str, str]:
        host = self.url.split("//", 1)[1]
        return {**os.environ, "HTTP_HOST": host}

    def add_plugin(self, name: str, code: str) -> Path:
        """Install a must-use plugin (PHP run on every request) until it is removed."""
        folder = self.root / "wp-content" / "mu-plugins"
        folder.mkdir(exist_ok=True)
        path = folder / f"{name}.php"
        path.write_text("<?php\n" + code, "utf-8")
        return path

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start within {timeout:.0f} s")


def _start_mariadb(base: Path) -> tuple[subprocess.Popen, Path]:
    data, sock = base / "mysql", base / "mysqld.sock"
    user = ["--user=root"] if os.geteuid() == 0 else []
    subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={data}",
                    "--auth-root-authentication-method=socket", "--skip-test-db", *user],
                   check=True, capture_output=True, timeout=120)
    server = subprocess.Popen(
        ["mariadbd", "--no-defaults", f"--datadir={data}", f"--socket={sock}",
         "--skip-networking", f"--pid-file={base / 'mysqld.pid'}",
         "--innodb-buffer-pool-size=16M", "--innodb-flush-log-at-trx-commit=0",
         "--innodb-log-file-size=8M", "--skip-log-bin", *user],
        stdout=subprocess.DEVNULL, stderr=(base / "mysqld.log").open("wb"),
        start_new_session=True)
    _wait_for(sock.exists, "MariaDB")
    sql = ("CREATE DATABASE wordpress CHARACTER SET utf8mb4;"
           "CREATE USER 'wp'@'localhost' IDENTIFIED BY 'wp';"
           "GRANT ALL ON wordpress.* TO 'wp'@'localhost';")
    subprocess.run(["mariadb", "--no-defaults", f"--socket={sock}", "-u", "root", "-e", sql],
                   check=True, capture_output=True, timeout=60)
    return server, sock


def start_wordpress(base: Path, *, pretty_permalinks: bool = True) -> WordPressSite:
    """Install and start a fresh WordPress under `base` (about 2 s)."""
    base.mkdir(parents=True, exist_ok=True)
    database, sock = _start_mariadb(base)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    root = base / "site"
    shutil.copytree(WORDPRESS, root, symlinks=True)
    (root / "wp-config.php").unlink()
    salts = "\n".join(f"define('{name}', '{secrets.token_hex(24)}');" for name in (
        "AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT",
        "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"))
    (root / "wp-config.php").write_text(CONFIG.format(socket=sock, url=url, salts=salts),
                                        "utf-8")
    (root / "router.php").write_text(ROUTER, "utf-8")
    (root / "wp-content" / "uploads").mkdir(parents=True, exist_ok=True)
    site = WordPressSite(url, root, {}, [database])
    install = root / "install-site.php"
    permalinks = "/%year%/%monthnum%/%postname%/" if pretty_permalinks else ""
    install.write_text(INSTALL.format(permalinks=permalinks), "utf-8")
    done = subprocess.run(["php", str(install)], cwd=root, capture_output=True, text=True,
                          timeout=120, env=site._env(), check=False)
    install.unlink()
    if done.returncode != 0:
        site.stop()
        raise RuntimeError(f"WordPress did not install: {done.stderr or done.stdout}")
    site.passwords = json.loads(done.stdout[done.stdout.index("{"):])
    server = subprocess.Popen(["php", "-S", f"127.0.0.1:{port}", "-t", str(root),
                               str(root / "router.php")], cwd=root,
                              stdout=subprocess.DEVNULL,
                              stderr=(base / "php-server.log").open("wb"),
                              start_new_session=True)
    site.processes.append(server)

    def answers() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    _wait_for(answers, "PHP's server")
    return site
