"""The company form: turns what a person typed into a ``CompanyInput`` for the service."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateField, SelectChoice, StringField, TextAreaField
from wtforms.validators import Optional

from webapp.extensions import db
from webapp.models import CLIENT_TIERS, Company, User
from webapp.services.companies import CompanyInput
from webapp.web.forms.select import SelectField

NOBODY = SelectChoice(value="", label="Nobody")


def optional_id(value: str | int | None) -> int | None:
    """Coerce a select's value to an id; the empty choice means none."""
    if value in (None, ""):
        return None
    return int(value)


def user_choices() -> list[SelectChoice]:
    """Every user, by name; inactive people stay listed so existing values still show."""
    users = db.session.execute(select(User.id, User.name, User.active).order_by(User.name, User.id))
    return [NOBODY] + [
        SelectChoice(value=str(uid), label=name if active else f"{name} (inactive)")
        for uid, name, active in users
    ]


def tier_choices() -> list[SelectChoice]:
    return [SelectChoice(value=tier, label=tier.capitalize()) for tier in CLIENT_TIERS]


class CompanyForm(FlaskForm):
    """Name, industry, owner and domains; and the client profile when ``is_client`` is ticked.

    The form only parses; the companies service owns every rule (required name, valid and free
    domains, known tier and users), so selects do not second-guess it.
    """

    name = StringField("Name", render_kw={"maxlength": 200, "autocomplete": "organization"})
    industry = StringField("Industry", render_kw={"maxlength": 120})
    owner_id = SelectField("Owner", coerce=optional_id, choices=user_choices, validate_choice=False)
    domains = TextAreaField(
        "Web domains",
        render_kw={"rows": 3, "placeholder": "acme.com\nacme.co.uk", "spellcheck": "false"},
    )
    is_client = BooleanField("This company is a client")
    client_tier = SelectField(
        "Tier", choices=tier_choices, default="standard", validate_choice=False
    )
    client_since = DateField("Client since", validators=[Optional()])
    account_manager_id = SelectField(
        "Account manager", coerce=optional_id, choices=user_choices, validate_choice=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.name.flags.required = True

    @classmethod
    def for_company(cls, company: Company) -> CompanyForm:
        """A form filled from an existing company (and from the request on POST)."""
        profile = company.client_profile
        return cls(
            name=company.name,
            industry=company.industry,
            owner_id=company.owner_id,
            domains="\n".join(d.domain for d in company.domains),
            is_client=profile is not None,
            client_tier=profile.tier if profile else "standard",
            client_since=profile.client_since if profile else None,
            account_manager_id=profile.account_manager_id if profile else None,
        )

    def company_input(self) -> CompanyInput:
        """What the form says, in the shape the companies service takes."""
        return CompanyInput(
            name=self.name.data or "",
            industry=self.industry.data,
            owner_id=self.owner_id.data,
            domains=(self.domains.data or "").replace(",", "\n").splitlines(),
            is_client=bool(self.is_client.data),
            client_tier=self.client_tier.data or "",
            client_since=self.client_since.data,
            account_manager_id=self.account_manager_id.data,
        )
