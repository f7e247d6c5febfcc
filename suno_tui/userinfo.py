"""Keep credentials written into URLs out of messages.

A URL may carry ``user:password@`` (a proxy's, or a base URL pasted with
one). Anything that quotes a URL back, in a message about what else is wrong
with it, shows ``***@`` instead.
"""

from __future__ import annotations

import re

__all__ = ["mask_userinfo", "without_userinfo"]

# The user-info part of one URL (scheme and slashes optional, as typos go).
_LEADING_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:/*)?[^/?#\s]*@")
# The user-info part of any URL inside a longer text.
_USERINFO_IN_TEXT = re.compile(r"(?<=//)[^/?#\s'\"<>()]*@")


def without_userinfo(url: str) -> str:
    """``url`` with its ``user:password@`` (if any) replaced by ``***@``."""
    return _LEADING_USERINFO.sub(lambda match: (match.group(1) or "") + "***@", url)


def mask_userinfo(text: str) -> str:
    """``text`` with the user info of every ``scheme://user:pass@host`` in it masked."""
    return _USERINFO_IN_TEXT.sub("***@", text)
