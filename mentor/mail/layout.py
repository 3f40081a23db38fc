"""Mail HTML as mail programs need it: the layout's CSS moved into style attributes.

Many mail programs (Gmail's apps, Outlook) drop or ignore a <style> block, so the layout
(templates/email/_layout.html) keeps its rules in one <style> and css-inline, a
maintained inliner, writes them onto each element when the mail is rendered.
"""

from __future__ import annotations

import css_inline

#: One inliner for the process: it is stateless and safe to share between threads.
#: Remote stylesheets are never fetched: a mail is rendered from the templates alone.
_INLINER = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


def inline_css(html: str) -> str:
    """Return the HTML with every <style> rule applied as style attributes."""
    return _INLINER.inline(html)
