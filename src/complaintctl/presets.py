"""Starting policy files for `init --policy NAME`, from examples/policies/."""

from __future__ import annotations

from pathlib import Path

from complaintctl.errors import NotFound


def presets_folder() -> Path:
    return Path(__file__).resolve().parents[2] / "examples" / "policies"


def preset_names() -> list[str]:
    folder = presets_folder()
    return sorted(path.stem for path in folder.glob("*.toml")) if folder.is_dir() else []


def preset_text(name: str) -> str:
    path = presets_folder() / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(preset_names()) or "none installed"
        raise NotFound(f"no policy preset called {name!r}; choose one of: {known}")
    return path.read_text(encoding="utf-8")
