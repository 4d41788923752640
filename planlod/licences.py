"""The licences a plan's dataset.toml may choose, by short name or by IRI.

Japanese municipalities publish open data under the Digital Agency's 公共データ利用規約
(PDL 1.0, compatible with CC BY 4.0) or under CC BY 4.0 itself. A catalogue describes the
licence as a ``dct:LicenseDocument`` with a title; CKAN matches a licence against its
licence register by URL, then by title, so ``ckan_title`` is the title CKAN's default
register gives it (none has PDL 1.0: a CKAN site adds it to its own register by URL).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    key: str
    iri: str
    title_ja: str
    title_en: str
    # The title CKAN's default licence register knows it by, used as the untagged dct:title.
    ckan_title: str = ""
    # ADMS licence type (http://purl.org/adms/licencetype/…): both usual choices ask only for attribution.
    kind: str = ""


KNOWN = (
    Licence(
        "CC-BY-4.0",
        "https://creativecommons.org/licenses/by/4.0/",
        "クリエイティブ・コモンズ 表示 4.0 国際",
        "Creative Commons Attribution 4.0 International",
        ckan_title="Creative Commons Attribution",
        kind="Attribution",
    ),
    Licence(
        "PDL-1.0",
        "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0",
        "公共データ利用規約 第1.0版",
        "Public Data License (Version 1.0)",
        kind="Attribution",
    ),
)
_BY_KEY = {licence.key.lower(): licence for licence in KNOWN}
_BY_IRI = {licence.iri: licence for licence in KNOWN}


def by_key(choice: str) -> Licence | None:
    """The licence a dataset.toml names by its short name (``PDL-1.0``, ``cc-by-4.0``), or None."""
    return _BY_KEY.get(choice.strip().lower())


def describe(iri: str) -> Licence:
    """What is known of the licence ``iri``; an unknown IRI is titled by itself."""
    return _BY_IRI.get(iri) or Licence(iri, iri, iri, iri)
