"""The trainers' dashboard: ``ctsim dashboard`` serves a Solara page in which a class watches a policy against the
status quo month by month, and teams build policy packages in an exercise.

Modules: :mod:`.state` (one session: the policy and the status quo as ensembles stepped in lockstep, and the one
loop over replications), :mod:`.tradeoff` (the five outcomes as paired differences), :mod:`.events` (what happened,
in words), :mod:`.words` (labels, formats and verdicts from :mod:`ctsim.verdicts`), :mod:`.geo` (the provinces and
the map's colour scales), :mod:`.views` (charts and map), :mod:`.controls` (grouped lever inputs), :mod:`.compare`
and :mod:`.compare_view` (two policies as ensembles, in the background), :mod:`.exercise`, :mod:`.board`,
:mod:`.exercise_view` and :mod:`.team_page` (the exercise for teams, kept on disk, and its debrief board),
:mod:`.export` (scenario TOML and PNG), :mod:`.pacing` and :mod:`.widgets` (play waits until the browser drew each
month), :mod:`.guard` (Host, Origin and the session cap), :mod:`.settings`, :mod:`.app` (the page and its routes),
:mod:`.server` (starting it) and :mod:`.shots` (the guide's screenshots).
``docs/dashboard.md`` is the trainer's guide.
"""
