"""Sub-resources: a contact's emails and phone numbers, an account's domains, one item at a time."""

from __future__ import annotations

import pytest

from tests.factories import (
    CompanyDomainFactory,
    CompanyFactory,
    ContactEmailFactory,
    ContactFactory,
    ContactPhoneFactory,
)
from tests.records import events_for, reload
from webapp import access
from webapp.models.base import utcnow
from webapp.services.errors import PermissionDenied
from webapp.services.records import subresources

ADA_EMAIL = "ada@engines.example"
ADA_HOME = "ada@home.example"
ADA_PHONE = "+442079460958"


@pytest.fixture
def ada(db):
    """Ada: two emails (work first, so primary) and one phone number."""
    contact = ContactFactory(first_name="Ada", last_name="Lovelace")
    ContactEmailFactory(contact=contact, email=ADA_EMAIL, position=0)
    ContactEmailFactory(contact=contact, email=ADA_HOME, position=1)
    ContactPhoneFactory(contact=contact, number=ADA_PHONE, position=0)
    db.session.commit()
    return contact


@pytest.fixture
def engines(db):
    """Analytical Engines: engines.example (primary) and engines.co.uk."""
    company = CompanyFactory(name="Analytical Engines")
    CompanyDomainFactory(company=company, domain="engines.example", position=0)
    CompanyDomainFactory(company=company, domain="engines.co.uk", position=1)
    db.session.commit()
    return company


@pytest.fixture
def reader(api_client):
    """A key that may read the CRM but not write to it."""
    return api_client(permissions=[access.CRM_READ])


def emails_path(contact) -> str:
    return f"/api/v2/contact/{contact.id}/emails"


def phones_path(contact) -> str:
    return f"/api/v2/contact/{contact.id}/phone_numbers"


def domains_path(company) -> str:
    return f"/api/v2/account/{company.id}/domains"


def listed(response, key: str) -> list[tuple[str, bool]]:
    return [(item[key], item["is_primary"]) for item in response.get_json()["data"]]


def error_of(response) -> dict:
    return response.get_json()["error"]


def archive(db, record) -> None:
    record.archived_at = utcnow()
    db.session.commit()


# --- contact emails ---


def test_emails_are_listed_primary_first(api, ada):
    response = api.get(emails_path(ada))
    assert response.status_code == 200
    assert response.get_json() == {
        "data": [
            {"email": ADA_EMAIL, "is_primary": True},
            {"email": ADA_HOME, "is_primary": False},
        ],
        "meta": {"total": 2},
    }


def test_adding_an_email_appends_it_and_audits_the_key(db, api, ada):
    response = api.post(emails_path(ada), json={"email": " Ada.L@Analytical.Example "})
    assert response.status_code == 201
    assert listed(response, "email") == [
        (ADA_EMAIL, True),
        (ADA_HOME, False),
        ("ada.l@analytical.example", False),
    ]
    assert [e.email for e in reload(db, ada).emails][-1] == "ada.l@analytical.example"
    (event,) = events_for(db, ada)
    assert (event.action, event.api_key_id, event.user_id) == (
        "update",
        api.api_key.id,
        api.user.id,
    )
    assert event.changes["emails"]["after"][-1] == "ada.l@analytical.example"


def test_a_primary_email_goes_first_and_becomes_the_records_primary_email(api, ada):
    response = api.post(
        emails_path(ada), json={"email": "countess@engines.example", "is_primary": True}
    )
    assert response.status_code == 201
    assert listed(response, "email")[0] == ("countess@engines.example", True)
    record = api.get(f"/api/v2/contact/{ada.id}").get_json()["data"]["attributes"]
    assert record["primary_email"] == "countess@engines.example"


def test_adding_an_email_already_there_changes_nothing(db, api, ada):
    response = api.post(emails_path(ada), json={"email": ADA_HOME.upper(), "is_primary": False})
    assert response.status_code == 200
    assert listed(response, "email") == [(ADA_EMAIL, True), (ADA_HOME, False)]
    assert events_for(db, ada) == []


def test_adding_an_email_already_there_as_primary_moves_it_first(db, api, ada):
    response = api.post(emails_path(ada), json={"email": ADA_HOME, "is_primary": True})
    assert response.status_code == 200
    assert listed(response, "email") == [(ADA_HOME, True), (ADA_EMAIL, False)]
    assert reload(db, ada).primary_email == ADA_HOME


def test_an_email_held_by_another_contact_is_a_conflict(db, api, ada):
    other = ContactFactory(first_name="Charles")
    ContactEmailFactory(contact=other, email="charles@engines.example")
    db.session.commit()
    response = api.post(emails_path(ada), json={"email": "Charles@engines.example"})
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict"
    assert "charles@engines.example" in error["message"]
    assert error["details"]["field"] == "email"
    assert [e.email for e in reload(db, ada).emails] == [ADA_EMAIL, ADA_HOME]
    assert events_for(db, ada) == []


def test_the_added_email_shows_on_the_contacts_page(api, ada, client, login_as):
    assert api.post(emails_path(ada), json={"email": "countess@engines.example"}).status_code == 201
    login_as("member")
    page = client.get(f"/contacts/{ada.id}")
    assert page.status_code == 200
    assert "countess@engines.example" in page.get_data(as_text=True)


def test_removing_an_email_ignores_case_and_audits_the_key(db, api, ada):
    response = api.delete(f"{emails_path(ada)}/ADA@Home.Example")
    assert response.status_code == 204
    assert [e.email for e in reload(db, ada).emails] == [ADA_EMAIL]
    (event,) = events_for(db, ada)
    assert event.api_key_id == api.api_key.id
    assert event.changes["emails"] == {"before": [ADA_EMAIL, ADA_HOME], "after": [ADA_EMAIL]}


def test_removing_the_primary_email_makes_the_next_one_primary(api, ada):
    assert api.delete(f"{emails_path(ada)}/{ADA_EMAIL}").status_code == 204
    assert listed(api.get(emails_path(ada)), "email") == [(ADA_HOME, True)]


def test_removing_the_last_email_leaves_none_and_no_primary_email(api, ada):
    assert api.delete(f"{emails_path(ada)}/{ADA_EMAIL}").status_code == 204
    assert api.delete(f"{emails_path(ada)}/{ADA_HOME}").status_code == 204
    assert api.get(emails_path(ada)).get_json() == {"data": [], "meta": {"total": 0}}
    record = api.get(f"/api/v2/contact/{ada.id}").get_json()["data"]["attributes"]
    assert record["primary_email"] is None
    assert record["contact_emails"] == []


@pytest.mark.parametrize("value", ["someone@else.example", "not-an-email"])
def test_removing_an_email_not_on_the_contact_is_not_found(db, api, ada, value):
    response = api.delete(f"{emails_path(ada)}/{value}")
    assert response.status_code == 404
    error = error_of(response)
    assert error["code"] == "record_not_found"
    assert f"{value} is not one of the emails of contact {ada.id}" in error["message"]
    assert [e.email for e in reload(db, ada).emails] == [ADA_EMAIL, ADA_HOME]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not an email"}, "email"),
        ({"email": ""}, "email"),
        ({"email": None}, "email"),
        ({"email": ["a@b.example"]}, "email"),
        ({"email": "new@engines.example", "is_primary": "yes"}, "is_primary"),
    ],
)
def test_an_unreadable_value_is_refused_naming_the_field(db, api, ada, body, field):
    response = api.post(emails_path(ada), json=body)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "field_value_invalid"
    assert list(error["details"]["fields"]) == [field]
    assert len(reload(db, ada).emails) == 2


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"data": "email=a@b.example"}, 400, "invalid_json"),
        ({"json": ["a@b.example"]}, 400, "invalid_json"),
        ({"json": {"is_primary": True}}, 400, "invalid_json"),
        ({"json": {"email": "a@b.example", "primary": True}}, 400, "unknown_field"),
        ({"json": {"email": "a@b.example", "phone_number": ADA_PHONE}}, 400, "unknown_field"),
    ],
)
def test_malformed_bodies_are_refused(db, api, ada, kwargs, status, code):
    response = api.post(emails_path(ada), **kwargs)
    assert response.status_code == status
    assert error_of(response)["code"] == code
    assert len(reload(db, ada).emails) == 2


def test_a_contact_keeps_at_most_fifty_emails(db, api):
    crowded = ContactFactory()
    for position in range(50):
        ContactEmailFactory(contact=crowded, position=position)
    db.session.commit()
    response = api.post(emails_path(crowded), json={"email": "one-more@engines.example"})
    assert response.status_code == 422
    assert list(error_of(response)["details"]["fields"]) == ["email"]


# --- contact phone numbers ---


def test_phone_numbers_come_back_in_e164(api, ada):
    response = api.post(
        phones_path(ada), json={"phone_number": "020 7946 0000", "is_primary": True}
    )
    assert response.status_code == 201
    assert listed(response, "phone_number") == [("+442079460000", True), (ADA_PHONE, False)]
    assert api.get(phones_path(ada)).get_json()["meta"] == {"total": 2}


def test_a_phone_number_already_there_in_another_format_changes_nothing(db, api, ada):
    response = api.post(phones_path(ada), json={"phone_number": "+44 20 7946 0958"})
    assert response.status_code == 200
    assert listed(response, "phone_number") == [(ADA_PHONE, True)]
    assert events_for(db, ada) == []


@pytest.mark.parametrize("value", ["%2B442079460958", "020%207946%200958", "+442079460958"])
def test_removing_a_phone_number_matches_after_normalising(db, api, ada, value):
    response = api.delete(f"{phones_path(ada)}/{value}")
    assert response.status_code == 204
    assert reload(db, ada).phones == []
    (event,) = events_for(db, ada)
    assert event.changes["phones"] == {"before": [ADA_PHONE], "after": []}


def test_removing_a_phone_number_not_on_the_contact_is_not_found(api, ada):
    response = api.delete(f"{phones_path(ada)}/%2B442079461111")
    assert response.status_code == 404
    assert error_of(response)["code"] == "record_not_found"


def test_an_unreadable_phone_number_is_refused(api, ada):
    response = api.post(phones_path(ada), json={"phone_number": "12"})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "field_value_invalid"
    assert "phone_number" in error["details"]["fields"]


# --- account domains ---


def test_domains_are_listed_primary_first(api, engines):
    response = api.get(domains_path(engines))
    assert response.status_code == 200
    assert listed(response, "domain") == [("engines.example", True), ("engines.co.uk", False)]


def test_adding_a_primary_domain_makes_it_the_accounts_domain_name(db, api, engines):
    body = {"domain": "https://www.Babbage.Example/about", "is_primary": True}
    response = api.post(domains_path(engines), json=body)
    assert response.status_code == 201
    assert listed(response, "domain")[0] == ("babbage.example", True)
    record = api.get(f"/api/v2/account/{engines.id}").get_json()["data"]["attributes"]
    assert record["domain_name"] == "babbage.example"
    (event,) = events_for(db, engines)
    assert (event.action, event.api_key_id) == ("update", api.api_key.id)


def test_a_domain_held_by_another_account_is_a_conflict(db, api, engines):
    CompanyDomainFactory(domain="difference.example")
    db.session.commit()
    response = api.post(domains_path(engines), json={"domain": "difference.example"})
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
    assert error_of(response)["details"]["field"] == "domain"
    assert [d.domain for d in reload(db, engines).domains] == ["engines.example", "engines.co.uk"]


def test_removing_a_domain_ignores_case(db, api, engines):
    assert api.delete(f"{domains_path(engines)}/ENGINES.example").status_code == 204
    assert listed(api.get(domains_path(engines)), "domain") == [("engines.co.uk", True)]
    (event,) = events_for(db, engines)
    assert event.changes["domains"]["after"] == ["engines.co.uk"]


def test_an_unreadable_domain_is_refused(api, engines):
    response = api.post(domains_path(engines), json={"domain": "not a domain"})
    assert response.status_code == 422
    assert list(error_of(response)["details"]["fields"]) == ["domain"]


def test_removing_a_domain_not_on_the_account_is_not_found(api, engines):
    response = api.delete(f"{domains_path(engines)}/elsewhere.example")
    assert response.status_code == 404
    assert "elsewhere.example is not one of the domains" in error_of(response)["message"]


# --- every endpoint: missing and archived records, permissions ---


# (method, path, body): ``{contact}`` is Ada's id, ``{account}`` Analytical Engines'.
ENDPOINTS = [
    ("GET", "/api/v2/contact/{contact}/emails", None),
    ("POST", "/api/v2/contact/{contact}/emails", {"email": "new@engines.example"}),
    ("DELETE", f"/api/v2/contact/{{contact}}/emails/{ADA_EMAIL}", None),
    ("GET", "/api/v2/contact/{contact}/phone_numbers", None),
    ("POST", "/api/v2/contact/{contact}/phone_numbers", {"phone_number": "020 7946 0000"}),
    ("DELETE", "/api/v2/contact/{contact}/phone_numbers/%2B442079460958", None),
    ("GET", "/api/v2/account/{account}/domains", None),
    ("POST", "/api/v2/account/{account}/domains", {"domain": "babbage.example"}),
    ("DELETE", "/api/v2/account/{account}/domains/engines.example", None),
]


def _call(caller, method: str, path: str, body: dict | None):
    send = getattr(caller, method.lower())
    return send(path, **({"json": body} if body is not None else {}))


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_every_endpoint_answers_not_found_for_an_unknown_record(api, method, path, body):
    response = _call(api, method, path.format(contact=999999, account=999999), body)
    assert response.status_code == 404
    assert error_of(response)["code"] == "record_not_found"


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_every_endpoint_treats_an_archived_record_as_not_found(
    db, api, ada, engines, method, path, body
):
    archive(db, ada)
    archive(db, engines)
    response = _call(api, method, path.format(contact=ada.id, account=engines.id), body)
    assert response.status_code == 404
    assert error_of(response)["details"]["archived"] is True
    assert events_for(db, ada) == [] and events_for(db, engines) == []


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_a_read_only_key_reads_but_cannot_write(db, reader, ada, engines, method, path, body):
    response = _call(reader, method, path.format(contact=ada.id, account=engines.id), body)
    if method == "GET":
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert error_of(response)["details"] == {"permission": access.CRM_WRITE}
    assert len(reload(db, ada).emails) == 2 and len(reload(db, ada).phones) == 1
    assert len(reload(db, engines).domains) == 2


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_a_key_without_crm_read_is_refused(api_client, ada, engines, method, path, body):
    outsider = api_client(permissions=[access.RELATIONSHIPS_VIEW])
    response = _call(outsider, method, path.format(contact=ada.id, account=engines.id), body)
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_the_service_itself_refuses_a_caller_without_crm_write(db, reader, ada):
    actor = access.actor_for_api_key(reader.api_key)
    with pytest.raises(PermissionDenied):
        subresources.add_item(actor, subresources.CONTACT_EMAILS, ada.id, "new@x.example", False)
    with pytest.raises(PermissionDenied):
        subresources.remove_item(actor, subresources.CONTACT_EMAILS, ada.id, ADA_EMAIL)
    assert len(reload(db, ada).emails) == 2
