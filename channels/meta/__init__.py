"""Facebook Messenger, Instagram DMs and comments on the page's posts, through Meta's Graph API.

- :mod:`~channels.meta.account`: the configured page (:class:`MetaAccount`) and its errors;
- :mod:`~channels.meta.graph_json`: reading Graph's JSON field by field, and its error answers;
- :mod:`~channels.meta.webhooks`: the signature, the subscription challenge, the payloads;
- :mod:`~channels.meta.sending`: Meta's reply windows (:func:`reply_kind`) and
  :class:`GraphSender`;
- :mod:`~channels.meta.pulls`: :func:`list_recent`, what webhooks missed, page by page.

``graph_base_url`` points elsewhere than ``https://graph.facebook.com`` (a local
server in tests). Import from the modules themselves; this package re-exports nothing.
"""
