"""Fetches and builds the stack's real parts once into the per-user cache: Java, Keycloak, GreenMail, Mailpit."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stack.errors import StackError
from stack.settings import GREENMAIL_VERSION, KEYCLOAK_VERSION, MAILPIT_VERSION, SELENIUM_GRID_VERSION, cache_dir

Log = Callable[[str], None]

DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
# build-time options of Keycloak; changing them means a new cached build
KEYCLOAK_BUILD_OPTIONS = ("--db=dev-file", "--health-enabled=true", "--metrics-enabled=false")
# Java majors Keycloak 26.7 supports, best first (17 is deprecated since Keycloak 25)
KEYCLOAK_JAVA_MAJORS = (25, 21, 17)


@dataclass(frozen=True)
class Java:
    home: Path
    major: int

    @property
    def executable(self) -> Path:
        return self.home / "bin" / "java"


def _java_major(java_home: Path) -> int | None:
    exe = java_home / "bin" / "java"
    if not exe.is_file():
        return None
    try:
        out = subprocess.run([str(exe), "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2)) if major == 1 and match.group(2) else major


def find_java(
    acceptable: tuple[int, ...] = KEYCLOAK_JAVA_MAJORS, needed_by: str = f"Keycloak {KEYCLOAK_VERSION}"
) -> Java:
    """Picks the best installed JDK among the acceptable majors (JAVA_HOME, /usr/lib/jvm, PATH)."""
    candidates: list[Path] = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]))
    jvm_root = Path("/usr/lib/jvm")
    if jvm_root.is_dir():
        candidates += sorted(p for p in jvm_root.iterdir() if p.is_dir() and not p.is_symlink())
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent.parent)
    found: dict[int, Java] = {}
    for home in candidates:
        major = _java_major(home)
        if major is not None and major not in found:
            found[major] = Java(home.resolve(), major)
    for major in acceptable:
        if major in found:
            return found[major]
    seen = ", ".join(f"{j.major} ({j.home})" for j in found.values()) or "none"
    wanted = ", ".join(map(str, acceptable))
    raise StackError(
        f"no suitable Java found: {needed_by} needs Java {wanted}; found: {seen}. "
        f"Fix: apt-get install openjdk-17-jdk-headless, or set JAVA_HOME to a JDK {' or '.join(map(str, acceptable))}."
    )


def _run(cmd: list[str], what: str, log: Log, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    log(f"{what} …")
    try:
        done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise StackError(f"{what} failed: {cmd[0]} is not installed ({exc}).") from exc
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise StackError(f"{what} failed (exit {done.returncode}): {' '.join(cmd)}\n{tail}")


def maven_fetch(coordinates: str, file_name: str, dest: Path, log: Log) -> Path:
    """Downloads one artifact from Maven Central through Maven (its own proxy settings apply)."""
    target = dest / file_name
    if target.is_file() and target.stat().st_size > 0:
        return target
    if not shutil.which("mvn"):
        raise StackError("Maven (mvn) is not installed; it fetches Keycloak and GreenMail. Fix: apt-get install maven")
    dest.mkdir(parents=True, exist_ok=True)
    _run(
        [
            "mvn",
            "-B",
            "-q",
            f"{DEPENDENCY_PLUGIN}:copy",
            f"-Dartifact={coordinates}",
            f"-DoutputDirectory={dest}",
        ],
        f"downloading {coordinates} from Maven Central",
        log,
    )
    if not target.is_file():
        raise StackError(f"Maven reported success but {target} is missing")
    return target


def _build_id(java: Java) -> str:
    digest = hashlib.sha256(" ".join((*KEYCLOAK_BUILD_OPTIONS, str(java.major))).encode()).hexdigest()
    return digest[:10]


def ensure_keycloak(java: Java, log: Log) -> Path:
    """A Keycloak distribution already built (`kc.sh build`) with our options, so `start --optimized` works."""
    root = cache_dir() / "keycloak"
    built = root / f"keycloak-{KEYCLOAK_VERSION}-built-{_build_id(java)}"
    if (built / ".famhp-built").is_file():
        return built
    archive = maven_fetch(
        f"org.keycloak:keycloak-quarkus-dist:{KEYCLOAK_VERSION}:tar.gz",
        f"keycloak-quarkus-dist-{KEYCLOAK_VERSION}.tar.gz",
        root / "downloads",
        log,
    )
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        log(f"unpacking Keycloak {KEYCLOAK_VERSION}")
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="tar")
        home = Path(tmp) / f"keycloak-{KEYCLOAK_VERSION}"
        env = {**os.environ, "JAVA_HOME": str(java.home)}
        _run(
            [str(home / "bin" / "kc.sh"), "build", *KEYCLOAK_BUILD_OPTIONS],
            f"building Keycloak {KEYCLOAK_VERSION} with Java {java.major} (once, about 30 s)",
            log,
            env=env,
        )
        (home / ".famhp-built").write_text(" ".join(KEYCLOAK_BUILD_OPTIONS) + "\n")
        if built.exists():
            shutil.rmtree(built)
        home.rename(built)
    return built


def ensure_greenmail(log: Log) -> Path:
    return maven_fetch(
        f"com.icegreen:greenmail-standalone:{GREENMAIL_VERSION}",
        f"greenmail-standalone-{GREENMAIL_VERSION}.jar",
        cache_dir() / "greenmail",
        log,
    )


def ensure_selenium_grid(log: Log, version: str = SELENIUM_GRID_VERSION) -> Path:
    """Selenium Grid and its runtime dependencies as jars in one folder (Maven Central has no single server jar)."""
    root = cache_dir() / "selenium-grid"
    lib = root / version / "lib"
    if (lib / ".famhp-complete").is_file():
        return lib
    if not shutil.which("mvn"):
        raise StackError("Maven (mvn) is not installed; it fetches Selenium Grid. Fix: apt-get install maven")
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        pom = Path(tmp) / "pom.xml"
        pom.write_text(_GRID_POM.format(version=version))
        fetched = Path(tmp) / "lib"
        _run(
            [
                "mvn",
                "-B",
                "-q",
                "-f",
                str(pom),
                f"{DEPENDENCY_PLUGIN}:copy-dependencies",
                "-DincludeScope=runtime",
                f"-DoutputDirectory={fetched}",
            ],
            f"downloading org.seleniumhq.selenium:selenium-grid:{version} and its dependencies from Maven Central",
            log,
        )
        if not (fetched / f"selenium-grid-{version}.jar").is_file():
            raise StackError(f"Maven reported success but selenium-grid-{version}.jar is not in {fetched}")
        (fetched / ".famhp-complete").write_text("\n".join(sorted(p.name for p in fetched.glob("*.jar"))) + "\n")
        if lib.exists():
            shutil.rmtree(lib)
        lib.parent.mkdir(parents=True, exist_ok=True)
        fetched.rename(lib)
    return lib


# a throw-away project whose only dependency is the grid: Maven resolves the grid's runtime classpath from it
_GRID_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>test.famhp-uat</groupId>
  <artifactId>selenium-grid-runtime</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.seleniumhq.selenium</groupId>
      <artifactId>selenium-grid</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
</project>
"""


def ensure_mailpit(log: Log) -> Path:
    """Mailpit built from its Go module (with the web UI when npm can build it)."""
    dest = cache_dir() / "mailpit" / MAILPIT_VERSION
    binary = dest / "mailpit"
    if binary.is_file():
        return binary
    if not shutil.which("go"):
        raise StackError("Go is not installed; Mailpit is built from its Go module. Fix: apt-get install golang")
    from stack.mailpit_build import build_mailpit

    dest.mkdir(parents=True, exist_ok=True)
    log(f"building Mailpit {MAILPIT_VERSION} from the Go module proxy (once, 1-3 min)")
    with_ui = build_mailpit(MAILPIT_VERSION, dest, log)
    if not binary.is_file():
        raise StackError(f"Mailpit build finished without {binary}")
    (dest / "ui.txt").write_text("web UI embedded\n" if with_ui else "API only (web UI could not be built)\n")
    return binary
