"""Model parameters, each declared once with its value, unit and provenance.

Every number the model uses that is not a policy lever lives here. Each declaration says where the value comes
from, in one of four kinds:

- ``fact``: a figure from ``FACTS.md`` (the publisher is named in ``source``);
- ``derived``: computed from facts (the computation is named in ``source``);
- ``assumption``: a modelling choice with no published figure behind it; change it and see;
- ``calibrate``: a free parameter fitted to 2022-2024 data by ``ctsim calibrate``; the declared value is the
  hand-set starting point, and runs use the value stored in ``src/ctsim/data/calibration.json``.

Parameters with a ``plausible`` range are the model's exogenous *uncertainties* (EMA Workbench's word): experiments
and sensitivity analyses sample them within that range. ``low``/``high`` are only the admissible bounds.

``docs/odd.md`` lists the same table; a test checks that every declared parameter appears there.
Scenarios override values by name with :func:`resolve`, which rejects unknown names and out-of-range values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from ctsim.data import PICSS_ANNUAL
from ctsim.inputs import InputError

KINDS = ("fact", "derived", "assumption", "calibrate")


@dataclass(frozen=True)
class Param:
    """One model parameter.

    Attributes:
        name: snake_case identifier used in scenario files and experiments.
        value: default value.
        unit: unit of the value (``share``, ``per_month``, ``persons`` ...).
        kind: one of :data:`KINDS`.
        source: where the value comes from (publisher and FACTS.md section, or the reasoning).
        low: smallest admissible value (inclusive).
        high: largest admissible value (inclusive).
        plausible: for an exogenous uncertainty, the range experiments sample (an assumption, stated here);
            None for parameters held fixed.
    """

    name: str
    value: float
    unit: str
    kind: str
    source: str
    low: float = 0.0
    high: float = float("inf")
    plausible: tuple[float, float] | None = None

    @property
    def is_uncertainty(self) -> bool:
        """True when the parameter is an exogenous uncertainty with a plausible range."""
        return self.plausible is not None

    @property
    def is_price(self) -> bool:
        """True for a price (unit in PKR): it moves only the cost output, which no process reads, so checks of the
        model's dynamics (the pattern checks' robustness study) need not vary it."""
        return self.unit.startswith("PKR")


_P = Param

# PICSS 2022-2024 pooled (FACTS.md s1): the central deaths and injuries per attack.
_PICSS_POOLED = {k: sum(year[k] for year in PICSS_ANNUAL.values()) for k in ("attacks", "deaths", "injuries")}

PARAMETERS: tuple[Param, ...] = (
    # --- population and youth strata -----------------------------------------------------------------------
    _P("youth_share", 0.26, "share of population", "assumption",
       "share of the population aged 15-29 treated as at risk; not in FACTS.md", 0.05, 0.6),
    _P("affluent_share", 0.20, "share of youth", "assumption",
       "affluent band = top consumption quintile, a definition (FACTS.md s3: no recruit came from it)", 0.0, 0.5),
    _P("away_share_poor", 0.06, "share of youth", "assumption",
       "poor youth living away from family in hostels or boarding seminaries; no published figure", 0.0, 0.5),
    _P("away_share_middle", 0.03, "share of youth", "assumption",
       "middle-band youth living away from family; no published figure", 0.0, 0.5),
    _P("away_share_affluent", 0.02, "share of youth", "assumption",
       "affluent youth living away from family (boarding schools); no published figure", 0.0, 0.5),
    _P("religious_link_share_away", 0.16, "share of youth away", "assumption",
       "youth away from family with a religious-school link; set at the Swat share (FACTS.md s3: 16%) because "
       "with rr_religious_link = 1 recruits mirror it", 0.0, 1.0),
    _P("religious_link_share_family", 0.05, "share of youth with family", "assumption",
       "youth living with family who attend a religious school; no published figure", 0.0, 1.0),
    # --- radicalisation (relative risks on a base rate, after PROTON-OC style multiplicative factors) ------
    _P("base_radicalisation_rate", 1e-5, "per youth per month", "calibrate",
       "hazard for the reference stratum (poor, with family, schooled, no religious link) at full exposure",
       0.0, 1e-3, plausible=(2e-07, 2e-05)),
    _P("rr_middle_band", 0.25, "relative risk", "assumption",
       "middle band vs poor; FACTS.md s3 names poverty as the common denominator", 0.0, 1.0, plausible=(0.1, 0.5)),
    _P("rr_affluent_band", 0.0, "relative risk", "fact",
       "FACTS.md s3 (Swat interviews, seed): none of 500 captured militants came from an affluent family", 0.0, 1.0),
    _P("rr_away_from_family", 2000.0, "relative risk", "derived",
       "FACTS.md s3: 99% of 500 Swat militants lived away from family under a teacher's control, 1% day "
       "scholars; with ~4% of youth away this needs a relative risk of order 0.99/0.01 x 0.96/0.04", 1.0, 1e5),
    _P("rr_out_of_school", 2.0, "relative risk", "assumption",
       "FACTS.md s3 ties militancy to low education; size not published", 1.0, 20.0, plausible=(1.0, 4.0)),
    _P("rr_religious_link", 1.0, "relative risk", "assumption",
       "FACTS.md s3: 84% of recruits had no religious link, so the link itself is not modelled as a driver",
       0.0, 20.0),
    _P("grievance_weight", 3.0, "multiplier per unit grievance", "assumption",
       "hazard x (1 + w x grievance), grievance = hardship x (1 - legitimacy) (Epstein 2002)", 0.0, 50.0,
       plausible=(1.0, 6.0)),
    _P("admin_protective_effect", 5.0, "per unit of administrative capacity", "calibrate",
       "hazard x exp(-e x administrative capacity); FACTS.md s3: better administration keeps GB and AJK quiet",
       0.0, 50.0, plausible=(3.0, 7.0)),
    _P("exposure_scale_militants", 50.0, "militants per 100,000 youth", "assumption",
       "exposure = 1 - exp(-(local + exposure_neighbour_weight x neighbouring militants) per 100k youth / "
       "scale): recruiters must be present", 0.01, 1e5),
    _P("exposure_neighbour_weight", 0.5, "weight of a neighbouring district's militants", "assumption",
       "militants next door expose a district's youth at this weight relative to its own (no figure in FACTS.md; "
       "0 = none, 1 = as if local)", 0.0, 1.0, plausible=(0.2, 0.8)),
    _P("historical_support_exponent", 1.0, "exponent", "calibrate",
       "local support at the start from the 2011 pattern of violence: (the region's 2011 attacks per person / the "
       "heartland's) ** exponent (FACTS.md s5.1 for the attacks). 1 makes support proportional to violence per "
       "person; below 1 support saturates, so a populous region whose violence was concentrated in some districts "
       "(settled KP's south beside Waziristan) keeps more of it than its average per person says. No figure in "
       "FACTS.md: an assumption, constrained by the 2023-2024 regional shares", 0.05, 2.0, plausible=(0.4, 1.0)),
    _P("sympathy_floor", 0.1, "share of a heartland's hazard", "calibrate",
       "radicalisation and the room for cells in a district with no militancy history, relative to one where "
       "militants have long been at home (local support 1). Range from FACTS.md s5.1: in 2011 Punjab (127m people) "
       "had 30 attacks and the tribal districts (5.7m) 675, a ratio per person of about 0.002; poverty, schooling "
       "and administration explain a factor of ten or so, leaving a relative sympathy of a few per cent, hence "
       "0.02-0.12", 0.0, 1.0, plausible=(0.02, 0.12)),
    _P("support_months", 60.0, "months", "assumption",
       "time for militants' local support (safe space, sympathy) to build where they stay, or fade where they are "
       "gone: support moves toward its target at 1/support_months a month (no figure in FACTS.md)", 1.0, 600.0,
       plausible=(24.0, 120.0)),
    _P("support_scale_militants", 150.0, "militants per 100,000 youth", "assumption",
       "support's target = x^2 / (1 + x^2), x = militants per 100,000 youth in the district / scale: a threshold, "
       "so a district with a few cells builds almost no support and a heartland keeps it (violence has stayed in "
       "the same regions for fifteen years, FACTS.md s5.1); the scale is an assumption (no figure in FACTS.md)",
       0.01, 1e5, plausible=(75.0, 300.0)),
    _P("support_fear_effect", 0.5, "per unit of fear", "assumption",
       "militants' own killing erodes the local support they would build: support's target is divided by "
       "(1 + e x fear), fear the district's memory of attack deaths per 100,000 people (fear_per_death, "
       "fear_decay). A balancing loop on the militant side: the more a district suffers their attacks, the less room "
       "and sympathy militants find there. No figure in FACTS.md: the size is an assumption (at fear 0.5, "
       "Balochistan's level in the model's 2027, the target falls by a fifth); the direction is that of the public "
       "turn against militants after the Peshawar school attack of December 2014 that the roundtable (seed) "
       "describes, and of violence falling tenfold after the 2009 peak (FACTS.md s5.1); 0 = none",
       0.0, 20.0, plausible=(0.1, 2.0)),
    _P("sympathiser_exit_rate", 0.03, "per month", "assumption",
       "share of the sympathiser pool that drifts away each month", 0.0, 1.0, plausible=(0.015, 0.06)),
    # --- recruitment ----------------------------------------------------------------------------------------
    _P("recruit_reach", 0.12, "share of the sympathiser pool per month", "calibrate",
       "share of a district's sympathiser pool its cells recruit each month when they are many", 0.0, 1.0,
       plausible=(0.02, 0.5)),
    _P("recruit_half_militants", 200.0, "militants", "assumption",
       "active militants in a district at which its cells reach half of recruit_reach", 1.0, 1e6),
    _P("room_denial", 0.0, "per unit of sustained pressure", "calibrate",
       "operations deny cells room: a district's room for cells (safe_space_capacity) is multiplied by "
       "exp(-d x the pressure it has sustained above the status quo's), the pressure its forces' reach times "
       "the tempo's relative excess over the status quo's, remembered over room_denial_months (cleared and held "
       "ground, checkposts, informants, facilitators arrested: what recruitment cannot refill). No figure in "
       "FACTS.md sizes it; fitted to the history within an assumed 0-20 (0-10 to calibration version 16, whose "
       "draws pressed its top)", 0.0, 100.0, plausible=(0.0, 20.0)),
    _P("room_denial_months", 24.0, "months", "calibrate",
       "time for the pressure that denies cells room to build under operations and to fade after them (no figure "
       "in FACTS.md sizes it; an assumption, 24, to calibration version 16): fitted to the history within an assumed "
       "12-60, since how soon the room returns after the operations wind down (2018) shapes the trough",
       1.0, 600.0, plausible=(12.0, 60.0)),
    _P("safe_space_capacity", 600.0, "militants per 100,000 youth", "calibrate",
       "militants a district can hide, feed and lead at full local support (scaled by sympathy where support is "
       "lower); recruitment slows as a district's militants approach it (logistic). No figure in FACTS.md: the "
       "heartland districts held ~250-350 per 100,000 youth in the model's 2023, an order of magnitude only",
       1.0, 1e5, plausible=(300.0, 1500.0)),
    _P("nucleation_deterrence", 0.5, "share of new cells prevented at saturating force reach", "assumption",
       "a new cell must form under the state's eyes: the chance falls by this share times force reach (stronger "
       "state presence where militancy has no history; no figure in FACTS.md). Held fixed, not sampled: across "
       "0.2-0.9 it moved no outcome beyond the noise of paired runs (tests/declarations/test_wiring.py)", 0.0, 1.0),
    _P("nucleation_rate", 2e-4, "new cells per sympathiser per month", "calibrate",
       "a district with sympathisers and no cell grows one at this rate. Held fixed, not sampled: on calibration "
       "version 4, across 1e-4 to 4e-4 it moved no four-year outcome beyond the noise of paired runs (t = 2.8 at "
       "best, tests/declarations/test_wiring.py); nucleation_deterrence and the safe space bound new cells more",
       0.0, 0.1),
    _P("nucleus_size", 5.0, "members", "assumption", "members of a newly formed cell, drawn from the pool",
       1.0, 100.0),
    # --- militant cells --------------------------------------------------------------------------------------
    _P("initial_active_militants", 20000.0, "persons", "calibrate",
       "active militants at the start of a run without history: of the calibration history, at the end of 2012. "
       "FACTS.md s5.11 has estimates only, wide and uncertain: roughly 45,000 militants in some forty groups in "
       "FATA (2011), TTP fighters up to 20,000 (2009), claims up to 50,000 with affiliates; the range spans a "
       "fifth of the highest to the FATA estimate", 0.0, 1e6, plausible=(8000.0, 45000.0)),
    _P("initial_cell_size", 20.0, "members", "assumption", "mean members per cell at the start", 2.0, 500.0),
    _P("split_size", 50.0, "members", "assumption", "a cell larger than this splits in two", 4.0, 1000.0),
    _P("cell_viable_size", 3.0, "members", "assumption",
       "a cell reduced below this many members cannot act on its own: its members join the largest cell of the same "
       "affiliation in the district, if there is one (no figure in FACTS.md). Held fixed, not sampled: across 2-5 "
       "it moved no outcome beyond the noise (tests/declarations/test_wiring.py)", 1.0, 50.0),
    _P("cell_consolidation_size", 25.0, "members", "assumption",
       "cells of the same affiliation in a district (on the same side of the border) merge, the two smallest first, "
       "while the merged cell stays within this many members: small groups come together under a local leadership "
       "rather than each acting alone. No figure in FACTS.md: an assumption; half the split size by default, so a "
       "split's two halves do not merge again. Without it (at cell_viable_size) cells split and rarely merge, and "
       "the same militants spread over ever more, smaller cells",
       1.0, 1000.0, plausible=(10.0, 50.0)),
    _P("split_stay_share", 0.5, "share of splits", "assumption",
       "share of splits whose new cell stays in the district (the rest go to a neighbour chosen at random)",
       0.0, 1.0, plausible=(0.3, 0.7)),
    _P("initial_border_weight", 3.0, "relative weight", "assumption",
       "at the start, a district on the Afghan border holds this many times the militants of another district "
       "of the same region with the same poor youth (FACTS.md s4: cross-border sanctuary since 2021). Held fixed, "
       "not sampled: on calibration version 4, across 1.5-5 it moved no four-year outcome beyond the noise of paired "
       "runs (t = 2.4 at best, tests/declarations/test_wiring.py): cells soon move and split from where they "
       "start", 1.0, 10.0),
    _P("initial_karachi_share_of_sindh", 0.83, "share", "calibrate",
       "in a run that starts in 2013 or before, the share of Sindh's first militants placed in Karachi's seven "
       "districts (the rest of Sindh by poor youth). No 2013 split in FACTS.md; PIPS 2011 lists Karachi as Sindh's "
       "only entry (58 attacks) and PIPS counted 85 of Sindh's 102 attacks of 2015 in Karachi (83%, FACTS.md s5.11), "
       "after two years of an operation confined to Karachi. Fitted to that 2015 share (a calibration target) within "
       "0.6-1.0. Without it Sindh's militants sit where its poor youth are, mostly outside Karachi, out of the Karachi "
       "operation's reach", 0.0, 1.0, plausible=(0.6, 1.0)),
    _P("initial_resource_multiple", 2.0, "multiples of resource_half_saturation", "assumption",
       "resources a cell holds at the start", 0.0, 10.0),
    _P("cell_move_rate_under_pressure", 0.3, "per month", "assumption",
       "chance a cell that was hit moves to the neighbouring district with the most sympathisers per unit of "
       "force density, at the status quo's tempo; it scales with tempo / reference tempo (pressure displaces)",
       0.0, 1.0),
    _P("dormancy_rate", 0.03, "per month", "assumption",
       "chance an active cell goes dormant (at no border management; scaled by 1 + border_dormancy x the lever "
       "in force)",
       0.0, 1.0),
    _P("border_dormancy", 0.0, "per unit of border management", "calibrate",
       "cells cut off from their bases across the border lie low: the dormancy rate is multiplied by 1 + this x the "
       "border management in force this month, without the programme's 12-month lag (the fence from 2017, "
       "Afghan cooperation until Kabul fell in 2021; FACTS.md s5.10 dates them, no figure sizes their effect on the "
       "cells inside). An assumption added at calibration version 18, after version 17 missed the trough of "
       "2018-2021, and made lag-free at version 19, after version 18's lowest year came out 2021: both choices were "
       "made having seen those out-of-sample years, so they test it less than a clean hold-out would. Fitted on "
       "2013-2017 and 2022-2024 within an assumed 0-20",
       0.0, 100.0, plausible=(0.0, 20.0)),
    _P("reactivation_rate", 0.15, "per month", "assumption", "chance a dormant cell becomes active", 0.0, 1.0),
    _P("dormant_detection_factor", 0.3, "multiplier", "assumption",
       "dormant cells are harder to find", 0.0, 1.0),
    _P("disengagement_rate", 0.004, "per member per month", "assumption",
       "members leaving militancy on their own (no programme)", 0.0, 1.0, plausible=(0.002, 0.008)),
    _P("sanctuary_strength", 0.5, "share", "assumption",
       "FACTS.md s4: since August 2021 the TTP has cross-border sanctuary; chance per month that a cell hit in a "
       "district whose border offers its affiliation sanctuary slips across (an exogenous uncertainty)", 0.0, 1.0,
       plausible=(0.2, 0.8)),
    _P("cross_border_inflow", 0.0, "fighters per month", "calibrate",
       "fighters who come from the militants' safe havens each month (the Afghan sanctuary since August 2021, the "
       "tribal strongholds before Zarb-e-Azb: sanctuary_reach) and rejoin TTP-aligned cells, in "
       "proportion to their members (FACTS.md s4: freedom of movement since August 2021). No flow is counted; the "
       "range is derived "
       "from the UN Monitoring Team's stock of Pakistani fighters in Afghanistan (FACTS.md s5.8): 6,000-6,500 in "
       "July 2020, 3,000-5,000 in February 2022 (so 1,000-3,500 left in 19 months, about 50-185 a month if all "
       "crossed into Pakistan) and 6,000-6,500 again in July 2024. An assumption calibrated within 0-200", 0.0,
       1000.0, plausible=(0.0, 200.0)),
    _P("sanctuary_entry_unpressed", 0.1, "multiplier", "assumption",
       "cells not hit this month cross into sanctuary at this fraction of the pressed rate", 0.0, 1.0),
    _P("sanctuary_return_rate", 0.2, "per month", "calibrate",
       "chance a cell in sanctuary comes back across the border with the sanctuary fully open; at other times, "
       "times the sanctuary's openness (afghan_sanctuary_before_kabul before August 2021, rising after it: "
       "ctsim.declarations.world). No figure measures the rate; fitted to the 2013-2024 history, whose targets "
       "include the UN Monitoring Team's counts of Pakistani fighters in Afghanistan in February 2022 (3,000-5,000) "
       "and July 2024 (6,000-6,500) (FACTS.md s5.8; its 6,000-6,500 of July 2020 is kept out of sample)", 0.0, 1.0,
       plausible=(0.01, 0.3)),
    _P("afghan_sanctuary_before_kabul", 0.4, "share of the sanctuary since August 2021", "calibrate",
       "how open the Afghan sanctuary was to Pakistani militants before the Afghan Taliban took Kabul (15 August "
       "2021, FACTS.md s5.10), relative to after: a Kabul government hostile to the Taliban and US drone strikes "
       "(FACTS.md s5.10: over 100 a year around 2010, a handful by 2016-2018) limited it. It scales the raids and "
       "recruiting of cells in sanctuary, cross-border supply, arrivals and cells coming back across "
       "(ctsim.declarations.world). No figure measures it; fitted to the 2013-2024 history within an assumed "
       "0.01-1 (0.05-1 to calibration version 16, whose draws and those of versions 13-15 pressed that floor)",
       0.0, 1.0, plausible=(0.01, 1.0)),
    _P("afghan_sanctuary_after_kabul", 1.0, "share of the sanctuary since August 2021", "assumption",
       "how open the Afghan sanctuary is from August 2021: the reference the level before is measured against (1 by "
       "definition); a counterfactual sets it to the level before, as if Kabul had not fallen", 0.0, 1.0),
    _P("afghan_sanctuary_buildup_months", 0.0, "months", "calibrate",
       "how long after Kabul fell (August 2021) the Afghan sanctuary took to open fully: its openness rises in a "
       "straight line from the level before to 1 over these months (0: at once). No figure measures it; what "
       "suggests a build-up (FACTS.md s5.8): the UN Monitoring Team counted 6,000-6,500 Pakistani fighters in "
       "Afghanistan in July 2020, 3,000-5,000 in February 2022 and 6,000-6,500 again in July 2024, and the TTP's "
       "attacks it counted rose from 573 in 2021 to 1,210 in 2023. Fitted to the 2013-2024 history (the UN's counts of "
       "February 2022 and July 2024 among its targets) within 0-48 months (an assumed range: from at once to about "
       "three years after the UN's low count)", 0.0, 120.0,
       plausible=(0.0, 48.0)),
    _P("hit_resource_loss", 0.5, "share of a found cell's resources", "calibrate",
       "what an operation that finds a cell destroys or seizes besides the members it takes: weapons, explosives, "
       "funds, safe houses, leaders (a cell's capacity to attack, not only its size; FACTS.md s5.2: Zarb-e-Azb's "
       "13,200 intelligence-based operations). No figure; fitted to the 2013-2017 fall", 0.0, 1.0,
       plausible=(0.0, 0.9)),
    _P("effect_karachi_operation_detection", 2.0, "multiplier on the chance of finding a cell", "calibrate",
       "in Karachi's districts while the Karachi operation runs (Rangers in the lead with police assisting, from "
       "September 2013: FACTS.md s5.10); no figure measures it: fitted to Sindh's share of 2015's attacks (FACTS.md "
       "s5.1)", 1.0, 10.0, plausible=(1.0, 4.0)),
    _P("stronghold_detection_factor", 0.3, "multiplier on the chance of finding a cell", "calibrate",
       "in North Waziristan and Khyber while operations do not reach them (before Zarb-e-Azb, June 2014: FACTS.md "
       "s5.10); no figure: fitted to the 2013-2014 record (0: a safe haven, 1: no different from elsewhere)", 0.0,
       1.0, plausible=(0.0, 1.0)),
    _P("stronghold_haven", 1.0, "share of the Afghan sanctuary since August 2021", "calibrate",
       "what the tribal strongholds of North Waziristan and Khyber gave the militants (supplies, fighters, training) "
       "while operations did not reach them (before Zarb-e-Azb, June 2014: FACTS.md s5.10-s5.11: some 45,000 "
       "militants in forty groups in FATA in 2011), relative to the Afghan sanctuary since August 2021. That they "
       "served as a haven is an assumption (FACTS.md dates the operations, not the havens); fitted to the 2013-2014 "
       "record", 0.0, 2.0, plausible=(0.0, 2.0)),
    _P("sanctuary_raid_factor", 0.6, "multiplier", "assumption",
       "attack and recruitment rate of a cell in sanctuary (cross-border raids, remote recruiting) relative to "
       "one inside", 0.0, 1.0),
    _P("resource_income_per_member", 0.012, "attack units per member per month", "calibrate",
       "extortion, donations and supplies", 0.0, 1.0, plausible=(0.006, 0.024)),
    _P("sanctuary_income_bonus", 1.0, "multiplier", "assumption",
       "extra income of cells with sanctuary access (supplies across the border)", 0.0, 10.0),
    _P("resource_half_saturation", 1.0, "attack units", "assumption",
       "attack rate x R / (R + half)", 0.01, 100.0),
    # --- attacks ---------------------------------------------------------------------------------------------
    _P("initial_attacks_per_month", 905.0 / 12.0, "attacks per month", "derived",
       "FACTS.md s1: PICSS 2024, 905 attacks / 12 months; sets the attack rate per member at the start of a run "
       "without history (the 2022-2024 history sets 24.5, the 2021 level)", 0.0, 1e4),
    _P("attack_size_elasticity", 0.8, "exponent", "assumption",
       "attack rate grows with members^elasticity", 0.0, 2.0),
    _P("neighbour_attack_share", 0.15, "share", "calibrate",
       "share of a cell's attacks carried out in an adjacent district (e.g. from the merged districts into settled "
       "KP)", 0.0, 1.0, plausible=(0.05, 0.45)),
    _P("deaths_per_attack", _PICSS_POOLED["deaths"] / _PICSS_POOLED["attacks"], "deaths per attack", "derived",
       "FACTS.md s1: PICSS 2022-2024 pooled, (539 + 976 + 1,177) deaths / (380 + 645 + 905) attacks = 1.39; each "
       "year scales it by its own effect (1.42, 1.51 and 1.30 observed in 2022-2024; drawn in other years, "
       "casualty_year_sd_deaths)", 0.0, 100.0),
    _P("injuries_per_attack", _PICSS_POOLED["injuries"] / _PICSS_POOLED["attacks"], "injuries per attack", "derived",
       "FACTS.md s1: PICSS 2022-2024 pooled, (836 + 1,354 + 1,292) injured / 1,930 attacks = 1.80 (yearly 2.20, "
       "2.10, 1.43; drawn in other years, casualty_year_sd_injuries)", 0.0, 100.0),
    _P("casualty_year_sd_deaths", 0.061, "log-sd across years", "derived",
       "year-to-year variation of deaths per attack outside 2022-2024: the sample sd of log(deaths / attacks) in "
       "PICSS 2020-2024 (FACTS.md s1: 1.41, 1.32, 1.42, 1.51, 1.30); 2016-2019 ran higher (1.85-2.52, s5.1), so "
       "a wider spread is possible", 0.0, 1.0),
    _P("casualty_year_sd_injuries", 0.28, "log-sd across years", "derived",
       "year-to-year variation of injuries per attack outside 2022-2024: the sample sd of log(injured / attacks) in "
       "PICSS 2020-2024 (FACTS.md s1: 3.16, 2.06, 2.20, 2.10, 1.43)", 0.0, 2.0),
    _P("casualty_dispersion", 0.5, "negative-binomial shape", "assumption",
       "most attacks kill few, some kill many", 0.01, 100.0),
    # --- security forces -------------------------------------------------------------------------------------
    _P("detection_rate", 0.15, "per month at saturating force density", "calibrate",
       "hazard that a cell is found; hand-set so that militants killed are of the order the military reports "
       "(FACTS.md s2: 925 in 2024, a 2024 figure used only as an order of magnitude)", 0.0, 100.0,
       plausible=(0.08, 0.3)),
    _P("force_density_half_saturation", 30.0, "effective CT personnel per 100,000 people", "assumption",
       "detection = rate x density / (density + half): more troops find cells with diminishing returns",
       0.01, 1e5),
    _P("effect_police_capacity_ct_gain", 2.0, "multiple of police CT weight at full programme", "assumption",
       "full police capacity building multiplies police CT weight by 1 + this (training, equipment, CTDs; no "
       "figure in FACTS.md)", 0.0, 10.0, plausible=(1.0, 3.0)),
    _P("police_ct_weight", 0.1, "effective CT strength per officer", "assumption",
       "police are many but untrained and unequipped for counterterrorism (FACTS.md s4)", 0.0, 10.0,
       plausible=(0.05, 0.2)),
    _P("ctd_ct_weight", 0.5, "effective CT strength per person", "assumption",
       "provincial Counter Terrorism Department staff: police trained and equipped for CT with intelligence wings, "
       "between the paramilitary (0.25) and the military (1.0); no figure in FACTS.md", 0.0, 10.0,
       plausible=(0.25, 1.0)),
    _P("ctd_strength_punjab", 1200.0, "persons", "fact",
       "FACTS.md s5.3: 1,200 counter-terrorism corporals since 2015 (Punjab Police); a lower bound for the whole "
       "department", 0.0, 1e5),
    _P("ctd_strength_sindh", 850.0, "persons", "fact", "FACTS.md s5.3: Sindh CTD ~850 staff (2015)", 0.0, 1e5),
    _P("ctd_strength_kp", 2135.0, "persons", "fact",
       "FACTS.md s5.3: KP CTD, 2,135 posted of 3,161 authorised (Dec 2022); serves settled and merged districts",
       0.0, 1e5),
    _P("ctd_strength_balochistan", 1000.0, "persons", "assumption",
       "FACTS.md s5.3: Balochistan CTD strength not found; set near the other provinces' (850-2,135). Held fixed, "
       "not sampled: across 500-2,000 it moved no outcome beyond the noise of paired runs beside Frontier Corps "
       "Balochistan's 52,000 (tests/declarations/test_wiring.py)", 0.0, 1e5),
    _P("punjab_rangers_strength", 20000.0, "persons", "assumption",
       "FACTS.md s5.3: Punjab Rangers' strength not found; set below Sindh Rangers' 24,630 (FACTS.md s2); most of "
       "it guards the Indian border", 0.0, 1e6, plausible=(10000.0, 30000.0)),
    _P("paramilitary_ct_weight", 0.25, "effective CT strength per person", "assumption",
       "Rangers and FC relative to the military", 0.0, 10.0),
    _P("military_ct_weight", 1.0, "effective CT strength per soldier", "assumption", "reference", 0.0, 10.0),
    _P("community_intelligence_weight", 0.5, "detection gain at full police share and full legitimacy", "assumption",
       "police who live among the people hear from them where people trust the state: detection x (1 + weight x the "
       "police's share of the district's effective CT strength x legitimacy). DESIGN.md s2 (PROTON-OC: community "
       "policing) and FACTS.md s4 (Singapore's intelligence and community engagement) name the pathway; no figure "
       "gives its size: an assumption (0 = none; 1 = detection doubles where police alone operate among people who "
       "fully trust the state)", 0.0, 5.0, plausible=(0.0, 1.0)),
    _P("visibility_reference_size", 20.0, "members", "assumption",
       "detection scales with sqrt(members / reference): larger cells are easier to find", 1.0, 1000.0),
    _P("deterrence", 0.3, "share of attacks held back at saturating force density", "assumption",
       "attack rate x (1 - deterrence x force reach): militants weigh the risk of arrest (Epstein 2002); cells in "
       "sanctuary are not deterred. Held fixed, not sampled: the attack rate is normalised on it at the start, so "
       "only later changes of force reach act through it, and across 0-0.6 it moved no outcome beyond the noise of "
       "paired runs (tests/declarations/test_wiring.py)", 0.0, 1.0),
    _P("hit_fraction", 0.3, "share of members", "assumption",
       "share of a cell's members arrested or killed when it is hit", 0.0, 1.0, plausible=(0.15, 0.45)),
    _P("kill_share_police", 0.15, "share", "assumption", "of members neutralised by police, share killed",
       0.0, 1.0),
    _P("kill_share_paramilitary", 0.35, "share", "assumption", "same for Rangers and FC", 0.0, 1.0),
    _P("kill_share_military", 0.7, "share", "assumption", "same for the military", 0.0, 1.0),
    _P("collateral_police", 0.05, "civilian casualties per hit", "assumption",
       "accuracy (Bennett 2008): police operations rarely harm bystanders", 0.0, 10.0),
    _P("collateral_paramilitary", 0.15, "civilian casualties per hit", "assumption", "Rangers and FC",
       0.0, 10.0),
    _P("collateral_military", 0.5, "civilian casualties per hit", "assumption",
       "heavier weapons, less local knowledge", 0.0, 10.0),
    _P("search_harm_rate", 0.15, "bystanders harmed per 1,000 military-equivalent personnel-months at tempo 1",
       "assumption", "searching harms bystanders whether or not it finds a cell (cordon-and-search, raids, curfews; "
       "Bennett 2008: accuracy can matter more than effectiveness), in districts where cells operate, by force type "
       "in proportion to collateral_police/paramilitary/military. No figure in FACTS.md: sized so that, in the model "
       "before this mechanism (calibration version 7), the status quo's search harm over 2025-2034 about equals its "
       "harm from operations that find a cell", 0.0, 10.0, plausible=(0.04, 0.6)),
    _P("formation_strength", 3000.0, "soldiers", "assumption", "personnel of one formation", 100.0, 20000.0),
    _P("paramilitary_border_share", 0.5, "share", "assumption",
       "share of Rangers/FC strength held on the border (FACTS.md s4: the border is their first duty)",
       0.0, 1.0),
    # --- lever effect sizes (assumptions; each lever's declaration in ctsim.declarations.levers says where it acts)
    _P("effect_development_poverty_cut", 0.3, "share of the poor share", "assumption",
       "a full development programme cuts the poor share by this much", 0.0, 1.0, plausible=(0.1, 0.5)),
    _P("effect_development_legitimacy", 0.1, "legitimacy at full reach", "assumption",
       "service delivery lifts legitimacy", 0.0, 1.0, plausible=(0.0, 0.2)),
    _P("effect_education_out_of_school_cut", 0.5, "share of the out-of-school share", "assumption",
       "a full education programme cuts the out-of-school share by this much", 0.0, 1.0, plausible=(0.2, 0.7)),
    _P("effect_education_away_cut", 0.3, "share of the away-from-family share", "assumption",
       "a full education programme (day schools near home) cuts the share of youth living away from family under "
       "a teacher's control by this much (the Swat finding, FACTS.md s3: 99% of recruits were away from family; "
       "the size is an assumption)", 0.0, 1.0, plausible=(0.1, 0.5)),
    _P("effect_education_admin_gain", 0.0, "administrative capacity at full programme", "assumption",
       "FLAGGED ASSUMPTION, off in the central set: FACTS.md s3 pairs education with administration in keeping GB "
       "and AJK quiet, but no source says schooling builds administration; sampled over its range in experiments "
       "so its weight can be seen", 0.0, 1.0, plausible=(0.0, 0.2)),
    _P("effect_madrasa_seminary_risk_cut", 0.8, "share of the away-from-family excess risk", "assumption",
       "full madrasa reform removes this share of the extra risk of youth in boarding seminaries", 0.0, 1.0,
       plausible=(0.5, 1.0)),
    _P("effect_narrative_religious", 0.1, "share of the radicalisation hazard", "assumption",
       "reach of a full-strength religious counter-narrative (FACTS.md s4: a religious tit-for-tat)", 0.0, 1.0,
       plausible=(0.0, 0.2)),
    _P("effect_narrative_socio_economic", 0.3, "share of the radicalisation hazard", "assumption",
       "reach of a full-strength socio-economic narrative (FACTS.md s4 recommendation; size unknown)", 0.0, 1.0,
       plausible=(0.1, 0.5)),
    _P("rehabilitation_places_per_year", 2500.0, "persons per year at full programme", "assumption",
       "places in deradicalisation and rehabilitation centres nationally at deradicalisation = 1; about three times "
       "the documented throughput of Mishal (~300 a year 2016-17), Punjab's course (350 in 9 months) and Sabaoon "
       "(~40 a year) together (FACTS.md s5.5)", 0.0, 1e6, plausible=(1000.0, 5000.0)),
    _P("rehabilitation_relapse", 0.13, "share of graduates", "derived",
       "graduates who return to militancy: Saudi centre ~15% relapsed, Indonesia 11.4% of released convicts "
       "reoffended (FACTS.md s5.5); Pakistan's rate is not published (Mishal's claimed 99% is unverified), so the "
       "range reaches up to 0.3", 0.0, 1.0, plausible=(0.1, 0.3)),
    _P("surrender_rate_full", 0.005, "per member per month at full programme", "assumption",
       "members of active cells who accept a surrender offer each month when a full programme offers one (places "
       "permitting); no Pakistani figure in FACTS.md", 0.0, 1.0, plausible=(0.0, 0.015)),
    _P("effect_border_sanctuary_cut", 0.7, "share", "assumption",
       "full border management and Afghan cooperation cut sanctuary entry, cross-border supply and the fighters "
       "arriving from Afghanistan (cross_border_inflow) by this much",
       0.0, 1.0, plausible=(0.4, 0.9)),
    _P("effect_hvt_lethality_cut", 0.7, "share", "assumption",
       "full protection cuts deaths and injuries in attacks on high-value targets by this much", 0.0, 1.0,
       plausible=(0.4, 0.9)),
    _P("effect_dialogue_legitimacy", 0.1, "legitimacy at full dialogue", "assumption",
       "dialogue with non-violent movements lifts legitimacy in Balochistan and the merged districts", 0.0, 1.0,
       plausible=(0.0, 0.2)),
    _P("poverty_trend_per_year", 0.0, "relative change per year", "assumption",
       "exogenous drift of every district's poor share (growth, inflation, shocks), compounding; 0 = none",
       -0.2, 0.2, plausible=(-0.03, 0.03)),
    # --- prices (rupees a month at FY2024-25 prices) ---------------------------------------------------------------
    # The cost output is in Pakistani rupees at FY2024-25 prices (the year of FACTS.md s5.6's latest budgets). Figures
    # from earlier years are in the rupees of their year, not adjusted for inflation (FACTS.md holds no price index);
    # where one sets a central value, the plausible range reaches up to allow for prices since. Prices move only the
    # cost output (no process reads it), so each is an uncertainty a study can vary; `ctsim compare` draws them per
    # replication (ctsim.verdicts.money). Forces are priced per person a month; programmes at the full programme.
    _P("cost_weight_police", 77_300.0, "PKR per police officer a month", "derived",
       "FACTS.md s5.6: Punjab's police budget FY25 Rs190bn / 204,892 Punjab police (FACTS.md s2, 2017 count) / 12 "
       "(the whole budget per officer: pay, operations, equipment); Punjab FY24 (Rs165bn) gives Rs67,100, Sindh FY25 "
       "(Rs163.9bn for ~105,000) Rs130,100, KP FY26 (Rs157.6bn for ~120,000) Rs109,400", 0.0, 1e7,
       plausible=(67_000.0, 130_000.0)),
    _P("cost_weight_paramilitary", 116_000.0, "PKR per Rangers or FC member a month", "assumption",
       "1.5 times a police officer's cost (FACTS.md has no paramilitary budget): pay plus field allowances and "
       "equipment; plausible 1-2 times", 0.0, 1e7, plausible=(77_000.0, 155_000.0)),
    _P("cost_weight_military", 193_000.0, "PKR per deployed soldier a month", "assumption",
       "2.5 times a police officer's cost for a soldier of a formation deployed on internal security (pay, "
       "allowances, operations; FACTS.md has no per-soldier figure); plausible 1.5-4 times", 0.0, 1e7,
       plausible=(116_000.0, 310_000.0)),
    _P("cost_kinetic_full_tempo", 13.6e9, "PKR a month at full tempo", "derived",
       "operations at full tempo (kinetic_intensity 1) over the status quo's (0.5), taken as a Zarb-e-Azb-scale "
       "campaign (an assumption): Rs190bn over three fiscal years (FACTS.md s5.6) was 7.7% of the defence budgets of "
       "FY16-17 (Rs780bn, 860bn); 7.7% of FY25's Rs2,122bn is Rs163bn a year. Plausible from Zarb-e-Azb's own Rs63bn "
       "a year (in rupees of 2014-17) to 1.5 times the central value", 0.0, 1e13, plausible=(5.3e9, 20.4e9)),
    _P("cost_nacta_pm_office", 2.0e9 / 12, "PKR a month", "assumption",
       "NACTA in the PM's office with a joint intelligence directorate is assumed to need its largest budget so far "
       "(FY17 revised Rs1.56bn) instead of its latest under the Interior Ministry (FY20 Rs276m; FACTS.md s5.3): "
       "Rs1.28bn a year in rupees of those years, Rs2bn a year at FY25 prices (an assumption: the defence budget grew "
       "2.5 times from FY17 to FY25, FACTS.md s5.6); plausible Rs1.0-3.2bn a year", 0.0, 1e13,
       plausible=(1.0e9 / 12, 3.2e9 / 12)),
    _P("cost_central_ctd", 3.0e9 / 12, "PKR a month", "assumption",
       "a central CTD is assumed to cost Rs3bn a year, between KP's CTD (Rs2.18bn a year for 2,135 posted, 2022) and "
       "Punjab's (Rs7.6bn, FY25), FACTS.md s5.3; plausible over that span", 0.0, 1e13,
       plausible=(2.18e9 / 12, 7.6e9 / 12)),
    _P("cost_police_capacity_full", 30e9 / 12, "PKR a month at the full programme", "assumption",
       "full police counterterrorism capacity (intelligence, training, equipment) for Rs30bn a year, sized from "
       "budgets (FACTS.md s5.3, s5.6): every province's CTD funded at Punjab's FY25 rate per person (Rs7.6bn for "
       "127.7m people, Rs14bn for 241.5m) at the low end; a tenth of the provinces' police budgets (Punjab Rs190bn, "
       "Sindh Rs163.9bn, KP Rs157.6bn, Balochistan's) at the high end, Rs55bn", 0.0, 1e13,
       plausible=(14e9 / 12, 55e9 / 12)),
    _P("cost_prosecution_per_multiple", 3e9 / 12, "PKR a month per multiple of the status quo's capacity",
       "assumption",
       "terrorism prosecution (prosecutors, anti-terrorism courts, witness protection) at the status quo's capacity, "
       "priced like a provincial CTD, Rs3bn a year: between KP's CTD (Rs2.18bn) and Punjab's (Rs7.6bn), FACTS.md "
       "s5.3; FACTS.md has no prosecution budget (Punjab: 950 prosecutors in post, 14 at the ATCs, 2015, s5.4)",
       0.0, 1e13, plausible=(1e9 / 12, 7.6e9 / 12)),
    _P("cost_madrasa_reform_full", 10e9 / 12, "PKR a month at the full programme", "assumption",
       "every seminary reformed (formal-subject teachers, registration, inspection, day-scholar places): 33,218 "
       "seminaries (PES 2016-17; 17,738 registered in 2024, FACTS.md s5.7) at Rs300,000 a year each (an "
       "assumption), Rs10bn a year; plausible from the registered ones at that rate (Rs5bn) to all at twice it "
       "(Rs20bn)", 0.0, 1e13, plausible=(5e9 / 12, 20e9 / 12)),
    _P("cost_education_full", 105e9 / 12, "PKR a month at the full programme", "assumption",
       "the full programme halves the out-of-school share: half of the 26.2m children out of school (2021-22, "
       "FACTS.md s5.7) in school at Rs8,000 a year each (an assumption: a low-cost public school place), Rs105bn a "
       "year; plausible at Rs4,000-20,000 a place", 0.0, 1e13, plausible=(52e9 / 12, 262e9 / 12)),
    _P("cost_development_full", 300e9 / 12, "PKR a month at the full programme", "assumption",
       "a national development and poverty-reduction programme that cuts the poor share by up to 30%, on the scale "
       "of the country's largest transfer programme: half BISP's FY25 budget, Rs300bn a year (an assumption); "
       "plausible from the merged districts' yearly pledge (Rs100bn, 2017) to BISP's FY25 budget (Rs593bn for 10m "
       "families), FACTS.md s5.6", 0.0, 1e13, plausible=(100e9 / 12, 593e9 / 12)),
    _P("cost_counter_narrative_full", 3e9 / 12, "PKR a month at the full programme", "assumption",
       "a national counter-narrative at full strength (media, scholars, schools, online) for Rs3bn a year, about "
       "twice NACTA's largest budget (FY17 revised Rs1.56bn, FACTS.md s5.3); the status quo's strength (0.2) then "
       "costs Rs0.6bn a year, about twice NACTA's FY20 budget (Rs276m), which runs Paigham-e-Pakistan among its "
       "tasks; plausible Rs1-8bn a year", 0.0, 1e13, plausible=(1e9 / 12, 8e9 / 12)),
    _P("cost_deradicalisation_full", 1.5e9 / 12, "PKR a month at the full programme", "assumption",
       "the full programme's rehabilitation places (rehabilitation_places_per_year, 2,500) at Rs600,000 a place (an "
       "assumption: residential programmes of 3-18 months such as Mishal and Sabaoon, FACTS.md s5.5, which gives no "
       "costs), Rs1.5bn a year; plausible Rs200,000-2m a place", 0.0, 1e13, plausible=(0.5e9 / 12, 5e9 / 12)),
    _P("cost_border_management_full", 48e9 / 12, "PKR a month at the full programme", "assumption",
       "full border management on the scale of the 58 FC wings raised in 2017-21 (FACTS.md s5.2) at 600 personnel "
       "a wing (an assumption) and the paramilitary price (cost_weight_paramilitary), with fencing upkeep and "
       "Afghan liaison: Rs48bn a year; plausible with wings of 300-1,000 at the ends of that price", 0.0, 1e13,
       plausible=(16e9 / 12, 108e9 / 12)),
    _P("cost_hvt_protection_full", 21e9 / 12, "PKR a month at the full programme", "assumption",
       "full protection of high-value sites and foreign nationals (CPEC, FACTS.md s4) by about 15,000 security "
       "personnel (an assumption: FACTS.md has no figure) at the paramilitary price, Rs21bn a year; plausible with "
       "7,500-30,000 personnel", 0.0, 1e13, plausible=(10e9 / 12, 42e9 / 12)),
    _P("cost_dialogue_full", 1e9 / 12, "PKR a month at the full programme", "assumption",
       "commissions, jirgas and outreach to non-violent movements for Rs1bn a year, of the order of NACTA's budgets "
       "(FY20 Rs276m to FY17 Rs1.56bn, FACTS.md s5.3); plausible Rs0.3-3bn a year", 0.0, 1e13,
       plausible=(0.3e9 / 12, 3e9 / 12)),
    _P("development_merged_reach_multiple", 2.0, "multiple of the even per-person reach", "assumption",
       "with development_merged_first, the merged districts get this multiple of the reach an even spread would "
       "give them and the other districts share the rest of the same budget (population-weighted). FACTS.md s5.6: "
       "Rs100bn a year pledged in 2017 for ~5.7m people, but only Rs87bn of Rs500bn arrived in five years, so the "
       "premium realised is far below the pledge's", 1.0, 10.0, plausible=(1.5, 4.0)),
    # --- institutions ----------------------------------------------------------------------------------------
    _P("prosecution_capacity_cases", 40.0, "terrorism cases decided per month, nationally", "assumption",
       "FACTS.md s4: 11 prosecutors for 5,400 arrests in Karachi; no national figure", 0.0, 1e5,
       plausible=(20.0, 80.0)),
    _P("conviction_rate", 0.3, "share of decided cases", "assumption", "no figure in FACTS.md", 0.0, 1.0,
       plausible=(0.15, 0.5)),
    _P("max_pretrial_months", 6.0, "months", "assumption",
       "arrested militants not tried by then are released", 1.0, 60.0),
    _P("return_rate_released", 0.5, "share", "assumption",
       "share of released militants who return to a cell (the revolving door, FACTS.md s4)", 0.0, 1.0,
       plausible=(0.3, 0.7)),
    _P("coordination_base", 0.5, "index units", "assumption",
       "detection scales with (coordination_base + coordination index) relative to the status quo's, so that no "
       "coordination still finds some cells", 0.0, 5.0),
    _P("kinetic_tempo_base", 0.5, "index units", "assumption",
       "operations' tempo is kinetic_tempo_base + kinetic_intensity: it scales detection, the killed share and "
       "collateral harm", 0.0, 5.0),
    _P("coordination_interior", 0.4, "index 0-1", "assumption",
       "inter-agency coordination with NACTA under the Interior Ministry (FACTS.md s4: ISI and IB do not heed "
       "its directives)", 0.0, 1.0),
    _P("coordination_pm_office", 0.6, "index 0-1", "assumption",
       "coordination with NACTA in the PM's office under the NSA (FACTS.md s4 proposal)", 0.0, 1.0),
    _P("coordination_central_ctd", 0.1, "index 0-1", "assumption",
       "added coordination from a central CTD for inter-provincial and cross-border cases", 0.0, 1.0),
    # --- who leads counterterrorism (ct_lead): what a Rangers or a police lead changes, against the military's -------
    # FACTS.md s4: police should be the first line, then civil armed forces, the military only where civil authority
    # lacks access, and over-reliance on the military left civilian capacity unbuilt. No figure sizes any of it:
    # each setting is an assumption with the range a study varies. Under a military lead the military deploys all
    # the formations the lever commits, police keep their own CT weight and the paramilitary hold their border share.
    _P("lead_rangers_military_deployment", 0.4, "share of committed formations deployed", "assumption",
       "under a Rangers/FC lead the military keeps to the areas where civil authority lacks access", 0.0, 1.0,
       plausible=(0.2, 0.7)),
    _P("lead_police_military_deployment", 0.2, "share of committed formations deployed", "assumption",
       "under a police lead the military keeps to the merged districts", 0.0, 1.0, plausible=(0.1, 0.5)),
    _P("lead_rangers_police_weight", 1.3, "multiple of police CT weight", "assumption",
       "police working beside a paramilitary lead gain mandate and intelligence sharing", 1.0, 3.0,
       plausible=(1.0, 1.6)),
    _P("lead_police_police_weight", 2.0, "multiple of police CT weight", "assumption",
       "the lead force gets mandate, resources and the intelligence flow (FACTS.md s4)", 1.0, 4.0,
       plausible=(1.3, 3.0)),
    _P("lead_rangers_paramilitary_release", 0.4, "share of the border-held strength", "assumption",
       "a paramilitary lead moves part of the border-held strength to internal duty (FACTS.md s4: the Rangers' "
       "first duty is the border, internal security became their main one)", 0.0, 1.0, plausible=(0.2, 0.6)),
    _P("lead_police_paramilitary_release", 0.2, "share of the border-held strength", "assumption",
       "under a police lead the paramilitary back the police from part of their border strength", 0.0, 1.0,
       plausible=(0.0, 0.4)),
    _P("term_months", 60.0, "months", "fact", "FACTS.md s4: five-year terms", 12.0, 120.0),
    _P("months_to_first_transition", 61.0, "months from the start", "assumption",
       "next change of government about five years after the February 2024 election", 1.0, 240.0),
    # --- legitimacy and fear ---------------------------------------------------------------------------------
    _P("legitimacy_floor", 0.3, "index 0-1", "assumption",
       "initial legitimacy = floor + slope x administrative capacity (no survey figure in FACTS.md)", 0.0, 1.0),
    _P("legitimacy_admin_slope", 0.5, "index per unit of capacity", "assumption", "see legitimacy_floor",
       0.0, 1.0),
    _P("legitimacy_adjustment_rate", 0.05, "per month", "assumption",
       "speed at which legitimacy moves toward its target", 0.0, 1.0),
    _P("legitimacy_collateral_effect", 0.02, "legitimacy per collateral casualty per 100k", "assumption",
       "collateral harm raises anger (Bennett 2008). Held fixed, not sampled: on calibration version 5, across "
       "0.01-0.04 it moved no four-year outcome beyond the noise of paired runs (t = 3.5 on cells; "
       "tests/declarations/test_wiring.py); collateral harm acts more through the harm memory (harm_radicalisation_"
       "weight)", 0.0, 10.0),
    _P("legitimacy_attack_effect", 0.01, "legitimacy per death per 100k", "assumption",
       "a state that cannot protect loses standing", 0.0, 10.0),
    _P("legitimacy_detention_effect", 0.005, "legitimacy per person detained untried per 100k", "assumption",
       "detention without trial costs the state standing where it happens (FACTS.md s4: the revolving door and "
       "Fourth-Schedule lists); size an assumption", 0.0, 1.0, plausible=(0.0, 0.01)),
    _P("harm_memory_months", 24.0, "months", "assumption",
       "collateral harm is remembered: the district's harm stock keeps 1 - 1/memory of itself each month", 1.0,
       240.0, plausible=(12.0, 48.0)),
    _P("harm_radicalisation_weight", 0.1, "per remembered collateral casualty per 100k", "assumption",
       "radicalisation hazard x (1 + w x harm stock): harm by operations drives recruits where it falls (Bennett "
       "2008: accuracy can matter more than effectiveness); size an assumption", 0.0, 10.0, plausible=(0.0, 0.3)),
    _P("militant_adaptation", 0.5, "elasticity", "assumption",
       "militants adapt to a sustained tempo (dispersal, communications discipline): detection scales with tempo x "
       "(reference tempo / tempo they have adapted to) ** adaptation, so a surge's gain erodes and a lull's "
       "complacency too; 0 = no adaptation, 1 = full (no lasting gain from tempo)", 0.0, 1.0,
       plausible=(0.2, 0.8)),
    _P("adaptation_months", 12.0, "months", "assumption",
       "time constant over which militants adapt to a change in operations' tempo. Held fixed, not sampled: across "
       "6-24 months it moved no four-year outcome beyond the noise of paired runs at full tempo "
       "(tests/declarations/test_wiring.py); militant_adaptation carries the uncertainty", 1.0, 120.0),
    _P("legitimacy_heavy_handed_effect", 0.05, "legitimacy", "assumption",
       "heavy-handed contact lowers trust (PROTON-T; FACTS.md s4: the risk of overreach against civil liberties); "
       "scaled by the share of deployed strength weighted by each force's accuracy relative to the military's "
       "(collateral_police, _paramilitary / collateral_military), times the tempo relative to the status quo's at the "
       "start; size an assumption", 0.0, 1.0),
    _P("threat_memory", 0.8, "share kept per month", "assumption",
       "deployment follows threat = memory x last threat + (1 - memory) x this month's attacks", 0.0, 0.99),
    _P("initial_threat_per_cell", 0.1, "attacks per cell-equivalent", "assumption",
       "threat at the start, per initial_cell_size militants (intelligence picture before any attack)", 0.0, 10.0),
    _P("fear_decay", 0.8, "share kept per month", "assumption", "", 0.0, 1.0),
    _P("fear_per_death", 0.2, "fear per death per 100k", "assumption", "attacks raise fear (Bennett 2008)",
       0.0, 100.0),
)

PARAMETERS_BY_NAME: Mapping[str, Param] = MappingProxyType({p.name: p for p in PARAMETERS})

# Administrative capacity by region (index 0-1). An assumption: an ordinal judgement from FACTS.md s3-4 (GB and
# AJK better administered; merged districts and Balochistan least), to be calibrated in issue 5.
ADMIN_CAPACITY_BY_REGION: Mapping[str, float] = MappingProxyType({
    "Punjab": 0.65, "Sindh": 0.5, "KP (settled districts)": 0.5, "Merged districts": 0.25,
    "Balochistan": 0.35, "ICT": 0.8, "Gilgit-Baltistan": 0.7, "AJK": 0.7,
})

# Police strength by region (persons). Facts from FACTS.md s2 (provincial police and Home Departments as
# reported in the press); KP is split into settled and merged districts by the 27,971 absorbed Levies and
# Khasadars (16,053 + 11,918, 2019); Balochistan counts police 28,094 + Levies ~23,000.
POLICE_BY_REGION: Mapping[str, float] = MappingProxyType({
    "Punjab": 204_892, "Sindh": 105_000, "KP (settled districts)": 120_000 - 27_971,
    "Merged districts": 16_053 + 11_918, "Balochistan": 28_094 + 23_000, "ICT": 9_828,
    "Gilgit-Baltistan": 6_000, "AJK": 7_000,
})


@dataclass(frozen=True)
class WingSpec:
    """A paramilitary wing (Rangers, Frontier Corps, Frontier Constabulary)."""

    name: str
    strength: float | str
    regions: tuple[str, ...]
    source: str
    border_duty: bool = True

    def personnel(self, p: Mapping[str, float]) -> float:
        """Strength in persons: the fact, or the declared parameter named by ``strength``."""
        return float(p[self.strength]) if isinstance(self.strength, str) else float(self.strength)


# FACTS.md s2; Punjab Rangers' strength is an assumption (a parameter with a plausible range).
PARAMILITARY_WINGS: tuple[WingSpec, ...] = (
    WingSpec("Punjab Rangers", "punjab_rangers_strength", ("Punjab",),
             "assumption: punjab_rangers_strength (FACTS.md s5.3: not found)"),
    WingSpec("Sindh Rangers", 24_630, ("Sindh",), "fact: FACTS.md s2"),
    WingSpec("Frontier Corps Balochistan", 52_000, ("Balochistan",), "fact: FACTS.md s2 (~52,000)"),
    WingSpec("Frontier Corps KP", 23_000, ("KP (settled districts)", "Merged districts"),
             "derived: FACTS.md s2, FC overall ~70,000-80,000 (midpoint 75,000) less FC Balochistan 52,000"),
    WingSpec("Frontier Constabulary", 26_000, ("KP (settled districts)", "ICT"), "fact: FACTS.md s2 (~26,000)",
             border_duty=False),
)


# Provincial Counter Terrorism Departments: police CT specialists deployed over their province by threat (strength
# parameters above: facts for Punjab, Sindh and KP, an assumption for Balochistan). The KP CTD serves the merged
# districts too.
CTD_BY_PROVINCE: Mapping[str, tuple[str, tuple[str, ...]]] = MappingProxyType({
    "Punjab CTD": ("ctd_strength_punjab", ("Punjab",)),
    "Sindh CTD": ("ctd_strength_sindh", ("Sindh",)),
    "KP CTD": ("ctd_strength_kp", ("KP (settled districts)", "Merged districts")),
    "Balochistan CTD": ("ctd_strength_balochistan", ("Balochistan",)),
})


class ParameterError(ValueError):
    """An unknown parameter name or an out-of-range value."""


CALIBRATION_FILE = Path(__file__).parents[1] / "data" / "calibration.json"


def declared() -> dict[str, float]:
    """The declared value of every parameter (for ``calibrate`` parameters: the hand-set starting point)."""
    return {p.name: p.value for p in PARAMETERS}


@lru_cache(maxsize=1)
def calibration_version() -> str:
    """The stored calibration's version and date (``"1 (2026-11-24)"``), or ``"none"`` when none is stored."""
    if not CALIBRATION_FILE.exists():
        return "none"
    record = _calibration_record()
    return f"{record.get('version', '?')} ({str(record.get('created_utc', ''))[:10]})"


def _calibration_record() -> dict:
    """The stored calibration record; one clear line if the file is not one (half written by a hand edit, cut)."""
    try:
        record = json.loads(CALIBRATION_FILE.read_text())
        if not isinstance(record, dict) or not isinstance(record.get("free_parameters"), dict):
            raise ValueError("no table of free parameters")
        return record
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{CALIBRATION_FILE}: not a calibration record ({exc}); restore it from git or rerun "
                         f"'ctsim calibrate'") from None


_CALIBRATED: dict[tuple, Mapping[str, float]] = {}


def calibrated() -> Mapping[str, float]:
    """The values stored by the last calibration (``src/ctsim/data/calibration.json``); empty if there is none.

    Read once per state of the file (its path, size and modification time), so building many models reads it once,
    and a calibration that rewrites it is seen by the next call."""
    try:
        stat = CALIBRATION_FILE.stat()
    except OSError:
        return MappingProxyType({})
    key = (str(CALIBRATION_FILE), stat.st_size, stat.st_mtime_ns)
    if key not in _CALIBRATED:
        record = _calibration_record()
        try:
            values = {name: float(spec["value"]) for name, spec in record["free_parameters"].items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{CALIBRATION_FILE}: free_parameters: each needs a numeric 'value' ({exc})") from None
        _CALIBRATED.clear()
        _CALIBRATED[key] = MappingProxyType(values)
    return _CALIBRATED[key]


def defaults() -> dict[str, float]:
    """The value every run uses unless told otherwise: declared values, with the calibrated ones on top."""
    return {**declared(), **calibrated()}


def resolve(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """Return the full parameter set with ``overrides`` applied and checked.

    Raises:
        ParameterError: for an unknown name, a non-number or a value outside the declared bounds.
    """
    values = defaults()
    for name, value in (overrides or {}).items():
        spec = PARAMETERS_BY_NAME.get(name)
        if spec is None:
            raise ParameterError(f"unknown parameter '{name}'")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(f"parameter '{name}' must be a number, got {value!r}")
        if not spec.low <= value <= spec.high:
            raise ParameterError(f"parameter '{name}' = {value} is outside [{spec.low}, {spec.high}]")
        values[name] = float(value)
    return values
