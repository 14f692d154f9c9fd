"""What tests/dialogue/test_every_form.py needs to post a page's form as a browser would, and to
read back what the page says about one field."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from django.utils.html import escape

#: A letter only Vietnamese writes: an error without one is not Vietnamese.
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE
)
#: Django's English messages (and a raw constraint's), as they would leak onto a page.
ENGLISH = (
    "This field",
    "Enter a valid",
    "Enter a whole",
    "Enter a number",
    "Ensure this",
    "Select a valid",
    "is violated",
    "Constraint",
    "already exists",
    "No file was submitted",
    "The submitted file",
)


class PageForms(HTMLParser):
    """Every <form> of a page with what a browser would submit: inputs with their values,
    checked boxes, textareas, the selected options (or a single select's first one)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: list | None = None
        self._select: dict | None = None
        self.feed(html)

    def _add(self, name: str, value: str) -> None:
        self._form["fields"].setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = a.get("action") or a.get("hx-post") or ""
            self._form = {"action": action, "id": a.get("id", ""), "fields": {}}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("form") != "":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self._add(name, a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {
                "name": name,
                "first": None,
                "chosen": False,
                "multiple": "multiple" in a,
            }
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"] = True
                self._add(self._select["name"], value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # A browser drops the newline that follows <textarea>.
            self._add(name, text[1:] if text.startswith("\n") else text)
            self._textarea = None
        elif tag == "select" and self._select is not None:
            s = self._select
            if not s["chosen"] and not s["multiple"] and s["first"] is not None:
                self._add(s["name"], s["first"])
            self._select = None
        elif tag == "form":
            self._form = None

    def having(self, names) -> dict:
        """The form that holds every field of `names`."""
        for form in self.forms:
            if all(name in form["fields"] for name in names):
                return form
        raise AssertionError(f"no form on the page has the fields {sorted(names)}")


def form_html(html: str, action: str, name: str) -> str:
    """The <form> posting to `action` that holds the field `name` (a page may hold several
    forms with fields of the same name), or the whole page if none does."""
    for match in re.finditer(rf'<form\b[^>]*action="{re.escape(action)}".*?</form>', html, re.S):
        if f'name="{name}"' in match.group(0):
            return match.group(0)
    return html


def widget(html: str, name: str) -> tuple[str, str]:
    """The tag of the widget `name` and what follows it up to the next field's widget (its
    value, if a textarea; its errors and help text)."""
    tag = re.search(rf'<(?:input|textarea|select)\b[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    assert tag is not None, f"no widget named {name!r}"
    rest = html[tag.end() :]
    following = re.search(
        rf'<(?:input|textarea|select)\b[^>]*\bname="(?!{re.escape(name)}")[^"]*"', rest
    )
    return tag.group(0), rest[: following.start() if following else len(rest)]


def errors_on(html: str, name: str) -> list[str]:
    """The error texts shown beside the field `name` (unescaped)."""
    _tag, after = widget(html, name)
    found = re.findall(r'class="invalid-feedback[^"]*"[^>]*>(.*?)</div>', after, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in found]


def is_marked_invalid(html: str, name: str) -> bool:
    tag, _after = widget(html, name)
    return 'aria-invalid="true"' in tag


def keeps(html: str, name: str, value: str) -> bool:
    """The widget `name` shows `value` again (typed text, a chosen option)."""
    tag, after = widget(html, name)
    if tag.startswith("<textarea"):
        return escape(value) in after.split("</textarea>", 1)[0]
    if tag.startswith("<select"):
        options = after.split("</select>", 1)[0]
        if f'value="{escape(value)}"' not in options:
            return True  # a choice the list does not offer cannot be shown chosen
        return f'value="{escape(value)}" selected' in options
    return f'value="{escape(value)}"' in tag
