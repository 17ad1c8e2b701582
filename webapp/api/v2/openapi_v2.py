"""The records API (``/api/v2``) in the OpenAPI document, described from the record-type registry.

A v2 view says what it is with ``@documented_v2(kind)``; the document builder asks ``endpoints``
for its operations. A rule naming ``<record_type>`` becomes one concrete path per registry type
that supports the kind (``_assert`` only where a type is assertable, relationship paths only
where it has relationships), each with its type's own schemas: ``<Type>Attributes``,
``<Type>Record``, the create and patch bodies, the list. Nothing about a type is written here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from webapp.services.records import registry
from webapp.services.records.batch import MAX_ITEMS as MAX_BATCH
from webapp.services.records.schema import VALUE_TYPES
from webapp.services.records.values import MAX_ITEMS
from webapp.services.validation import MAX_PAGE

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from werkzeug.routing import Rule

    from webapp.services.records.schema import FieldSpec, RecordType
    from webapp.services.records.subresources import SubResource

PREFIX = "/api/v2/"
RECORD_TYPE = re.compile(r"<(?:\w+:)?record_type>")
MAX_PER_PAGE = 100
CONFLICT = "A unique value (an email, a domain) is already another record's"
AMBIGUOUS = "The match finds more than one record; match by a more specific field"
MERGED = "The record was merged into another: record_merged, details.merged_into names it"
RATE_LIMITED = {429: "Over this API key's allowance (API_RATE_LIMIT); Retry-After says when"}
ID_PATTERN = "^[1-9][0-9]*$"
ID_SENT = {"type": ["string", "integer"], "pattern": ID_PATTERN, "minimum": 1}  # "12" or 12
ID_VALUE_TYPES = ("id", "user", "relation")
FORMATS = {"email": "email", "date": "date", "datetime": "date-time", "domain": "hostname"}


@dataclass(frozen=True)
class V2Doc:
    """What ``@documented_v2`` records on a view: its kind and, where it needs one, more."""

    kind: str
    summary: str | None = None
    subresource: SubResource | None = None


def documented_v2(
    kind: str, *, summary: str | None = None, subresource: SubResource | None = None
) -> Callable:
    """Describe a records-API view for the OpenAPI document; ``kind`` is one of ``KINDS``."""
    if kind not in BUILDERS:
        raise ValueError(f"Unknown v2 kind {kind!r}; one of: {', '.join(BUILDERS)}")
    if kind.startswith("subresource_") and subresource is None:
        raise ValueError(f"{kind} needs subresource=, the SubResource the view serves")

    def decorator(view: Callable) -> Callable:
        view.openapi_v2 = V2Doc(kind, summary, subresource)
        return view

    return decorator


class Components:
    """The v2 component schemas the document refers to, each made once, when first referred to."""

    def __init__(self) -> None:
        self.schemas: dict[str, dict] = {}

    def ref(self, name: str, make: Callable[[], dict]) -> dict:
        if name not in self.schemas:
            self.schemas[name] = make()
        return {"$ref": f"#/components/schemas/{name}"}


@dataclass(frozen=True)
class Described:
    """What a kind's builder says about one operation on one record type."""

    summary: str
    responses: dict[int, tuple[str, dict | None]]
    body: dict | None = None
    query: tuple[dict, ...] = ()
    errors: dict[int, str] = field(default_factory=dict)
    path_enums: dict[str, list[str]] = field(default_factory=dict)


def endpoints(
    rule: Rule, method: str, doc: V2Doc, components: Components
) -> Iterator[tuple[str, str, Described]]:
    """(path, operationId, description) of each operation a v2 route stands for: one per record
    type that supports its kind where the rule names ``<record_type>``, else the one."""
    expanded = "record_type" in rule.arguments
    for kind in _record_kinds(rule, doc):
        if kind is None and doc.kind != "schema_list":
            raise ValueError(f"{rule.rule}: name <record_type> or a record type in the path")
        path = RECORD_TYPE.sub(kind.api_name, rule.rule) if expanded else rule.rule
        suffix = f".{kind.api_name}" if expanded else ""
        about = BUILDERS[doc.kind](components, kind, doc, rule)
        summary = doc.summary or about.summary
        errors = about.errors | RATE_LIMITED | _merged_error(kind, rule)
        yield (
            path,
            f"{rule.endpoint}.{method.lower()}{suffix}",
            replace(about, summary=summary, errors=errors),
        )


def _merged_error(kind: RecordType | None, rule: Rule) -> dict[int, str]:
    """A path naming a contact or an account by id answers 410 once it was merged."""
    if kind is None or "record_id" not in rule.arguments:
        return {}
    if not hasattr(kind.store.model, "merged_into_id"):
        return {}
    return {410: MERGED}


def _record_kinds(rule: Rule, doc: V2Doc) -> list[RecordType | None]:
    if "record_type" in rule.arguments:
        supports = SUPPORTS.get(doc.kind, _everyone)
        return [kind for kind in registry.record_types() if supports(kind)]
    if doc.subresource is not None:
        return [doc.subresource.kind]
    segment = rule.rule.removeprefix(PREFIX).split("/")[0]
    return [next((k for k in registry.record_types() if k.api_name == segment), None)]


# --- JSON Schema of a field's value, from its value_type ---


def value_schema(spec: FieldSpec, *, writing: bool) -> dict:
    """A field's value as responses show it, or (``writing``) as bodies may send it."""
    one = _single(spec, writing)
    if spec.multiple:
        described = {"description": one.pop("description")} if "description" in one else {}
        listed = described | {"type": "array", "items": one}
        if writing:
            listed["maxItems"] = MAX_ITEMS
        return _nullable(listed) if writing and spec.nullable else listed
    return _nullable(one) if spec.nullable or (spec.reads_null and not writing) else one


def _single(spec: FieldSpec, writing: bool) -> dict:
    described: dict[str, Any] = {"description": spec.label} if spec.label else {}
    if spec.value_type == "boolean":
        return described | {"type": "boolean"}
    if spec.value_type == "number":
        return described | {"type": "number"}
    if spec.value_type in ID_VALUE_TYPES:
        if writing:
            return described | ID_SENT
        return described | {"type": "string", "pattern": ID_PATTERN}
    described["type"] = "string"
    if spec.value_type == "select":
        described["enum"] = list(spec.options)
    if spec.value_type in FORMATS:
        described["format"] = FORMATS[spec.value_type]
    if spec.value_type == "phone":
        described["description"] = f"{spec.label}: any format, stored in E.164".lstrip(": ")
    if spec.max_length is not None:
        described["maxLength"] = spec.max_length
    return described


def _nullable(schema: dict) -> dict:
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    widened = schema | {"type": [*kinds, "null"]}
    if "enum" in schema:
        widened["enum"] = [*schema["enum"], None]
    return widened


def _object(properties: dict, required=(), *, closed: bool = True, **more: Any) -> dict:
    described: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        described["required"] = list(required)
    if closed:
        described["additionalProperties"] = False
    return described | more


def _fields_object(specs, *, writing: bool, required=()) -> dict:
    properties = {spec.api_name: value_schema(spec, writing=writing) for spec in specs}
    return _object(properties, required)


# --- per-type components ---


def type_name(kind: RecordType) -> str:
    """The schema name prefix of a record type: ``contact`` -> ``Contact``."""
    return "".join(part.capitalize() for part in kind.api_name.split("_"))


def _attributes(c: Components, kind: RecordType) -> dict:
    shown = [spec for spec in kind.fields if spec.api_name != "id"]
    return c.ref(
        f"{type_name(kind)}Attributes",
        lambda: _fields_object(shown, writing=False, required=[s.api_name for s in shown]),
    )


def _record(c: Components, kind: RecordType) -> dict:
    def make() -> dict:
        properties = {
            "id": {"type": "string", "pattern": ID_PATTERN},
            "record_type": {"const": kind.api_name},
            "attributes": _attributes(c, kind),
        }
        return _object(properties, properties, description=kind.description)

    return c.ref(f"{type_name(kind)}Record", make)


def _one(c: Components, kind: RecordType) -> dict:
    return c.ref(
        f"{type_name(kind)}Response", lambda: _object({"data": _record(c, kind)}, ["data"])
    )


def _create_body(c: Components, kind: RecordType) -> dict:
    creatable = [spec for spec in kind.fields if spec.creatable]
    required = [spec.api_name for spec in creatable if spec.required]
    return _sent(c, kind, "Create", _sent_attributes(c, kind, "Create", creatable, required))


def _patch_attributes(c: Components, kind: RecordType) -> dict:
    updatable = [spec for spec in kind.fields if spec.updatable]
    return _sent_attributes(c, kind, "Patch", updatable)


def _patch_body(c: Components, kind: RecordType) -> dict:
    return _sent(c, kind, "Patch", _patch_attributes(c, kind))


def _sent_attributes(c: Components, kind, name: str, specs: list, required=()) -> dict:
    """``<Type><name>Attributes``: exactly ``specs``, as a body may send them."""
    return c.ref(
        f"{type_name(kind)}{name}Attributes",
        lambda: _fields_object(specs, writing=True, required=required),
    )


def _sent(c: Components, kind, name: str, attributes: dict) -> dict:
    return c.ref(
        f"{type_name(kind)}{name}", lambda: _object({"attributes": attributes}, ["attributes"])
    )


def _assert_body(c: Components, kind: RecordType) -> dict:
    def match() -> dict:
        properties = {}
        for spec in kind.unique_fields:
            one = _single(spec, writing=True)
            properties[spec.api_name] = {"anyOf": [one, {"type": "array", "items": one}]}
        return _object(properties, minProperties=1)

    def make() -> dict:
        properties = {
            "match": c.ref(f"{type_name(kind)}Match", match),
            "attributes": _patch_attributes(c, kind),
        }
        return _object(properties, ["match"])

    return c.ref(f"{type_name(kind)}Assert", make)


def _action(*actions: str) -> dict:
    return _object({"action": {"type": "string", "enum": list(actions)}}, ["action"])


def _list_meta() -> dict:
    count = {"type": "integer", "minimum": 0}
    properties = {
        "per_page": count,
        "next_cursor": {"type": ["string", "null"]},
        "page": count,
        "total": count,
    }
    return _object(properties, ["per_page", "next_cursor"])


def _links(c: Components) -> dict:
    link = {"type": "string", "format": "uri-reference"}
    return c.ref(
        "RecordListLinks", lambda: _object({"self": link, "next": link, "prev": link}, ["self"])
    )


# --- the kinds ---


def _article(kind: RecordType) -> str:
    label = kind.label.lower()
    return f"an {label}" if label[:1] in "aeiou" else f"a {label}"


def _schema_list(c: Components, kind, doc, rule) -> Described:
    listed = c.ref(
        "RecordTypeSchemaList",
        lambda: _object({"data": {"type": "array", "items": _type_schema(c)}}, ["data"]),
    )
    return Described("Every record type: its fields and relationships", {200: ("OK", listed)})


def _schema_one(c: Components, kind, doc, rule) -> Described:
    one = c.ref("RecordTypeSchemaResponse", lambda: _object({"data": _type_schema(c)}, ["data"]))
    return Described(
        f"The {kind.api_name} record type's fields and relationships", {200: ("OK", one)}
    )


def _create(c: Components, kind, doc, rule) -> Described:
    return Described(
        f"Create {_article(kind)}",
        {201: ("Created", _one(c, kind))},
        body=_create_body(c, kind),
        errors={409: CONFLICT},
    )


def _read(c: Components, kind, doc, rule) -> Described:
    return Described(
        f"Read {_article(kind)}", {200: ("OK", _one(c, kind))}, query=(INCLUDE_ARCHIVED,)
    )


def _list(c: Components, kind, doc, rule) -> Described:
    def make() -> dict:
        listed = {"type": "array", "items": _record(c, kind)}
        meta = c.ref("RecordListMeta", _list_meta)
        return _object(
            {"data": listed, "meta": meta, "links": _links(c)}, ["data", "meta", "links"]
        )

    return Described(
        f"List {kind.label.lower()} records: filter, sort, page or cursor",
        {200: ("OK", c.ref(f"{type_name(kind)}List", make))},
        query=_list_query(kind),
    )


def _patch(c: Components, kind, doc, rule) -> Described:
    return Described(
        f"Patch {_article(kind)}: omitted fields stay, null clears, an array replaces",
        {200: ("OK", _one(c, kind))},
        body=_patch_body(c, kind),
        errors={409: CONFLICT},
    )


def _archive(c: Components, kind, doc, rule) -> Described:
    conflict = kind.store.archive_conflict
    errors = {409: conflict} if conflict else {}
    return Described(f"Archive {_article(kind)}", {204: ("Archived", None)}, errors=errors)


def _restore(c: Components, kind, doc, rule) -> Described:
    return Described(f"Restore an archived {kind.label.lower()}", {200: ("OK", _one(c, kind))})


def _assert(c: Components, kind, doc, rule) -> Described:
    def make() -> dict:
        meta = c.ref("AssertMeta", lambda: _action("created", "updated"))
        return _object({"data": _record(c, kind), "meta": meta}, ["data", "meta"])

    asserted = c.ref(f"{type_name(kind)}AssertResponse", make)
    return Described(
        f"Create or update {_article(kind)} found by its unique fields",
        {200: ("Updated the one match", asserted), 201: ("Created", asserted)},
        body=_assert_body(c, kind),
        errors={409: f"{CONFLICT}; or the match finds several records"},
    )


def _batch(c: Components, kind, doc, rule) -> Described:
    items = [_create_body(c, kind)] + ([_assert_body(c, kind)] if kind.assertable else [])

    def body() -> dict:
        records = {"type": "array", "minItems": 1, "maxItems": MAX_BATCH, "items": {"anyOf": items}}
        return _object({"records": records}, ["records"])

    def item() -> dict:
        properties = {
            "index": {"type": "integer", "minimum": 0},
            "status": {"type": "integer"},
            "action": {"type": "string", "enum": ["created", "updated"]},
            "data": _record(c, kind),
            "error": c.ref("BatchItemError", _error_body),
        }
        return _object(properties, ["index", "status"])

    def result() -> dict:
        count = {"type": "integer", "minimum": 0}
        meta = _object({"total": count, "succeeded": count, "failed": count}, ["total"])
        listed = {"type": "array", "items": c.ref(f"{type_name(kind)}BatchItem", item)}
        return _object({"data": listed, "meta": meta}, ["data", "meta"])

    return Described(
        f"Create or assert up to {MAX_BATCH} {kind.label.lower()} records, each answered alone",
        {200: ("Each item with its own status", c.ref(f"{type_name(kind)}BatchResult", result))},
        body=c.ref(f"{type_name(kind)}Batch", body),
    )


def _error_body() -> dict:
    text = {"type": "string"}
    return _object({"code": text, "message": text, "details": {"type": "object"}}, ["code"])


def _type_schema(c: Components) -> dict:
    text = {"type": "string"}
    flag = {"type": "boolean"}

    def field_schema() -> dict:
        flags = ("is_array", "unique", "required", "nullable", "creatable", "updatable")
        properties = {"api_name": text, "label": text, "value_type": {"enum": list(VALUE_TYPES)}}
        properties |= {name: flag for name in (*flags, "filterable", "sortable")}
        properties |= {
            "options": {"type": "array", "items": text},
            "max_length": {"type": "integer"},
            "target_record_type": text,
        }
        return _object(
            properties,
            [n for n in properties if n not in ("options", "max_length", "target_record_type")],
        )

    fields = c.ref("RecordFieldSchema", field_schema)

    def relationship_schema() -> dict:
        properties = {
            "api_name": text,
            "label": text,
            "target_record_type": text,
            "cardinality": {"enum": ["many_to_many", "one_to_many", "many_to_one"]},
            "kind": {"enum": ["typed", "generic"]},
            "writable": flag,
            "edge_attributes": {"type": "array", "items": fields},
        }
        return _object(properties, properties)

    def type_schema() -> dict:
        support = ["typed_and_generic", "generic", "read_only", "none"]
        relationship = c.ref("RecordRelationshipSchema", relationship_schema)
        properties = {
            "api_name": text,
            "label": text,
            "description": text,
            "custom": flag,
            "supports_assert": flag,
            "relationship_support": {"enum": support},
            "fields": {"type": "array", "items": fields},
            "relationships": {"type": "array", "items": relationship},
        }
        return _object(properties, properties)

    return c.ref("RecordTypeSchema", type_schema)


def _query(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


INCLUDE_ARCHIVED = _query(
    "include_archived", {"type": "boolean", "default": False}, "true to see archived records too"
)
PAGE = _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, "Page")
PER_PAGE = _query(
    "per_page",
    {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 25},
    "Per page",
)


def _list_query(kind: RecordType) -> tuple[dict, ...]:
    sortable = [spec.api_name for spec in kind.fields if spec.sortable]
    sorts = {"type": "string", "enum": [*sortable, *(f"-{n}" for n in sortable)], "default": "id"}
    paging = (
        PAGE,
        PER_PAGE,
        _query("cursor", {"type": "string"}, "meta.next_cursor of the last page; not with page"),
        _query("sort", sorts, "A sortable field; prefix - for descending"),
        INCLUDE_ARCHIVED,
    )
    reserved = {p["name"] for p in paging}
    filters = tuple(
        _query(spec.api_name, _filter_schema(spec), f"Only records whose {spec.api_name} is this")
        for spec in kind.fields
        if spec.filterable and spec.api_name not in reserved
    )
    return paging + filters


def _filter_schema(spec: FieldSpec) -> dict:
    if spec.value_type in ID_VALUE_TYPES:
        return {"type": "integer", "minimum": 1}
    one = _single(spec, writing=False)
    one.pop("description", None)
    return one


# --- relationships, relation attributes, sub-resources ---


def _relationships(kind: RecordType, *, writable: bool = False, typed: bool = False) -> list:
    return [
        spec
        for spec in kind.relationships
        if (spec.writable or not writable) and (spec.typed or not typed)
    ]


def _relationship_names(kind: RecordType, **which: bool) -> dict[str, list[str]]:
    return {"api_name": [spec.api_name for spec in _relationships(kind, **which)]}


def _edge_fields(kind: RecordType) -> list:
    """Every edge attribute of the type's writable typed relationships, once each."""
    found: dict[str, FieldSpec] = {}
    for spec in _relationships(kind, writable=True, typed=True):
        found.update({edge.api_name: edge for edge in spec.edge_fields})
    return list(found.values())


def _related_record(c: Components) -> dict:
    def make() -> dict:
        properties = {
            "id": {"type": "string", "pattern": ID_PATTERN},
            "record_type": {"type": "string"},
            "attributes": {"type": "object"},
            "edge": {"type": ["object", "null"], "description": "A typed link's own attributes"},
        }
        return _object(properties, properties)

    return c.ref("RelatedRecord", make)


def _relationship_list(c: Components, kind, doc, rule) -> Described:
    def make() -> dict:
        count = {"type": "integer", "minimum": 0}
        parent = {
            "id": {"type": "string", "pattern": ID_PATTERN},
            "record_type": {"type": "string"},
        }
        properties = {
            "parent": _object(parent, parent),
            "relationship": {"type": "string"},
            "data": {"type": "array", "items": _related_record(c)},
            "meta": _object({"page": count, "per_page": count, "total": count}, ["total"]),
            "links": _links(c),
        }
        return _object(properties, properties)

    return Described(
        f"Records linked to {_article(kind)} by one of its relationships",
        {200: ("OK", c.ref("RelatedRecordList", make))},
        query=(PAGE, PER_PAGE, INCLUDE_ARCHIVED),
        path_enums=_relationship_names(kind),
    )


def _relationship_add(c: Components, kind, doc, rule) -> Described:
    def body() -> dict:
        properties = {
            "related_record_id": ID_SENT,
            "related_record_match": {
                "type": "object",
                "minProperties": 1,
                "description": "Unique fields of the target and their values",
            },
        }
        properties |= {
            edge.api_name: value_schema(edge, writing=True) for edge in _edge_fields(kind)
        }
        target = [{"required": ["related_record_id"]}, {"required": ["related_record_match"]}]
        return _object(properties, oneOf=target)

    def linked() -> dict:
        meta = c.ref("LinkMeta", lambda: _action("created", "updated"))
        return _object({"data": _related_record(c), "meta": meta}, ["data", "meta"])

    result = c.ref("RelatedRecordLinked", linked)
    return Described(
        f"Link {_article(kind)} to a record, by id or by a unique-field match",
        {201: ("Linked", result), 200: ("Already linked; edge attributes updated", result)},
        body=c.ref(f"{type_name(kind)}RelationshipAdd", body),
        errors={409: AMBIGUOUS},
        path_enums=_relationship_names(kind, writable=True),
    )


def _relationship_edge_patch(c: Components, kind, doc, rule) -> Described:
    edges = _edge_fields(kind)
    one = c.ref("RelatedRecordResponse", lambda: _object({"data": _related_record(c)}, ["data"]))
    return Described(
        "Change a typed link's own attributes",
        {200: ("OK", one)},
        body=c.ref(f"{type_name(kind)}EdgePatch", lambda: _fields_object(edges, writing=True)),
        errors={405: "A generic link has no attributes of its own to patch"},
        path_enums=_relationship_names(kind, writable=True, typed=True),
    )


def _relationship_remove(c: Components, kind, doc, rule) -> Described:
    return Described(
        f"Unlink {_article(kind)} from a record",
        {204: ("Unlinked", None)},
        path_enums=_relationship_names(kind, writable=True),
    )


def _relation_fields(kind: RecordType) -> list:
    return [s for s in kind.fields if s.value_type in ("relation", "user") and s.updatable]


def _relation_patch(c: Components, kind, doc, rule) -> Described:
    named_in_path = [name for name in rule.arguments if name not in ("record_type", "record_id")]
    names = [spec.api_name for spec in _relation_fields(kind)]

    def body() -> dict:
        ids = {"type": "array", "items": ID_SENT}
        properties = {"add": ids, "remove": ids}
        if not named_in_path:
            properties = {"attribute": {"type": "string", "enum": names}} | properties
        required = [] if named_in_path else ["attribute"]
        return _object(properties, required, minProperties=len(required) + 1)

    return Described(
        f"Add or remove ids on one of {_article(kind)}'s relation or user attributes",
        {200: ("OK", _one(c, kind))},
        body=c.ref(f"{type_name(kind)}RelationPatch", body),
        path_enums={name: names for name in named_in_path},
    )


def _subresource_items(c: Components, sub: SubResource) -> dict:
    def make() -> dict:
        item = {
            sub.item_field: value_schema(sub.item_spec, writing=False),
            "is_primary": {"type": "boolean"},
        }
        meta = _object({"total": {"type": "integer", "minimum": 0}}, ["total"])
        listed = {"type": "array", "items": _object(item, item)}
        return _object({"data": listed, "meta": meta}, ["data", "meta"])

    return c.ref(_sub_name(sub, sub.path), make)


def _sub_name(sub: SubResource, part: str) -> str:
    return type_name(sub.kind) + "".join(word.capitalize() for word in part.split("_"))


def _subresource_list(c: Components, kind, doc, rule) -> Described:
    sub = doc.subresource
    return Described(
        f"The {kind.api_name}'s {sub.plural}, primary first",
        {200: ("OK", _subresource_items(c, sub))},
    )


def _subresource_add(c: Components, kind, doc, rule) -> Described:
    sub = doc.subresource

    def body() -> dict:
        properties = {
            sub.item_field: value_schema(sub.item_spec, writing=True),
            "is_primary": {"type": "boolean", "default": False, "description": "Move it first"},
        }
        return _object(properties, [sub.item_field])

    items = _subresource_items(c, sub)
    return Described(
        f"Add one of the {kind.api_name}'s {sub.plural}",
        {201: ("Added", items), 200: ("Already there (moved first if is_primary)", items)},
        body=c.ref(_sub_name(sub, f"{sub.item_field}_add"), body),
        errors={409: CONFLICT},
    )


def _subresource_remove(c: Components, kind, doc, rule) -> Described:
    return Described(
        f"Remove one of the {kind.api_name}'s {doc.subresource.plural}", {204: ("Removed", None)}
    )


def _everyone(kind: RecordType) -> bool:
    return True


SUPPORTS: dict[str, Callable[[RecordType], bool]] = {
    "assert": lambda kind: kind.assertable,
    "relationship_list": lambda kind: bool(_relationships(kind)),
    "relationship_add": lambda kind: bool(_relationships(kind, writable=True)),
    "relationship_remove": lambda kind: bool(_relationships(kind, writable=True)),
    "relationship_edge_patch": lambda kind: bool(_relationships(kind, writable=True, typed=True)),
    "relation_patch": lambda kind: bool(_relation_fields(kind)),
}

BUILDERS: dict[str, Callable[..., Described]] = {
    "schema_list": _schema_list,
    "schema_one": _schema_one,
    "create": _create,
    "read": _read,
    "list": _list,
    "patch": _patch,
    "archive": _archive,
    "restore": _restore,
    "assert": _assert,
    "batch": _batch,
    "relationship_list": _relationship_list,
    "relationship_add": _relationship_add,
    "relationship_edge_patch": _relationship_edge_patch,
    "relationship_remove": _relationship_remove,
    "relation_patch": _relation_patch,
    "subresource_list": _subresource_list,
    "subresource_add": _subresource_add,
    "subresource_remove": _subresource_remove,
}
KINDS = tuple(BUILDERS)
