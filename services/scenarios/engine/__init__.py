"""Stadtdialog scenario engine: pure computation (Python + NumPy, optional numba).

Influence analysis and MICMAC, consistency analysis with exact projection-bundle search,
cross-impact balances (CIB) with exact branch and bound and basins, clustering of bundles into
raw scenarios and a scenario map by classical MDS. No I/O beyond ``io`` (JSON readers) and the
``cli`` command group.
"""
