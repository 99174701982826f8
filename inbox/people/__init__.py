"""People: staff accounts, roles, departments, web sessions and API tokens, and the audit log
of who did what.

May import: the infrastructure modules only.
"""
