"""Suggestions learned from the municipality's own cases: which department a case belongs to,
and how similar cases were answered before.

Everything is trained and used inside this installation: no text leaves it.

May import: `cases`, `people`, the infrastructure modules and `settings`. Never `web`, `api`,
`commands` or `jobs`.
"""
