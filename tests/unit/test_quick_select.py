"""The quick select writes exactly the HTML WTForms' own select writes."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectChoice
from wtforms import SelectField as WTFormsSelectField

from webapp.web.forms.select import SelectField

C = SelectChoice
CHOICES = {
    "plain": [C("1", "Ada Lovelace"), C("2", "Grace Hopper")],
    "to escape": [C("a&b", 'O\'Brien & "Sons" <Ltd>'), C("", "Nobody")],
    "numbers": [C(1, "One"), C(2, "Two")],
    "no label": [C("2")],
    "groups": [C("spouse", "Spouse of", optgroup="Family"), C("boss", "Boss", optgroup="Work")],
    "with attributes": [C("1", "One", render_kw={"disabled": True}), C("2", "Two")],
}


def _both(choices, coerce=str):
    class Quick(Form):
        pick = SelectField(choices=choices, coerce=coerce)

    class Plain(Form):
        pick = WTFormsSelectField(choices=choices, coerce=coerce)

    return Quick, Plain


@pytest.mark.parametrize("name", list(CHOICES))
@pytest.mark.parametrize("picked", [None, "2", "a&b", "spouse"])
def test_the_html_is_wtforms_own(name, picked):
    coerce = int if name == "numbers" else str
    quick, plain = _both(CHOICES[name], coerce)
    data = MultiDict({"pick": picked} if picked else {})
    if name == "numbers" and picked not in (None, "2"):
        data = MultiDict()
    expected = plain(data).pick(class_="form-select", required=True)
    assert quick(data).pick(class_="form-select", required=True) == expected
    assert quick(data).pick.type == "SelectField"
