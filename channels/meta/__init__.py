"""Facebook Messenger, Instagram DMs and comments on the page's posts, through Meta's Graph API."""
