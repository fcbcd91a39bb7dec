"""Untrusted text on its way to a page: escaping for Markdown and HTML.

Everything read from data files (statements, porteur and action names,
labels, territory and QPV names) is untrusted. It is escaped where it is
inserted into Markdown or HTML, never trusted to be harmless.
"""

from __future__ import annotations

import html
import re

__all__ = ["escape_html", "escape_markdown"]

# Characters with a meaning in CommonMark/GFM (and in Jupyter's Markdown: `$` opens maths).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~$])")


def escape_html(value: object) -> str:
    """Text safe inside HTML element content and quoted attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def escape_markdown(value: object) -> str:
    """Text that Markdown renders literally: no markup, no HTML, no link, no heading, no maths.

    HTML-significant characters become entities first; then every Markdown
    punctuation character is backslash-escaped, and line breaks are folded so
    that a value can never start a block (heading, list, table, quote).
    """
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    text = html.escape(text, quote=False)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
