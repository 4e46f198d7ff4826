"""Fixtures of the privacy tests (issue 15 part A): the security personas' case."""

from tests.security.conftest import case_of_fm  # noqa: F401
