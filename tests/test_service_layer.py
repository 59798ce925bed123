"""Services and selectors know nothing of HTTP (issue 8): they take the acting user and an
`audit.context.AccessContext`, never the request, and refuse with domain exceptions, never `Http404`.

Checked on the syntax tree of every `services.py`, `service.py` and `selectors.py` under src/wegwijzer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "wegwijzer"
HTTP_NAMES = {"HttpRequest", "Http404"}


def layer_modules(src: Path = SRC) -> list[Path]:
    return sorted(p for name in ("services.py", "service.py", "selectors.py") for p in src.glob(f"*/{name}"))


def http_violations(source: str) -> list[str]:
    """Every import or use of HttpRequest/Http404, and every function parameter named `request`."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            found += [f"{node.lineno}: imports {a.name}" for a in node.names if a.name in HTTP_NAMES]
        elif isinstance(node, ast.Attribute) and node.attr in HTTP_NAMES:  # django.http.Http404
            found.append(f"{node.lineno}: uses {node.attr}")
        elif isinstance(node, ast.Name) and node.id in HTTP_NAMES:
            found.append(f"{node.lineno}: uses {node.id}")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
            found += [f"{node.lineno}: parameter request" for p in params if p is not None and p.arg == "request"]
    return found


def test_the_layer_modules_are_found():
    names = {str(p.relative_to(SRC)) for p in layer_modules()}
    assert {"gezinsplan/services.py", "gezinsplan/selectors.py", "accounts/services.py", "audit/service.py"} <= names


@pytest.mark.parametrize("path", layer_modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_http_in_services_and_selectors(path: Path):
    assert http_violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "from django.http import Http404\n",
        "from django.http import HttpRequest as R\n",
        "import django.http\ndef f():\n    raise django.http.Http404\n",
        "def gezinsplan_close(*, actor, request=None):\n    pass\n",
        "def case_log(request, user):\n    pass\n",
        "def f(x: HttpRequest):\n    pass\n",
    ],
)
def test_the_check_catches_each_kind(source: str):
    assert http_violations(source)


def test_a_context_parameter_is_fine():
    assert http_violations("def gezinsplan_close(*, actor, context=None, casus):\n    return context\n") == []
