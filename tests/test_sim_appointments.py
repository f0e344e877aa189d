"""The simulator with appointments (issue 18): bookings imported at opening, citizens who come
early, late or not at all, check-in through the real domain, the figures split by kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcc_tui.config import ConfigError
from kcc_tui.config.loader import read_document
from kcc_tui.sim.model import simulate
from kcc_tui.sim.report import result_json, result_text
from kcc_tui.sim.scenario import load_scenario, scenario_from_document

SCENARIO = Path(__file__).parent.parent / "scenarios" / "appointments_half.toml"


def test_half_by_appointment_two_mornings() -> None:
    loaded = load_scenario(SCENARIO)
    days = simulate(loaded, days=2, seed=3)
    j = result_json(loaded, days, seed=3, elapsed_s=1.0, source=str(SCENARIO))
    a = j["appointments"]
    assert a["booked"] == 2 * 4 * 12  # 12 slots an hour, whole numbers: no draw
    assert a["checked_in"] + a["no_shows"] == a["booked"]
    assert 0 < a["no_show_rate"] < 0.2  # 6 % never come, a few more come too late
    assert a["punctuality_min"] < 0  # they come early on average
    assert 0 < a["before_share"] < 1
    assert a["walk_ins"] > 0 and a["walk_in_sl"] is not None
    kinds = j["accuracy_by_kind"]
    assert kinds["appointment"]["printed"]["tickets"] > 0
    assert kinds["walk_in"]["printed"]["tickets"] > 0
    assert "Appointments: 96 booked" in result_text(j, hours=False)
    for d in days:  # every appointment ended checked in or as a no-show event
        assert {x.status for x in d.state.appointments.values()} <= {"checked_in", "no_show"}


def test_a_scenario_with_a_wrong_number_of_appointment_slots_is_one_line() -> None:
    source, doc = read_document(SCENARIO)
    doc["services"]["eid"]["appointments_per_hour"] = [5, 5]
    with pytest.raises(ConfigError, match=r"services\.eid\.appointments_per_hour: expected 4 "
                                          r"numbers"):
        scenario_from_document(doc, source)
