"""Does the configured server answer, and does it accept the station's token? Asked by
`init` and `config validate` before a wrong token leaves reports pending with 401."""

from __future__ import annotations

from dataclasses import dataclass

from pywats import WATS, APIConnectionError, APIStatusError, ConfigurationError, WATSError

__all__ = ["ServerCheck", "check_server"]

#: What the server answers for a token it does not accept.
_REFUSED = (401, 403)


@dataclass(frozen=True)
class ServerCheck:
    """`ok`: the server answered with the token accepted. `refused`: it answered and refused
    the token (an error). Neither: it could not be asked (offline is allowed; a warning)."""

    ok: bool
    refused: bool
    message: str


def check_server(url: str, token: str, *, timeout: float = 10.0) -> ServerCheck:
    """Ask `url` for its API version with `token`, once (no retries)."""
    try:
        with WATS(base_url=url, token=token, timeout=timeout, max_retries=0) as client:
            version = client.get_version()
    except ConfigurationError as exc:
        return ServerCheck(False, True, str(exc))
    except APIStatusError as exc:
        if exc.status_code in _REFUSED:
            return ServerCheck(False, True, f"the server refused the token: {exc}")
        return ServerCheck(False, False, f"{url} answered {exc.status_code}: {exc}")
    except APIConnectionError as exc:
        return ServerCheck(False, False, f"cannot reach {url}: {exc}")
    except WATSError as exc:  # an answer that is not a WATS server's
        return ServerCheck(False, False, f"{url} does not answer as a WATS server: {exc}")
    return ServerCheck(True, False, f"{url} answers (WATS API {version}) and accepts the token")
