"""Imports run one way: interfaces -> domain -> workflow core -> base (issue 17).

The rule and the classification of modules are described in
tests/layers.py. No database, no Django: the code is read with ``ast``.
"""

from pathlib import Path

import pytest

from tests import layers


@pytest.fixture(scope="module")
def project():
    imports = layers.collect_imports()
    return imports, layers.find_violations(imports)


def test_no_layer_violation(project):
    """No cycle between apps, no import from a layer above, no private name of
    another app: the whole project, function-local imports included."""
    imports, violations = project
    assert not violations, (
        layers.summary(violations, imports) + "\n" + (layers.report(violations))
    )


def test_no_baseline_of_tolerated_debt_is_left():
    assert not (Path(layers.__file__).parent / "layers_baseline.txt").exists()


def test_the_layer_table_names_every_app():
    apps = {path.parent.name for path in layers.ROOT.glob("*/apps.py")}
    assert apps | {"pea_portal"} == set(layers.LAYERS)


def test_migrations_import_only_their_own_app():
    # Why tests/layers.py may skip migrations: they reach other apps through
    # apps.get_model and dependencies, never through imports.
    modules = layers.project_modules(layers.ROOT, layers.APPS)
    migrations = layers.migration_modules(layers.ROOT, layers.APPS)
    assert len(migrations) > 50
    crossing = [
        f"{imp.importer} -> {imp.target}"
        for module, path in migrations.items()
        for imp in layers.module_imports(
            module, path, {**modules, **migrations}, modules
        )
        if layers.app_of(imp.target) != layers.app_of(module)
    ]
    assert crossing == []


def test_todays_graph_sees_function_local_imports_and_no_core_to_payments(project):
    # The detector sees function-local imports: payment_record_cash imports the
    # core's permissions inside its body. The core no longer imports payments:
    # the open invoices of a cancelled request are a step effect.
    imports, violations = project
    assert any(
        imp.importer == "payments.services"
        and imp.target == "requests_app.permissions"
        and imp.name == "staff_may"
        for imp in imports
    )
    assert ("payments", "requests_app") in layers.app_edges(imports)
    assert ("requests_app", "payments") not in layers.app_edges(imports)


# --- the detector on a synthetic project ------------------------------------

SYNTHETIC = {
    "base_app/__init__.py": "",
    "base_app/models.py": "from core_app.services import _hidden\n",
    "base_app/views.py": "from dom_app import services\n",  # interface: allowed
    "core_app/__init__.py": "",
    "core_app/services.py": (
        "from . import models\n"  # relative, inside the app
        "from base_app.models import Thing\n"
        "def _hidden():\n"
        "    import dom_app.tasks\n"  # function-local; a fired task
        "    from dom_app.staff_views import staff_required\n"  # screen as library
    ),
    "core_app/flows/__init__.py": "",
    "core_app/flows/step.py": "from ..models import Thing\nfrom .. import services\n",
    "core_app/models.py": "import base_app.models as bm\nX = bm._secret\n",
    "dom_app/__init__.py": "",
    "dom_app/services.py": (
        "from core_app import services\n"
        "services._hidden()\n"
        "from dom_app import tasks\n"  # own task: fine
        "import other_app.services\n"  # payments -> meters, say
    ),
    "dom_app/tasks.py": "def run():\n    from dom_app.services import x\n",
    "dom_app/staff_views.py": "from core_app.services import _hidden\n",
    "dom_app/migrations/__init__.py": "",
    "dom_app/migrations/0001_initial.py": "import other_app.services\n",
    "dom_app/management/__init__.py": "",
    "dom_app/management/commands/__init__.py": "",
    "dom_app/management/commands/seed.py": "import other_app.services\n",
    "other_app/__init__.py": "",
    "other_app/services.py": "",
}
SYNTHETIC_LAYERS = {
    "base_app": layers.BASE,
    "core_app": layers.CORE,
    "dom_app": layers.DOMAIN,
    "other_app": layers.DOMAIN,
}


@pytest.fixture
def synthetic(tmp_path):
    for name, text in SYNTHETIC.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    imports = layers.collect_imports(tmp_path, SYNTHETIC_LAYERS)
    violations = layers.find_violations(
        imports, SYNTHETIC_LAYERS, frozenset({("dom_app", "other_app")})
    )
    return tmp_path, imports, violations


def test_the_detector_resolves_every_form_of_import(synthetic):
    _, imports, _ = synthetic
    edges = {(i.importer, i.target, i.name) for i in imports}
    assert ("core_app.services", "core_app.models", None) in edges
    assert ("core_app.services", "base_app.models", "Thing") in edges
    assert ("core_app.flows.step", "core_app.models", "Thing") in edges
    assert ("core_app.flows.step", "core_app.services", None) in edges
    assert ("core_app.services", "dom_app.tasks", None) in edges
    assert ("dom_app.services", "core_app.services", "_hidden") in edges
    assert ("core_app.models", "base_app.models", "_secret") in edges
    # migrations are not read
    assert not any("migrations" in i.importer for i in imports)


def test_the_detector_finds_cycles_upward_and_private_imports(synthetic):
    _, imports, violations = synthetic
    assert [v.line for v in violations] == [
        "cycle    base_app.models -> core_app.services",
        "cycle    core_app.models -> base_app.models",
        "cycle    core_app.services -> base_app.models",
        "cycle    core_app.services -> dom_app.staff_views",
        "cycle    core_app.services -> dom_app.tasks",
        "cycle    dom_app.services -> core_app.services",
        "private  base_app.models -> core_app.services:_hidden",
        "private  core_app.models -> base_app.models:_secret",
        "private  dom_app.services -> core_app.services:_hidden",
        "private  dom_app.staff_views -> core_app.services:_hidden",
        "upward   base_app.models -> core_app.services",
        "upward   core_app.services -> dom_app.staff_views",
        "upward   core_app.services -> dom_app.tasks",
        "upward   dom_app.services -> other_app.services",
    ]
    assert layers.app_cycles(imports, SYNTHETIC_LAYERS) == [
        ["base_app", "core_app", "dom_app"]
    ]
    summary = layers.summary(violations, imports, SYNTHETIC_LAYERS)
    assert "layer violations: 14 (cycle 6, upward 4, private 4)" in summary
    assert "apps in a cycle: base_app <-> core_app <-> dom_app" in summary


def test_the_report_lists_each_violation_of_the_synthetic_project(synthetic):
    _, _, violations = synthetic
    text = layers.report(violations)
    assert text.startswith(f"{len(violations)} violation(s)")
    assert "private  dom_app.services -> core_app.services:_hidden" in text


def test_the_script_reports_and_fails_on_violations(monkeypatch, capsys):
    assert layers.main([]) == 0
    assert "no violation of the layer rule" in capsys.readouterr().out
    fake = [
        layers.Violation("upward", "requests_app.services", "payments.services", "")
    ]
    monkeypatch.setattr(layers, "find_violations", lambda imports: fake)
    assert layers.main([]) == 1
    assert "requests_app.services -> payments.services" in capsys.readouterr().out
