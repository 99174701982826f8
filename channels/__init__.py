"""Channel adapters: one module per outside system, no database, no Flask."""
