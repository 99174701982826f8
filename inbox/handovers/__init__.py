"""Handovers: a case offered to another department moves only once that department accepts.

May import: `cases`, `outbox`, `people`, the infrastructure modules and `rules`. Never `web`,
`api`, `commands` or `jobs`.
"""
