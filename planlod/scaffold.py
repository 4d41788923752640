"""``planlod new-plan``: a plan folder another municipality can fill in and build.

Outside any site, it first makes the (empty) current folder a site: ``planlod.toml``,
``data/`` and a README for the city's staff (``docs/ja/site.md``). The plan folder holds a
``dataset.toml`` with what is known (code, names, prefecture from the code), an empty
``source.txt``, a README in Japanese for the city's staff and the format guide
(``source-format.md``, from ``docs/source-format.md``, Japanese and English). It is marked
``draft = true``: an empty source builds and validates as a plan with no chapters yet, and
nothing is invented in the city's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from planlod.config import DEFAULT_BASE_IRI, DOCS_DIR
from planlod.dataset import DATASET_FILE, lgcode_check_digit, load
from planlod.messages import PlanError
from planlod.prefectures import PREFECTURES
from planlod.site import SITE_FILE, NewPlanDefaults, is_site

NO_SITE_DEFAULTS = NewPlanDefaults()

GUIDE = DOCS_DIR / "source-format.md"  # the format guide, copied into every plan folder
GUIDE_FILE = "source-format.md"


class ScaffoldError(PlanError):
    """A code, name or folder that cannot become a plan folder."""


@dataclass(frozen=True)
class NewPlan:
    lgcode: str
    name_ja: str
    name_en: str
    plan_id: str = "1st"
    title_ja: str | None = None
    title_en: str | None = None

    def check(self) -> None:
        code = self.lgcode
        if not re.fullmatch(r"[0-9]{6}", code):
            raise ScaffoldError.of("scaffold.code_format", value=code)
        digit = lgcode_check_digit(code[:5])
        if int(code[5]) != digit:
            raise ScaffoldError.of(
                "scaffold.check_digit", value=code, digit=code[5], expected=digit, corrected=f"{code[:5]}{digit}"
            )
        if code[:2] not in PREFECTURES:
            raise ScaffoldError.of("scaffold.prefecture", value=code, prefecture=code[:2])
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", self.plan_id):
            raise ScaffoldError.of("scaffold.plan_id", value=self.plan_id)
        if not self.name_ja.strip() or not self.name_en.strip():
            raise ScaffoldError.of("scaffold.names")

    @property
    def folder_name(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.name_en.lower()).strip("-")
        return "-".join(part for part in (self.lgcode, slug, self.plan_id) if part)


def _toml(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def dataset_toml(new: NewPlan, defaults: NewPlanDefaults = NO_SITE_DEFAULTS) -> str:
    prefecture_ja, prefecture_en = PREFECTURES[new.lgcode[:2]]
    title_ja = new.title_ja or f"{new.name_ja}総合計画"
    title_en = new.title_en or f"Comprehensive Plan of {new.name_en}"
    return f"""# What the source text does not say about itself. Fill in what is missing, then set
# draft = false once source.txt holds the plan (see README.md and source-format.md in this folder).

[municipality]
code = {_toml(new.lgcode)}
name_ja = {_toml(new.name_ja)}
name_en = {_toml(new.name_en)}
prefecture_ja = {_toml(prefecture_ja)}
prefecture_en = {_toml(prefecture_en)}
# homepage = "https://www.city.example.lg.jp/"

[plan]
id = {_toml(new.plan_id)}
edition = 1
title_ja = {_toml(title_ja)}
title_en = {_toml(title_en)}
# The plan period and the date it was adopted, when known:
# period_start = 2025-04-01
# period_end = 2035-03-31
# issued = 2025-04-01
draft = true

[source]
file = "source.txt"
# "cp932" for a Shift_JIS export from Excel
encoding = {_toml(defaults.encoding)}
title_ja = {_toml(f"{title_ja}(表の書き出し)")}
title_en = {_toml(f"{title_en} (table export)")}

[publication]
publisher_ja = {_toml(new.name_ja)}
publisher_en = {_toml(new.name_en)}
official = {"true" if defaults.official else "false"}
# Check the licence with the city's terms of use before publishing: "PDL-1.0" (公共データ利用規約
# 第1.0版), "CC-BY-4.0", or a licence IRI.
license = {_toml(defaults.license)}
"""


def readme(new: NewPlan) -> str:
    return f"""# {new.name_ja} 総合計画データの作り方

このフォルダは、{new.name_ja}の総合計画を Linked Open Data として公開するためのものです。

## 手順

1. 総合計画の「施策の概要」と「取組の目標及び各主体が行うこと」の表を、タブ区切りのテキストとして
   `source.txt` に書き出します。形式と小さな例は、このフォルダの `source-format.md`(日本語・英語)に
   あります。Excel の「テキスト(タブ区切り)」でも「Unicode テキスト」でも、そのまま読めます。
   Shift_JIS のファイルは、`dataset.toml` の `encoding` を `"cp932"` にします。
2. `dataset.toml` の空いている項目(ホームページ、計画期間など)を埋め、本文を入れ終えたら
   `draft = true` を `draft = false` にします。
3. 次のコマンドで作成・確認・表示します。

   ```sh
   planlod build      # 原資料を読み、検証し、公開用のデータを作ります
   planlod validate   # 検証の結果を、原資料の行とともに表で表示します
   planlod serve      # 手元で表示を確かめます
   ```

   原資料に誤りがあると、`source.txt:27: …` のように、ファイル名・行番号・読んだもの・期待していたもの・
   直し方を示して止まります。その行を直して、もう一度 `planlod build` を実行してください。
   誤りのある原資料からは何も公開されません(前回の公開内容がそのまま残ります)。
   表示は日本語の環境では日本語です。`planlod --lang ja build` のように言語を選ぶこともできます。

4. 他の自治体の計画と取組を対応づけるときは、両方の計画を一緒に作成してから
   `planlod link --from {new.lgcode}/{new.plan_id} --to 相手のコード/計画` を実行します。
   候補がこのフォルダの `links.toml` に書き出されるので、確認して `status = "accepted"` にしたものだけが
   公開されます。

## 識別子

この計画の資源は `https://w3id.org/jp-cityplan/id/{new.lgcode}/{new.plan_id}/…` という IRI になります
(例:取組 `…/initiative/1-1-1`)。計画の本文に書かれていることだけが市の記述として公開され、
SDGs との対応などツールが導いたものは「提案」として別に示されます。
"""


def site_toml(new: NewPlan) -> str:
    """A new site's ``planlod.toml``: the city publishes its own plans (change [operator] if not)."""
    return f"""# このフォルダは planlod のサイトです(README.md を参照)。
# This folder is a planlod site (see README.md).

[site]
title_ja = {_toml(f"{new.name_ja} 総合計画データ")}
title_en = {_toml(f"Comprehensive plan data of {new.name_en}")}
# すべての IRI の基底 / the base of every IRI: {{base_iri}}id/{{lgcode}}/{{plan}}/…
base_iri = {_toml(DEFAULT_BASE_IRI)}
# 公開する URL が決まったら / once the site has its address:
# public_url = "https://opendata.city.example.lg.jp/plans/"

[operator]
# このサイトを公開する者 / who publishes this site
name_ja = {_toml(new.name_ja)}
name_en = {_toml(new.name_en)}
# url = "https://www.city.example.lg.jp/"
# email = "opendata@city.example.lg.jp"

[new-plan]
# planlod new-plan が新しい計画の dataset.toml に書く既定値 / defaults for new plans
official = true
license = "https://creativecommons.org/licenses/by/4.0/"

[settings]
# そのほかの設定(README の Settings) / any other setting by its name
"""


def create_site(new: NewPlan, folder: Path) -> None:
    """Make ``folder`` (missing or empty) a site: ``planlod.toml``, ``data/``, a README for the staff."""
    if is_site(folder):
        raise ScaffoldError.of("scaffold.already_site", folder, file=SITE_FILE)
    if folder.exists() and any(folder.iterdir()):
        raise ScaffoldError.of("scaffold.not_empty", folder, file=SITE_FILE)
    (folder / "data").mkdir(parents=True)
    (folder / "README.md").write_text((DOCS_DIR / "ja" / "site.md").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / SITE_FILE).write_text(site_toml(new), encoding="utf-8")  # last: a site only once it is whole


def create(new: NewPlan, data_dir: Path, defaults: NewPlanDefaults = NO_SITE_DEFAULTS) -> Path:
    """Write the plan folder under ``data_dir`` and check that it loads; refuse to overwrite."""
    new.check()
    for existing in data_dir.glob(f"{new.lgcode}-*/{DATASET_FILE}"):
        if load(existing.parent).plan.id == new.plan_id:
            raise ScaffoldError.of("scaffold.plan_exists", existing.parent, plan=f"{new.lgcode}/{new.plan_id}")
    folder = data_dir / new.folder_name
    if folder.exists():
        raise ScaffoldError.of("scaffold.folder_exists", folder)
    folder.mkdir(parents=True)
    (folder / DATASET_FILE).write_text(dataset_toml(new, defaults), encoding="utf-8")
    (folder / "source.txt").write_text("", encoding="utf-8")
    (folder / "README.md").write_text(readme(new), encoding="utf-8")
    (folder / GUIDE_FILE).write_text(GUIDE.read_text(encoding="utf-8"), encoding="utf-8")
    load(folder)  # the scaffold must read back as a valid dataset.toml
    return folder
