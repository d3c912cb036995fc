"""Experiment and study files may name library scenarios by name, as scenario files' ``extends`` does."""

from __future__ import annotations

from ctsim.analysis.sensitivity.study import load_study
from ctsim.experiments.design import load_experiment
from ctsim.scenarios.library import library_path


def test_an_experiment_saved_anywhere_names_library_scenarios(tmp_path):
    path = tmp_path / "exp.toml"
    path.write_text('name = "lib"\nscenarios = ["baseline", "civilian_led.toml"]\nreplications = 1\nmonths = 6\n'
                    '[design]\nmethod = "list"\npoints = [{kinetic_intensity = 0.5}]\n')
    experiment = load_experiment(path)
    assert [s.name for s in experiment.scenarios] == ["baseline", "civilian_led"]
    assert experiment.scenarios[1].path.resolve() == library_path("civilian_led").resolve()


def test_a_file_beside_the_experiment_wins_over_the_library(tmp_path):
    (tmp_path / "baseline.toml").write_text('extends = "baseline"\nname = "my_baseline"\n')
    path = tmp_path / "exp.toml"
    path.write_text('name = "mine"\nscenarios = ["baseline.toml"]\nreplications = 1\nmonths = 6\n'
                    '[design]\nmethod = "list"\npoints = [{kinetic_intensity = 0.5}]\n')
    assert load_experiment(path).scenarios[0].name == "my_baseline"


def test_a_study_names_a_library_scenario(tmp_path):
    path = tmp_path / "study.toml"
    path.write_text('name = "s"\nscenario = "baseline"\nmethod = "morris"\nn = 2\nmonths = 6\n'
                    '[factors]\nkinetic_intensity = [0.2, 0.8]\n')
    assert load_study(path).scenario.name == "baseline"
