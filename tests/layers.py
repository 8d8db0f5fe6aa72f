"""The import graph between the project's apps, and the layer rule (issue 17).

Layers, each importing only those below it::

    interfaces      web and staff views, api/, Celery tasks, admin, commands ...
    domain          payments, meters, sla, voc, outages, fakepay, bills
                    (meters may use payments, never the reverse; bills may
                    use both, never the reverse)
    workflow core   requests_app
    base            core, accounts, notifications

How a module is classified (per MODULE, not only per app)
----------------------------------------------------------
A module is an *interface* module when it is an entry point that Django, Celery
or the URLconf loads by name, wherever it lives:

- every module of ``api`` and ``pea_portal`` (settings, root URLconf, Celery app);
- in any app, a module or package named ``views``, ``*_views``, ``urls``,
  ``*_urls``, ``tasks``, ``admin``, ``apis``, ``apps`` (the AppConfig, loaded from
  INSTALLED_APPS), ``middleware`` (settings.MIDDLEWARE) or ``context_processors``
  (settings.TEMPLATES), and everything under an app's ``management/commands/``,
  ``templatetags/`` or ``api/``.

Every other module belongs to its app's layer (``requests_app/staff_actions.py``,
``forms.py``, ``selectors.py``, ``checks.py``, ``signals.py`` ... included).

What is an import edge
----------------------
Every ``import a.b`` and ``from a import b`` statement in the file, at module
level, inside functions, classes or ``if`` blocks alike, with relative imports
resolved against the importing module's package. The imported module is the
longest project module the dotted name names (``from payments import services``
imports ``payments.services``; ``from payments.services import invoice_open``
imports ``payments.services``, name ``invoice_open``). Imports of anything outside
the project apps (Django, the standard library, ``tests``) are not edges. Dotted
paths in strings (``import_string("payments.tasks.x")``, ``"payments.Invoice"``
in a ForeignKey, ``apps.get_model``) are not edges either: a declared, dotted
plug-in list is the shape issue 17 asks for.

Migrations are skipped: their code is frozen history that must never be edited,
and they reach other apps through ``apps.get_model`` and ``dependencies``, not
imports. ``tests/test_layers.py`` checks that a migration's imports stay inside
its own app, so the skip hides nothing.

The three kinds of violation
----------------------------
``upward``
    A non-interface module imports a module of a higher layer: a higher app, or
    an interface module of any app (a screen module used as a library), or
    payments imports meters. Interface modules may import anything. One
    exception, HackSoft's Celery rule that issue 17 adopts: a service fires a
    task, so a ``tasks`` module, when imported, counts at its app's layer
    (``payments.services -> payments.tasks`` is fine, ``requests_app.services ->
    payments.tasks`` is core -> domain).
``cycle``
    The app graph has an edge A -> B (A != B) when a non-interface module of A
    imports any module of B (an interface or tasks module of B included).
    Interface modules' imports are not edges of this graph. Every import that
    makes an app edge lying on a cycle (B reaches A back) is listed.
``private``
    A module imports from another app a name, or a module, whose name starts
    with ``_`` (dunders excepted): ``from requests_app.services import
    _transition``, or ``services._transition`` after ``from requests_app import
    services``. Interface modules included.

No exceptions
-------------
``tests/test_layers.py`` fails on any violation: there is no baseline of
tolerated debt (the last of it went with issue 17). ``.venv/bin/python -m
tests.layers`` prints the app graph's summary and every violation.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BASE, CORE, DOMAIN, INTERFACE = 0, 1, 2, 3
LAYER_NAMES = {BASE: "base", CORE: "core", DOMAIN: "domain", INTERFACE: "interface"}

LAYERS = {
    "core": BASE,
    "accounts": BASE,
    "notifications": BASE,
    "requests_app": CORE,
    "payments": DOMAIN,
    "meters": DOMAIN,
    "sla": DOMAIN,
    "voc": DOMAIN,
    "outages": DOMAIN,
    "fakepay": DOMAIN,
    "bills": DOMAIN,
    "api": INTERFACE,
    "pea_portal": INTERFACE,
}
APPS = tuple(LAYERS)

# (importer app, imported app) pairs forbidden inside one layer.
FORBIDDEN_SIDEWAYS = frozenset(
    {("payments", "meters"), ("payments", "bills"), ("meters", "bills")}
)

INTERFACE_NAMES = frozenset(
    {
        "views",
        "urls",
        "tasks",
        "admin",
        "apis",
        "apps",
        "middleware",
        "context_processors",
    }
)
INTERFACE_SUFFIXES = ("_views", "_urls")
INTERFACE_PACKAGES = frozenset({"management", "templatetags", "api"})
FIRED = "tasks"  # imported tasks modules count at their app's layer

KINDS = ("cycle", "upward", "private")


@dataclass(frozen=True)
class Import:
    importer: str
    target: str
    name: str | None  # None when the import names the module itself
    lineno: int


@dataclass(frozen=True, order=True)
class Violation:
    kind: str
    importer: str
    target: str
    name: str | None = None

    @property
    def line(self) -> str:
        suffix = f":{self.name}" if self.name else ""
        return f"{self.kind:<7}  {self.importer} -> {self.target}{suffix}"


def app_of(module: str) -> str:
    return module.split(".", 1)[0]


def is_interface(module: str, layers: Mapping[str, int] = LAYERS) -> bool:
    parts = module.split(".")
    if layers.get(parts[0]) == INTERFACE:
        return True
    if len(parts) > 1 and parts[1] in INTERFACE_PACKAGES:
        # management/__init__ is a plain package; its commands are entry points
        return parts[1] != "management" or "commands" in parts[2:3]
    return any(
        part in INTERFACE_NAMES or part.endswith(INTERFACE_SUFFIXES)
        for part in parts[1:]
    )


def layer_of_target(module: str, layers: Mapping[str, int] = LAYERS) -> int:
    if is_interface(module, layers) and module.split(".")[-1] != FIRED:
        return INTERFACE
    return layers[app_of(module)]


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


# --- collecting the imports -------------------------------------------------


def project_modules(root: Path, apps: Iterable[str]) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the apps but migrations."""
    modules = {}
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            rel = path.relative_to(root)
            if "migrations" in rel.parts or "__pycache__" in rel.parts:
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def migration_modules(root: Path, apps: Iterable[str]) -> dict[str, Path]:
    modules = {}
    for app in apps:
        for path in sorted((root / app).rglob("migrations/*.py")):
            modules[".".join(path.relative_to(root).with_suffix("").parts)] = path
    return modules


def _longest_module(dotted: str, modules: Mapping[str, Path]) -> str | None:
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def _package_of(module: str, path: Path, level: int) -> str:
    parts = module.split(".")
    if path.name != "__init__.py":
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return ".".join(parts)


def _dotted(node: ast.expr) -> list[str] | None:
    chain = []
    while isinstance(node, ast.Attribute):
        chain.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    chain.append(node.id)
    return chain[::-1]


def module_imports(
    module: str, path: Path, modules: Mapping[str, Path], known: Mapping[str, Path]
) -> list[Import]:
    """The imports of one file that land on a module of ``known``.

    ``modules`` resolves names (``known`` plus, for migrations, the migration
    itself); only imports landing in ``known`` are returned.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Import] = []
    bound: dict[str, str] = {}  # local name -> dotted module it is bound to

    def add(target: str | None, name: str | None, lineno: int) -> None:
        if target is not None and target in known:
            found.append(Import(module, target, name, lineno))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(_longest_module(alias.name, modules), None, node.lineno)
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    root_name = alias.name.split(".", 1)[0]
                    bound[root_name] = root_name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package_of(module, path, node.level)
                base = f"{package}.{base}" if base else package
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in modules:
                    add(full, None, node.lineno)
                    bound[alias.asname or alias.name] = full
                else:
                    name = None if alias.name == "*" else alias.name
                    add(_longest_module(base, modules), name, node.lineno)
    # ``services._transition`` after ``from requests_app import services``
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            chain = _dotted(node.value)
            if chain and chain[0] in bound:
                dotted = ".".join([bound[chain[0]], *chain[1:]])
                if dotted in modules:
                    add(dotted, node.attr, node.lineno)
    return found


def collect_imports(root: Path = ROOT, apps: Iterable[str] = APPS) -> list[Import]:
    modules = project_modules(root, apps)
    imports = []
    for module, path in modules.items():
        imports.extend(module_imports(module, path, modules, modules))
    return imports


# --- the rule ---------------------------------------------------------------


def app_edges(
    imports: Iterable[Import], layers: Mapping[str, int] = LAYERS
) -> set[tuple[str, str]]:
    """App -> app edges made by non-interface modules (see the docstring)."""
    return {
        (app_of(imp.importer), app_of(imp.target))
        for imp in imports
        if app_of(imp.importer) != app_of(imp.target)
        and not is_interface(imp.importer, layers)
    }


def _reach(edges: set[tuple[str, str]]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    reach = {}
    for start in graph:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        reach[start] = seen
    return reach


def app_cycles(
    imports: Iterable[Import], layers: Mapping[str, int] = LAYERS
) -> list[list[str]]:
    """The groups of apps that import each other in circles (sorted)."""
    reach = _reach(app_edges(imports, layers))
    groups = {
        frozenset({a} | {b for b in reach[a] if a in reach.get(b, ())})
        for a in reach
        if a in reach[a]
    }
    return sorted(sorted(group) for group in groups)


def find_violations(
    imports: Iterable[Import],
    layers: Mapping[str, int] = LAYERS,
    forbidden: frozenset[tuple[str, str]] = FORBIDDEN_SIDEWAYS,
) -> list[Violation]:
    imports = list(imports)
    reach = _reach(app_edges(imports, layers))
    found = set()
    for imp in imports:
        source, target = app_of(imp.importer), app_of(imp.target)
        name = imp.name if imp.name and is_private(imp.name) else None
        private_module = any(is_private(part) for part in imp.target.split(".")[1:])
        if source != target and (name or private_module):
            found.add(Violation("private", imp.importer, imp.target, name))
        if is_interface(imp.importer, layers):
            continue
        if layer_of_target(imp.target, layers) > layers[source] or (
            (source, target) in forbidden
        ):
            found.add(Violation("upward", imp.importer, imp.target))
        if source != target and source in reach.get(target, ()):
            found.add(Violation("cycle", imp.importer, imp.target))
    return sorted(found)


# --- reporting ---------------------------------------------------------------


def summary(
    violations: Iterable[Violation],
    imports: Iterable[Import],
    layers: Mapping[str, int] = LAYERS,
) -> str:
    violations = list(violations)
    counts = Counter(v.kind for v in violations)
    out = [
        f"layer violations: {len(violations)} ("
        + ", ".join(f"{kind} {counts[kind]}" for kind in KINDS)
        + ")"
    ]
    for group in app_cycles(imports, layers):
        out.append("  apps in a cycle: " + " <-> ".join(group))
    pairs = Counter(
        (
            LAYER_NAMES[layers[app_of(v.importer)]],
            LAYER_NAMES[layer_of_target(v.target, layers)],
        )
        for v in violations
        if v.kind == "upward"
    )
    for (low, high), count in sorted(pairs.items()):
        out.append(f"  upward {low} -> {high}: {count}")
    return "\n".join(out)


def report(violations: Iterable[Violation]) -> str:
    lines = sorted(v.line for v in violations)
    if not lines:
        return "no violation of the layer rule"
    return "\n".join(
        [
            f"{len(lines)} violation(s) of the layer rule (tests/layers.py); "
            "import through a lower layer instead:",
            *(f"  {line}" for line in lines),
        ]
    )


def main(argv: list[str]) -> int:
    imports = collect_imports()
    violations = find_violations(imports)
    print(summary(violations, imports))
    print(report(violations))
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
