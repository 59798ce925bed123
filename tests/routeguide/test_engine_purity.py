"""The rule engine is pure Python: importing and running it never imports Django."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "src" / "wegwijzer" / "routeguide" / "engine"


def test_engine_sources_import_no_django():
    offenders = []
    for path in sorted(ENGINE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []


def test_engine_runs_without_django_in_sys_modules():
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from wegwijzer.routeguide.engine import load_vocabulary, load_ruleset, validate_situation, evaluate\n"
        f"content = Path({str(ENGINE.parents[3] / 'content')!r})\n"
        "v = load_vocabulary(content / 'vocabulary.yaml')\n"
        "rs = load_ruleset(content / 'routeguide/rules', v, content / 'routeguide/schema/rules.schema.json')\n"
        "a = evaluate(validate_situation({'phase': 'zwangerschap', 'reporter': 'jgz', 'concerns': ['armoede']}, v), rs)\n"
        "assert a.involve[0] == 'verloskundige' and a.steps[0].actor == 'jgz'\n"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "print('DJANGO' if bad else 'PURE')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "PURE"
