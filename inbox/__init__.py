"""The core of Svarfrist: app factory, services, web views, API, CLI and worker."""
