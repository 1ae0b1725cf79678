"""Finding converters: built-in modules by name and third-party entry points, and the rules
for plug-ins that cannot be used (see `pywats_client.converters._registry`)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import pywats_client.converters
from pywats_client.converters import (
    BUILT_IN,
    ENTRY_POINT_GROUP,
    Converter,
    ConverterPluginError,
    UnknownConverterError,
    available_converters,
    converter_catalog,
    get_converter,
)
from pywats_client.converters.csv import CsvConverter
from pywats_client.converters.wsjf import WSJFConverter

PLUGIN = """
from pywats_client.converters import Converter

class Reverse(Converter):
    name = "reverse"
    patterns = ("*.rev",)

    def convert(self, source):
        return []
"""


def test_builtins_are_found_by_name() -> None:
    assert get_converter("wsjf") is WSJFConverter
    assert available_converters()["wsjf"] is WSJFConverter


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownConverterError, match=r"unknown converter 'nope' \(known: .*wsjf"):
        get_converter("nope")


@pytest.fixture
def installed_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real distribution on sys.path that declares an entry point in our group."""
    (tmp_path / "reverse_plugin.py").write_text(PLUGIN)
    info = tmp_path / "reverse_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: reverse-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nreverse = reverse_plugin:Reverse\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("reverse_plugin", None)


def test_entry_point_plugins_are_discovered(installed_plugin: Path) -> None:
    plugin = get_converter("reverse")
    assert issubclass(plugin, Converter)
    assert plugin.patterns == ("*.rev",)
    assert "reverse" in available_converters()


# One distribution per call, as pip lays it out: modules beside a `<name>-<version>.dist-info`
# folder whose entry_points.txt declares converters in our group.
Install = Callable[[str, str, dict[str, str], dict[str, str]], None]

GOOD = """
from pywats_client.converters import Converter, Parameter


class Good(Converter):
    name = "good"
    patterns = ("*.good",)
    parameters = (Parameter("line", str, "L1", "Production line."),)

    def convert(self, source):
        return []


class Named(Converter):
    name = "something-else"

    def convert(self, source):
        return []


class Abstract(Converter):
    name = "abstract"


class BadParameters(Converter):
    name = "bad-parameters"
    parameters = ({"name": "line"},)

    def convert(self, source):
        return []


def not_a_class():
    return None
"""


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Install]:
    modules: list[str] = []

    def install(distribution: str, version: str, files: dict[str, str], entries: dict[str, str]):
        root = tmp_path / f"{distribution}-{version}"
        root.mkdir()
        for module, text in files.items():
            (root / f"{module}.py").write_text(text)
            modules.append(module)
        info = root / f"{distribution.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n"
        )
        lines = "".join(f"{name} = {target}\n" for name, target in entries.items())
        (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{lines}")
        monkeypatch.syspath_prepend(str(root))

    yield install
    for module in modules:
        sys.modules.pop(module, None)


def test_a_plugin_is_listed_with_its_distribution_and_version(install: Install) -> None:
    install("acme-converters", "1.2.0", {"acme_good": GOOD}, {"good": "acme_good:Good"})
    catalog = converter_catalog()
    assert catalog.origins["good"] == "acme-converters 1.2.0"
    assert catalog.origins["wsjf"] == BUILT_IN
    assert catalog.converters["good"] is get_converter("good")
    assert catalog.problems == ()


def test_a_plugin_that_cannot_be_imported_costs_only_itself(install: Install) -> None:
    install("acme-converters", "1.2.0", {"acme_good": GOOD}, {"good": "acme_good:Good"})
    broken = "import missing_dependency_of_acme\n"
    install("acme-legacy", "0.3", {"acme_legacy": broken}, {"legacy": "acme_legacy:Legacy"})

    catalog = converter_catalog()
    assert "good" in catalog.converters
    assert "wsjf" in catalog.converters
    assert "legacy" not in catalog.converters
    (problem,) = catalog.problems
    assert (problem.name, problem.distribution) == ("legacy", "acme-legacy 0.3")
    assert problem.entry_point == "legacy = acme_legacy:Legacy"
    assert problem.reason == (
        "cannot be imported: ModuleNotFoundError: No module named 'missing_dependency_of_acme'"
    )
    with pytest.raises(ConverterPluginError) as raised:
        get_converter("legacy")
    assert str(raised.value) == (
        "converter plug-in 'legacy' from acme-legacy 0.3 (entry point "
        "'legacy = acme_legacy:Legacy' in group 'pywats.converters'): cannot be imported: "
        "ModuleNotFoundError: No module named 'missing_dependency_of_acme'"
    )
    assert get_converter("good").patterns == ("*.good",)


@pytest.mark.parametrize(
    ("module", "reason"),
    [
        ("1 / 0\n", "ZeroDivisionError: division by zero"),
        ("def broken(:\n", "SyntaxError: invalid syntax"),
        ("raise SystemExit(3)\n", "SystemExit: 3"),
    ],
    ids=["raises", "syntax", "exits"],
)
def test_an_import_that_fails_in_any_way_is_a_problem_too(
    install: Install, module: str, reason: str
) -> None:
    install("acme-crashy", "1.0", {"acme_crashy": module}, {"crashy": "acme_crashy:Crashy"})
    (problem,) = converter_catalog().problems
    assert problem.reason.startswith(f"cannot be imported: {reason}")


@pytest.mark.parametrize(
    ("name", "target", "reason"),
    [
        ("helper", "acme_good:not_a_class", "names <function not_a_class at 0x"),
        (
            "named",
            "acme_good:Named",
            "class Named has name = 'something-else'; the entry point's name must be the "
            "converter's name ('named')",
        ),
        (
            "abstract",
            "acme_good:Abstract",
            "class Abstract is abstract: it does not implement convert",
        ),
        (
            "bad-parameters",
            "acme_good:BadParameters",
            "class BadParameters: parameters must be a tuple of Parameter declarations",
        ),
        ("missing", "acme_good:Missing", "cannot be imported: AttributeError: module 'acme_good'"),
    ],
    ids=["function", "name-mismatch", "abstract", "parameters", "missing-attribute"],
)
def test_an_entry_point_that_names_no_usable_converter_is_a_problem(
    install: Install, name: str, target: str, reason: str
) -> None:
    install("acme-converters", "1.2.0", {"acme_good": GOOD}, {name: target})
    (problem,) = converter_catalog().problems
    assert problem.reason.startswith(reason)
    if name == "helper":
        assert problem.reason.endswith("expected a subclass of pywats_client.converters.Converter")
    with pytest.raises(ConverterPluginError, match=r"from acme-converters 1\.2\.0"):
        get_converter(name)


def test_a_builtin_name_always_means_the_builtin(install: Install) -> None:
    plugin = GOOD.replace('name = "good"', 'name = "csv"')
    install("acme-csv", "2.0", {"acme_csv": plugin}, {"csv": "acme_csv:Good"})
    catalog = converter_catalog()
    assert catalog.converters["csv"] is CsvConverter
    assert catalog.origins["csv"] == BUILT_IN
    assert get_converter("csv") is CsvConverter
    (problem,) = catalog.problems
    assert problem.distribution == "acme-csv 2.0"
    assert problem.reason.startswith("ignored: 'csv' is a built-in converter")


def test_a_name_two_distributions_claim_is_refused_for_both(install: Install) -> None:
    install("acme-one", "1.0", {"acme_one": GOOD}, {"good": "acme_one:Good"})
    install("acme-two", "1.0", {"acme_two": GOOD}, {"good": "acme_two:Good"})
    catalog = converter_catalog()
    assert "good" not in catalog.converters
    assert sorted(p.distribution for p in catalog.problems) == ["acme-one 1.0", "acme-two 1.0"]
    for problem in catalog.problems:
        assert "acme-one 1.0, acme-two 1.0 each declare a converter 'good'" in problem.reason
    with pytest.raises(ConverterPluginError, match="uninstall all but one"):
        get_converter("good")


def test_export_list() -> None:
    assert sorted(pywats_client.converters.__all__) == [
        "BUILT_IN",
        "COMMON_PARAMETERS",
        "Catalog",
        "ConversionError",
        "Converter",
        "ConverterPluginError",
        "ENTRY_POINT_GROUP",
        "Parameter",
        "ParameterError",
        "PluginProblem",
        "REPORT_ID_NAMESPACE",
        "SiteDefaults",
        "Source",
        "UnknownConverterError",
        "available_converters",
        "converter_catalog",
        "get_converter",
        "read_companion",
        "report_id",
        "validate_parameters",
    ]
