"""Settings: reading and checking the configuration file (municipality, calendar, promise
rules, channel accounts), and saying in words what it promises (`promise_text`: the
`svarfrist promise` command, the channels' names in every language).

May import: `rules`, `channels`, `inbox.i18n`, `inbox.blobs` (the shape of an S3 location),
`inbox.roles.Role` (the roles ``[auth.oidc.roles]`` may give) and the standard library. No
other part of `inbox`: every feature reads its settings from here.
"""
