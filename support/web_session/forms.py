"""A Keycloak login page as an HTTP client sees it: its page id (`body[data-page-id]`, shared by every login theme),
its forms with their fields as a browser would submit them, and the messages it shows (an alert, a field error)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

# where Keycloak's themes put a refusal: the page alert and the field errors (`input-error-…`)
_MESSAGE_CLASSES = ("kc-feedback-text", "pf-m-danger", "alert-error")
_SUBMIT_TYPES = ("submit", "image")
_TEXT_LIKE_SKIPPED = ("button", "reset", "file")


@dataclass
class Form:
    """One form: where it posts, the fields a browser would send as they are, and its submit buttons."""

    form_id: str
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)  # successful controls with their current values
    inputs: set[str] = field(default_factory=set)  # every named input, filled or not
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (name, value) of named submit buttons

    def has(self, name: str) -> bool:
        return name in self.inputs

    def submission(self, values: dict[str, str], button: str | None = None) -> dict[str, str]:
        """What a browser posts after typing `values` and clicking the first submit button (or `button`)."""
        unknown = [name for name in values if name not in self.inputs]
        if unknown:
            raise KeyError(f"form '{self.form_id}' has no field {', '.join(unknown)}")
        data = {**self.fields, **values}
        clicked = next((pair for pair in self.buttons if button in (None, pair[0])), None)
        if clicked is not None:
            data[clicked[0]] = clicked[1]
        return data


@dataclass
class LoginPage:
    page_id: str | None
    forms: list[Form]
    messages: list[str]

    def form_with(self, *names: str) -> Form | None:
        """The first form that has every one of these fields."""
        return next((form for form in self.forms if all(form.has(name) for name in names)), None)


class _Parser(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.page_id: str | None = None
        self.forms: list[Form] = []
        self.messages: list[str] = []
        self._form: Form | None = None
        self._message_depth = 0  # >0 while inside an element that shows a message
        self._text: list[str] = []
        self._open = 0
        self._select: str | None = None
        self._option_chosen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if self._message_depth:
            self._message_depth += 1
        elif tag in ("div", "span", "p") and (
            a.get("id", "").startswith("input-error") or any(c in a.get("class", "") for c in _MESSAGE_CLASSES)
        ):
            self._message_depth, self._text = 1, []
        if tag == "body":
            self.page_id = a.get("data-page-id") or None
        elif tag == "form":
            self._form = Form(
                form_id=a.get("id", ""),
                action=urljoin(self.base_url, a.get("action", "")),
                method=(a.get("method") or "get").lower(),
            )
            self.forms.append(self._form)
        elif self._form is not None:
            self._control(tag, a)

    def _control(self, tag: str, a: dict[str, str]) -> None:
        assert self._form is not None
        name = a.get("name", "")
        kind = a.get("type", "text").lower() if tag == "input" else tag
        if tag == "button":
            kind = a.get("type", "submit").lower()
        if kind in _SUBMIT_TYPES:
            if name:
                self._form.buttons.append((name, a.get("value", "")))
            return
        if tag == "option" and self._select:
            if "selected" in a:  # the selected option, else the first one, as a browser sends
                self._form.fields[self._select], self._option_chosen = a.get("value", ""), True
            elif not self._option_chosen:
                self._form.fields.setdefault(self._select, a.get("value", ""))
            return
        if not name or tag not in ("input", "select", "textarea") or kind in _TEXT_LIKE_SKIPPED:
            return
        self._form.inputs.add(name)
        if tag == "select":
            self._select, self._option_chosen = name, False
        elif kind in ("checkbox", "radio"):
            if "checked" in a:
                self._form.fields[name] = a.get("value", "on")
        else:
            self._form.fields[name] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        if self._message_depth:
            self._message_depth -= 1
            if self._message_depth == 0:
                text = " ".join("".join(self._text).split())
                if text:
                    self.messages.append(text)

    def handle_data(self, data: str) -> None:
        if self._message_depth:
            self._text.append(data)


def parse_login_page(html: str, url: str) -> LoginPage:
    parser = _Parser(url)
    parser.feed(html)
    parser.close()
    return LoginPage(parser.page_id, parser.forms, list(dict.fromkeys(parser.messages)))


def is_login_page(page_id: str | None) -> bool:
    """Keycloak's login theme gives every page an id starting with `login-`; the applications have none."""
    return (page_id or "").startswith("login-")
