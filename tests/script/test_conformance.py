"""Every peer fixture passes, except the listed cases where the peer departs from the spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from backlot.script.conformance import load_disagreements, run_suites

KNOWN = Path(__file__).with_name("known_disagreements.toml")


@pytest.fixture(scope="module")
def results(corpus_dir: Path):
    return run_suites(corpus_dir / "peer_suites", load_disagreements(KNOWN))


def test_every_spec_conforming_case_passes(results) -> None:
    failures = [f"{r.suite}/{r.case}: {r.reason}" for r in results if not r.passed and not r.known]
    assert not failures, "\n".join(failures)
    assert len(results) >= 60


def test_known_disagreements_still_disagree(results) -> None:
    by_id = {f"{r.suite}/{r.case}": r for r in results}
    listed = load_disagreements(KNOWN)
    assert set(listed) <= set(by_id), "a listed case no longer exists"
    stale = [case for case in listed if by_id[case].passed]
    assert not stale, f"now passing, remove from the list: {stale}"
