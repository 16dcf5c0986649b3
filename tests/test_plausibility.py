"""Plausibility warnings from `termsmith check`: the deal drafts (exit 0), with one located line per finding."""

from __future__ import annotations

from click.testing import CliRunner

from termsmith.cli import cli

from .conftest import CANONICAL


def _check(path):
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if ": warning: " in line]


def test_contradictory_raci_rows_are_flagged():
    lines = _check(CANONICAL)
    assert any(line.endswith("roles.raci[0].consulted: Globex is both Responsible and Consulted for 'Integration roadmap': "
                             "a party is not consulted about its own work") for line in lines)
    assert any("roles.raci[0].informed: Acme is both Accountable and Informed" in line for line in lines)
    assert all(line.startswith(f"{CANONICAL}:") for line in lines)


def test_unused_credit_tiers_are_flagged():
    assert any("slas.metrics[0].credits: no party pays Acme for this service" in line for line in _check(CANONICAL))


def test_free_text_naming_another_company(deal_data, write_deal):
    deal_data["deal"]["purpose"] = "Integrate Initech's engine with Globex's platform and resell Hooli Ltd products."
    lines = _check(write_deal(deal_data))
    assert any("deal.purpose: names 'Initech', which is not a party's name or short name" in line for line in lines)
    assert any("names 'Hooli Ltd', which is not a party to this deal" in line for line in lines)
    assert not any("'Globex'" in line for line in lines)


def test_address_in_another_country(deal_data, write_deal):
    deal_data["parties"][1]["address"] = "1 Rue de Rivoli, 75001 Paris, France"
    lines = _check(write_deal(deal_data))
    assert any("parties[1].address: the address is in France, but Globex is incorporated in Germany" in line for line in lines)
    assert not any("parties[0].address" in line for line in lines)  # London, United Kingdom ~ England and Wales


def test_an_address_ending_with_a_town_is_not_taken_for_a_country(deal_data, write_deal):
    """'…, London' was read as a country: "the address is in London, but Acme is incorporated in England and
    Wales". Only an address that ends with a country is compared with the place of incorporation."""
    deal_data["parties"][0]["address"] = "1 Example Street, London"
    deal_data["parties"][1]["address"] = "Hauptstrasse 1, 10115 Berlin"
    lines = _check(write_deal(deal_data))
    assert not any(".address: the address is in" in line for line in lines), lines


def test_a_final_agreement_resting_on_defaults_is_a_warning(deal_data, write_deal):
    """`status: final` is the execution copy: the values it takes from defaults should be stated or confirmed (a
    counsel reading found a final draft with some 40 "default applied: confirm that it was agreed" notes)."""
    assert not any("deal.status" in line for line in _check(write_deal(deal_data)))
    deal_data["deal"]["status"] = "final"
    lines = _check(write_deal(deal_data))
    assert any("warning: deal.status: the final agreement relies on" in line and "set each in the deal" in line
               for line in lines), lines


def test_sla_reports_due_inside_a_measurement_period_are_flagged(write_deal):
    """Monthly reports with a quarterly Measurement Period: every report must show each Measurement Period's
    performance and Service Credits, which two monthly reports in three cannot (the quarter has not ended)."""
    import yaml

    from .conftest import EXAMPLES

    data = yaml.safe_load((EXAMPLES / "meridian-opscloud-managed-service.yaml").read_text(encoding="utf-8"))
    data["slas"]["measurement_period"] = "quarterly"
    path = write_deal(data)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.strip() == "reporting: monthly")
    assert f"{path}:{line}: warning: slas.reporting: monthly reports with a quarterly Measurement Period: " \
           "each report must show every Measurement Period's performance and Service Credits, known only once the " \
           "period has ended, so a report due before then cannot; report quarterly (or less often), or make the " \
           "Measurement Period monthly" in _check(path)
    for reporting in ("quarterly", "annual"):
        data["slas"]["reporting"] = reporting
        assert not any("slas.reporting" in line for line in _check(write_deal(data)))
    data["slas"].update(measurement_period="monthly", reporting="monthly")
    assert not any("slas.reporting" in line for line in _check(write_deal(data)))
