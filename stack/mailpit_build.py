"""Builds Mailpit from its Go module source, web UI included, using only the package registries.

Mailpit's web UI (``server/ui/dist``) is not in the Go module: upstream makes it with
``npm ci && npm run package`` (esbuild) and then ``//go:embed``s it, so a bare ``go build`` serves a blank
page. This module does the same two steps in a writable copy of the module source:

1. ``go mod download -json github.com/axllent/mailpit@<version>`` and copy the (read-only) source to
   :data:`BUILD_ROOT`/<version>/src, a fixed path so that two builds give byte-identical binaries;
2. install the UI's npm dependencies from upstream's ``package-lock.json``. The npm registry reachable
   here does not serve every locked version, so each entry of :data:`UNSERVED_SUBSTITUTES` that the lock
   pins is swapped for a served version (a direct dependency is pinned in ``package.json``, a transitive
   one through npm ``overrides``) and ``npm install`` re-resolves only those entries (and the dependencies
   that the substitutes bring, at the newest served versions); everything else keeps its locked version and
   integrity hash. The resulting lockfile's hash is logged. With nothing to swap it is a plain ``npm ci``;
3. ``npm run package`` writes ``server/ui/dist``;
4. ``CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X .../config.Version=<version>"``;
5. starts the binary on free loopback ports and checks that ``/`` references ``dist/app.js`` and that
   ``/dist/app.js`` is served as JavaScript.

When the UI cannot be built, the Go binary is still built (API, SMTP and a blank UI) and the reason is
logged; :func:`build_mailpit` then returns False.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

MODULE = "github.com/axllent/mailpit"

# Locked npm versions that the reachable registry does not serve (404 on the tarball), each with the
# served version used instead: (name, locked version) -> substitute. Checked with `npm view NAME versions`.
UNSERVED_SUBSTITUTES: dict[tuple[str, str], str] = {
    # Mailpit v1.33.1 locks 1.108.1; its platform packages (sass-embedded-linux-x64, ...) follow from
    # sass-embedded's exact optionalDependencies. It is only esbuild-sass-plugin's peer dependency.
    ("sass-embedded", "1.108.1"): "1.108.2",
    # Mailpit v1.33.1 locks 12.1.0; the newest served is 9.3.8. rapidoc renders only the API docs page
    # (/api/v1/, `import "rapidoc"` in server/ui-src/docs.js) and 9.3.8 renders it (checked in Chromium).
    ("rapidoc", "12.1.0"): "9.3.8",
}

# Fixed, not a random temporary directory: esbuild-plugin-vue-next derives each component's scoped-CSS id
# (data-v-<hash>) from the absolute path of its .vue file, and the minifier's names follow, so the same
# path is what makes two builds of the UI, and so of the binary, byte-identical.
BUILD_ROOT = Path("/tmp/mailpit-build")
NPM_TIMEOUT = 20 * 60
GO_TIMEOUT = 30 * 60
_VERSION = re.compile(r"^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$")
_NPM_404 = re.compile(r"404 Not Found - GET (\S+)|No matching version found for \S+")


class BuildError(RuntimeError):
    """A build step failed; the message says which and why."""


def build_mailpit(version: str, dest_dir: Path, log: Callable[[str], None] = print) -> bool:
    """Builds the mailpit binary into dest_dir/'mailpit'; returns True when the web UI is embedded,
    False when only the API/SMTP server could be built (and logs exactly why).

    Raises BuildError when not even the Go binary can be built.
    """
    if not _VERSION.match(version):
        raise ValueError(f"{version!r} is not a Mailpit release version such as v1.33.1")
    version = version if version.startswith("v") else f"v{version}"
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    binary = dest_dir / "mailpit"
    started = time.monotonic()

    with _exclusive(BUILD_ROOT / f"{version}.lock"):
        work = BUILD_ROOT / version
        _remove(work)
        work.mkdir(parents=True)
        try:
            src = _module_source(version, work, log)
            ui_problem: str | None = None
            try:
                _build_ui(src, log)
            except BuildError as exc:
                ui_problem = str(exc)
                log(f"web UI NOT built: {ui_problem}")
                log("building the Go binary anyway: API and SMTP work, the web UI will be blank")
            built = _go_build(src, version, log)
            staged = dest_dir / ".mailpit.partial"
            shutil.copyfile(built, staged)
            staged.chmod(0o755)
            os.replace(staged, binary)  # a mailpit running from dest_dir keeps its old file
        finally:
            _remove(work)

    log(
        f"built {binary} ({binary.stat().st_size // 1024} KiB, sha256 {_sha256(binary)[:16]}) "
        f"in {time.monotonic() - started:.0f} s"
    )
    if ui_problem is not None:
        log(f"result: mailpit {version} WITHOUT web UI, because: {ui_problem}")
        return False

    check_problem = _check_ui_served(binary, log)
    if check_problem is not None:
        log(f"result: mailpit {version} built but its web UI does not work: {check_problem}")
        return False
    log(f"result: mailpit {version} with embedded web UI")
    return True


def _module_source(version: str, work: Path, log: Callable[[str], None]) -> Path:
    """Downloads the module through the Go module proxy and returns a writable copy of its source."""
    step = time.monotonic()
    result = _run(
        ["go", "mod", "download", "-json", f"{MODULE}@{version}"], cwd=work, timeout=GO_TIMEOUT, env=_go_env()
    )
    try:
        info = json.loads(result.stdout)
    except json.JSONDecodeError:
        info = {}
    if result.returncode != 0 or "Dir" not in info:
        raise BuildError(
            f"go mod download {MODULE}@{version} failed: {info.get('Error') or _tail(result.stdout + result.stderr)}"
        )
    src = work / "src"
    shutil.copytree(info["Dir"], src, symlinks=True)
    for path in [src, *src.rglob("*")]:  # the module cache is read-only
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    log(f"module source {MODULE}@{version} from {info['Dir']} copied to {src} ({time.monotonic() - step:.0f} s)")
    return src


def _build_ui(src: Path, log: Callable[[str], None]) -> None:
    """npm install from the (patched) lockfile, then `npm run package` into server/ui/dist."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise BuildError(f"{tool} is not installed (apt-get install nodejs npm)")
    package_json = src / "package.json"
    lock_file = src / "package-lock.json"
    if not package_json.is_file() or not lock_file.is_file():
        raise BuildError(f"{src} has no package.json / package-lock.json: this version's UI build is unknown")

    swaps = _swap_unserved(package_json, lock_file)
    for line in swaps:
        log(f"npm: {line}")
    # --ignore-scripts: the bundle needs no install script (esbuild's JS API finds @esbuild/linux-x64
    # itself), and it keeps out tree-sitter's native builds and @scarf/scarf's telemetry from rapidoc
    flags = ["--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"]
    command = ["npm", "install", *flags] if swaps else ["npm", "ci", *flags]
    step = time.monotonic()
    result = _run(command, cwd=src, timeout=NPM_TIMEOUT, env=_npm_env())
    if result.returncode != 0:
        output = result.stdout + result.stderr
        missing = sorted({m.group(0) for m in _NPM_404.finditer(output)})
        reason = "; ".join(missing) if missing else _tail(output)
        raise BuildError(f"`{' '.join(command)}` failed (exit {result.returncode}): {reason}")
    log(
        f"npm: `{' '.join(command)}` done ({time.monotonic() - step:.0f} s, "
        f"package-lock.json sha256 {_sha256(lock_file)[:16]})"
    )

    step = time.monotonic()
    result = _run(["npm", "run", "package"], cwd=src, timeout=NPM_TIMEOUT, env=_npm_env())
    dist = src / "server" / "ui" / "dist"
    if result.returncode != 0:
        raise BuildError(f"`npm run package` failed (exit {result.returncode}): {_tail(result.stdout + result.stderr)}")
    missing_assets = [name for name in ("app.js", "app.css", "docs.js") if not (dist / name).is_file()]
    if missing_assets:
        raise BuildError(f"`npm run package` left no {', '.join(missing_assets)} in {dist}")
    sizes = ", ".join(f"{p.name} {p.stat().st_size // 1024} KiB" for p in sorted(dist.iterdir()))
    log(f"npm: `npm run package` done ({time.monotonic() - step:.0f} s): {sizes}")


def _swap_unserved(package_json: Path, lock_file: Path) -> list[str]:
    """Rewrites package.json so that npm install replaces the locked versions the registry does not serve."""
    locked = json.loads(lock_file.read_text(encoding="utf-8")).get("packages", {})
    manifest = json.loads(package_json.read_text(encoding="utf-8"))
    done: list[str] = []
    for (name, bad), good in UNSERVED_SUBSTITUTES.items():
        if locked.get(f"node_modules/{name}", {}).get("version") != bad:
            continue
        for section in ("dependencies", "devDependencies", "optionalDependencies"):
            if name in manifest.get(section, {}):
                manifest[section][name] = good  # npm refuses an override of a direct dependency
                done.append(f"{name} {bad} is locked but not served; {section} pinned to {good}")
                break
        else:
            manifest.setdefault("overrides", {})[name] = good
            done.append(f"{name} {bad} is locked but not served; overridden to {good}")
    if done:
        package_json.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return done


def _go_build(src: Path, version: str, log: Callable[[str], None]) -> Path:
    """Builds the binary inside the source copy and returns its path."""
    step = time.monotonic()
    binary = src.parent / "mailpit"
    ldflags = f"-s -w -X {MODULE}/config.Version={version}"
    env = _go_env() | {"CGO_ENABLED": "0"}
    result = _run(
        ["go", "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", str(binary), "."],
        cwd=src,
        timeout=GO_TIMEOUT,
        env=env,
    )
    if result.returncode != 0:
        raise BuildError(f"go build failed (exit {result.returncode}): {_tail(result.stdout + result.stderr)}")
    toolchain = _run(["go", "env", "GOVERSION"], cwd=src, timeout=60, env=env).stdout.strip()
    log(f"go: build with {toolchain} done ({time.monotonic() - step:.0f} s)")
    return binary


def _check_ui_served(binary: Path, log: Callable[[str], None]) -> str | None:
    """Starts the binary on free loopback ports; returns None when / and /dist/app.js are served."""
    http_port, smtp_port = _free_port(), _free_port()
    base = f"http://127.0.0.1:{http_port}"
    with tempfile.TemporaryDirectory(prefix="mailpit-check-") as tmp:
        command = [
            str(binary),
            "--listen",
            f"127.0.0.1:{http_port}",
            "--smtp",
            f"127.0.0.1:{smtp_port}",
            "--database",
            str(Path(tmp) / "mailpit.db"),
            "--disable-version-check",
        ]
        with open(Path(tmp) / "mailpit.log", "w+b") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            try:
                index = _get(f"{base}/", deadline=time.monotonic() + 20)
                if index is None:
                    out.seek(0)
                    return f"{base}/ did not answer within 20 s; mailpit said: {_tail(out.read().decode())}"
                status, content_type, body = index
                if status != 200 or "dist/app.js" not in body.decode(errors="replace"):
                    return f"GET {base}/ gave {status} {content_type} without a dist/app.js reference"
                asset = _get(f"{base}/dist/app.js", deadline=time.monotonic() + 5)
                if asset is None or asset[0] != 200 or "javascript" not in asset[1] or not asset[2]:
                    got = "no answer" if asset is None else f"{asset[0]} {asset[1]} ({len(asset[2])} bytes)"
                    return f"GET {base}/dist/app.js gave {got}"
                log(
                    f"check: {base}/ references dist/app.js; /dist/app.js is 200 {asset[1]} "
                    f"({len(asset[2]) // 1024} KiB)"
                )
                return None
            finally:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _get(url: str, deadline: float) -> tuple[int, str, bytes] | None:
    """GET with retries until the deadline (the server may still be starting); None if it never answers."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Content-Type", ""), exc.read()
        except OSError:
            if time.monotonic() > deadline:
                return None
            time.sleep(0.2)


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """Serialises builds of one version: they share a directory."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove(path: Path) -> None:
    if not path.exists():
        return
    for item in [path, *path.rglob("*")]:  # a copy left by an interrupted run may still be read-only
        if item.is_dir() and not item.is_symlink():
            item.chmod(item.stat().st_mode | stat.S_IRWXU)
    shutil.rmtree(path)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _go_env() -> dict[str, str]:
    # GOWORK=off: a go.work above BUILD_ROOT must not change what is built
    return dict(os.environ) | {"GOWORK": "off"}


def _npm_env() -> dict[str, str]:
    return dict(os.environ) | {
        "npm_config_update_notifier": "false",
        "npm_config_fund": "false",
        "npm_config_audit": "false",
    }


def _run(command: list[str], cwd: Path, timeout: int, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Runs a command to completion; its exit code is for the caller to judge."""
    try:
        result = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError as exc:
        raise BuildError(f"{command[0]} is not installed: {exc}") from exc
    except subprocess.TimeoutExpired as exc:
        raise BuildError(f"`{' '.join(command)}` took longer than {timeout} s") from exc
    return result


def _tail(text: str, lines: int = 15) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:] if line.strip())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
