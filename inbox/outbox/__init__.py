"""Outbox: outgoing messages as rows written in the caller's transaction, sent by a dispatcher
after the commit through one sender per channel.

May import: `settings`, the infrastructure modules and `channels`. No other feature.
"""
