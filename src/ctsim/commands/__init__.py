"""The subcommands of ``ctsim``, one module each: its options (``add_parser``) and what it does (``handle``).

A command ties the floors together: it reads the options, calls the scenario, experiment or study code it names
(:mod:`ctsim.scenarios`, :mod:`ctsim.experiments`, :mod:`ctsim.analysis`) and presents what came back (charts of
:mod:`ctsim.figures`, the Markdown reports of :mod:`ctsim.docs`, the brief of :mod:`ctsim.report`). That is why
commands live above every package they use rather than inside a study, which may not import its own charts: a
study computes and stores, a command presents. :mod:`ctsim.cli` only builds the parser from these modules and
dispatches. A command imports its study and presentation modules when it runs (at the top of ``handle``), so that
``ctsim --help`` and a quick ``ctsim run`` do not load pyabc, SALib, dask or matplotlib. ``ctsim report``, ``ctsim new``
and ``ctsim dashboard`` live beside their code, in :mod:`ctsim.report.command` and :mod:`ctsim.dashboard.server`, on the
top floor already.
"""
