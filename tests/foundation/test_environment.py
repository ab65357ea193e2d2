"""The conda/Binder environment pins exactly what requirements.lock pins."""

from __future__ import annotations

import re

import yaml

from analysis import paths


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in paths.LOCK.read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9][\w.-]*)==([^\s;\\]+)", line):
            pins[match[1].lower()] = match[2]
    return pins


def environment_pins() -> dict[str, str]:
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return {name.lower(): version for name, version in (p.split("==") for p in pip_section)}


def test_lock_pins_every_package_with_hashes():
    text = paths.LOCK.read_text()
    requirements = [ln for ln in text.splitlines() if ln and not ln.startswith((" ", "#"))]
    assert requirements and all("==" in ln for ln in requirements), "unpinned requirement"
    assert text.count("--hash=sha256:") >= len(requirements)


def test_environment_yml_agrees_with_lock():
    assert environment_pins() == lock_pins()


def test_direct_dependencies_are_locked():
    direct = [ln.split("==")[0].split("[")[0].strip().lower()
              for ln in (paths.ROOT / "requirements.in").read_text().splitlines()
              if ln.strip() and not ln.startswith("#")]
    missing = [name for name in direct if name not in lock_pins()]
    assert not missing, f"in requirements.in but not in requirements.lock: {missing}"
