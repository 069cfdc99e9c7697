"""What a page object does to a form that no user can: send it without its hidden fields, as a request forged on
another site looks (it cannot read the page's anti-forgery token). Whatever a deployment names its token field,
the token travels in a hidden field of the form."""

from __future__ import annotations

from playwright.sync_api import Locator

_DROP_HIDDEN_FIELDS = "control => control.form.querySelectorAll('input[type=hidden]').forEach(field => field.remove())"


def drop_hidden_fields(control_in_form: Locator) -> None:
    """Remove the hidden fields of the form that `control_in_form` (a field or button of it) belongs to."""
    control_in_form.evaluate(_DROP_HIDDEN_FIELDS)
