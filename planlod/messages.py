"""What a city's staff are told: one catalogue of messages, in Japanese and in English.

Every error and warning that ``build``, ``validate`` and ``new-plan`` show comes from
here. Code raises a :class:`PlanError` with a message id, its parameters and where it
was found (file and line); the message is put into words only when it is shown, in
the language of the command (``--lang``) or of the locale (``LANG``, ``LC_ALL``,
``LC_MESSAGES``). Each template says what was read, what was expected and how to fix it.

The catalogue itself lives in :mod:`planlod.catalogue`, one entry per message id.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Self

from planlod.catalogue import CATALOGUE

Lang = Literal["ja", "en"]
LANGUAGES: tuple[Lang, ...] = ("ja", "en")
SEPARATOR = {"ja": "、", "en": ", "}


def language(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> Lang:
    """``explicit`` if given, else Japanese when the locale is Japanese, else English.

    The locale variables are read in POSIX order: ``LC_ALL`` overrides ``LC_MESSAGES``,
    which overrides ``LANG``.
    """
    if explicit in LANGUAGES:
        return explicit  # type: ignore[return-value]
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


@dataclass(frozen=True)
class Phrase:
    """A catalogued piece of a message (a column's name, a list item), worded in the message's language."""

    id: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: Lang) -> str:
        templates = CATALOGUE[self.id]
        values = {name: _word(value, lang) for name, value in self.params.items()}
        return templates[lang].format(**values)


def phrase(id: str, **params: Any) -> Phrase:
    return Phrase(id, params)


def _word(value: Any, lang: Lang) -> str:
    if isinstance(value, Phrase):
        return value.text(lang)
    if isinstance(value, dict) and lang in value:  # a text already worded in each language
        return str(value[lang])
    if isinstance(value, list | tuple):
        return SEPARATOR[lang].join(_word(v, lang) for v in value)
    return str(value)


@dataclass(frozen=True)
class Message(Phrase):
    """A catalogued message with where it applies: a file and, when known, a line."""

    path: str | None = None
    line: int | None = None

    def where(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def render(self, lang: Lang | None = None) -> str:
        """``file:line: text`` in ``lang`` (the locale's language by default)."""
        lang = lang or language()
        where = self.where()
        return f"{where}: {self.text(lang)}" if where else self.text(lang)


class PlanError(ValueError):
    """An error in what a city's staff wrote, carrying a :class:`Message`.

    ``str()`` renders it in the locale's language; the CLI renders it in the command's.
    Exceptions cross process boundaries in the build, so pickling keeps the message.
    """

    def __init__(self, message: Message | str) -> None:
        # A plain text is taken as it is (in one language): code written before its message was catalogued.
        self.message = message if isinstance(message, Message) else Message("plain", {"text": message})
        super().__init__(self.message.render())

    def render(self, lang: Lang | None = None) -> str:
        return self.message.render(lang)

    @property
    def path(self) -> Path | None:
        return None if self.message.path is None else Path(self.message.path)

    @property
    def line(self) -> int | None:
        return self.message.line

    @property
    def reason(self) -> str:
        """The message without its location, in the locale's language."""
        return self.message.text(language())

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message,))

    @classmethod
    def of(cls, id: str, path: Path | str | None = None, line: int | None = None, **params: Any) -> Self:
        """The error of catalogue message ``id`` at ``path:line``."""
        return cls(Message(id, params, None if path is None else str(path), line))
