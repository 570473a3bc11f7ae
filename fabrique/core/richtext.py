"""Rich text: what the editor may produce, and the server-side guard (nh3) that holds whatever arrives.

One allow-list serves both sides: the editor (django-prose-editor, a ProseMirror/Tiptap editor made for
Django) offers exactly paragraphs, sub-headings (h3, h4), bulleted and numbered lists, bold, italic, links
and quotes; `sanitise` keeps exactly those tags whatever path the HTML took (the editor, a form without
JavaScript, the admin, the shell, a spreadsheet). No attribute survives except a link's `href` (http,
https, mailto), so no style, script, event handler, image or file:// reference ever reaches a template or
the PDF renderer.

`normalise` turns what people really send into that HTML: plain text typed with blank lines becomes
paragraphs (lines starting with "- " or "• " a list), and Word's pasted "MsoListParagraph" paragraphs,
which are not HTML lists, become real lists before cleaning.
"""

import html
import re
from html.parser import HTMLParser

import nh3
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import ProseEditorWidget

TAGS = {"p", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_CHARS = 50_000
MAX_DEPTH = 6

# The editor's toolbar and schema (django-prose-editor "extensions"): the same allow-list as TAGS.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "History": True,
    "SpecialCharacters": True,
}

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_BULLET = re.compile(r"^\s*(?:[-–•·*]|\d+[.)])\s+")


def sanitise(value):
    """Keep only the allowed tags (and a link's href); strip everything else, contents of scripts too."""
    cleaned = nh3.clean(
        value or "",
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    # A link whose address was refused (javascript:, file:) is left bare by nh3: keep only its words.
    cleaned = re.sub(r"<a>(.*?)</a>", r"\1", cleaned, flags=re.DOTALL)
    # Empty paragraphs (the editor's empty document is one) are not text: drop them.
    return re.sub(r"<p>\s*(?:<br>\s*)*</p>", "", cleaned).strip()


def plain_text_to_html(text):
    """Plain text as typed in a text area: a blank line separates paragraphs, "- " lines make a list."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            ordered = all(re.match(r"^\s*\d+[.)]\s", line) for line in lines)
            items = "".join(f"<li><p>{html.escape(_BULLET.sub('', line))}</p></li>" for line in lines)
            blocks.append(f"<ol>{items}</ol>" if ordered else f"<ul>{items}</ul>")
        else:
            blocks.append("<p>" + "<br>".join(html.escape(line) for line in lines) + "</p>")
    return "".join(blocks)


_MSO_LIST_PARAGRAPH = re.compile(
    r"<p\b[^>]*(?:class=[\"']?MsoListParagraph\w*[\"']?|mso-list:\s*l\d+)[^>]*>(.*?)</p>",
    re.IGNORECASE | re.DOTALL,
)
_MSO_IGNORE = re.compile(
    r"<span\b[^>]*mso-list:\s*Ignore[^>]*>.*?</span>\s*(?:</span>)?", re.IGNORECASE | re.DOTALL
)
_MSO_SUPPORT_LISTS = re.compile(r"<!\[if !supportLists\]>(.*?)<!\[endif\]>", re.IGNORECASE | re.DOTALL)
_MSO_BULLET_TEXT = re.compile(r"^\s*(?:[·•o§▪\-–]|\d+[.)]|[a-z][.)])(?:\s|&nbsp;)+", re.IGNORECASE)


def _word_lists_to_html(value):
    """Word pastes list items as consecutive <p class="MsoListParagraph..."> with a hidden bullet: make
    them one <ul> per run of such paragraphs (numbered runs become <ol>)."""

    def item(match):
        raw = match.group(1)
        # The bullet or number sits in a span styled mso-list:Ignore, or (older Word, some exports) only
        # inside the conditional comment <![if !supportLists]>…<![endif]>.
        hidden = _MSO_IGNORE.search(raw) or _MSO_SUPPORT_LISTS.search(raw)
        ordered = bool(hidden and re.match(r"\s*\d+[.)]", text_of(hidden.group(hidden.lastindex or 0))))
        body = _MSO_SUPPORT_LISTS.sub("", _MSO_IGNORE.sub("", raw))
        body = _MSO_BULLET_TEXT.sub("", re.sub(r"^(?:\s|&nbsp;)+", "", body))
        return f"\x00{'o' if ordered else 'u'}<li>{body}</li>\x01"

    marked = _MSO_LIST_PARAGRAPH.sub(item, value)
    if "\x00" not in marked:
        return value

    def group(run):
        items = re.findall(r"\x00([ou])(<li>.*?</li>)\x01", run.group(0), re.DOTALL)
        tag = "ol" if items and items[0][0] == "o" else "ul"
        return f"<{tag}>" + "".join(body for _kind, body in items) + f"</{tag}>"

    return re.sub(r"(?:\x00[ou]<li>.*?</li>\x01\s*)+", group, marked, flags=re.DOTALL)


def normalise(value):
    """What the editor, a plain text area or a paste sent, as clean rich text (see the module doc)."""
    value = (value or "").strip()
    if not value:
        return ""
    if not _TAG.search(value):
        value = plain_text_to_html(html.unescape(value) if "&" in value else value)
    else:
        if "mso" in value.lower():
            value = _word_lists_to_html(value)
        # Headings of other levels become the booklet's two (h3, h4); table cells and rows, which the
        # booklet does not lay out, keep a space between their words.
        value = re.sub(r"<(/?)h[12](\s[^>]*)?>", r"<\1h3>", value, flags=re.IGNORECASE)
        value = re.sub(r"<(/?)h[56](\s[^>]*)?>", r"<\1h4>", value, flags=re.IGNORECASE)
        value = re.sub(r"(</t[dh]>|</tr>)", r" \1", value, flags=re.IGNORECASE)
        # Word and LibreOffice write bold and italic as <b> and <i>: keep them as <strong> and <em>.
        value = re.sub(r"<(/?)b(\s[^>]*)?>", r"<\1strong>", value, flags=re.IGNORECASE)
        value = re.sub(r"<(/?)i(\s[^>]*)?>", r"<\1em>", value, flags=re.IGNORECASE)
    return sanitise(value)


class _Depth(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = self.deepest = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"ul", "ol", "blockquote"}:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag):
        if tag in {"ul", "ol", "blockquote"}:
            self.depth = max(self.depth - 1, 0)


def nesting_depth(value):
    """How deeply lists and quotes are nested in `value` (0 without any)."""
    counter = _Depth()
    counter.feed(value or "")
    counter.close()
    return counter.deepest


def text_of(value):
    """The words of rich text without its tags (excerpts, conflict summaries, search)."""
    return html.unescape(re.sub(r"\s+", " ", _TAG.sub(" ", value or ""))).strip()


def validate_rich_text(value):
    """Refuse, in forms, what a document cannot lay out well: very long text, deeply nested lists."""
    if len(value or "") > MAX_CHARS:
        raise ValidationError(
            _("Ce texte est trop long (%(size)s caractères ; %(max)s au plus)."),
            params={"size": len(value), "max": MAX_CHARS},
            code="too_long",
        )
    if nesting_depth(value) > MAX_DEPTH:
        raise ValidationError(
            _("Les listes et citations sont imbriquées trop profondément (%(max)s niveaux au plus)."),
            params={"max": MAX_DEPTH},
            code="too_deep",
        )


class SanitisedHTMLField(models.TextField):
    """A TextField holding limited rich text, normalised and cleaned whenever the row is saved, whatever
    the path (studio, admin, demo, shell). Its form field is the rich-text editor."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_rich_text])
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = normalise(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": RichTextFormField, **kwargs})


class RichTextWidget(ProseEditorWidget):
    """The editor, limited to TAGS; without JavaScript it stays a text area (blank line = paragraph)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"rows": 8, **(attrs or {})},
            config={"extensions": EDITOR_EXTENSIONS},
            preset="configurable",
        )


class RichTextFormField(forms.CharField):
    """A form field for rich text: the editor's widget, and the value normalised (see `normalise`)."""

    widget = RichTextWidget

    def __init__(self, *args, **kwargs):
        kwargs.pop("max_length", None)
        # The admin passes its own Textarea: the editor replaces it there too (nobody types HTML).
        kwargs["widget"] = RichTextWidget
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return normalise(super().to_python(value))
