"""The deal file as a whole: its sections, the libraries it accepts and the wording it negotiated."""

from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, model_validator

from termsmith.deal.fields import ABOUT_THE_FILE
from termsmith.deal.model.agreement import DealInfo, Party, Term
from termsmith.deal.model.base import Spec, one_line
from termsmith.deal.model.disputes import ConflictResolution
from termsmith.deal.model.exit import Exit
from termsmith.deal.model.kinds import Scope
from termsmith.deal.model.money import Budget, Payments
from termsmith.deal.model.protection import DataProtection, Options
from termsmith.deal.model.roles import Governance, Roles
from termsmith.deal.model.service import Slas


class LibraryRequirement(Spec):
    """Which clause library versions the deal accepts."""

    require: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = Field(
        default=None, description=("A version specifier, e.g. '>=2.0,<3'. A library whose library.yaml says it drafts "
                                   "deals written for an earlier version the specifier admits (drafts_deals_for) drafts "
                                   "the deal, with a warning that its wording changed."),
    )


class ClauseOverride(Spec):
    """This deal's own wording for one clause, negotiated in review (`termsmith absorb` writes these).

    A clause of the library gets `text` (its wording for this deal), `title`, `defines` (its wording of terms
    it defines) or `removed: true`; what is not given stays the library's. A clause the library does not
    have is added with `text`, `title` and `after` (the clause it follows); a clause of the library with `after`
    is moved there (into that clause's article if need be), or with `before` in front of the clause it
    precedes (the start of an article, where no clause precedes it). `based_on` is
    the library version the wording was negotiated from: check and outdated warn when the library's
    version of the clause has moved on since."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)

    text: Annotated[str, StringConstraints(min_length=1, max_length=2_000_000)] | None = Field(
        default=None, description=("The clause text for this deal: Markdown as in the library's clause files; "
                                   "cross-references as {{ ref(\"clause.id\") }} keep their live numbers."))
    based_on: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")] | None = Field(
        default=None, description="The library version of the clause this wording was negotiated from.")
    removed: bool = Field(default=False, description="Leave this clause out of the deal.")
    title: Annotated[str, StringConstraints(min_length=1, max_length=120), AfterValidator(one_line)] | None = Field(
        default=None, description="The clause's title (required for an added clause).")
    after: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,79}$")] | None = Field(
        default=None, description=("The id of the clause it follows: where a clause the library does not have is "
                                   "added, or where the library's clause is moved to (in that clause's article)."))
    before: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,79}$")] | None = Field(
        default=None, description=("The id of the clause it precedes: the library's clause is moved in front of it "
                                   "(in that clause's article), e.g. to the start of an article. Not with after."))
    defines: dict[Annotated[str, StringConstraints(min_length=1, max_length=120)],
                  Annotated[str, StringConstraints(min_length=1, max_length=20_000)]] = Field(
        default_factory=dict, description=(
            "This deal's wording of terms the clause defines (term → the definition after the term, "
            "e.g. 'means …'), in place of the library's."))

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        if self.removed and (self.text is not None or self.after is not None or self.before is not None
                             or self.title is not None or self.defines):
            raise ValueError("a removed clause has no text, title, definitions or position")
        if self.after is not None and self.before is not None:
            raise ValueError("give the clause one place: after the clause it follows or before the one it precedes")
        if not self.removed and self.text is None and self.title is None and not self.defines and \
                self.after is None and self.before is None:
            raise ValueError("give the clause's text, title, definitions or place (after or before), or removed: true")
        return self  # an added clause (with after) needs a title and its text: checked with the library


class Deal(Spec):
    """A partnership deal specification (termsmith deal file)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True,
        title="termsmith deal specification",
    )

    termsmith: Annotated[Literal[1], ABOUT_THE_FILE] = Field(description="Version of the deal file format; always 1.")
    deal: DealInfo = Field(description="What the agreement is: id, title, kind, date, law, language, purpose.")
    parties: list[Party] = Field(min_length=2, max_length=20, description="Two or more parties.")
    scope: Scope = Field(default_factory=dict, validate_default=True, description="Kind-specific scope details.")
    term: Term = Field(description="Initial term and renewal.")
    roles: Roles = Field(description="Alliance managers, each party's duties and the optional RACI matrix.")
    governance: Governance | None = Field(default=None, description="Optional; left out, its clauses drop out.")
    slas: Slas | None = Field(default=None, description="Optional; left out, its clauses drop out.")
    budget: Budget | None = Field(default=None, description="Optional; left out, its clauses drop out.")
    payments: Payments | None = Field(
        default=None, description="Optional payments between the parties (referral fees, revenue share, licence fees, …).")
    conflict_resolution: ConflictResolution = Field(description="Escalation ladder, mediation, arbitration or courts.")
    exit: Exit = Field(description="Termination rights, transition, survival and post-termination duties.")
    data_protection: DataProtection | None = Field(default=None, description=(
        "Optional: the personal data the parties share and the role each takes for it, per data flow. Left out, "
        "`options.personal_data` applies."))
    options: Options = Field(default_factory=dict, validate_default=True, description="Confidentiality period, liability cap, personal data.")
    terms: dict[str, Any] | None = Field(default=None, description=(
        "Deal terms the clause library declares in its library.yaml (`termsmith schema --library DIR` lists them); "
        "clause text reads them as terms.NAME."))
    library: Annotated[LibraryRequirement, ABOUT_THE_FILE] = Field(default_factory=dict, validate_default=True,
                                        description="Which clause library versions this deal accepts.")
    overrides: dict[Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,79}$")], ClauseOverride] = \
        Field(default_factory=dict, description=(
            "Clause wording negotiated for this deal, by clause id: replaced, removed or added clauses "
            "(written by `termsmith absorb`)."))

    def party(self, party_id: str) -> Party:
        """The party with this id (ids are checked by validation)."""
        for party in self.parties:
            if party.id == party_id:
                return party
        raise KeyError(party_id)
