"""The PostgreSQL half of the suite cannot quietly disappear: a skip there is a failure."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]


def test_a_skipped_postgres_test_fails_the_run(pytester: pytest.Pytester) -> None:
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.postgres
        def test_on_postgres():
            pytest.skip("no server")

        def test_elsewhere():
            pytest.skip("not relevant here")
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*a PostgreSQL test may not skip*no server*"])
