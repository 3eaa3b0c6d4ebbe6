"""Message catalogue parts, one module per screen or feature, each a ``MESSAGES`` dict of
key -> (English, Simplified Chinese). core/i18n.py merges every module found here."""
