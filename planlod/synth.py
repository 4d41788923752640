"""``planlod synth``: a deterministic synthetic national corpus, shaped like the real plan.

Japan has 1,741 municipalities; this repository has one real chapter. To measure the
build and the server at national scale, :func:`generate` writes N *source folders* in
the documented table format (``dataset.toml`` + ``source.txt``), so the whole real
pipeline (parse → graph → SHACL → load) runs on them.

How a synthetic plan is made:

- **Shape.** Each of its 7 policies copies the shape of a real policy of the reference
  plan (drawn with replacement): how many initiatives, sector plans and footnotes it has,
  how many paragraphs each text has and how long they are; each initiative copies which
  actors commit to something from a real initiative.
- **Text.** Paragraphs are built from the reference plan's sentences of the same kind
  (必要性, 方向性, 現状と課題, 目標, each actor's commitments, sector-plan descriptions),
  shuffled and recombined to the length of the real paragraph they stand for. Titles,
  sector-plan names and glossary entries are drawn from the real ones. The reference
  city's name is replaced by the synthetic one. Footnote marks ``※N`` are placed so that
  each resolves to footnote N of the same policy, numbered in order of appearance.
- **Layout.** The export's quirks occur at about the real rate: headings with and without
  ``## ``, layout spaces inside labels and titles, header rows repeated per initiative,
  markers in their own rows, sector-plan descriptions wrapped onto the next row,
  ``&amp;`` references and blank lines of spaces.
- **Identity.** Municipality *i* is 「合成市0001」/"Synthetic City 0001" with a six-digit
  code with a valid check digit in prefecture ``(i-1) % 47 + 1`` and the city block
  800–999, which (to our knowledge) no real municipality uses, so a synthetic IRI never
  names a real city. ``dataset.toml`` says ``synthetic = true``; the graph then marks the
  plan, its source and its municipality with ``dcterms:type jcp:synthetic``.
- **Determinism.** Plan *i* depends only on *i* (its own seeded RNG) and the reference
  source, so the same N gives byte-identical files and a smaller corpus is a prefix of a
  larger one. Nothing depends on time or on the machine.
"""

from __future__ import annotations

import html
import random
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from planlod.config import ROOT
from planlod.dataset import DATASET_FILE, lgcode_check_digit
from planlod.ingest import circled, parse
from planlod.model import Actor, Initiative, Plan, Policy
from planlod.prefectures import PREFECTURES
from planlod.progress import Step, quiet

GENERATOR = "planlod synth 1"
REFERENCE = ROOT / "data" / "272116-ibaraki-5th"
REFERENCE_NAMES = {"茨木市": None, "茨木": "合成", "いばらき": "ごうせい"}  # None: the synthetic city's name
MARKER_FILE = "SYNTHETIC.md"
POLICIES_PER_PLAN = 7
CITY_BLOCK = 800  # city part of the code: 800 … 999
MAX_MUNICIPALITIES = len(PREFECTURES) * (1000 - CITY_BLOCK)
FOLDER = re.compile(r"^[0-9]{6}-synth[0-9]{4}-[a-z0-9-]+$")

# Chapters of a basic plan (基本計画), by number: (division, title). Generic wording of our own.
CHAPTERS = {
    1: ("子ども・教育", "子どもが健やかに育ち学べるまち"),
    2: ("健康・福祉", "誰もが健康で安心して暮らせるまち"),
    3: ("安全・安心", "災害に強く安全に暮らせるまち"),
    4: ("都市基盤", "快適で魅力ある都市空間のまち"),
    5: ("産業・環境", "活力ある産業と豊かな環境のまち"),
    6: ("文化・交流", "文化が息づき人がつながるまち"),
    7: ("まちづくりを支える基盤", "まちづくりを進めるための基盤"),
}
OVERVIEW_LABELS = ("施策", "SDGs位置付け", "施策の必要性", "施策の方向性", "施策内の取組", "分野別計画等")
HEADER_ROW = "取組\t現状と課題及び目標\t各主体が行うこと"
SENTENCE = re.compile(r"[^。]+。?")
FOOTNOTE_MARK = re.compile(r"※[0-9]+")


class SynthError(ValueError):
    """A corpus that cannot be written where or as asked."""


def municipality_code(index: int) -> str:
    """The six-digit code of synthetic municipality ``index`` (1-based), check digit included."""
    if not 1 <= index <= MAX_MUNICIPALITIES:
        raise SynthError(f"municipality index must be 1 … {MAX_MUNICIPALITIES}, got {index}")
    prefecture = (index - 1) % len(PREFECTURES) + 1
    city = CITY_BLOCK + (index - 1) // len(PREFECTURES)
    first_five = f"{prefecture:02d}{city:03d}"  # JIS X 0401 prefecture number, then the city
    return f"{first_five}{lgcode_check_digit(first_five)}"


# -- what the reference plan offers --------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """The real plan as material: its policies as shapes and its sentences by kind."""

    plan: Plan

    @classmethod
    def load(cls, folder: Path = REFERENCE) -> Reference:
        return cls(parse(folder / "source.txt"))

    @cached_property
    def initiatives(self) -> list[Initiative]:
        return self.plan.initiatives

    @cached_property
    def sentences(self) -> dict[str, list[str]]:
        kinds: dict[str, list[str]] = {}

        def add(kind: str, paragraphs: Sequence[str]) -> None:
            for paragraph in paragraphs:
                for sentence in SENTENCE.findall(FOOTNOTE_MARK.sub("", paragraph)):
                    # A paragraph opening with 《…》 would read as a marker: keep those out.
                    if sentence.strip() and not sentence.startswith("《"):
                        kinds.setdefault(kind, []).append(sentence)

        for policy in self.plan.policies:
            add("necessity", policy.necessity.paragraphs)
            add("direction", policy.direction.paragraphs)
            for sector_plan in policy.sector_plans:
                add("sector", sector_plan.description.paragraphs if sector_plan.description else ())
            for initiative in policy.initiatives:
                add("situation", initiative.situation.paragraphs)
                add("goal", initiative.goal.paragraphs)
                for commitment in initiative.commitments:
                    add(commitment.actor.key, commitment.text.paragraphs)
        return kinds

    @cached_property
    def titles(self) -> dict[str, list[str]]:
        return {
            "policy": [p.title for p in self.plan.policies],
            "initiative": [i.title for i in self.initiatives],
            "sector": [s.name for s in self.plan.sector_plans],
        }


# -- one synthetic plan as data --------------------------------------------------------


@dataclass
class _Text:
    paragraphs: list[str]


@dataclass
class _Initiative:
    title: str
    situation: _Text
    goal: _Text
    commitments: dict[Actor, _Text | None]


@dataclass
class _Policy:
    notation: str
    title: str
    necessity: _Text
    direction: _Text
    initiatives: list[_Initiative]
    sector_plans: list[tuple[str, str]]  # name, description
    glossary: list[tuple[str, list[str]]]  # label, definition paragraphs

    def texts(self) -> list[_Text]:
        """Its texts in the order a reader meets them in the source."""
        found = [self.necessity, self.direction]
        for i in self.initiatives:
            city, citizens, businesses = (i.commitments[a] for a in Actor)
            # Row by row: 現状と課題 beside 《市》, then 目標 beside 《市民》, then 《事業者・団体》.
            found += [t for t in (i.situation, city, i.goal, citizens, businesses) if t is not None]
        return found


@dataclass(frozen=True)
class _Identity:
    index: int
    code: str
    name_ja: str
    name_en: str
    prefecture_ja: str
    prefecture_en: str
    edition: int
    start_year: int
    chapter: int

    @property
    def plan_id(self) -> str:
        return f"{self.edition}th"

    @property
    def folder(self) -> str:
        return f"{self.code}-synth{self.index:04d}-{self.plan_id}"


class _PlanMaker:
    """Draws one plan from the reference with its own RNG."""

    def __init__(self, reference: Reference, index: int) -> None:
        self.ref = reference
        # A string seed is hashed with SHA-512 by `random`: stable across runs and machines.
        self.rng = random.Random(f"planlod-synth/{index}")
        code = municipality_code(index)
        prefecture_ja, prefecture_en = PREFECTURES[code[:2]]
        self.identity = _Identity(
            index=index,
            code=code,
            name_ja=f"合成市{index:04d}",
            name_en=f"Synthetic City {index:04d}",
            prefecture_ja=prefecture_ja,
            prefecture_en=prefecture_en,
            edition=self.rng.choice((4, 5, 5, 5, 6, 6, 7)),
            start_year=self.rng.randint(2016, 2025),
            chapter=self.rng.randint(1, 7),
        )

    def rename(self, text: str) -> str:
        for real, synthetic in REFERENCE_NAMES.items():
            text = text.replace(real, synthetic or self.identity.name_ja)
        return text

    def paragraph(self, kind: str, length: int) -> str:
        """Sentences of ``kind`` recombined to about ``length`` characters."""
        pool = self.ref.sentences[kind]
        text = self.rng.choice(pool)
        while len(text) < length * 0.85:
            sentence = self.rng.choice(pool)
            if len(text) + len(sentence) > length * 1.3:
                break
            text += sentence
        return self.rename(text)

    def text(self, kind: str, like: Sequence[str]) -> _Text:
        return _Text([self.paragraph(kind, len(p)) for p in like])

    def policies(self) -> list[_Policy]:
        shapes = [self.rng.choice(self.ref.plan.policies) for _ in range(POLICIES_PER_PLAN)]
        return [self.policy(f"{self.identity.chapter}-{k}", shape) for k, shape in enumerate(shapes, start=1)]

    def policy(self, notation: str, shape: Policy) -> _Policy:
        sector_plans = [
            (
                self.rename(self.rng.choice(self.ref.titles["sector"])),
                self.paragraph("sector", len(s.description.value) if s.description else 60),
            )
            for s in shape.sector_plans
        ]
        terms = self.rng.sample(self.ref.plan.glossary, len(shape.glossary))
        policy = _Policy(
            notation=notation,
            title=self.rename(self.rng.choice(self.ref.titles["policy"])),
            necessity=self.text("necessity", shape.necessity.paragraphs),
            direction=self.text("direction", shape.direction.paragraphs),
            initiatives=[self.initiative() for _ in shape.initiatives],
            sector_plans=sector_plans,
            glossary=[(t.label, [self.rename(p) for p in t.definition.paragraphs]) for t in terms],
        )
        self.place_marks(policy)
        return policy

    def initiative(self) -> _Initiative:
        shape = self.rng.choice(self.ref.initiatives)
        by_actor = {c.actor: c.text.paragraphs for c in shape.commitments}
        return _Initiative(
            title=self.rename(self.rng.choice(self.ref.titles["initiative"])),
            situation=self.text("situation", shape.situation.paragraphs),
            goal=self.text("goal", shape.goal.paragraphs),
            commitments={a: self.text(a.key, by_actor[a]) if a in by_actor else None for a in Actor},
        )

    def place_marks(self, policy: _Policy) -> None:
        """Put ``※1`` … ``※N`` into the policy's texts, in order of appearance, one text each."""
        texts = policy.texts()
        chosen = sorted(self.rng.sample(range(len(texts)), len(policy.glossary)))
        for number, where in enumerate(chosen, start=1):
            paragraphs = texts[where].paragraphs
            first = paragraphs[0]
            # After a word, before a 、 or 。, as the plan does (「基本方向※1に沿って」).
            stops = [m.start() for m in re.finditer("[、。]", first)] or [len(first)]
            at = self.rng.choice(stops)
            paragraphs[0] = f"{first[:at]}※{number}{first[at:]}"


# -- writing the source in the table format ----------------------------------------------


def _cell(paragraphs: Sequence[str]) -> str:
    return " ".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


def _plain(text: str) -> str:
    return html.escape(text, quote=False)


class _SourceWriter:
    """Writes a plan as the city's table export would, quirks included."""

    def __init__(self, rng: random.Random, identity: _Identity) -> None:
        self.rng = rng
        self.identity = identity
        self.lines: list[str] = []

    def maybe(self, probability: float) -> bool:
        return self.rng.random() < probability

    def blank(self) -> None:
        # Some exports leave lines holding a single space between tables.
        self.lines.append(" " if self.maybe(0.3) else "")

    def heading(self, text: str, hashes: float) -> None:
        self.lines.append(f"## {text}" if self.maybe(hashes) else text)

    def spaced(self, text: str) -> str:
        """Insert layout spaces (table line wraps) between two non-Latin characters."""
        out = []
        for k, char in enumerate(text):
            out.append(char)
            nxt = text[k + 1] if k + 1 < len(text) else ""
            if nxt and not (char.isascii() or nxt.isascii()) and self.maybe(0.2):
                out.append(" ")
        return "".join(out)

    def write(self, policies: list[_Policy]) -> str:
        if self.maybe(0.5):
            self.lines += [" ", " ", " ", "", ""]
        for policy in policies:
            self.overview(policy)
            self.details(policy)
            self.footnotes(policy)
        return "\n".join(self.lines) + "\n"

    def overview(self, policy: _Policy) -> None:
        chapter = self.identity.chapter
        division, title = CHAPTERS[chapter]
        wrapped = self.maybe(0.5)  # the labels of one table wrap alike
        label = {name: self.spaced(name) if wrapped else name for name in OVERVIEW_LABELS}
        self.heading("1 施策の概要", hashes=0.5)
        self.lines.append("")
        rows = [
            f"1\t{division}\t{chapter}\t{title}",
            f"2\t{label['施策']}\t{policy.notation}\t{_plain(policy.title)}",
            f"3\t{label['SDGs位置付け']}\t  \t",
            f"4\t{label['施策の必要性']}\t{_cell(policy.necessity.paragraphs)}\t",
            f"5\t{label['施策の方向性']}\t{_cell(policy.direction.paragraphs)}\t",
        ]
        for k, initiative in enumerate(policy.initiatives, start=1):
            lead = f"6\t{label['施策内の取組']}" if k == 1 else "\t"
            rows.append(f"{lead}\t{policy.notation}-{k}\t{_plain(initiative.title)}")
        for k, (name, description) in enumerate(policy.sector_plans, start=1):
            lead = f"7\t{label['分野別計画等']}" if k == 1 else "\t"
            if self.maybe(0.2):  # a description too long for its cell wraps onto the next row
                rows += [f"{lead}\t{_plain(name)}\t", f"\t\t{_plain(description)}\t"]
            else:
                rows.append(f"{lead}\t{_plain(name)}\t{_plain(description)}")
        self.lines += rows
        self.blank()

    def details(self, policy: _Policy) -> None:
        self.heading("2 取組の目標及び各主体が行うこと", hashes=0.9)
        self.lines.append("")
        repeat_header = self.maybe(0.4)
        for k, initiative in enumerate(policy.initiatives, start=1):
            if k == 1 or repeat_header:
                self.lines.append(HEADER_ROW)
            title = _plain(initiative.title)
            head = circled(k) + (self.spaced(title) if self.maybe(0.4) else title)
            if self.maybe(0.15):
                self.marker_rows(head, initiative)
            else:
                self.marker_cells(head, initiative)
        self.blank()

    def marker_cells(self, head: str, initiative: _Initiative) -> None:
        """Markers and texts in one cell: ``<p>《市》</p> <p>…</p>``."""

        def cell(label: str, text: _Text | None) -> str:
            return _cell([f"《{label}》", *(text.paragraphs if text else [])])

        city, citizens, businesses = (initiative.commitments[a] for a in Actor)
        self.lines += [
            f"{head}\t{cell('現状と課題', initiative.situation)}\t{cell(Actor.CITY.ja, city)}",
            f"\t{cell('目標', initiative.goal)}\t{cell(Actor.CITIZENS.ja, citizens)}",
            f"\t\t{cell(Actor.BUSINESSES.ja, businesses)}",
        ]

    def marker_rows(self, head: str, initiative: _Initiative) -> None:
        """Markers in rows of their own, texts in the rows below (as policy 7-2-7 of the reference)."""

        def body(text: _Text | None) -> str:
            if text is None:
                return ""
            return _plain(text.paragraphs[0]) if len(text.paragraphs) == 1 else _cell(text.paragraphs)

        city, citizens, businesses = (initiative.commitments[a] for a in Actor)
        rows = [
            f"{head}\t《現状と課題》\t《{Actor.CITY.ja}》",
            f"\t{body(initiative.situation)}\t{body(city)}",
            f"\t《目標》\t《{Actor.CITIZENS.ja}》",
            f"\t{body(initiative.goal)}\t{body(citizens)}",
            f"\t\t《{Actor.BUSINESSES.ja}》",
        ]
        if businesses is not None:
            rows.append(f"\t\t{body(businesses)}")
        self.lines += rows

    def footnotes(self, policy: _Policy) -> None:
        for number, (label, definition) in enumerate(policy.glossary, start=1):
            self.heading(f"※{number} {_plain(label)}", hashes=0.8)
            self.lines.append("")
            self.lines += [_plain(p) for p in definition]
            self.lines.append("")


def _dataset_toml(identity: _Identity, policies: int) -> str:
    i = identity
    title_ja = f"第{i.edition}次{i.name_ja}総合計画"
    title_en = f"The {i.plan_id} Comprehensive Plan of {i.name_en}"
    chapter_ja, chapter_en = f"第{i.chapter}章", f"chapter {i.chapter}"
    return f"""\
# SYNTHETIC DATA generated by `{GENERATOR}` for measurements: no municipality wrote
# this plan. The sentences are recombined from the reference plan in {REFERENCE.name}.

[municipality]
code = "{i.code}"
name_ja = "{i.name_ja}"
name_en = "{i.name_en}"
prefecture_ja = "{i.prefecture_ja}"
prefecture_en = "{i.prefecture_en}"

[plan]
id = "{i.plan_id}"
edition = {i.edition}
title_ja = "{title_ja}(合成データ)"
title_en = "{title_en} (synthetic data)"
period_start = {i.start_year}-04-01
period_end = {i.start_year + 10}-03-31
issued = {i.start_year}-04-01

[source]
file = "source.txt"
encoding = "utf-8"
title_ja = "{title_ja} 基本計画 {chapter_ja}(合成データ・実在しない)"
title_en = "{title_en}, basic plan, {chapter_en} (synthetic data, not a real plan)"
scope_ja = "{chapter_ja}(施策{i.chapter}-1〜{i.chapter}-{policies})のみ"
scope_en = "Chapter {i.chapter} only (policies {i.chapter}-1 to {i.chapter}-{policies})"

[publication]
publisher_ja = "planlod コントリビューター"
publisher_en = "planlod contributors"
publisher_homepage = "https://w3id.org/jp-cityplan/"
official = false
synthetic = true
license = "https://creativecommons.org/licenses/by/4.0/"
rights_ja = "合成データです。文は第5次茨木市総合計画(著作権は茨木市)の文を組み替えたもので、計測のためだけに使います。"
rights_en = "Synthetic data from recombined sentences of Ibaraki City's 5th Comprehensive Plan (© Ibaraki City)."
"""


def _marker(count: int) -> str:
    return f"""\
# 合成データ / Synthetic data

このフォルダーの計画はすべて `{GENERATOR}` が計測用に生成した架空のものです(実在しない)。
Every plan in this folder is fictional, generated by `{GENERATOR}` for measurements.

- municipalities: {count}
- generator: {GENERATOR}
- reference: {REFERENCE.name}
"""


# -- the corpus ------------------------------------------------------------------------


def write_plan(reference: Reference, index: int, out: Path) -> Path:
    """Write synthetic plan ``index`` as a plan folder under ``out``; return the folder."""
    maker = _PlanMaker(reference, index)
    policies = maker.policies()
    source = _SourceWriter(maker.rng, maker.identity).write(policies)
    folder = out / maker.identity.folder
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DATASET_FILE).write_text(_dataset_toml(maker.identity, len(policies)), encoding="utf-8")
    (folder / "source.txt").write_text(source, encoding="utf-8")
    return folder


def generate(count: int, out: Path | str, step: Step = quiet) -> list[Path]:
    """Write ``count`` synthetic plan folders (and a marker file) into ``out``."""
    out = Path(out)
    if not 1 <= count <= MAX_MUNICIPALITIES:
        raise SynthError(f"--municipalities must be 1 … {MAX_MUNICIPALITIES}, got {count}")
    if not REFERENCE.is_dir():  # the real plan is the repository's site data; a wheel has none
        raise SynthError(f"planlod synth recombines the repository's plan ({REFERENCE}): run it from a checkout")
    _prepare(out)
    reference = Reference.load()
    folders = []
    for index in range(1, count + 1):
        folders.append(write_plan(reference, index, out))
        step("synthesise plans", done=index, total=count)
    (out / MARKER_FILE).write_text(_marker(count), encoding="utf-8")
    return folders


def _prepare(out: Path) -> None:
    """An empty folder, or one holding an earlier synthetic corpus (replaced); never the repository's data."""
    repo_data = (ROOT / "data").resolve()
    if out.resolve() == repo_data or repo_data in out.resolve().parents:
        raise SynthError(f"{out}: synthetic plans never go into the repository's data/ folder")
    if not out.exists():
        out.mkdir(parents=True)
        return
    entries = list(out.iterdir())
    if not entries:
        return
    if not (out / MARKER_FILE).exists():
        raise SynthError(f"{out} is not empty and holds no synthetic corpus: choose an empty folder")
    foreign = [e.name for e in entries if e.name != MARKER_FILE and not FOLDER.match(e.name)]
    if foreign:
        raise SynthError(f"{out} holds files synth did not write ({', '.join(sorted(foreign)[:3])}): not replacing it")
    for entry in entries:
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
