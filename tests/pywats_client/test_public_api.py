"""The station package's export list changes only on purpose."""

from __future__ import annotations

import pywats_client


def test_export_list() -> None:
    assert sorted(pywats_client.__all__) == [
        "ClientConfig",
        "ConfigError",
        "ControlClient",
        "ControlError",
        "ConverterConfig",
        "Item",
        "QuarantinedFile",
        "SCHEMA_VERSION",
        "Service",
        "ServiceNotRunning",
        "Station",
        "load_config",
        "parse_config",
    ]
    for name in pywats_client.__all__:
        assert getattr(pywats_client, name) is not None
