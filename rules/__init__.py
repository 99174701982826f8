"""Pure rules: the working-day calendar, reply promises and their configuration."""
