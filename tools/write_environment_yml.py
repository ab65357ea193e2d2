"""Write environment.yml (conda / Binder) with exactly the pins of requirements.lock.

Run by `make lock` after re-locking; tests/foundation/test_environment.py checks the two agree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def pins(lock: Path) -> list[str]:
    return [f"{m[1]}=={m[2]}" for line in lock.read_text().splitlines() if (m := PIN.match(line))]


def main() -> int:
    lines = ["# Generated from requirements.lock by tools/write_environment_yml.py (`make lock`).",
             "# Same pins as the lock, for conda and Binder users; tests check that they agree.",
             "name: frucquet-compendium", "channels:", "  - conda-forge", "dependencies:",
             "  - python=3.11", "  - pip", "  - pip:"]
    lines += [f"      - {pin}" for pin in pins(ROOT / "requirements.lock")]
    (ROOT / "environment.yml").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
