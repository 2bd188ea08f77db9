"""The architecture contracts (pyproject.toml, ``[tool.importlinter]``) hold, and catch a forbidden import.

``bin/test`` runs ``lint-imports`` on the same contracts. Here the import graph is built once, the
way lint-imports builds it, and each check runs on a copy of it, with one illegal import added
where a test wants to see a contract break. docs/architecture.md draws the same layers; a test
keeps its diagram in step with the contract.
"""

import re
from copy import deepcopy
from functools import cache
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import grimp
from importlinter.api import read_configuration
from importlinter.contracts.layers import LayersContract

ROOT = Path(__file__).resolve().parents[2]
CONFIG = read_configuration(str(ROOT / "pyproject.toml"))
CONTRACT_TYPES = {"layers": LayersContract}
LAYERS = next(c for c in CONFIG["contracts_options"] if c["id"] == "layers")
ALLOWED_EDGE = re.compile(r"^(\w+)\.\*\* -> (\w+)\.\*\*$")


def _layer_apps(layer: str) -> set[str]:
    return {name.strip() for name in re.split(r"[|:]", layer)}


FOUNDATION = [app for layer in LAYERS["layers"][3:] for app in _layer_apps(layer)]
DOMAINS = _layer_apps(LAYERS["layers"][2])
READERS = _layer_apps(LAYERS["layers"][1])


def _domain_edges() -> set[tuple[str, str]]:
    edges = {match.groups() for match in map(ALLOWED_EDGE.match, LAYERS["ignore_imports"]) if match}
    return {(a, b) for a, b in edges if a in DOMAINS and b in DOMAINS}


@cache
def _graph() -> grimp.ImportGraph:
    return grimp.build_graph(*CONFIG["session_options"]["root_packages"], cache_dir=None)


def broken_contracts(*extra_imports: tuple[str, str]) -> dict[str, list[str]]:
    """Each broken contract's name with its illegal imports ("importer -> imported"), after adding ``extra_imports``."""
    graph = deepcopy(_graph())
    for importer, imported in extra_imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents=f"import {imported}")
    broken = {}
    for options in CONFIG["contracts_options"]:
        contract = CONTRACT_TYPES[options["type"]](
            name=options["name"], session_options=CONFIG["session_options"], contract_options=options
        )
        check = contract.check(deepcopy(graph), verbose=False)
        if not check.kept:
            broken[options["name"]] = [
                f"{chain['importer']} -> {chain['imported']}"
                for chain in check.metadata.get("invalid_dependencies", [])
            ]
    return broken


def test_the_code_keeps_every_contract():
    assert broken_contracts() == {}


def test_a_foundation_app_importing_one_above_it_breaks_the_layers():
    assert broken_contracts(("core.crypto", "practice.models")) == {LAYERS["name"]: ["core -> practice"]}


def test_a_domain_importing_another_without_a_written_reason_breaks_the_layers():
    assert broken_contracts(("onboarding.models", "bookings.models")) == {LAYERS["name"]: ["onboarding -> bookings"]}


def test_turning_an_allowed_edge_round_breaks_the_layers():
    assert ("notes", "bookings") in _domain_edges()
    assert broken_contracts(("bookings.models", "notes.models")) == {LAYERS["name"]: ["bookings -> notes"]}


def test_a_domain_importing_a_reader_breaks_the_layers():
    assert broken_contracts(("journal.models", "caseload")) == {LAYERS["name"]: ["journal -> caseload"]}


def test_production_code_importing_the_test_harness_breaks_the_layers():
    broken = broken_contracts(("journal.models", "tending.testing.factories"))
    assert broken == {LAYERS["name"]: ["journal -> tending.testing"]}


def test_the_allowed_edges_between_domains_form_a_dag_and_each_gives_its_reason():
    edges = _domain_edges()
    try:
        TopologicalSorter({app: {b for a, b in edges if a == app} for app in DOMAINS}).prepare()
    except CycleError as error:
        raise AssertionError(f"the allowed edges between domains make a cycle: {error.args[1]}") from None
    text = (ROOT / "pyproject.toml").read_text()
    for a, b in edges:
        line = next(line for line in text.splitlines() if f'"{a}.** -> {b}.**"' in line)
        assert re.search(r"#\s*\w", line), f"say why {a} may import {b}, beside the edge in pyproject.toml"


def _diagram() -> tuple[dict[str, list[str]], dict[str, set[tuple[str, str]]]]:
    """The layers, their apps and the arrows of the mermaid diagram in docs/architecture.md."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    (block,) = re.findall(r"```mermaid\n(.*?)```", text, re.S)
    groups: dict[str, list[str]] = {}
    arrows: dict[str, set[tuple[str, str]]] = {}
    current = None
    for raw in block.splitlines():
        line = re.sub(r'\["[^"]*"\]', "", raw).strip()
        if line.startswith("subgraph "):
            current = line.split()[1]
            groups[current], arrows[current] = [], set()
        elif line == "end":
            current = None
        elif current and line:
            nodes = [node.strip() for node in line.split("-->")]
            groups[current].extend(node for node in nodes if node not in groups[current])
            arrows[current].update(zip(nodes, nodes[1:], strict=False))
    return groups, arrows


def test_the_diagram_in_the_docs_draws_the_contracts_layers_and_edges():
    groups, arrows = _diagram()
    assert list(groups) == ["project", "readers", "domains", "foundation"]
    assert set(groups["readers"]) == READERS
    assert set(groups["domains"]) == DOMAINS
    assert arrows["domains"] == _domain_edges()
    # The foundation is drawn as one chain, top to bottom, in the contract's order.
    foundation_apps = [app for app in FOUNDATION if not app.startswith("tending.")]
    assert [node for node in groups["foundation"] if not node.startswith("tending")] == foundation_apps
