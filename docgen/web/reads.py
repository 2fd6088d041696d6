"""Reads of personal data leave an audit line: who opened which document, person or list.

Declared as data: the endpoint, the object it shows and the view argument naming it (None: a
list of the organisation the request worked on). One hook records a line for each successful
GET of such an endpoint by a signed-in user, pages and API alike.
"""

from __future__ import annotations

import dataclasses

from flask import Flask, Response, g, request

from docgen.accounts import audit
from docgen.web.helpers import get_db


@dataclasses.dataclass(frozen=True)
class Read:
    object_type: str
    arg: str | None
    """The view argument holding the object's id; None: the organisation of the request."""
    what: str


READS = {
    "pages.document": Read("document", "document_id", "документ"),
    "pages.edit_document": Read("document", "document_id", "форма документа"),
    "api.get_document": Read("document", "document_id", "документ (API)"),
    "registry_pages.person": Read("person", "person_id", "карточка человека"),
    "registry_pages.edit_person": Read("person", "person_id", "форма человека"),
    "api.get_person": Read("person", "person_id", "человек (API)"),
    "api.list_consents": Read("person", "person_id", "согласия человека (API)"),
    "api.get_group": Read("group", "group_id", "пара или группа (API)"),
    "registry_pages.people": Read("organisation", None, "список людей"),
    "registry_pages.bases": Read("organisation", None, "базы наставников и наставляемых"),
    "registry_pages.consents": Read("organisation", None, "список согласий"),
    "registry_pages.groups": Read("organisation", None, "пары и группы"),
    "api.list_people": Read("organisation", None, "список людей (API)"),
    "api.list_groups": Read("organisation", None, "пары и группы (API)"),
}


def _object_id(read: Read) -> int | None:
    if read.arg is not None:
        return (request.view_args or {}).get(read.arg)
    if g.get("api_org_id") is not None:
        return g.api_org_id
    org = g.get("org")
    return org["id"] if org else None


def _record_read(response: Response) -> Response:
    read = READS.get(request.endpoint or "")
    user = g.get("user")
    if read is None or user is None or request.method != "GET" or response.status_code != 200:
        return response
    audit.record(get_db(), user["id"], "read", read.object_type, _object_id(read), read.what)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_record_read)
