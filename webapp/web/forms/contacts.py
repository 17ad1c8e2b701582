"""The contact form: shape checks only; the contacts service owns the business rules."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from webapp.models import CONTACT_STAGES
from webapp.services.contacts import CompanyLinkInput, ContactInput
from webapp.services.validation import format_phone, positive_int
from webapp.web.company_filter import company_for_text, still_picked
from webapp.web.forms.select import SelectField

if TYPE_CHECKING:
    from webapp.models import Contact

MAX_COMPANY_LINKS = 25
EMAIL_SEPARATORS = re.compile(r"[\n,;]+")
TAG_SEPARATORS = re.compile(r"[\n,]+")
PHONES_HELP = "One per line. International format (+1 415 555 0100) or UK numbers (020 7946 0958)."
EMAILS_HELP = "One per line. The first one is the primary email."


def optional_id(value: object) -> int | None:
    """Coerce a submitted select value to an id; the empty choice becomes ``None``."""
    if value is None or value == "" or value == "None":
        return None
    return int(value)  # type: ignore[arg-type]


def _lines(text: str | None, separators: re.Pattern[str] = re.compile(r"\n+")) -> list[str]:
    return [part.strip() for part in separators.split(text or "") if part.strip()]


def _choices(empty_label: str, options: list[tuple[int, str]]) -> list[SelectChoice]:
    return [SelectChoice("", empty_label), *(SelectChoice(str(i), name) for i, name in options)]


class CompanyLinkForm(Form):
    """One row of the company links: which company, the role there, and whether it is primary.

    The company is a search-as-you-type field, as the Company filter (``web/company_filter.py``):
    ``company_id`` is the company picked, ``company_name`` the text shown or typed. Text sent
    without picking is read as the filter reads it; validation leaves the id it names."""

    company_id = HiddenField("Company id")
    company_name = StringField("Company", validators=[Length(max=200)])
    role = StringField("Role", validators=[Optional(), Length(max=120)])
    is_primary = BooleanField("Primary company")
    remove = BooleanField("Remove this link")

    @property
    def is_blank(self) -> bool:
        picked, typed = str(self.company_id.data or ""), self.company_name.data or ""
        return not (picked.strip() or typed.strip())

    @property
    def chosen_id(self) -> int | None:
        """The company's id once the row has validated."""
        return positive_int(self.company_id.data)

    def validate_company_name(self, field: StringField) -> None:
        """Settle which company the row names, or say why the text names none."""
        text = (field.data or "").strip()
        if self.is_blank or self.remove.data:
            return
        chosen = still_picked(positive_int(self.company_id.data), text)
        if chosen is not None:
            self.company_id.data, field.data = str(chosen.id), chosen.name
            return
        if not text:
            raise ValidationError("That company is not in Rapport any more: pick another.")
        found = company_for_text(text)
        if found.suggestions:
            self.company_id.data = ""
            names = ", ".join(choice.name for choice in found.suggestions)
            raise ValidationError(
                f"Several companies match “{text}”: {names}. Pick one, or type its whole name."
            )
        if found.problem:
            self.company_id.data = ""
            raise ValidationError(found.problem)
        self.company_id.data, field.data = str(found.company_id), found.text


class ContactForm(FlaskForm):
    """Create or edit a contact. Field names match the service's error fields."""

    first_name = StringField(
        "First name",
        validators=[DataRequired("Give the contact's first name."), Length(max=120)],
    )
    last_name = StringField("Last name", validators=[Optional(), Length(max=120)])
    title = StringField("Job title", validators=[Optional(), Length(max=200)])
    stage = SelectField("Stage", choices=[SelectChoice(s, s.capitalize()) for s in CONTACT_STAGES])
    owner_id = SelectField("Owner", coerce=optional_id, choices=[])
    emails = TextAreaField(
        "Emails", validators=[Length(max=5000)], description=EMAILS_HELP, render_kw={"rows": 3}
    )
    phones = TextAreaField(
        "Phone numbers",
        validators=[Length(max=2000)],
        description=PHONES_HELP,
        render_kw={"rows": 3},
    )
    company_links = FieldList(
        FormField(CompanyLinkForm), label="Companies", max_entries=MAX_COMPANY_LINKS
    )
    linkedin_url = StringField(
        "LinkedIn profile",
        validators=[Optional(), Length(max=400)],
        description="For example https://www.linkedin.com/in/jane-doe",
    )
    tags = StringField(
        "Tags",
        validators=[Optional(), Length(max=2000)],
        description="Separated by commas, for example: Friends, Conference 2026",
    )

    def set_choices(self, owners: list[tuple[int, str]]) -> None:
        """Fill the owner select."""
        self.owner_id.choices = _choices("No owner", owners)

    def ensure_blank_link(self) -> None:
        """Keep one empty company row at the end so a new link can be added."""
        entries = self.company_links.entries
        if len(entries) >= MAX_COMPANY_LINKS or (entries and entries[-1].form.is_blank):
            return
        self.company_links.append_entry()

    def add_blank_link(self) -> None:
        """Add one more empty company row (the "Add another company" button)."""
        if len(self.company_links.entries) < MAX_COMPANY_LINKS:
            self.company_links.append_entry()

    def to_input(self) -> ContactInput:
        """The service input: blank or removed company rows are left out."""
        links = [
            CompanyLinkInput(
                company_id=entry.form.chosen_id,
                role=entry.form.role.data,
                is_primary=bool(entry.form.is_primary.data),
            )
            for entry in self.company_links
            if not entry.form.is_blank and not entry.form.remove.data
        ]
        return ContactInput(
            first_name=self.first_name.data or "",
            last_name=self.last_name.data or "",
            title=self.title.data,
            stage=self.stage.data,
            owner_id=self.owner_id.data,
            emails=_lines(self.emails.data, EMAIL_SEPARATORS),
            phones=_lines(self.phones.data),
            company_links=links,
            linkedin_url=self.linkedin_url.data,
            tags=_lines(self.tags.data, TAG_SEPARATORS),
        )


def contact_form_data(contact: Contact) -> dict:
    """The form's starting values for an existing contact."""
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "title": contact.title,
        "stage": contact.stage,
        "owner_id": contact.owner_id,
        "emails": "\n".join(e.email for e in contact.emails),
        "phones": "\n".join(format_phone(p.number) for p in contact.phones),
        "company_links": [
            {
                "company_id": str(link.company_id),
                "company_name": link.company.name,
                "role": link.role,
                "is_primary": link.is_primary,
            }
            for link in contact.company_links
        ],
        "linkedin_url": contact.linkedin_url,
        "tags": ", ".join(contact.tag_names),
    }
