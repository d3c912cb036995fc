"""The world outside Pakistan's policy: what changes by date whatever the levers say.

Levers are what Pakistan's governments choose; the world is what they face. One part of it moves the model: the Afghan
sanctuary. Until the Afghan Taliban took Kabul on 15 August 2021 (FACTS.md s5.10), Pakistani militants who crossed
the border found a government hostile to the Taliban and US drone strikes (over 100 a year around 2010, a handful a
year by 2016-2018, FACTS.md s5.10); since then the TTP has had freedom of movement there (FACTS.md s4, s5.8: the UN
Monitoring Team's 6,000-6,500 Pakistani fighters in Afghanistan in 2024). The sanctuary's openness is a multiplier,
``afghan_sanctuary_before_kabul`` (a calibrated parameter) before August 2021, then rising in a straight line to
``afghan_sanctuary_after_kabul`` (1, the reference) over ``afghan_sanctuary_buildup_months`` (calibrated; 0: at once),
on what the sanctuary gives: the raids and recruiting of cells in sanctuary, cross-border supply, the fighters who
come across (:mod:`ctsim.model.processes.step07_attacks`: ``raid_factor``, ``sanctuary_reach``) and the cells in
sanctuary that come back (:mod:`ctsim.model.processes.step11_lifecycle`: ``sanctuary_return_rate`` times the
openness). Before Kabul fell, fighters driven across the border were held there as their raids were (the UN counted
6,000-6,500 in July 2020); after it they came back as the sanctuary opened, over months rather than at once (the UN
counted 3,000-5,000 in February 2022, and the TTP's attacks it counted doubled from 2021 to 2023, FACTS.md s5.8). A
counterfactual in which Kabul does not fall sets the level after to the level before
(:func:`ctsim.analysis.validation.long_history.kabul_counterfactual`). After December 2024 the world stays as it is:
an assumption of every forecast, stated in docs/odd.md.

Not modelled, and said so in docs/odd.md: the TTP's ceasefires (November-December 2021, June-November 2022: PICSS's
monthly count shows no dip during the second, FACTS.md s1, so there is no effect to fit), drone strikes inside
Pakistan as operations of their own, and Iran's side of Balochistan's border.
"""

from __future__ import annotations

from collections.abc import Mapping

# The month the sanctuary opened: Kabul fell on 15 August 2021 (FACTS.md s5.10).
KABUL_FALLS = (2021, 8)


def afghan_sanctuary(year: int, month: int, p: Mapping[str, float]) -> float:
    """Openness of the Afghan sanctuary in a calendar month: ``afghan_sanctuary_before_kabul`` before August 2021;
    from then on it moves in a straight line to ``afghan_sanctuary_after_kabul`` (1, the reference), reaching it
    ``afghan_sanctuary_buildup_months`` after August 2021 (0: in August 2021 itself, a step)."""
    before, after = float(p["afghan_sanctuary_before_kabul"]), float(p["afghan_sanctuary_after_kabul"])
    since = (year - KABUL_FALLS[0]) * 12 + month - KABUL_FALLS[1]
    if since < 0:
        return before
    buildup = float(p["afghan_sanctuary_buildup_months"])
    if since >= buildup:
        return after
    return before + (after - before) * since / buildup


__all__ = ["KABUL_FALLS", "afghan_sanctuary"]
