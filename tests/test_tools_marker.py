"""Tests that run a Debian tool a bare machine lacks (poppler's pdftotext,
pdffonts ...) say so: @pytest.mark.tools skips them with the reason, and fails
them in CI (REQUIRE_SERVICES=1), where .ci/run installs everything."""

import os

import pytest

from tests import conftest


def test_a_missing_tool_skips_locally_and_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pdftotext here
    monkeypatch.setattr(conftest, "REQUIRE_SERVICES", False)
    with pytest.raises(
        pytest.skip.Exception, match=r"pdftotext not installed .*poppler-utils"
    ):
        conftest.require_tools("pdftotext")
    monkeypatch.setattr(conftest, "REQUIRE_SERVICES", True)
    with pytest.raises(pytest.fail.Exception, match=r"required in CI .*pdftotext"):
        conftest.require_tools("pdftotext")
    tool = tmp_path / "pdftotext"
    tool.write_text("#!/bin/sh\n")
    os.chmod(tool, 0o755)
    conftest.require_tools("pdftotext")  # present: the test runs


def test_the_marker_is_checked_before_the_test_runs(request, monkeypatch):
    monkeypatch.setattr(conftest, "REQUIRE_SERVICES", False)
    conftest.pytest_runtest_setup(request.node)  # no marker: nothing to check
    request.node.add_marker(pytest.mark.tools("pdffonts", "pdftotext-of-no-machine"))
    with pytest.raises(pytest.skip.Exception, match="pdftotext-of-no-machine"):
        conftest.pytest_runtest_setup(request.node)
