"""Fixtures of the check-text tests: one checker over the real build (model loaded once per session)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ketamine_kg.pipeline import BuildResult
from ketamine_kg.textcheck.check import TextChecker

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def checker(real_build: BuildResult) -> TextChecker:
    return TextChecker.from_build(real_build)


def shared_file(name: str) -> Path:
    """A file of ../shared/domain; fails in CI, skips elsewhere, when shared/ is not beside the clone."""
    for base in ROOT.parents:
        path = base / "shared" / "domain" / name
        if path.is_file():
            return path
    message = f"shared/domain/{name} not found beside the project"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
