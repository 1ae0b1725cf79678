"""The pyWATS station service: watch folders, convert, keep results durable, upload to WATS.

Run it with `pywats-client run --config FILE`; embed it with `Service(load_config(path)).run()`;
talk to a running one with `ControlClient.for_data_folder(config.paths.data)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pywats._lazy import lazy_exports

if TYPE_CHECKING:
    from pywats_client._config import (
        SCHEMA_VERSION,
        ClientConfig,
        ConfigError,
        ConverterConfig,
        load_config,
        parse_config,
    )
    from pywats_client._control_client import ControlClient, ControlError, ServiceNotRunning
    from pywats_client._identity import Station
    from pywats_client._outbox import Item
    from pywats_client._quarantine import QuarantinedFile
    from pywats_client._service import Service

_EXPORTS = {
    "pywats_client._config": (
        "SCHEMA_VERSION",
        "ClientConfig",
        "ConfigError",
        "ConverterConfig",
        "load_config",
        "parse_config",
    ),
    "pywats_client._control_client": ("ControlClient", "ControlError", "ServiceNotRunning"),
    "pywats_client._identity": ("Station",),
    "pywats_client._outbox": ("Item",),
    "pywats_client._quarantine": ("QuarantinedFile",),
    "pywats_client._service": ("Service",),
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = [
    "SCHEMA_VERSION",
    "ClientConfig",
    "ConfigError",
    "ControlClient",
    "ControlError",
    "ConverterConfig",
    "Item",
    "QuarantinedFile",
    "Service",
    "ServiceNotRunning",
    "Station",
    "load_config",
    "parse_config",
]
