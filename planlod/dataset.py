"""A plan folder's ``dataset.toml``: what the source text does not say about itself."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATASET_FILE = "dataset.toml"


class DatasetError(ValueError):
    """A missing or malformed ``dataset.toml``."""

    def __init__(self, path: Path, message: str) -> None:
        self.path = path
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class Municipality:
    code: str
    name_ja: str
    name_en: str
    prefecture_ja: str
    prefecture_en: str
    homepage: str | None


@dataclass(frozen=True)
class PlanMeta:
    id: str
    edition: int
    title_ja: str
    title_en: str
    period_start: dt.date | None
    period_end: dt.date | None
    issued: dt.date | None


@dataclass(frozen=True)
class SourceMeta:
    file: Path
    encoding: str
    title_ja: str
    title_en: str
    scope_ja: str | None
    scope_en: str | None


@dataclass(frozen=True)
class Publication:
    publisher_ja: str
    publisher_en: str
    publisher_homepage: str | None
    official: bool
    license: str
    rights_ja: str | None
    rights_en: str | None


@dataclass(frozen=True)
class DatasetInfo:
    directory: Path
    municipality: Municipality
    plan: PlanMeta
    source: SourceMeta
    publication: Publication

    @property
    def key(self) -> str:
        """``272116/5th``: the plan's place in IRIs and URLs."""
        return f"{self.municipality.code}/{self.plan.id}"


def lgcode_check_digit(first_five: str) -> int:
    """The check digit of a 全国地方公共団体コード (総務省's modulus-11 rule)."""
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    # "the last digit of 11 minus the remainder" (so 10 → 0 and 11 → 1)
    return (11 - total % 11) % 10


def load(directory: Path | str) -> DatasetInfo:
    """Read and check ``directory/dataset.toml``."""
    directory = Path(directory)
    path = directory / DATASET_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError(path, "not found: every plan folder needs a dataset.toml") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DatasetError(path, f"not valid TOML: {exc}") from None
    reader = _Reader(path, raw)
    municipality = Municipality(
        code=reader.text("municipality", "code"),
        name_ja=reader.text("municipality", "name_ja"),
        name_en=reader.text("municipality", "name_en"),
        prefecture_ja=reader.text("municipality", "prefecture_ja"),
        prefecture_en=reader.text("municipality", "prefecture_en"),
        homepage=reader.text("municipality", "homepage", required=False),
    )
    code = municipality.code
    if not re.fullmatch(r"[0-9]{6}", code) or int(code[5]) != lgcode_check_digit(code[:5]):
        raise DatasetError(path, f"municipality.code {code!r} is not a six-digit local government code")
    plan = PlanMeta(
        id=reader.text("plan", "id"),
        edition=reader.value("plan", "edition", int),
        title_ja=reader.text("plan", "title_ja"),
        title_en=reader.text("plan", "title_en"),
        period_start=reader.value("plan", "period_start", dt.date, required=False),
        period_end=reader.value("plan", "period_end", dt.date, required=False),
        issued=reader.value("plan", "issued", dt.date, required=False),
    )
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", plan.id):
        raise DatasetError(path, f"plan.id {plan.id!r} must be lowercase letters, digits and '-'")
    source = SourceMeta(
        file=directory / reader.text("source", "file"),
        encoding=reader.text("source", "encoding", required=False) or "utf-8",
        title_ja=reader.text("source", "title_ja"),
        title_en=reader.text("source", "title_en"),
        scope_ja=reader.text("source", "scope_ja", required=False),
        scope_en=reader.text("source", "scope_en", required=False),
    )
    publication = Publication(
        publisher_ja=reader.text("publication", "publisher_ja"),
        publisher_en=reader.text("publication", "publisher_en"),
        publisher_homepage=reader.text("publication", "publisher_homepage", required=False),
        official=reader.value("publication", "official", bool),
        license=reader.text("publication", "license"),
        rights_ja=reader.text("publication", "rights_ja", required=False),
        rights_en=reader.text("publication", "rights_en", required=False),
    )
    return DatasetInfo(directory, municipality, plan, source, publication)


def discover(data_dir: Path) -> list[DatasetInfo]:
    """Every plan folder under ``data_dir``, in a stable order."""
    return [load(p.parent) for p in sorted(Path(data_dir).glob(f"*/{DATASET_FILE}"))]


class _Reader:
    def __init__(self, path: Path, raw: dict[str, Any]) -> None:
        self.path = path
        self.raw = raw

    def value(self, table: str, key: str, kind: type, required: bool = True) -> Any:
        section = self.raw.get(table, {})
        if key not in section:
            if required:
                raise DatasetError(self.path, f"missing [{table}] {key}")
            return None
        value = section[key]
        if kind is dt.date and isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise DatasetError(self.path, f"[{table}] {key} must be a {kind.__name__}, got {value!r}")
        return value

    def text(self, table: str, key: str, required: bool = True) -> Any:
        value = self.value(table, key, str, required)
        if required and not value.strip():
            raise DatasetError(self.path, f"[{table}] {key} is empty")
        return value
