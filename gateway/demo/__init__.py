"""Demo content: a living cohort for a newcomer's first look, made through the public HTTP API.

``command.seed`` stands up one cohort with a city in every phase, as people would, call by
call, so that every service does its real work (phase rules, facts on the broker, the scenario
engine, read models). One module per city:

* ``bachstetten`` — **Auftakt**: planned windows, a working group forming, invitations out;
* ``beispielstadt`` — **Szenarien**: influencing factors, a citizen's observations;
* ``wiesenbrueck`` — **Transfer**: a whole scenario project (``scenario_data``), a run with its
  map, three published scenarios, assessments, two deep-dive topics;
* ``musterstadt`` — **Tischgespräche**: topics, talks with registrations, ideas with supports;
* ``rosenbrunn`` — **Abschluss**: documented talks, ideas with next steps, a closing event,
  results.

People need verified accounts, and verification is by mail: an ``Inbox`` reads the token of
the n-th mail to an address (the test platform's mail sink, or the log of the local mail sink
that ``deploy/local/run`` keeps). The operator (an address in ``STADTDIALOG_OPERATOR_EMAILS``)
creates the cities and, as operators may, acts for the city's organisers; ``seeder`` holds the
plumbing they share (accounts, cities, working groups, roles, phases), ``steps`` the steps
several cities take alike, ``command`` seeds the cities side by side.
"""
