"""People: staff accounts, roles, departments, web sessions and API tokens, and the audit log
of who did what.

May import: `settings` (``[auth.oidc]``: what a sign-in through the identity provider gives)
and the infrastructure modules.
"""
