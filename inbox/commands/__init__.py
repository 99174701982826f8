"""Commands of the `svarfrist` CLI, one module per group."""
