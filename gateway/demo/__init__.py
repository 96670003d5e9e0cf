"""Demo content: a living cohort for a newcomer's first look, made through the public HTTP API.

``seed`` stands up two cities of one cohort as people would, call by call, so that every
service does its real work (phase rules, facts on the broker, read models):

* **Musterstadt** in the table-talk phase: a working group, a scenario project with factors,
  two published deep-dive topics, table talks with registrations, project ideas with supports;
* **Beispielstadt** in the scenario phase: a working group, a project with influencing factors
  and citizens' observations and forecasts.

People need verified accounts, and verification is by mail: an ``Inbox`` reads the token of
the n-th mail to an address (the test platform's mail sink, or the log of the local mail sink
that ``deploy/local/run`` keeps). The operator (an address in ``STADTDIALOG_OPERATOR_EMAILS``)
creates the cities and, as operators may, acts for the city's organisers.
"""
