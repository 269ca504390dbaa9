"""The wheel's only top-level package is ``wfm_bridge`` and it coexists with a host project
that has its own ``core``, ``plugins``, ``host`` and ``ports`` packages."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {"wfm_bridge"} | {
        "wfm_bridge." + ".".join(init.parent.relative_to(ROOT).parts)
        for folder in ("core", "ports", "plugins", "host", "testing")
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert listed == on_disk


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools builds in-tree, and a stale build/ could leak old modules.
    source = out / "source"
    shutil.copytree(
        ROOT, source, ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", ".typecheck", "*.egg-info", "__pycache__", "artifacts"
        ),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("wfm_bridge-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_holds_one_top_level_package_typed(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"wfm_bridge"}
    assert "wfm_bridge/py.typed" in names
    assert not [n for n in names if n.startswith("wfm_bridge/tests/")]
    [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "wfm = wfm_bridge.host.cli.app:main" in text
    targets = re.findall(r"= (\S+)", text)
    assert targets and all(t.startswith("wfm_bridge.") for t in targets)


@pytest.mark.slow
def test_a_host_project_with_its_own_core_package_imports_both(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, str(wheel)], check=True, capture_output=True)
    app = tmp_path / "app"
    for name in ("core", "plugins", "host", "ports"):
        (app / name).mkdir(parents=True)
        (app / name / "__init__.py").write_text(f"WHOSE = 'host app {name}'\n")
    code = (
        "import core, plugins, host, ports\n"
        "from wfm_bridge import Bridge\n"
        "import importlib.metadata as md\n"
        "assert core.WHOSE == 'host app core' and plugins.WHOSE == 'host app plugins'\n"
        "print(sorted({f.parts[0] for f in md.files('wfm-bridge') if f.suffix == '.py'}))\n"
    )
    env = {"PYTHONPATH": str(app), "PATH": "/usr/bin:/bin", "WFM_HOME": str(tmp_path / "home")}
    python = str(venv / "bin" / "python")
    out = subprocess.run([python, "-c", code], cwd=app, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['wfm_bridge']"
    plugins = subprocess.run(
        [str(venv / "bin" / "wfm"), "plugins", "--json"],
        cwd=app, env=env, capture_output=True, text=True,
    )
    assert plugins.returncode == 0, plugins.stderr
    assert "memory_fake" in plugins.stdout and "assembled" in plugins.stdout
