"""Form fields and validators with Danish-first messages, shared by every blueprint.

WTForms ships no Danish messages, so every validator and parse error carries its own
text in `lazy_gettext`: use these fields and `length()` instead of the bare WTForms
ones, so no English default message reaches the Danish UI.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    TimeField,
    widgets,
)
from wtforms import (
    RadioField as BaseRadioField,
)
from wtforms.validators import Length, NumberRange

from mentor.services.errors import DomainError

REQUIRED = _l("Udfyld feltet.")
NOT_A_NUMBER = _l("Skriv et helt tal.")
NOT_A_DECIMAL = _l("Skriv et tal.")
NOT_A_DATE = _l("Skriv en dato, fx 2026-09-14.")
NOT_A_TIME = _l("Skriv et klokkeslæt, fx 09:30.")
NOT_A_CHOICE = _l("Vælg en af mulighederne.")

LANGUAGE_NAMES: Mapping[str, Any] = {
    "da": _l("Dansk"),
    "en": _l("Engelsk"),
    "de": _l("Tysk"),
    "fr": _l("Fransk"),
    "es": _l("Spansk"),
    "ar": _l("Arabisk"),
    "tr": _l("Tyrkisk"),
    "uk": _l("Ukrainsk"),
    "pl": _l("Polsk"),
}


def length(min: int = -1, max: int = -1) -> Length:
    """`Length` with a Danish message that names the limits."""
    if min == max and min > 0:
        message = _l("Skriv præcis %(min)d tegn.")
    elif min > 0 and max > 0:
        message = _l("Skriv mellem %(min)d og %(max)d tegn.")
    elif min > 0:
        message = _l("Skriv mindst %(min)d tegn.")
    else:
        message = _l("Højst %(max)d tegn.")
    return Length(min, max, message)


def number_range(min: int, max: int) -> NumberRange:
    """`NumberRange` with a Danish message that names the limits."""
    return NumberRange(min, max, _l("Skriv et tal mellem %(min)s og %(max)s."))


class WholeNumberField(IntegerField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_value_message", NOT_A_NUMBER)
        super().__init__(*args, **kwargs)


class NumberField(DecimalField):
    """A decimal number shown with the reader's decimal mark (0,4 in Danish).

    Either mark is accepted on the way in: people type what their keyboard offers.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_value_message", NOT_A_DECIMAL)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            valuelist = [str(valuelist[0]).strip().replace(" ", "").replace(",", ".")]
        super().process_formdata(valuelist)

    def _value(self) -> str:
        from flask_babel import get_locale

        text = super()._value()
        if self.raw_data or str(get_locale() or "da") != "da":
            return text
        return text.replace(".", ",")


class DayField(DateField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_value_message", NOT_A_DATE)
        super().__init__(*args, **kwargs)


class ClockField(TimeField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_value_message", NOT_A_TIME)
        super().__init__(*args, **kwargs)


class ChoiceField(SelectField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_choice_message", NOT_A_CHOICE)
        kwargs.setdefault("invalid_value_message", NOT_A_CHOICE)
        super().__init__(*args, **kwargs)


class RadioField(BaseRadioField):
    """Radio buttons; keeps the name the form macro knows, to render a fieldset."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_choice_message", NOT_A_CHOICE)
        kwargs.setdefault("invalid_value_message", NOT_A_CHOICE)
        super().__init__(*args, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; the form macro renders it as a fieldset."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_choice_message", NOT_A_CHOICE)
        kwargs.setdefault("invalid_value_message", NOT_A_CHOICE)
        super().__init__(*args, **kwargs)


def attach_error(form: FlaskForm, error: DomainError, aliases: Mapping[str, str] = {}) -> None:
    """Show a service's error beside its field, or at the top of the form."""
    name = aliases.get(error.field or "", error.field)
    field = getattr(form, name, None) if name else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
