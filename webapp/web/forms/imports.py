"""The import forms: the upload, and the mapping of a previewed file's columns."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField

from webapp.web.forms.contacts import optional_id
from webapp.web.forms.select import SelectField

OVERWRITE_HELP = (
    "Off: a contact Rapport already has keeps what it holds; only empty fields are filled in. "
    "On: the file's values replace theirs."
)


class UploadForm(FlaskForm):
    file = FileField(
        "File",
        validators=[FileRequired("Choose a file to import.")],
        description=(
            "Google Contacts or Outlook CSV, LinkedIn Connections.csv, vCard (.vcf), or any CSV. "
            "Up to 20 MB or 50,000 rows."
        ),
        render_kw={"accept": ".csv,.vcf,.vcard,.txt,text/csv,text/vcard"},
    )
    owner_id = SelectField(
        "Owner of new contacts", coerce=optional_id, choices=[], validate_choice=False
    )
    overwrite = BooleanField("Overwrite what Rapport already has", description=OVERWRITE_HELP)


class RunForm(FlaskForm):
    """The preview's choices: the owner and overwrite, with the mapping read from the form."""

    owner_id = SelectField(
        "Owner of new contacts", coerce=optional_id, choices=[], validate_choice=False
    )
    overwrite = BooleanField("Overwrite what Rapport already has", description=OVERWRITE_HELP)
