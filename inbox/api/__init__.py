"""The REST API (/api/v1): bearer tokens, JSON, RFC 9457 problem details."""
