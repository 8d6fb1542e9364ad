"""The package shows the architecture (docs/decisions.md, "Layers"): every import, read from the
source with ``ast`` (imports inside functions included), must run down the layers.

* **shared** (``errors``, ``paths``, ``settings``, ``asset_keys``, ``codebook``, ``privacy/``,
  ``warehouse/``, ``resources``) imports nothing but shared modules;
* **domains** (``survey/``, ``social/``, ``spark/``, ``transform/``, ``quality/``, ``publish/``,
  ``bi/``) import shared modules and domains, never the wiring, and never a peer's assets: survey
  and social never import each other, and a domain imports another domain's ``assets`` only
  when it is a later stage of the pipeline (transform → quality → publish → bi);
* **wiring** (``jobs``, ``hooks``, ``failed_steps``, ``changes`` and ``landing_watch`` (what changed,
  for the CLI and the sensors), the ``sensors`` modules) sits above the
  domains; ``definitions`` merges them; the entry points (``pipeline``, ``rebuild``,
  ``run_safety``, ``cli``) run them. Nothing but an entry point and ``failed_steps`` (which a
  failure hook calls after a run failed) imports ``definitions``;
* **tools** (``tools/``: bench, sample data, classifier training and evaluation) may import the
  runtime; the runtime never imports a tool, except the CLI for ``sample`` and ``bench``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_TOP = {"errors", "paths", "settings", "asset_keys", "codebook", "privacy", "warehouse", "resources"}
DOMAINS = ("survey", "social", "spark", "transform", "quality", "publish", "bi")
STAGES = ("transform", "quality", "publish", "bi")        # a later stage may use an earlier one's assets
PEERS = {"survey": {"social"}, "social": {"survey"}}
WIRING = {"jobs", "hooks", "failed_steps", "changes", "landing_watch"}
ENTRY = {"pipeline", "rebuild", "run_safety", "cli"}
MAY_IMPORT_DEFINITIONS = ENTRY | {"failed_steps"}
MAY_IMPORT_TOOLS = {"orchestration.cli"}


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path = ROOT) -> set[str]:
    """Every ``orchestration``/``tools`` module a source file imports (``from a import b`` gives
    ``a.b`` too, since b may be a module)."""
    module = _module_name(path, root)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] in ("orchestration", "tools")}


def _known(name: str, modules: set[str]) -> str | None:
    """The module an imported name refers to (a name imported from a module is that module)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "tools":
        return "tools"
    if len(parts) == 1:
        return "package"
    top = parts[1]
    if parts[-1] == "sensors" or top in WIRING or top == "definitions":
        return "wiring"
    if top in ENTRY:
        return "entry"
    if top in SHARED_TOP:
        return "shared"
    if top in DOMAINS:
        return "domain"
    return "unclassified"


def upward_imports(root: Path = ROOT) -> list[str]:
    """Every import that runs up the layers, as 'importer -> imported: rule'."""
    files = sorted(p for folder in ("orchestration", "tools") for p in (root / folder).rglob("*.py"))
    modules = {_module_name(p, root) for p in files}
    problems = []
    for path in files:
        src = _module_name(path, root)
        src_layer = layer(src)
        if src_layer == "unclassified":
            problems.append(f"{src}: in no layer (add it to tests/test_layers.py and docs/decisions.md)")
        for name in sorted(imports_of(path, root)):
            dst = _known(name, modules)
            if dst is None or dst == src or dst in ("orchestration", "tools"):
                continue
            dst_layer, dst_parts, src_parts = layer(dst), dst.split("."), src.split(".")
            if dst_layer == "tools" and src_layer != "tools" and src not in MAY_IMPORT_TOOLS:
                problems.append(f"{src} -> {dst}: the runtime imports a tool")
            elif dst.endswith(".definitions") and src_parts[1] not in MAY_IMPORT_DEFINITIONS \
                    and src_layer != "tools":
                problems.append(f"{src} -> {dst}: only entry points load the definitions")
            elif src_layer == "shared" and dst_layer != "shared":
                problems.append(f"{src} -> {dst}: a shared layer imports a module of the {dst_layer} layer")
            elif src_layer == "domain" and dst_layer in ("wiring", "entry"):
                problems.append(f"{src} -> {dst}: a domain imports the {dst_layer}")
            elif src_layer == "domain" and dst_layer == "domain" and src_parts[1] != dst_parts[1]:
                if dst_parts[1] in PEERS.get(src_parts[1], ()):
                    problems.append(f"{src} -> {dst}: {src_parts[1]} and {dst_parts[1]} are peers")
                elif dst_parts[-1] == "assets" and not (
                        src_parts[1] in STAGES and dst_parts[1] in STAGES
                        and STAGES.index(dst_parts[1]) < STAGES.index(src_parts[1])):
                    problems.append(f"{src} -> {dst}: a domain imports another domain's assets")
    return sorted(set(problems))


def test_no_import_runs_up_the_layers():
    problems = upward_imports()
    assert not problems, "imports that run up the layers:\n" + "\n".join(problems)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for folder in ("orchestration", "tools"):
        (tmp_path / folder).mkdir(exist_ok=True)
    return tmp_path


@pytest.mark.parametrize("files, expected", [
    ({"orchestration/warehouse/x.py": "def f():\n    from orchestration.survey import ingest\n",
      "orchestration/survey/ingest.py": ""}, "orchestration.warehouse.x -> orchestration.survey.ingest"),
    ({"orchestration/social/assets.py": "from orchestration.survey.assets import KEY\n",
      "orchestration/survey/assets.py": "KEY = 1\n"}, "survey are peers"),
    ({"orchestration/quality/checks.py": "from orchestration.bi.assets import x\n",
      "orchestration/bi/assets.py": "x = 1\n"}, "another domain's assets"),
    ({"orchestration/bi/docs.py": "from orchestration.pipeline import run_once\n",
      "orchestration/pipeline.py": ""}, "a domain imports the entry"),
    ({"orchestration/pipeline.py": "from orchestration.definitions import defs\n",
      "orchestration/warehouse/blame.py": "from orchestration.definitions import defs\n",
      "orchestration/definitions.py": ""}, "orchestration.warehouse.blame -> orchestration.definitions"),
    ({"orchestration/publish/publish.py": "from tools.sample import survey\n",
      "tools/sample/survey.py": ""}, "the runtime imports a tool"),
    ({"orchestration/warehouse/state.py": "from . import raw_schema\nfrom ..social import schema\n",
      "orchestration/warehouse/raw_schema.py": "", "orchestration/social/schema.py": ""},
     "orchestration.warehouse.state -> orchestration.social.schema"),
])
def test_the_check_finds_an_upward_import(tmp_path, files, expected):
    """The checker itself: each kind of upward import is reported (relative imports and imports
    inside functions included), and the allowed direction is not."""
    problems = upward_imports(_tree(tmp_path, files))
    assert any(expected in p for p in problems), problems
    assert not any(p.startswith("orchestration.pipeline ") for p in problems)
    assert not any("raw_schema" in p for p in problems)


def test_the_later_stage_may_use_an_earlier_stage_s_assets(tmp_path):
    tree = _tree(tmp_path, {"orchestration/publish/assets.py": "from orchestration.transform.assets import m\n",
                            "orchestration/transform/assets.py": "m = 1\n"})
    assert upward_imports(tree) == []
