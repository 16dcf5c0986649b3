"""How disputes are resolved: the escalation ladder, mediation, arbitration or the courts."""

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from termsmith.deal.model.base import Days, Name, PartyId, Spec


def _without_article(title: str) -> str:
    """A job title without a leading "the": the draft writes "the <title> of <party>" (as `level` loses it in
    `EscalationLevel.title`), so "the CEO" read "the the CEO of Acme"."""
    return re.sub(r"^the\s+", "", title, flags=re.IGNORECASE) or title


class EscalationLevel(Spec):
    """One rung of the escalation ladder."""

    level: Name = Field(description="Who the dispute goes to, e.g. 'Alliance managers' or 'Chief executives' (a title "
                                    "each party has; the draft reads it as 'the chief executive of each Party').")
    days: Days = Field(description="Days this level has to resolve the dispute.")
    representatives: dict[PartyId, Annotated[Name, AfterValidator(_without_article)]] = Field(
        default_factory=dict,
        description="The person of each party at this level, by job title, where the titles differ "
                    "(e.g. {acme: Chief Executive Officer, globex: Managing Partner}); give every party.")

    @property
    def says_whose(self) -> bool:
        """Whether the level's name already says whose people they are ('the directors of each Party')."""
        return bool(re.match(r"the\s.+\sof\s(?:each|both|all|the|every)\s", self.level, flags=re.IGNORECASE))

    @property
    def title(self) -> str:
        """The level as the title of one person of each party: 'Chief executives' → 'chief executive',
        'Heads of sales' → 'head of sales', 'Chief Executive Officers' → 'Chief Executive Officer', 'CEOs' → 'CEO'."""
        name = re.sub(r"^the\s+", "", " ".join(self.level.split()), flags=re.IGNORECASE)
        parts = [_singular_title(part) for part in re.split(r"\s+and\s+", name)]
        text = " and ".join(parts)
        words = text.split(" ")
        first = words[0]
        sentence_case = first[:1].isupper() and first[1:].islower() and (
            len(words) == 1 or not any(w[:1].isupper() for w in words[1:] if w not in ("and", "of")))
        if sentence_case:
            words[0] = first.lower()
        return " ".join(words)


def _singular_word(word: str) -> str:
    if len(word) < 3 or not word.endswith("s") or word.lower().endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.lower().endswith(("ches", "shes", "xes")):
        return word[:-2]
    return word[:-1]


def _singular_title(part: str) -> str:
    """One role in a level's name, in the singular: the word before 'of' ('Heads of sales'), else the last word."""
    words = part.split(" ")
    at = words.index("of") - 1 if "of" in words[1:] else len(words) - 1
    words[at] = _singular_word(words[at])
    return " ".join(words)


class Mediation(Spec):
    """Mediation before final resolution."""

    provider: Name = Field(description="Mediation body, e.g. CEDR.")
    days: Days = Field(description="Days the mediation may take before either party may proceed.")


class Arbitration(Spec):
    """Arbitration details (with final: arbitration)."""

    rules: Name = Field(description="Arbitration rules, e.g. LCIA, ICC, DIS.")
    seat: Name = Field(description="Seat of the arbitration.")
    arbitrators: Literal[1, 3] = Field(description="Number of arbitrators.")
    language: Name = Field(default="English", description="Language of the arbitration.")

    @property
    def known(self) -> bool:
        """Whether termsmith knows these rules by their short name (LCIA, ICC, …) and so their proper name."""
        return self.rules.upper().replace(" ", "") in _ARBITRATION_RULES

    @property
    def rules_title(self) -> str:
        """The rules by their proper name, e.g. 'the LCIA Arbitration Rules'; rules given by their full name
        ('Arbitration Rules of the Finland Arbitration Institute') as given."""
        known = _ARBITRATION_RULES.get(self.rules.upper().replace(" ", ""))
        if known:
            return known[0]
        if _NAMES_RULES.search(self.rules):
            return self.rules if self.rules.lower().startswith("the ") else f"the {self.rules}"
        return f"the arbitration rules of {self.rules}"

    @property
    def institution(self) -> str:
        """The body that administers the arbitration and appoints under its rules, e.g. 'the LCIA Court'."""
        known = _ARBITRATION_RULES.get(self.rules.upper().replace(" ", ""))
        if known:
            return known[1]
        return "the institution that administers those rules" if _NAMES_RULES.search(self.rules) else self.rules


# Common arbitration rules: (their proper name, the body that appoints arbitrators under them).
_NAMES_RULES = re.compile(r"\brules\b", re.IGNORECASE)  # "… Arbitration Rules of …": a full name, used as given
_ARBITRATION_RULES = {
    "LCIA": ("the LCIA Arbitration Rules", "the LCIA Court"),
    "ICC": ("the Rules of Arbitration of the International Chamber of Commerce",
            "the International Court of Arbitration of the International Chamber of Commerce"),
    "SIAC": ("the Arbitration Rules of the Singapore International Arbitration Centre",
             "the Court of Arbitration of the Singapore International Arbitration Centre"),
    "DIS": ("the Arbitration Rules of the German Arbitration Institute (DIS)", "the German Arbitration Institute (DIS)"),
    "HKIAC": ("the HKIAC Administered Arbitration Rules", "the Hong Kong International Arbitration Centre"),
    "SCC": ("the Arbitration Rules of the Arbitration Institute of the Stockholm Chamber of Commerce",
            "the Arbitration Institute of the Stockholm Chamber of Commerce"),
    "NAI": ("the Arbitration Rules of the Netherlands Arbitration Institute", "the Netherlands Arbitration Institute"),
    "ICDR": ("the International Arbitration Rules of the International Centre for Dispute Resolution",
             "the International Centre for Dispute Resolution"),
    "AAA/ICDR": ("the International Arbitration Rules of the International Centre for Dispute Resolution",
                 "the International Centre for Dispute Resolution"),
    "JAMS": ("the JAMS International Arbitration Rules", "JAMS"),
    "AAA": ("the Commercial Arbitration Rules of the American Arbitration Association",
            "the American Arbitration Association"),
    "CPR": ("the CPR Administered Arbitration Rules",
            "the International Institute for Conflict Prevention and Resolution (CPR)"),
    "VIAC": ("the Vienna Rules of the Vienna International Arbitral Centre",
             "the Board of the Vienna International Arbitral Centre"),
    "SWISSRULES": ("the Swiss Rules of International Arbitration", "the Swiss Arbitration Court"),
    "SWISS": ("the Swiss Rules of International Arbitration", "the Swiss Arbitration Court"),
    "CIETAC": ("the CIETAC Arbitration Rules", "the China International Economic and Trade Arbitration Commission"),
    "UNCITRAL": ("the UNCITRAL Arbitration Rules", "the appointing authority under those rules"),
}


class Courts(Spec):
    """Court details (with final: courts)."""

    venue: Name = Field(description="Where proceedings are brought, e.g. London, Dublin, New York County.")
    legal_system: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")] | None = Field(
        default=None, description="Whose courts (a legal system id, e.g. ireland); default: the deal's legal system.")
    exclusive: bool = Field(default=True, description="Whether those courts have exclusive jurisdiction.")


class ConflictResolution(Spec):
    """How disputes are escalated and finally decided."""

    escalation: list[EscalationLevel] = Field(description="The escalation ladder, lowest level first.")
    mediation: Mediation | None = Field(default=None, description="Optional mediation step.")
    final: Literal["arbitration", "courts"] = Field(description="How disputes are finally decided.")
    arbitration: Arbitration | None = Field(default=None, description="Required with final: arbitration.")
    courts: Courts | None = Field(default=None, description="Required with final: courts.")
