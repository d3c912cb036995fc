"""The trainers' dashboard: ``ctsim dashboard`` serves a Solara page in which a class watches the model month by month.

Modules: :mod:`.state` (one model per browser session and the trainer's actions), :mod:`.controls` (inputs generated
from the lever declarations), :mod:`.views` (district map and charts), :mod:`.widgets` (the live chart and the month
label, with their Vue templates), :mod:`.pacing` (play waits until the browser has drawn each month), :mod:`.compare`
(two policies as ensembles, in the background), :mod:`.export` (scenario TOML and PNG), :mod:`.app` (the page) and
:mod:`.server` (starting it).
``docs/dashboard.md`` is the trainer's guide.
"""
