"""Rows built from a result's tuple as it comes: each statement selects its columns in the order
of the dataclass it fills, so a column added to one and not the other fails here, not on a page
with a value in the wrong field (docs/performance.md, "Actions as rows")."""

from __future__ import annotations

from dataclasses import fields

from webapp.access import actor_for_user
from webapp.services.action_queries import ActionFilters
from webapp.services.action_rows import ActionRow, action_rows_statement
from webapp.services.summaries import KeyPerson, people_statement


def _field_names(row_type) -> list[str]:
    return [field.name for field in fields(row_type)]


def test_the_summarys_people_select_keyperson_fields_in_order():
    for statement in (people_statement(), people_statement(primary_first=True, limit=5)):
        assert [column.name for column in statement.selected_columns] == _field_names(KeyPerson)


def test_action_rows_select_actionrow_fields_in_order_and_the_assignees_timezone_last(make_user):
    executive = actor_for_user(make_user(role="executive"))
    statement = action_rows_statement(executive, ActionFilters())
    names = [column.name for column in statement.selected_columns]
    assert names == [*_field_names(ActionRow)[:-1], "assignee_timezone"]
    assert _field_names(ActionRow)[-1] == "overdue"  # worked out from the status, due date and zone
