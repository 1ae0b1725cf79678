"""The TOML configuration: the documented layout, validation errors and migrations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pywats_client._config import SCHEMA_VERSION, ConfigError, load_config, parse_config

DOCUMENTED = """
schema_version = 1
[server]
url = "https://wats.example.com"
token_file = "secrets/token"        # relative paths are relative to this file
[station]
name = "ICT-01"                     # auto-detected when absent
location = "Line 1"
purpose = "Production"
[paths]
data = "data"                       # outbox, ledger, quarantine, logs
[control]
host = "127.0.0.1"
port = 8765
[[converters]]
type = "wsjf"                       # converter name
watch = "in/wsjf"
patterns = ["*.json"]
after = "move"                      # move | delete | keep
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "client.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_documented_example_loads_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, DOCUMENTED))
    assert config.server.url == "https://wats.example.com"
    assert config.server.token_file == tmp_path / "secrets" / "token"
    assert config.paths.data == tmp_path / "data"
    (converter,) = config.converters
    assert converter.watch == tmp_path / "in" / "wsjf"
    assert converter.done_folder == tmp_path / "in" / "wsjf" / "Done"
    assert converter.patterns == ("*.json",)
    assert config.identity().name == "ICT-01"
    assert config.control.port == 8765


def test_station_name_is_detected_when_absent(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, DOCUMENTED.replace('name = "ICT-01"', "")))
    assert config.identity().name
    assert config.identity().location == "Line 1"


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (
            ('after = "move"', 'after = "archive"'),
            "converters[0].after",
            "expected 'move', 'delete' or 'keep', got 'archive'",
        ),
        (('type = "wsjf"', 'type = "nope"'), "converters[0].type", "unknown converter 'nope'"),
        (("port = 8765", "port = 70000"), "control.port", "expected less than .*, got 70000"),
        (('url = "https://wats.example.com"', 'url = "wats"'), "server.url", ".*http"),
        (
            ('url = "https://wats.example.com"', 'url = "https://wats.example.com:44e3"'),
            "server.url",
            ".*expected a port number",
        ),
        (("[station]", "[station]\nshoe_size = 4"), "station.shoe_size", "unknown key; expected"),
        (
            ("token_file", "tokenfile"),
            "server.tokenfile",
            "unknown key; did you mean `token_file`\\?",
        ),
        (("[control]", "[contrl]"), "contrl", "unknown key; did you mean `control`\\?"),
        (
            ('after = "move"', 'after = "move"\nparameters = { operation_code = "ten" }'),
            "converters[0].parameters.operation_code",
            ".*expected an integer",
        ),
        (
            ('after = "move"', 'enabled = "maybe"'),
            "converters[0].enabled",
            "expected a valid boolean.*, got 'maybe'",
        ),
        (('location = "Line 1"', 'location = ""'), "station.location", "String should have"),
        (("schema_version = 1", "schema_version = 99"), "schema_version", "99 is newer"),
        (("[server]", "[server\n"), None, "not valid TOML"),
    ],
)
def test_errors_name_file_and_key(
    tmp_path: Path, change: tuple[str, str], key: str | None, message: str
) -> None:
    path = write(tmp_path, DOCUMENTED.replace(*change))
    expected = message if key is None else f"{re.escape(key)}: {message}"
    with pytest.raises(ConfigError, match=expected) as caught:
        load_config(path)
    assert str(path) in str(caught.value)
    # The key is also given apart from the text, for a configurator to mark the field.
    if key is None:
        assert caught.value.problems == {}
    else:
        assert re.match(message, caught.value.problems[key])


def test_converters_are_enabled_unless_the_file_says_otherwise(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, DOCUMENTED)).converters[0].enabled is True
    text = DOCUMENTED.replace('after = "move"', 'after = "move"\nenabled = false')
    (converter,) = load_config(write(tmp_path, text)).converters
    assert converter.enabled is False
    assert converter.watch == tmp_path / "in" / "wsjf"  # everything else is kept as written


def test_station_location_and_purpose_default_to_values_wats_accepts(tmp_path: Path) -> None:
    text = DOCUMENTED.replace('location = "Line 1"', "").replace('purpose = "Production"', "")
    identity = load_config(write(tmp_path, text)).identity()
    assert (identity.location, identity.purpose) == ("Unspecified", "Production")


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the configuration file"):
        load_config(tmp_path / "absent.toml")


def test_unversioned_draft_layout_is_migrated() -> None:
    config = parse_config(
        'data_dir = "var"\n[server]\nurl = "http://localhost"\n'
        '[[converters]]\ntype = "wsjf"\nfolder = "in"\n'
    )
    assert config.schema_version == SCHEMA_VERSION
    assert config.paths.data == Path("var")
    assert config.converters[0].watch == Path("in")


def test_token_is_read_from_its_file(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "token").write_text("YXBpOnNlY3JldA==\n")
    assert load_config(write(tmp_path, DOCUMENTED)).token() == "YXBpOnNlY3JldA=="
    (tmp_path / "secrets" / "token").unlink()
    with pytest.raises(ConfigError, match=r"server\.token_file: cannot read"):
        load_config(write(tmp_path, DOCUMENTED)).token()


@pytest.mark.parametrize(("in_the_way", "key"), [("in/wsjf", "watch"), ("in/wsjf/Done", "done")])
def test_a_watch_or_done_folder_that_is_a_file_is_refused_by_key(
    tmp_path: Path, in_the_way: str, key: str
) -> None:
    (tmp_path / in_the_way).parent.mkdir(parents=True)
    (tmp_path / in_the_way).write_text("not a folder", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, DOCUMENTED))
    expected = f"{tmp_path / in_the_way} is a file; expected a folder"
    assert caught.value.problems == {f"converters[0].{key}": expected}


def _two_converters(first: str, second: str) -> str:
    head = DOCUMENTED.split("[[converters]]")[0]
    return f"{head}[[converters]]\n{first}\n[[converters]]\n{second}\n"


@pytest.mark.parametrize(
    ("first", "second", "shadowed_by"),
    [
        ('type = "wsjf"\nwatch = "in"', 'type = "openhtf"\nwatch = "in"', "*.json"),
        ('type = "wsjf"\nwatch = "in"', 'type = "openhtf"\nwatch = "in/htf"', "*.json"),
        ('type = "csv"\nwatch = "in"\npatterns = ["*"]', 'type = "wsjf"\nwatch = "in"', "*"),
        ('type = "wsjf"\nwatch = "in"', 'type = "csv"\nwatch = "in"', None),
        ('type = "openhtf"\nwatch = "in/htf"', 'type = "wsjf"\nwatch = "in"', None),
        ('type = "wsjf"\nwatch = "in"\nenabled = false', 'type = "openhtf"\nwatch = "in"', None),
        ('type = "wsjf"\nwatch = "in"', 'type = "openhtf"\nwatch = "in"\nenabled = false', None),
    ],
    ids=[
        "same-folder",
        "inside-the-earlier-folder",
        "star-takes-all",
        "distinct-patterns",
        "specific-folder-first",
        "earlier-disabled",
        "later-disabled",
    ],
)
def test_a_converter_whose_files_an_earlier_one_takes_is_refused(
    tmp_path: Path, first: str, second: str, shadowed_by: str | None
) -> None:
    path = write(tmp_path, _two_converters(first, second))
    if shadowed_by is None:
        assert len(load_config(path).converters) == 2
        return
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    problem = caught.value.problems["converters[1].watch"]
    kind = first.split('"')[1]
    assert problem.startswith(f"converters[0] ({kind}) already takes {shadowed_by} from")
