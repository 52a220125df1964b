"""Fixtures every test folder may use."""

import pytest

pytest_plugins = ["tests.reference"]

# Helper modules that assert on a test's behalf, so a failure shows the values compared.
pytest.register_assert_rewrite("tests.corpus")
