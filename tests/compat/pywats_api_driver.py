"""Drives every domain service of `pywats-api` 0.6.0rc1 against a running server.

Runs under the reference environment's interpreter (the package imports as `pywats`, the same
name as ours), as `python pywats_api_driver.py BASE_URL TOKEN`, and prints one JSON list of
`{"domain", "call", "ok", "detail"}`. A call is ok only when it raised nothing, what it read back
matches what was written, and no HTTP request made inside it answered 4xx/5xx: the transport is
wrapped to see those, because the client turns some of them into `None` or `[]`.
"""

import json
import sys
import traceback
import uuid
from collections.abc import Callable

from _compat_driver import Driver, wrap_transports
from _compat_reports import processes, production, products, reports
from _compat_services import analytics, assets, pending, rootcause, scim, software


def _guarded(driver: Driver, part: Callable[..., object], *args: object) -> None:
    """Run one domain's calls; a broken driver step is a verdict, not the end of the run."""
    try:
        part(driver, *args)
    except Exception:
        detail = traceback.format_exc()[-600:]
        driver.results.append({"domain": part.__name__, "call": "(driver)", "ok": False,
                               "detail": detail})  # fmt: skip


def main() -> None:
    """Drive every domain against `sys.argv[1]` with token `sys.argv[2]`; print the verdicts."""
    base_url, token = sys.argv[1], sys.argv[2]
    wrap_transports()
    from pywats.core.throttle import configure_throttling

    from pywats import pyWATS

    # Its client-side rate limit and GET cache are for a shared production server, not a test.
    configure_throttling(enabled=False)
    driver = Driver()
    run = uuid.uuid4().hex[:8].upper()
    api = driver.call(
        "connect", "pyWATS()", lambda: pyWATS(base_url=base_url, token=token, enable_cache=False)
    )
    if api is not None:
        api._compat_token = token  # for set-up requests outside the client's API
        try:
            made = reports(driver, api, run)
            for part in (processes, products, assets, software, scim):
                _guarded(driver, part, api, run)
            for part_with_reports in (production, rootcause, analytics, pending):
                _guarded(driver, part_with_reports, api, run, made)
        finally:
            api.close()
    print(json.dumps(driver.results))


if __name__ == "__main__":
    main()
