"""What the pages say about each plan, and about the site.

A plan's statements (who publishes its data, its rights, whether it is an official
publication of the city, the scope of its source, its note on the SDGs) come from that
plan's ``dataset.toml``, carried into the graph by the build and read back with the
``plan-notices`` query; the site's (its title, operator and contact) come from the site
settings (``planlod.toml``). No template carries a sentence written for one city.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from planlod.iri import plan_of
from server.backend import Backend, named_queries
from server.i18n import gettext, lang


@dataclass(frozen=True)
class PlanNotice:
    """One plan's statements about itself, in the interface language."""

    plan: str
    title: str
    municipality: str
    publisher: str
    rights: tuple[str, ...]
    scope: str
    sdg_note: str

    def statements(self) -> list[str]:
        """For the footer of the plan's pages and beside the plan on the home page."""
        lines = [gettext("published_by").format(title=self.title, publisher=self.publisher), *self.rights]
        if self.scope:
            lines.append(gettext("source_scope").format(scope=self.scope))
        return lines

    def sdg_disclaimer(self) -> list[str]:
        """Above the SDG suggestions: they are the tool's, not the municipality's; then the plan's own note."""
        return [gettext("sdg_disclaimer").format(municipality=self.municipality), *filter(None, [self.sdg_note])]


def plan_notices(backend: Backend, plan: str | None = None) -> dict[str, PlanNotice]:
    """Every plan's notice (or only ``plan``'s), by plan IRI."""
    query = named_queries()["plan-notices"]
    values = {"lang": lang(), **({"plan": plan} if plan else {})}
    found = {}
    for row in backend.select(query.text, **query.bindings(values)):
        iri = str(row["__plan_iri"]) if "__plan_iri" in row else plan
        found[iri] = PlanNotice(
            plan=iri,
            title=str(row["title"]),
            municipality=str(row["municipalityName"]),
            publisher=str(row["publisherName"]),
            rights=tuple(line for line in str(row.get("rights", "")).split("\n") if line),
            scope=str(row.get("scope", "")),
            sdg_note=str(row.get("sdgNote", "")),
        )
    return found


def notice_for(backend: Backend, iri: str) -> PlanNotice | None:
    """The notice of the plan that ``iri`` belongs to, if it belongs to one."""
    plan = plan_of(iri, backend.settings.base_iri)
    return plan_notices(backend, plan).get(plan) if plan else None


def site_context() -> dict[str, str]:
    """The site's own statements, from its settings, for every page."""
    settings = current_app.config["PLANLOD"]
    ja = lang() == "ja"
    return {
        "site_title": settings.site_title_ja if ja else settings.site_title_en,
        "operator": (settings.operator_ja if ja else settings.operator_en) or settings.operator_ja,
        "operator_url": settings.operator_url,
        "contact_email": settings.contact_email,
    }
