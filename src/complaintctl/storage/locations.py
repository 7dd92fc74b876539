"""Where things live: the database, the chain keys, the shell's history, the built-in templates
and the policy presets. Each is found here and nowhere else."""

from __future__ import annotations

import os
import re
from pathlib import Path

from complaintctl.errors import NotFound

PACKAGE = Path(__file__).resolve().parents[1]
# In a checkout the templates and presets sit at the top of the project; an installed package
# carries copies of them inside itself.
CHECKOUT = PACKAGE.parents[1]


def data_folder() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "complaintctl"


def default_database_path() -> Path:
    return data_folder() / "complaints.db"


def config_folder() -> Path:
    """The user's configuration folder for complaintctl: where `init` keeps the chain keys."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "complaintctl"


def keys_folder() -> Path:
    return config_folder() / "keys"


def default_key_file(key_id: str) -> Path:
    """Where a database's chain key is kept unless COMPLAINTCTL_KEY_FILE says: named by its id."""
    return keys_folder() / f"{key_id}.key"


KEY_FILE_VARIABLE = "COMPLAINTCTL_KEY_FILE"


def given_key_file() -> Path | None:
    """The key file COMPLAINTCTL_KEY_FILE names (a team's shared key), if it names one."""
    given = os.environ.get(KEY_FILE_VARIABLE, "").strip()
    return Path(os.path.expanduser(given)) if given else None


def is_url(location: str) -> bool:
    return "://" in location


_SCHEME = re.compile(r"^[A-Za-z][\w+.-]*://")
# `password=` and `sslpassword=` in the query string, which the database driver is given as is.
_QUERY_PASSWORD = re.compile(r"([?&][^=&]*password=)[^&]*", re.I)


def shown(location: str) -> str:
    """The location as messages may print it: a URL's password is never shown.

    The password is masked in every form a URL can carry it: after the user name up to the last
    `@` (so a typed `p@ss/w:rd` is hidden whole, as is a percent-encoded `a%40b`), and as a
    `password=` in the query string (an `@` in it too). A file path is shown as it is.
    """
    scheme = _SCHEME.match(location)
    if scheme is None:
        return location
    rest = location[scheme.end():]
    at = _userinfo_end(rest)
    if at > 0:
        user, colon, _ = rest[:at].partition(":")
        if colon:
            rest = f"{user}:***{rest[at:]}"
    return scheme.group() + _QUERY_PASSWORD.sub(r"\1***", rest)


def with_quoted_password(location: str) -> str:
    """The URL with the password after its user name percent-encoded, so that the database
    driver reads the user, the password and the host where `shown` sees them: a typed
    `p@ss/w:rd` is one password, never a host `ss` and a database `w:rd@…` to print in an error."""
    from urllib.parse import quote, unquote

    scheme = _SCHEME.match(location)
    if scheme is None:
        return location
    rest = location[scheme.end():]
    at = _userinfo_end(rest)
    user, colon, password = rest[:max(at, 0)].partition(":")
    if not colon:
        return location
    return f"{scheme.group()}{user}:{quote(unquote(password), safe='')}{rest[at:]}"


def _userinfo_end(rest: str) -> int:
    """Where the user part of a URL (after its scheme) ends: its last `@` outside a query
    password; -1 when there is none. `scheme:///path` has no user part, even if the path has an
    `@` and a `:` in it."""
    if rest.startswith("/"):
        return -1
    secrets = [(found.end(1), found.end()) for found in _QUERY_PASSWORD.finditer(rest)]
    at = rest.rfind("@")
    while at > 0 and any(start <= at < end for start, end in secrets):
        at = rest.rfind("@", 0, at)
    return at


def history_path() -> Path:
    """The shell's history lives beside the default database, in the user's data folder."""
    return data_folder() / "shell_history"


def _shipped(checkout_folder: str, package_folder: str) -> Path:
    checkout = CHECKOUT / checkout_folder
    if checkout.is_dir() and (CHECKOUT / "pyproject.toml").is_file():
        return checkout
    return PACKAGE / package_folder


def templates_folder() -> Path:
    """The built-in letter and report templates."""
    return _shipped("templates", "templates")


def presets_folder() -> Path:
    """The policy files `init --policy NAME` starts from."""
    return _shipped("examples/policies", "presets")


def preset_names() -> list[str]:
    folder = presets_folder()
    return sorted(path.stem for path in folder.glob("*.toml")) if folder.is_dir() else []


def preset_text(name: str) -> str:
    path = presets_folder() / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(preset_names()) or "none installed"
        raise NotFound(f"no policy preset called {name!r}; choose one of: {known}")
    return path.read_text(encoding="utf-8")
