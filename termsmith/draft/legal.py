"""The legal system a deal is drafted under, and the language its text is written in.

Both come from the library (library.yaml `legal_systems`, `house_style.styles` and `languages`): the
system is the one `deal.governing_law` names (or `deal.legal_system`, when given), and it brings the
house style of its law (spelling and terms, paper, date style) and the facts clause text reads
(`legal_system.courts`, …). Nothing about any particular law is written here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from termsmith.draft.document import DEFAULT_WORDS
from termsmith.draft.housestyle import NO_RESTYLE, Restyle, restyle as restyle_of
from termsmith.errors import InputError, Problem
from termsmith.library.clauses import LanguageSpec, LegalSystemSpec, Library, StyleSpec

DEFAULT_LANGUAGE = "en"
DEFAULT_LOCALE = "en-GB"

class Facts:
    """A legal system as clause text reads it (`legal_system.courts`): read-only attributes, no methods."""

    def __init__(self, fields: dict[str, object]) -> None:
        self.__dict__.update(fields)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a legal system's facts cannot be changed ({name})")

    def __repr__(self) -> str:
        return "Facts(" + ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items()) + ")"


ProblemAt = Callable[..., Problem]  # Source.problem(path, message, code=…): a problem located in the deal file


@dataclass(frozen=True)
class Jurisdiction:
    """How one deal is drafted: under which system, in which style and language."""

    system: LegalSystemSpec | None  # None: the library defines no legal systems
    court_system: LegalSystemSpec | None  # whose courts `conflict_resolution.courts` names
    style: StyleSpec | None
    text_language: str  # the language of the clause text, e.g. "en"
    locale: str  # dates and numbers, e.g. "en-US"
    document_language: str  # what Word's proofing tools are told, e.g. "en-US"
    paper: str  # A4 | Letter
    words: tuple[tuple[str, str], ...]  # cover and execution words
    restyle: Restyle
    # where a joint venture company is incorporated, when the library knows that place as a legal system
    # (a Delaware vehicle of an English-law deal); else the deal's own system
    vehicle_system: LegalSystemSpec | None = None

    def record(self, system: LegalSystemSpec | None = None) -> Facts:
        """A legal system as clause text sees it: id, name, style, paper, and its facts."""
        system = system or self.system
        if system is None:
            return Facts({"id": None, "name": None, "style": None, "paper": self.paper})
        return Facts({**dict(system.facts), "id": system.id, "name": system.name, "style": system.style,
                       "paper": self.paper})


def _normal(name: str) -> str:
    text = " ".join(re.sub(r"[^\w&]+", " ", name.casefold()).split())
    text = re.sub(r"^(the )?laws? of ", "", text)
    return re.sub(r"^the ", "", text)


def find_system(library: Library, name: str) -> LegalSystemSpec | None:
    wanted = _normal(name)
    for system in library.manifest.legal_systems:
        if wanted in {_normal(n) for n in (system.id, system.name, *system.aliases)}:
            return system
    return None


def _offered(library: Library) -> str:
    return ", ".join(f"{s.name} ({s.id})" for s in library.manifest.legal_systems)


def languages(library: Library) -> tuple[LanguageSpec, ...]:
    return library.manifest.languages or (LanguageSpec(DEFAULT_LANGUAGE, "English", tuple(DEFAULT_WORDS.items())),)


def resolve(deal, library: Library, problem: ProblemAt) -> Jurisdiction:
    """The deal's legal system, style and language, or every reason it cannot be drafted, located."""
    info = deal.deal
    problems: list[Problem] = []
    systems = library.manifest.legal_systems
    system = None
    if getattr(info, "legal_system", None):
        system = next((s for s in systems if s.id == info.legal_system), None)
        if system is None:
            problems.append(problem(("deal", "legal_system"), (
                f"'{info.legal_system}' is not a legal system of {library.manifest.name}"
                + (f"; it drafts for: {_offered(library)}" if systems else ", which drafts for none")),
                code="legal-system"))
    elif systems:
        system = find_system(library, info.governing_law)
        if system is None:
            problems.append(problem(("deal", "governing_law"), (
                f"{library.manifest.name} has no legal system called '{info.governing_law}'; it drafts for: "
                f"{_offered(library)}. Name one of them, or set deal.legal_system to the system whose "
                "vocabulary and mechanics the draft should follow"), code="legal-system"))

    court_system = system
    courts = deal.conflict_resolution.courts
    wanted_courts = getattr(courts, "legal_system", None) if courts is not None else None
    if wanted_courts:
        court_system = next((s for s in systems if s.id == wanted_courts), None)
        if court_system is None:
            problems.append(problem(("conflict_resolution", "courts", "legal_system"), (
                f"'{wanted_courts}' is not a legal system of {library.manifest.name}"
                + (f"; it drafts for: {_offered(library)}" if systems else ", which drafts for none")),
                code="legal-system"))

    jv = getattr(getattr(deal, "scope", None), "joint_venture", None)
    vehicle = getattr(jv, "vehicle", None) if jv is not None else None
    vehicle_system = (find_system(library, vehicle.jurisdiction) if vehicle is not None else None) or system

    offered = languages(library)
    codes = [lang.code for lang in offered]
    asked_text = getattr(info, "text_language", None)
    asked = asked_text or (info.language.split("-")[0] if info.language else codes[0])
    language = next((lang for lang in offered if lang.code == asked), None)
    if language is None:
        names = ", ".join(f"{lang.name} ({lang.code})" for lang in offered)
        field, shown = (("deal", "text_language"), asked_text) if asked_text else (("deal", "language"), info.language)
        hint = "" if asked_text else (
            f"; to draft in {offered[0].name} with the dates and numbers of {info.language}, "
            f"add text_language: {offered[0].code}")
        problems.append(problem(field, (
            f"{library.manifest.name} has no clause text in '{shown}': it offers {names}{hint}"), code="language"))
    if problems:
        raise InputError(problems)

    style = next((s for s in library.manifest.house_style.styles if system and s.name == system.style), None)
    default_locale = (system.locale if system else None) or (style.locale if style else DEFAULT_LOCALE)
    locale = info.language or default_locale
    if locale.split("-")[0] == language.code:
        document_language = locale
    elif default_locale.split("-")[0] == language.code:
        document_language = default_locale
    else:
        document_language = language.code
    restyle = restyle_of((*(style.replace if style else ()), *(system.replace if system else ()))) if system else NO_RESTYLE
    return Jurisdiction(
        system=system, court_system=court_system, style=style, text_language=language.code, locale=locale,
        document_language=document_language, paper=style.paper if style else "A4",
        words=tuple({**DEFAULT_WORDS, **dict(language.words), **dict(style.words if style and system else ())}.items()),
        restyle=restyle, vehicle_system=vehicle_system,
    )
