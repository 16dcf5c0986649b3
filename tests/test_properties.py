"""Property tests: generated deal files either draft or fail with a TermsmithError, never anything else."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from termsmith import api
from termsmith.errors import TermsmithError
from termsmith.deal.load import load_bytes
from termsmith.render import render
from termsmith.deal.validate import validate

from .conftest import canonical_data

BASE = canonical_data()
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=30)
numbers = st.one_of(st.integers(-5, 400), st.floats(-1, 200, allow_nan=False), st.none())

# (path, strategy) pairs a generated deal may change
FIELDS = [
    (("parties", 0, "name"), text),
    (("parties", 1, "short_name"), text),
    (("parties", 0, "address"), text),
    (("deal", "title"), text),
    (("deal", "purpose"), text),
    (("deal", "kind"), st.sampled_from(["technology", "reseller", "strategic_alliance", "joint_venture",
                                        "managed_service", "franchise"])),
    (("deal", "language"), st.sampled_from(["en-GB", "en-US", "de-DE", "fr-FR", "english", "xx-XX", "zz"])),
    (("term", "initial_months"), numbers),
    (("term", "renewal"), st.sampled_from(["automatic", "by_agreement", "none"])),
    (("budget", "total"), numbers),
    (("budget", "cost_sharing", "acme"), numbers),
    (("budget", "payment_terms_days"), numbers),
    (("slas", "service_credit_cap_percent"), numbers),
    (("slas", "metrics", 0, "target"), numbers),
    (("exit", "termination_for_cause", "cure_days"), numbers),
    (("exit", "transition", "assistance_months"), numbers),
    (("exit", "transition", "fees"), st.sampled_from(["none", "cost_plus", "fixed"])),
    (("conflict_resolution", "final"), st.sampled_from(["arbitration", "courts"])),
    (("options", "confidentiality_years"), numbers),
    (("roles", "raci", 0, "responsible"), st.sampled_from(["acme", "globex", "initech"])),
]
OPTIONAL = ["governance", "slas", "budget", "options", "library"]


def _set(data: dict, path: tuple, value) -> None:
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


@st.composite
def deals(draw) -> dict:
    data = copy.deepcopy(BASE)
    for section in draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=3)):
        data.pop(section, None)
    for path, strategy in draw(st.lists(st.sampled_from(FIELDS), unique_by=lambda f: f[0], max_size=4)):
        try:
            _set(data, path, draw(strategy))
        except (KeyError, IndexError, TypeError):
            pass  # the section was removed above
    if draw(st.booleans()) and draw(st.booleans()):
        data[draw(st.sampled_from(["extra", "deals", "partys"]))] = 1
    return data


def _draft_or_fail(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deal.yaml"
        path.write_bytes(raw)
        try:
            draft = api.build(path)
        except TermsmithError as exc:
            assert exc.problems and all(str(p) for p in exc.problems)
            return
        outputs = render(draft, ("md", "docx"))
        assert outputs["md"] and outputs["docx"].startswith(b"PK")


@SETTINGS
@given(deals())
def test_generated_deals_draft_or_fail_cleanly(data):
    raw = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")
    _draft_or_fail(raw)


@SETTINGS
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash_loading(raw):
    try:
        validate(load_bytes(raw, "fuzz.yaml"))
    except TermsmithError as exc:
        assert exc.problems


@SETTINGS
@given(st.text(alphabet="{}[]:-,&*!|>'\"#%@ \n\tabc019", max_size=200))
def test_yaml_punctuation_never_crashes_loading(source):
    try:
        validate(load_bytes(source.encode("utf-8"), "fuzz.yaml"))
    except TermsmithError as exc:
        assert exc.problems


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_any_printable_party_name_appears_literally(name):
    data = copy.deepcopy(BASE)
    data["parties"][0]["name"] = name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deal.yaml"
        path.write_bytes(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))
        try:
            draft = api.build(path)
        except TermsmithError as exc:
            assert not name.strip(), exc  # only an empty name may be refused
            return
    expected = " ".join(name.split())
    body = "".join(i.text for s in draft.sections for c in s.clauses for b in c.blocks
                   for i in getattr(b, "inlines", ()) if hasattr(i, "text"))
    assert expected in " ".join(body.split())
