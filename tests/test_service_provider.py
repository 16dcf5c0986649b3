"""Who provides a managed service: one rule (draft.facts.service_provider) that the business rules and every
clause follow: the provider the deal names, else the Party the service levels bind, else the Party paid the
service charges, else the first Party."""

from __future__ import annotations

import yaml

from termsmith import api
from termsmith.render.markdown import render_markdown

from .conftest import EXAMPLES

MANAGED = EXAMPLES / "meridian-opscloud-managed-service.yaml"


def managed(tmp_path, change) -> str:
    data = yaml.safe_load(MANAGED.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "deal.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return render_markdown(api.build(path))


def drop_slas(data):
    data.pop("slas")
    data["conflict_resolution"].pop("sla_breach", None)


def test_without_service_levels_the_named_provider_is_the_provider_everywhere(tmp_path):
    def change(data):
        drop_slas(data)
        data["scope"]["managed_service"]["provider"] = "opscloud"

    text = managed(tmp_path, change)
    assert "OpsCloud provides managed services to business customers." in text
    assert "Meridian provides managed services" not in text


def test_without_service_levels_or_a_named_provider_the_party_paid_the_charges_provides(tmp_path):
    def change(data):
        drop_slas(data)
        data["scope"]["managed_service"].pop("provider", None)

    text = managed(tmp_path, change)  # the benchmarking and payee rules accept the payee as the provider
    assert "OpsCloud provides managed services to business customers." in text
    assert "Meridian must give the Benchmarker" not in text


def test_a_step_in_says_by_how_much_the_charges_fall(tmp_path):
    text = managed(tmp_path, lambda data: None)
    step_in = text[text.index("Step-in.**"):]
    step_in = step_in[:step_in.index("\n**")]
    assert "reduced accordingly" not in step_in
    assert "No Charges are payable for the affected Managed Services for that period" in step_in
    assert "Meridian may, by notice, take over the affected part of the Managed Services itself" in step_in
