"""The ``planlod`` command: one click group, each command a thin call into the library.

Errors a user can fix (a malformed source, a missing build, a bad setting) print one
line and exit 1; they never show a traceback. What build, validate and new-plan say comes
from the message catalogue (:mod:`planlod.messages`), in the language of ``--lang`` or of
the locale.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from planlod import __version__, messages, site
from planlod.build import BuildError, current_release
from planlod.config import ConfigError, Settings
from planlod.dataset import DatasetError
from planlod.linking import LinkError
from planlod.messages import Phrase, PlanError, phrase
from planlod.publish import PublishError
from planlod.queries import ParameterError, QueryFileError
from planlod.query import QueryError
from planlod.queryprocess import WorkerRefused
from planlod.reason import JavaMissing, ReasonerError
from planlod.scaffold import ScaffoldError
from planlod.site import SiteError
from planlod.source import SourceError
from planlod.synth import SynthError

err = Console(stderr=True)
out = Console()

SUMMARY_ROWS = 10  # plans listed one by one after a build
FINDING_ROWS = 50  # warnings listed one by one after a build
LANG = "planlod.lang"  # the language of messages, in click's context meta

USER_ERRORS = (
    SourceError,
    DatasetError,
    BuildError,
    ConfigError,
    QueryError,
    ParameterError,
    QueryFileError,
    SynthError,
    PublishError,
    LinkError,
    ScaffoldError,
    SiteError,
    JavaMissing,
    ReasonerError,
    FileNotFoundError,
    WorkerRefused,
)


def lang_of() -> messages.Lang:
    """The language chosen with ``--lang``, else the locale's."""
    ctx = click.get_current_context(silent=True)
    return (ctx.meta.get(LANG) if ctx else None) or messages.language()


def say(id: str, **params: Any) -> str:
    """A catalogued message (planlod/catalogue.py) in the command's language."""
    return phrase(id, **params).text(lang_of())


class UserError(click.ClickException):
    """One line for the user, introduced by "Error" in their language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.word = say("cli.error")  # now: when it is shown, the command's context is gone

    def show(self, file: Any = None) -> None:
        click.echo(f"{self.word}: {self.format_message()}", file=file, err=file is None)


def user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the errors a user can act on into one clear line and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PlanError as exc:
            raise UserError(exc.render(lang_of())) from None
        except USER_ERRORS as exc:
            raise UserError(str(exc)) from None

    return wrapper


def settings_from(ctx: click.Context) -> Settings:
    return ctx.obj


reasoner_option = click.option(
    "--reasoner/--no-reasoner",
    default=None,
    help="Prove the data consistent with the ontology (HermiT, needs Java); on unless PLANLOD_REASONER=0.",
)


@click.group()
@click.version_option(__version__, prog_name="planlod")
@click.option(
    "--site",
    "site_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The site folder (with planlod.toml; default: the current folder or the nearest one above it).",
)
@click.option(
    "--lang",
    type=click.Choice(["ja", "en"]),
    help="Language of messages (default: the locale's, from LC_ALL, LC_MESSAGES or LANG).",
)
@click.option("--base-iri", help="Base of every IRI (default https://w3id.org/jp-cityplan/, or PLANLOD_BASE_IRI).")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), help="Folder of plan folders.")
@click.option("--build-dir", type=click.Path(path_type=Path, file_okay=False), help="Where builds are published.")
@click.pass_context
@user_errors
def cli(
    ctx: click.Context,
    site_dir: Path | None,
    lang: str | None,
    base_iri: str | None,
    data_dir: Path | None,
    build_dir: Path | None,
) -> None:
    """Publish a municipality's comprehensive plan as Linked Open Data."""
    ctx.meta[LANG] = messages.language(lang)
    ctx.obj = Settings.from_env(site_dir=site_dir, base_iri=base_iri, data_dir=data_dir, build_dir=build_dir)


def require_site(settings: Settings) -> None:
    """Stop a command that needs plans when it runs outside any site (and was given no data folder)."""
    if not site.is_site(settings.site_dir) and not settings.data_dir.is_dir():
        raise site.not_a_site(settings.site_dir)


def progress_bar() -> Progress:
    """A spinner while the phase has no count, a bar with count/total while it has one."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
    )


def run_with_progress(work: Callable[..., Any], title: str) -> Any:
    """Call ``work(step)``, showing its ``step(what, done, total)`` reports on stderr in the command's language."""
    lang = lang_of()
    with progress_bar() as bar:
        task = bar.add_task(title, total=None)

        def step(what: str | Phrase, done: int | None = None, total: int | None = None) -> None:
            what = what.text(lang) if isinstance(what, Phrase) else what
            if total is None:
                bar.update(task, description=what, completed=0, total=None)
            else:
                bar.update(task, description=what, completed=done, total=total)

        return work(step)


def run_build(settings: Settings, out_dir: Path | None, workers: int | None = None) -> Any:
    from planlod import build

    require_site(settings)
    title = say("progress.build")
    return run_with_progress(lambda step: build.run(settings, out_dir, step=step, workers=workers), title)


@cli.command("build")
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), help="Output folder (default build/)."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes for the per-plan work (default: one per core when there are many plans).",
)
@reasoner_option
@click.pass_obj
@user_errors
def build_command(settings: Settings, out_dir: Path | None, workers: int | None, reasoner: bool | None) -> None:
    """Parse, check and publish every plan under the data folder."""
    settings = settings.with_(reasoner=reasoner)
    result = run_build(settings, out_dir, workers)
    table = Table(title=say("cli.published" if result.published else "cli.unchanged", release=result.release))
    for column in say("cli.build_columns").split("	"):
        table.add_column(column)
    counted = ("policies", "initiatives", "commitments", "sector_plans", "glossary_terms")
    plans = result.stats["plans"]
    # A national build has 1,741 plans: list the first few, then the totals.
    for plan in plans[:SUMMARY_ROWS]:
        table.add_row(plan["key"], *(str(plan[k]) for k in counted))
    if len(plans) > SUMMARY_ROWS:
        table.add_row(say("cli.more_plans", count=len(plans) - SUMMARY_ROWS), *("" for _ in counted))
    if len(plans) > 1:
        table.add_row(say("cli.all_plans", count=len(plans)), *(str(sum(p[k] for p in plans)) for k in counted))
    out.print(table)
    warnings = [f for f in result.report.sorted() if f.severity != "Violation"]
    where = finding_locations(settings, result.release, warnings[:FINDING_ROWS])
    for index, finding in enumerate(warnings[:FINDING_ROWS]):
        out.print(finding.line(lang_of(), where.get(index)), soft_wrap=True, markup=False)
    if len(warnings) > FINDING_ROWS:
        out.print(say("cli.more_findings", count=len(warnings) - FINDING_ROWS))
    owl = say("cli.owl_checked") if result.report.reasoned else say("cli.owl_skipped")
    out.print(say("cli.build_summary", quads=result.stats["quads"], warnings=len(warnings), owl=owl), soft_wrap=True)


def finding_locations(settings: Settings, release: Path, findings: list[Any]) -> dict[int, str]:
    """``source.txt:62`` for each finding whose resource cites its source lines."""
    from planlod import dataset as datasets
    from planlod import locate
    from planlod import store as stores

    if not findings:
        return {}
    try:
        store = stores.open_read_only(release / stores.STORE_DIR)
    except FileNotFoundError:
        return {}  # a release without its store (a dump alone) is still validated, without lines
    return locate.locations(store, findings, datasets.discover(settings.data_dir), settings.base_iri)


@cli.command("synth")
@click.option(
    "--municipalities",
    "count",
    type=click.IntRange(min=1),
    required=True,
    help="How many synthetic plans (one per municipality); Japan has 1,741 municipalities.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write the plan folders into (empty, or an earlier synthetic corpus).",
)
@user_errors
def synth_command(count: int, out_dir: Path) -> None:
    """Write a deterministic synthetic national corpus, for measurements (never real data)."""
    from planlod import synth

    folders = run_with_progress(lambda step: synth.generate(count, out_dir, step), "synthesise")
    out.print(f"{len(folders)} synthetic plan folder(s) in {out_dir}; build them with")
    out.print(f"  planlod --data-dir {out_dir} build --out DIR")


def require_release(settings: Settings) -> Path:
    release = current_release(settings.build_dir)
    if release is None:
        require_site(settings)
        raise UserError(say("cli.no_build", folder=settings.build_dir))
    return release


@cli.command("validate")
@click.option("--lang", type=click.Choice(["ja", "en"]), help="Language of messages (as planlod --lang).")
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the SHACL report (Turtle) here.",
)
@reasoner_option
@click.pass_obj
@user_errors
def validate_command(settings: Settings, lang: str | None, report_path: Path | None, reasoner: bool | None) -> None:
    """Check the built data against the shapes and the ontology; exit 1 on any violation."""
    from planlod import validate

    if lang:
        click.get_current_context().meta[LANG] = lang
    settings = settings.with_(reasoner=reasoner)
    if settings.reasoner:
        from planlod.reason import require_java

        require_java()  # say so before the shapes have run for nothing
    release = require_release(settings)
    report = run_with_progress(
        lambda step: validate.check_release(release, reasoner=settings.reasoner, step=step), say("progress.validate")
    )
    print_report(report, finding_locations(settings, release, report.sorted()))
    if report_path:
        report.shacl_report().serialize(report_path, format="turtle", encoding="utf-8")
    if not report.conforms:
        sys.exit(1)


SEVERITY_STYLE = {"Violation": "bold red", "Warning": "yellow", "Info": "cyan"}


def print_report(report: Any, where: dict[int, str]) -> None:
    """The findings as a table (where in the source, what, why), then one line with the verdict."""
    from rich.markup import escape

    title, *columns = say("cli.report_columns").split("\t")
    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold")
    for index, finding in enumerate(report.sorted()):
        severity = f"[{SEVERITY_STYLE.get(finding.severity, '')}]{say(f'finding.severity.{finding.severity}')}[/]"
        row = (where.get(index, ""), finding.focus, compact(finding.path), finding.message(lang_of()))
        table.add_row(severity, *(escape(cell) for cell in row))
    if report.findings:
        out.print(table)
    verdict = (
        say("cli.verdict_conforms") if report.conforms else say("cli.verdict_violations", count=len(report.violations))
    )
    owl = say("cli.owl_checked_short") if report.reasoned else say("cli.owl_skipped")
    out.print(say("cli.validate_summary", verdict=verdict, findings=len(report.findings), owl=owl), soft_wrap=True)


def compact(iri: str | None) -> str:
    """``jcp:necessity`` for a path IRI in a known namespace, to keep the table narrow."""
    from planlod.vocab import PREFIXES

    if not iri:
        return ""
    inverse, name = ("^", iri[1:]) if iri.startswith("^") else ("", iri)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda item: -len(str(item[1]))):
        if name.startswith(str(ns)):
            return f"{inverse}{prefix}:{name[len(str(ns)) :]}"
    return iri


@cli.command("query")
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv"]), default="table", show_default=True)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter of a named query.")
@click.pass_obj
@user_errors
def query_command(settings: Settings, query: str, fmt: str, params: tuple[str, ...]) -> None:
    """Run a named query of queries/ (e.g. actor-commitments), a .rq file or a SPARQL string on the built data."""
    from planlod import store as stores
    from planlod.queries import load_all
    from planlod.query import format_results, read_query

    release = require_release(settings)
    values = dict(_split_param(p) for p in params)
    named = load_all().get(query)
    if named is not None:
        text, bindings = named.plain_text, named.plain_bindings(values)  # columns named as in the API
    elif values:
        raise click.UsageError("--param only applies to the named queries of queries/")
    else:
        text, bindings = read_query(query), {}
    store = stores.open_read_only(release / stores.STORE_DIR)
    click.echo(format_results(store, text, fmt, bindings, lang_of()), nl=False)


def _split_param(raw: str) -> tuple[str, str]:
    name, sep, value = raw.partition("=")
    if not sep:
        raise click.BadParameter(f"{raw!r} is not NAME=VALUE", param_hint="--param")
    return name, value


@cli.command("new-plan")
@click.option("--lgcode", required=True, help="The six-digit local government code, e.g. 271004.")
@click.option("--name-ja", required=True, help="The municipality's name in Japanese, e.g. 大阪市.")
@click.option("--name-en", required=True, help="Its name in English, e.g. Osaka City.")
@click.option("--plan", "plan_id", help="The plan's id in IRIs, e.g. 6th (default: [new-plan] plan, or 1st).")
@click.option("--title-ja", help="The plan's title in Japanese (default: {name}総合計画).")
@click.option("--title-en", help="The plan's title in English.")
@click.pass_obj
@user_errors
def new_plan_command(
    settings: Settings, lgcode: str, name_ja: str, name_en: str, plan_id: str | None, title_ja: str | None,
    title_en: str | None,
) -> None:  # fmt: skip
    """Make a plan folder (dataset.toml, an empty source, a README in Japanese) that builds as it is.

    Outside any site, the current folder (or --site DIR), which must be empty, becomes the site."""
    from planlod.scaffold import NewPlan, create, create_site

    defaults = site.new_plan_defaults(settings.site_dir)
    new = NewPlan(lgcode, name_ja, name_en, plan_id or defaults.plan, title_ja, title_en)
    if not site.is_site(settings.site_dir):
        new.check()  # nothing is written for a plan that would be refused
        create_site(new, settings.site_dir)
        out.print(say("cli.created_site", folder=settings.site_dir, file=site.SITE_FILE), soft_wrap=True, markup=False)
    folder = create(new, settings.data_dir, defaults)
    out.print(say("cli.created", folder=folder), soft_wrap=True, markup=False)


@cli.command("link")
@click.option("--from", "source_key", required=True, help="The plan whose initiatives are linked, e.g. 272116/5th.")
@click.option("--to", "target_key", required=True, help="The other plan, e.g. 271004/1st.")
@click.option("--top", default=3, show_default=True, help="Candidates kept per initiative.")
@click.option("--min-score", default=0.15, show_default=True, help="Candidates below this score are dropped.")
@click.pass_obj
@user_errors
def link_command(settings: Settings, source_key: str, target_key: str, top: int, min_score: float) -> None:
    """Suggest cross-plan links into the plan's links.toml, for a person to accept or reject."""
    from planlod import dataset as datasets
    from planlod import linking
    from planlod import store as stores
    from planlod.iri import Minter

    release = require_release(settings)
    plans = {info.key: info for info in datasets.discover(settings.data_dir)}
    if source_key not in plans:
        raise UserError(say("cli.link_no_plan", plan=source_key, folder=settings.data_dir, known=sorted(plans)))
    store = stores.open_read_only(release / stores.STORE_DIR)

    def plan_iri(key: str) -> str:
        lgcode, _, plan_id = key.partition("/")
        return str(Minter(settings.base_iri, lgcode, plan_id).plan)

    ours = linking.initiatives_of(store, plan_iri(source_key))
    theirs = linking.initiatives_of(store, plan_iri(target_key))
    if not theirs:
        raise UserError(say("cli.link_no_initiatives", plan=target_key))
    review = plans[source_key].directory / linking.LINKS_FILE
    decisions = linking.review(review, ours, theirs, top, min_score)
    open_ones = sum(1 for d in decisions if d.status == "suggested")
    kept = len(decisions) - open_ones
    out.print(say("cli.link_review", file=review, open=open_ones, kept=kept), soft_wrap=True, markup=False)


@cli.command("publish")
@click.option("--store", "store_url", help="sparql+http://host:port/query (default: PLANLOD_STORE).")
@click.option("--gsp", default="", help="Graph Store Protocol endpoint, when it is not Oxigraph's /store.")
@click.pass_obj
@user_errors
def publish_command(settings: Settings, store_url: str | None, gsp: str) -> None:
    """Publish the current build to an external SPARQL store, one named graph at a time."""
    from planlod.publish import StoreEndpoints, publish

    release = require_release(settings)
    endpoints = StoreEndpoints.from_setting(store_url or settings.store, gsp or settings.store_gsp)
    count = run_with_progress(lambda step: publish(release, endpoints, settings.base_iri, step), "publish")
    out.print(f"published {release.name}: {count} named graphs to {endpoints.gsp}")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (0.0.0.0: every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--public-url", help="Public base URL of absolute links (default: PLANLOD_PUBLIC_URL, else the bind).")
@click.option("--workers", type=click.IntRange(min=1), help="HTTP worker processes (default: one per core).")
@click.option("--threads", type=click.IntRange(min=1), help="Python threads per worker, at most (default 64).")
@click.option("--get", "get_path", help="Run one GET request in-process, print it and exit (1 unless 200).")
@click.pass_obj
@user_errors
def serve_command(
    settings: Settings, host: str, port: int, public_url: str | None, workers: int | None, threads: int | None,
    get_path: str | None,
) -> None:  # fmt: skip
    """Serve the built data (building first if there is none) until Ctrl-C or SIGTERM."""
    from planlod.querybroker import brokered
    from server import serve

    if current_release(settings.build_dir) is None:
        err.print(say("cli.building_first"))
        run_build(settings, None)
    settings = settings.with_(public_url=public_url)
    bound = serve.bind_url(host, port)
    if not settings.public_url:
        if host in serve.WILDCARDS:
            err.print(f"no public URL set: absolute links will say {bound}; give --public-url", soft_wrap=True)
        settings = settings.with_(public_url=bound)
    if get_path:
        from server import create_app

        response = create_app(settings).test_client().get(get_path)
        click.echo(response.get_data(as_text=True))
        sys.exit(0 if response.status_code == 200 else 1)
    workers = workers or serve.default_workers()
    threads = threads or serve.DEFAULT_THREADS
    where = settings.public_url if settings.public_url == bound else f"{settings.public_url} (bound to {bound})"
    click.echo(f"planlod serving {require_release(settings).name} at {where}, {workers} workers × {threads} threads")
    # One query broker for all the HTTP workers, started before them; stopped once they are.
    # However the server ends, it dies with it (planlod.sandbox.die_with_parent).
    with brokered(settings) as served:
        serve.run(served, host, port, workers, threads)


@cli.command("diagram")
@click.option("--readme", type=click.Path(path_type=Path, dir_okay=False), help="Rewrite this file's diagram block.")
def diagram_command(readme: Path | None) -> None:
    """Print the ontology as a Mermaid class diagram (or refresh it in README.md)."""
    from planlod.diagram import mermaid, update_readme

    if readme:
        changed = update_readme(readme)
        click.echo(f"{readme}: {'updated' if changed else 'already up to date'}")
    else:
        click.echo(mermaid())
