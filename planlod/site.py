"""A site: the folder a city owns, marked by its ``planlod.toml``.

``planlod.toml`` holds what the site says about itself (titles, the operator who publishes
it, contact, public URL, base IRI), defaults for new plans and any other setting; the plan
folders live in ``data/`` and releases go to ``build/``. Commands find their site as git
finds ``.git``: the current folder, then each folder above it. This module finds and reads
the file; ``planlod/config.py`` turns what it read into ``Settings`` and ``planlod/scaffold.py``
writes a new site.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planlod.messages import PlanError

SITE_FILE = "planlod.toml"

# planlod.toml's [table] key → the Settings field it fills. Any other key of [site] and every
# key of [settings] must be a Settings field by its own name (base_iri, public_url, query_timeout…).
RENAMED = {
    "site": {"title_ja": "site_title_ja", "title_en": "site_title_en"},
    "operator": {"name_ja": "operator_ja", "name_en": "operator_en", "url": "operator_url", "email": "contact_email"},
    "settings": {},
}
OWN_NAMES = ("site", "settings")  # tables whose other keys are Settings fields by their own name
NEW_PLAN_TABLE = "new-plan"


class SiteError(ValueError):
    """A missing site, or a ``planlod.toml`` that cannot be read."""


def find(start: Path) -> Path | None:
    """The nearest folder from ``start`` upward that holds a ``planlod.toml``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / SITE_FILE).is_file():
            return folder
    return None


def is_site(folder: Path) -> bool:
    return (folder / SITE_FILE).is_file()


class NotASite(PlanError, SiteError):
    """No site where a command needs one (worded from the message catalogue, ja or en)."""


def not_a_site(folder: Path) -> SiteError:
    """The error for a command that needs a site and found none."""
    return NotASite.of("site.not_a_site", file=SITE_FILE, folder=folder)


def _read(site_dir: Path) -> dict[str, Any]:
    path = site_dir / SITE_FILE
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SiteError(f"{path}: not valid TOML: {exc}") from None


Convert = Callable[[str, Any, str], Any]


def settings_values(site_dir: Path, fields: Mapping[str, str], convert: Convert) -> dict[str, Any]:
    """The Settings values ``planlod.toml`` gives, relative paths taken from the site folder.

    ``fields`` maps each Settings field to its type name; ``convert(field, value, where)``
    checks a value against it (``where`` names the table and key for the error).
    """
    if not is_site(site_dir):
        return {}
    path = site_dir / SITE_FILE
    raw = _read(site_dir)
    unknown_tables = set(raw) - set(RENAMED) - {NEW_PLAN_TABLE}
    if unknown_tables:
        raise SiteError(f"{path}: unknown table [{sorted(unknown_tables)[0]}]; known: {', '.join(_tables())}")
    values: dict[str, Any] = {}
    for table, renamed in RENAMED.items():
        section = raw.get(table, {})
        if not isinstance(section, dict):
            raise SiteError(f"{path}: {table} must be a table ([{table}])")
        for key, value in section.items():
            name = renamed.get(key, key if table in OWN_NAMES else None)
            if name not in fields or name == "site_dir":
                known = sorted({*renamed, *fields} - {"site_dir"}) if table in OWN_NAMES else sorted(renamed)
                raise SiteError(f"{path}: [{table}] {key} is not a setting; known: {', '.join(known)}")
            converted = convert(name, value, f"{path}: [{table}] {key}")
            if fields[name] == "Path" and not converted.is_absolute():
                converted = site_dir / converted
            values[name] = converted
    return values


def _tables() -> list[str]:
    return [f"[{t}]" for t in (*RENAMED, NEW_PLAN_TABLE)]


@dataclass(frozen=True)
class NewPlanDefaults:
    """``[new-plan]``: what ``planlod new-plan`` writes into a new plan's dataset.toml unless told."""

    plan: str = "1st"
    official: bool = True
    license: str = "https://creativecommons.org/licenses/by/4.0/"
    encoding: str = "utf-8"


def new_plan_defaults(site_dir: Path) -> NewPlanDefaults:
    if not is_site(site_dir):
        return NewPlanDefaults()
    path = site_dir / SITE_FILE
    section = _read(site_dir).get(NEW_PLAN_TABLE, {})
    defaults = NewPlanDefaults()
    values = {}
    for key, value in section.items():
        if not hasattr(defaults, key):
            known = ", ".join(NewPlanDefaults.__dataclass_fields__)
            raise SiteError(f"{path}: [{NEW_PLAN_TABLE}] {key} is not known; known: {known}")
        if type(value) is not type(getattr(defaults, key)):
            expected = type(getattr(defaults, key)).__name__
            raise SiteError(f"{path}: [{NEW_PLAN_TABLE}] {key} must be a {expected}, got {value!r}")
        values[key] = value
    return NewPlanDefaults(**values)
