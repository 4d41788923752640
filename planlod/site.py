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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planlod import tomltext
from planlod.messages import PlanError, phrase

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


class SiteError(PlanError):
    """A missing site, or a ``planlod.toml`` that cannot be read (worded from the message catalogue)."""


def find(start: Path) -> Path | None:
    """The nearest folder from ``start`` upward that holds a ``planlod.toml``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / SITE_FILE).is_file():
            return folder
    return None


def is_site(folder: Path) -> bool:
    return (folder / SITE_FILE).is_file()


class NotASite(SiteError):
    """No site where a command needs one."""


def not_a_site(folder: Path) -> SiteError:
    """The error for a command that needs a site and found none."""
    return NotASite.of("site.not_a_site", file=SITE_FILE, folder=folder)


# A planlod.toml value's TOML types, for each Settings field type (an integer is a fine float),
# and the catalogue's words for what is expected.
_TOML_TYPES: dict[str, tuple[type, ...]] = {"Path": (str,), "float": (int, float), "int": (int,), "bool": (bool,)}
TYPE_TERMS = {"Path": "term.type_str", "str": "term.type_str", "float": "term.type_float", "int": "term.type_int",
              "bool": "term.type_bool"}  # fmt: skip


class _File:
    """``planlod.toml`` as read, with the line of each key for the errors."""

    def __init__(self, site_dir: Path) -> None:
        self.path = site_dir / SITE_FILE
        try:
            text = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            line = self.path.read_bytes()[: exc.start].count(b"\n") + 1
            raise SiteError.of("site.not_utf8", self.path, line) from None
        try:
            self.raw: dict[str, Any] = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line, detail = tomltext.decode_error(exc)
            raise SiteError.of("site.not_toml", self.path, line, detail=detail) from None
        self.lines = text.split("\n")

    def error(self, id: str, table: str, key: str | None = None, **params: Any) -> SiteError:
        line = tomltext.key_line(self.lines, table, key)
        return SiteError.of(id, self.path, line, table=table, **({} if key is None else {"key": key}), **params)

    def checked(self, table: str, key: str, value: Any, kind: str) -> Any:
        """``value`` if TOML gave it as a ``kind`` (a Settings field type), else the error saying so."""
        allowed = _TOML_TYPES.get(kind, (str,))
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            term = TYPE_TERMS.get(kind, "term.type_str")
            raise self.error("site.wrong_type", table, key, value=_toml_value(value), expected=phrase(term),
                             example=phrase(f"{term}.example", key=key, value=value))  # fmt: skip
        return value


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else str(value)


def settings_values(site_dir: Path, fields: Mapping[str, str]) -> dict[str, Any]:
    """The Settings values ``planlod.toml`` gives, relative paths taken from the site folder.

    ``fields`` maps each Settings field to its type name (``Path``, ``float``, ``int``, ``bool``, ``str``).
    """
    if not is_site(site_dir):
        return {}
    file = _File(site_dir)
    unknown_tables = sorted(set(file.raw) - set(RENAMED) - {NEW_PLAN_TABLE})
    if unknown_tables:
        raise file.error("site.unknown_table", unknown_tables[0], known=_tables())
    values: dict[str, Any] = {}
    for table, renamed in RENAMED.items():
        section = file.raw.get(table, {})
        if not isinstance(section, dict):
            raise file.error("site.not_a_table", table, table)
        for key, value in section.items():
            name = renamed.get(key, key if table in OWN_NAMES else None)
            if name not in fields or name == "site_dir":
                known = sorted({*renamed, *fields} - {"site_dir"}) if table in OWN_NAMES else sorted(renamed)
                raise file.error("site.unknown_key", table, key, known=known)
            converted = file.checked(table, key, value, fields[name])
            if fields[name] == "Path":
                converted = site_dir / converted  # an absolute path stays as it is
            elif fields[name] == "float":
                converted = float(converted)
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
    file = _File(site_dir)
    section = file.raw.get(NEW_PLAN_TABLE, {})
    defaults = NewPlanDefaults()
    values = {}
    for key, value in section.items():
        if not hasattr(defaults, key):
            raise file.error("site.unknown_key", NEW_PLAN_TABLE, key, known=list(NewPlanDefaults.__dataclass_fields__))
        kind = type(getattr(defaults, key)).__name__
        values[key] = file.checked(NEW_PLAN_TABLE, key, value, kind)
    return NewPlanDefaults(**values)
