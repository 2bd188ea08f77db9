"""The clinical-safety hazard log names real tests: a control whose test is missing fails here."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "docs" / "clinical-safety" / "hazard-log.md"
NAMED = re.compile(r"`([\w/]+\.py)::([\w:]+)`")
HAZARDS = (
    "A risk answer is not seen",
    "An alert goes to an absent therapist",
    "A wrong crisis number is shown",
    "False reassurance",
    "The wrong client's record is shown",
    "An entry the client wrote is lost",
    "The safety plan cannot be reached",
    "A double booking",
    "Sensitive words appear in a notification",
    "A questionnaire is mis-scored",
    "A daylight-saving-time error",
    "A client's therapist changes and a risk signal goes to the wrong person",
    "A background job silently stops",
    "Someone inside the practice reads or changes a record unseen",
    "A former client expects to be heard after the ending",
)


def _defined(path: Path) -> set[str]:
    """Test functions as 'name' and test methods as 'Class::name'."""
    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.update(f"{node.name}::{item.name}" for item in node.body if isinstance(item, ast.FunctionDef))
    return names


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    return {part.splitlines()[0]: part for part in parts}


def test_every_named_test_exists():
    missing = []
    for path, name in NAMED.findall(LOG.read_text()):
        file = ROOT / path
        if not file.exists() or name not in _defined(file):
            missing.append(f"{path}::{name}")
    assert missing == []


def test_every_hazard_is_logged_with_controls_proven_by_tests():
    sections = _sections(LOG.read_text())
    for hazard in HAZARDS:
        section = next((body for title, body in sections.items() if hazard in title), None)
        assert section is not None, f"the log has no section for: {hazard}"
        assert "**Controls**" in section, hazard
        assert NAMED.search(section), f"no test proves the controls for: {hazard}"


def test_the_check_notices_a_test_that_does_not_exist(tmp_path):
    fake = tmp_path / "test_x.py"
    fake.write_text("class T:\n    def test_real(self):\n        pass\n\ndef test_top():\n    pass\n")
    assert _defined(fake) == {"T::test_real", "test_top"}
    assert "T::test_gone" not in _defined(fake)
