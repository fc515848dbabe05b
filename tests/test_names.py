"""`bioner.names`: the component names spelled once are the names the components register under,
the names pyproject.toml announces to spaCy as entry points (how `spacy.load()` finds them in an
installed bioner), and the factories the configs build their pipelines from."""

from __future__ import annotations

import importlib
import sys
import tomllib
from pathlib import Path

import catalogue
import pytest
import spacy
from thinc.api import Config

import bioner.pipeline  # noqa: F401  (registers the components, the tokenizer and the architecture)
from bioner import names
from bioner.tagging.models import DEFAULT_MODEL_PACKAGE

ROOT = Path(__file__).resolve().parents[1]
ENTRY_POINTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"]
CONFIGS = sorted((ROOT / "configs").glob("*.cfg"))
REGISTRIES = ("factories", "tokenizers", "architectures")
"""The spaCy registries bioner adds to; pyproject.toml's group for each is `spacy_<registry>`."""


def bioner_registrations(registry: str) -> dict[str, object]:
    """What this source tree's modules registered in a spaCy registry: name -> function. Read from
    catalogue's table, not `get_all()`, which also loads the entry points of the installed bioner:
    those say what pyproject.toml said when it was installed, not what it says now."""
    namespace = tuple(getattr(spacy.registry, registry).namespace)
    return {
        key[-1]: function
        for key, function in catalogue.REGISTRY.items()
        if key[:-1] == namespace and getattr(function, "__module__", "").split(".")[0] == "bioner"
    }


def entry_point_target(spec: str) -> object:
    module, _, attribute = spec.partition(":")
    return getattr(importlib.import_module(module), attribute)


def registry_references(node: object) -> list[tuple[str, str]]:
    """Every `@registry = "name"` of a config section, nested sections included."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key.startswith("@"):
                found.append((key[1:], value))
            else:
                found.extend(registry_references(value))
    return found


def test_the_factory_entry_points_are_the_component_names():
    assert len(set(names.COMPONENTS)) == len(names.COMPONENTS)
    assert set(ENTRY_POINTS["spacy_factories"]) == set(names.COMPONENTS)
    assert {names.LINKER, names.ABBREVIATIONS} <= set(names.COMPONENTS)


@pytest.mark.parametrize("registry", REGISTRIES)
def test_each_entry_point_is_the_function_spacy_has_under_its_name(registry):
    registered = bioner_registrations(registry)
    entry_points = ENTRY_POINTS[f"spacy_{registry}"]
    assert set(registered) == set(entry_points)  # none registered without an entry point, none stale
    for name, spec in entry_points.items():
        assert registered[name] is entry_point_target(spec), f"{name} = {spec!r}"


def test_the_component_names_are_registered_spacy_factories():
    nlp = spacy.blank("en")
    for name in names.COMPONENTS:
        assert nlp.has_factory(name), name
    assert set(bioner_registrations("factories")) == set(names.COMPONENTS)


def test_every_module_that_registers_with_spacy_is_imported_by_bioner_pipeline():
    """So that the registrations the tests above compare are all of them."""
    markers = ("@Language.factory(", "@Language.component(", "@registry.", "@spacy.registry.")
    src = ROOT / "src"
    for path in sorted((src / "bioner").rglob("*.py")):
        if any(marker in path.read_text(encoding="utf-8") for marker in markers):
            module = ".".join(path.relative_to(src).with_suffix("").parts)
            assert module in sys.modules, f"{module} registers with spaCy but bioner.pipeline does not import it"


@pytest.mark.parametrize("config_path", CONFIGS, ids=lambda path: path.name)
def test_the_configs_build_pipelines_from_these_names(config_path):
    config = Config().from_disk(config_path, interpolate=False)
    pipeline = config["nlp"]["pipeline"]
    components = config["components"]
    assert set(pipeline) <= set(components), "a pipe without its [components] section"
    nlp = spacy.blank("en")
    factories = [section["factory"] for section in components.values() if "factory" in section]
    ours = [factory for factory in factories if factory.startswith("bioner")]
    assert ours, "the config uses no bioner component"
    assert set(ours) <= set(names.COMPONENTS)
    for factory in factories:
        assert nlp.has_factory(factory), factory
    for registry, name in registry_references(dict(config)):
        if name.startswith("bioner"):
            assert name in ENTRY_POINTS.get(f"spacy_{registry}", {}), f"@{registry} = {name!r} is no entry point"
        else:
            assert spacy.registry.has(registry, name), f"@{registry} = {name!r} is not registered"


def test_the_package_name_is_the_default_model_of_ner_predict():
    assert DEFAULT_MODEL_PACKAGE == names.PACKAGE_NAME
    assert names.PACKAGE_NAME.startswith("en_")  # spaCy package names start with their language
