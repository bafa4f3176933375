"""In-memory state of simulated Jira sites, and the JSON Jira renders for it."""
from __future__ import annotations

import copy
import hashlib
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Optional

from . import adf

AVATAR_SIZES = ("48x48", "24x24", "16x16", "32x32")
CUSTOM_TYPES = {
    "textfield": ("string", "com.atlassian.jira.plugin.system.customfieldtypes:textfield"),
    "textarea": ("string", "com.atlassian.jira.plugin.system.customfieldtypes:textarea"),
    "labels": ("array", "com.atlassian.jira.plugin.system.customfieldtypes:labels"),
    "number": ("number", "com.atlassian.jira.plugin.system.customfieldtypes:float"),
    "url": ("string", "com.atlassian.jira.plugin.system.customfieldtypes:url"),
}
STATUS_CATEGORIES = {
    "new": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
    "indeterminate": {"id": 4, "key": "indeterminate", "colorName": "yellow", "name": "In Progress"},
    "done": {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
}
DEFAULT_STATUSES = [("10000", "To Do", "new"), ("3", "In Progress", "indeterminate"), ("10001", "Done", "done")]


def jira_time(ts: float) -> str:
    """Jira's timestamp format, e.g. 2021-01-17T12:34:00.000+0000."""
    dt = datetime.fromtimestamp(ts, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(dt.microsecond / 1000):03d}+0000"


class SimError(Exception):
    """A Jira-shaped error response."""

    def __init__(self, status: int, messages: list[str] | None = None, errors: dict[str, str] | None = None,
                 detail: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(detail or "; ".join((messages or []) + [f"{k}: {v}" for k, v in (errors or {}).items()]))
        self.status = status
        self.messages = messages or []
        self.errors = errors or {}
        self.detail = detail
        self.headers = headers or {}

    def body(self) -> dict:
        return {"errorMessages": self.messages, "errors": self.errors}


@dataclass
class User:
    account_id: str
    display_name: str
    email: Optional[str] = None
    email_visible: bool = True
    account_type: str = "atlassian"
    active: bool = True
    time_zone: str = "Europe/Berlin"
    locale: str = "en_US"
    api_tokens: list[str] = field(default_factory=list)


@dataclass
class App:
    key: str
    client_key: str
    shared_secret: str
    account_id: str
    base_url: Optional[str] = None
    name: str = ""
    scopes: set[str] = field(default_factory=lambda: {"READ", "WRITE", "DELETE"})
    installed: bool = True
    enabled: bool = True
    webhooks: list[dict] = field(default_factory=list)     # [{"event": ..., "url": ...}]
    lifecycle: dict[str, str] = field(default_factory=dict)  # eventType -> path
    entity_properties: list[dict] = field(default_factory=list)  # jiraEntityProperties modules


@dataclass
class Field:
    id: str
    name: str
    custom: bool
    schema: dict
    clause_names: list[str]
    searchable: bool = True
    navigable: bool = True
    orderable: bool = True
    kind: str = ""   # custom field kind (textfield, textarea, ...)


@dataclass
class Project:
    id: str
    key: str
    name: str
    issue_types: list[dict]
    project_type: str = "software"
    next_number: int = 1


@dataclass
class Comment:
    id: str
    author: str
    body: dict
    created: float
    updated: float
    update_author: str
    visibility: Optional[dict] = None
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass
class Attachment:
    id: str
    issue_id: str
    filename: str
    mime_type: str
    data: bytes
    author: str
    created: float
    media_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass
class Issue:
    id: str
    key: str
    project_id: str
    fields: dict[str, Any]          # stored values: summary, description, issuetype (id), reporter, ...
    created: float
    updated: float
    creator: str
    comments: list[Comment] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    watchers: list[str] = field(default_factory=list)
    changelog: list[dict] = field(default_factory=list)
    index_versions: list[tuple[float, dict]] = field(default_factory=list)  # (visible_from, search doc)


class Site:
    def __init__(self, name: str, public_url: str):
        self.name = name
        self.public_url = public_url.rstrip("/")
        self.base_url = f"{self.public_url}/site/{name}"
        self.cloud_id = str(uuid.uuid5(uuid.NAMESPACE_URL, self.base_url))
        self.lock = threading.RLock()
        self.users: dict[str, User] = {}
        self.apps: dict[str, App] = {}
        self.projects: dict[str, Project] = {}
        self.fields: dict[str, Field] = {}
        self.issues: dict[str, Issue] = {}
        self.keys: dict[str, str] = {}         # issue key -> id
        self.attachments: dict[str, Attachment] = {}
        self.counters = {"issue": 10000, "comment": 10000, "attachment": 10000, "changelog": 10000,
                         "project": 10000, "issuetype": 10001, "customfield": 10050}
        self.search_index_delay = 0.0
        self.attachment_max_bytes = 10 * 1024 * 1024
        self.strict_property_index = True
        self.legacy_search = "removed"      # or "served": /rest/api/3/search (removed from Jira Cloud)
        self.webhook_url: Optional[str] = None
        self.webhook_retries = 3
        self.statuses = {sid: {"id": sid, "name": name, "category": cat} for sid, name, cat in DEFAULT_STATUSES}
        self._add_system_fields()

    # ------------------------------------------------------------------ ids
    def next_id(self, counter: str) -> str:
        self.counters[counter] += 1
        return str(self.counters[counter] - 1)

    # ------------------------------------------------------------------ config
    def _add_system_fields(self) -> None:
        system = [
            ("summary", "Summary", {"type": "string", "system": "summary"}, ["summary"]),
            ("description", "Description", {"type": "string", "system": "description"}, ["description"]),
            ("issuetype", "Issue Type", {"type": "issuetype", "system": "issuetype"}, ["issuetype", "type"]),
            ("project", "Project", {"type": "project", "system": "project"}, ["project"]),
            ("reporter", "Reporter", {"type": "user", "system": "reporter"}, ["reporter"]),
            ("assignee", "Assignee", {"type": "user", "system": "assignee"}, ["assignee"]),
            ("creator", "Creator", {"type": "user", "system": "creator"}, ["creator"]),
            ("labels", "Labels", {"type": "array", "items": "string", "system": "labels"}, ["labels"]),
            ("status", "Status", {"type": "status", "system": "status"}, ["status"]),
            ("priority", "Priority", {"type": "priority", "system": "priority"}, ["priority"]),
            ("created", "Created", {"type": "datetime", "system": "created"}, ["created", "createdDate"]),
            ("updated", "Updated", {"type": "datetime", "system": "updated"}, ["updated", "updatedDate"]),
            ("comment", "Comment", {"type": "comments-page", "system": "comment"}, ["comment"]),
            ("attachment", "Attachment", {"type": "array", "items": "attachment", "system": "attachment"}, ["attachments"]),
            ("watches", "Watchers", {"type": "watches", "system": "watches"}, ["watchers"]),
            ("issuekey", "Key", None, ["id", "issue", "issuekey", "key"]),
        ]
        for fid, name, schema, clauses in system:
            self.fields[fid] = Field(id=fid, name=name, custom=False, schema=schema or {}, clause_names=clauses,
                                     navigable=fid not in ("comment",), orderable=fid not in ("issuekey", "created", "updated", "creator", "status", "watches", "attachment"))

    def add_custom_field(self, name: str, kind: str, field_id: Optional[str] = None) -> Field:
        if kind not in CUSTOM_TYPES:
            raise ValueError(f"unknown custom field type {kind!r}; one of {sorted(CUSTOM_TYPES)}")
        if field_id is None:
            number = self.next_id("customfield")
            field_id = f"customfield_{number}"
        number = field_id.split("_", 1)[1]
        jtype, custom = CUSTOM_TYPES[kind]
        schema = {"type": jtype, "custom": custom, "customId": int(number)}
        if jtype == "array":
            schema["items"] = "string"
        f = Field(id=field_id, name=name, custom=True, schema=schema, clause_names=[f"cf[{number}]", name], kind=kind)
        self.fields[field_id] = f
        return f

    def add_user(self, spec: dict) -> User:
        account_id = spec.get("accountId") or hashlib.sha1(f"{self.name}/{spec.get('displayName')}/{spec.get('emailAddress')}".encode()).hexdigest()[:24]
        user = User(account_id=account_id, display_name=spec.get("displayName") or account_id,
                    email=spec.get("emailAddress"), email_visible=not spec.get("hideEmail", False),
                    account_type=spec.get("accountType", "atlassian"), active=spec.get("active", True),
                    time_zone=spec.get("timeZone", "Europe/Berlin"), api_tokens=list(spec.get("apiTokens", [])))
        self.users[account_id] = user
        return user

    def add_app(self, spec: dict) -> App:
        key = spec["key"]
        user = self.add_user({"accountId": spec.get("accountId") or hashlib.sha1(f"app/{self.name}/{key}".encode()).hexdigest()[:24],
                              "displayName": spec.get("name") or key, "accountType": "app"})
        app = App(key=key, client_key=spec.get("clientKey") or self.cloud_id,
                  shared_secret=spec.get("sharedSecret") or secrets.token_urlsafe(32),
                  account_id=user.account_id, base_url=(spec.get("baseUrl") or "").rstrip("/") or None,
                  name=spec.get("name") or key,
                  scopes={s.upper() for s in spec.get("scopes", ["READ", "WRITE", "DELETE"])},
                  installed=spec.get("installed", True), webhooks=list(spec.get("webhooks", [])),
                  lifecycle=dict(spec.get("lifecycle", {})),
                  entity_properties=list(spec.get("jiraEntityProperties", [])))
        self.apps[key] = app
        return app

    def add_project(self, spec: dict) -> Project:
        key = spec["key"]
        types = []
        for t in spec.get("issueTypes", ["Task", "Bug", "Story"]):
            tname = t if isinstance(t, str) else t["name"]
            types.append({"id": self.next_id("issuetype"), "name": tname,
                          "description": f"A {tname.lower()}.", "subtask": False, "hierarchyLevel": 0})
        project = Project(id=spec.get("id") or self.next_id("project"), key=key,
                          name=spec.get("name", key.title()), issue_types=types,
                          project_type=spec.get("projectTypeKey", "software"))
        self.projects[project.id] = project
        return project

    # ------------------------------------------------------------------ lookup
    def project_by(self, ref: dict | str | None) -> Optional[Project]:
        if isinstance(ref, dict):
            if "id" in ref:
                return self.projects.get(str(ref["id"]))
            if "key" in ref:
                return next((p for p in self.projects.values() if p.key == ref["key"]), None)
            return None
        if isinstance(ref, str):
            return self.projects.get(ref) or next((p for p in self.projects.values() if p.key.lower() == ref.lower()), None)
        return None

    def issue_by(self, id_or_key: str) -> Optional[Issue]:
        if id_or_key in self.issues:
            return self.issues[id_or_key]
        issue_id = self.keys.get(id_or_key.upper())
        return self.issues.get(issue_id) if issue_id else None

    def require_issue(self, id_or_key: str) -> Issue:
        issue = self.issue_by(id_or_key)
        if issue is None:
            raise SimError(404, ["Issue does not exist or you do not have permission to see it."])
        return issue

    def field_by_name_or_clause(self, name: str) -> Optional[Field]:
        low = name.lower()
        for f in self.fields.values():
            if f.id.lower() == low or f.name.lower() == low or any(c.lower() == low for c in f.clause_names):
                return f
        return None

    # ------------------------------------------------------------------ rendering
    def url(self, path: str) -> str:
        return self.base_url + path

    def avatar_urls(self, seed: str) -> dict:
        return {size: f"{self.public_url}/__sim/avatar/{seed}?s={size.split('x')[0]}" for size in AVATAR_SIZES}

    def user_json(self, account_id: Optional[str], viewer: Optional[str], detailed: bool = False,
                  api: str = "3") -> Optional[dict]:
        if account_id is None:
            return None
        user = self.users.get(account_id)
        if user is None:
            return None
        out: dict[str, Any] = {"self": self.url(f"/rest/api/{api}/user?accountId={user.account_id}"),
                               "accountId": user.account_id}
        if user.email and (user.email_visible or viewer == user.account_id):
            out["emailAddress"] = user.email
        out["avatarUrls"] = self.avatar_urls(user.account_id)
        out["displayName"] = user.display_name
        out["active"] = user.active
        out["timeZone"] = user.time_zone
        out["accountType"] = user.account_type
        if detailed:
            out["locale"] = user.locale
            out["groups"] = {"size": 1, "items": []}
            out["applicationRoles"] = {"size": 1, "items": []}
            out["expand"] = "groups,applicationRoles"
        return out

    def project_json(self, project: Project, api: str = "3") -> dict:
        return {"self": self.url(f"/rest/api/{api}/project/{project.id}"), "id": project.id, "key": project.key,
                "name": project.name, "projectTypeKey": project.project_type, "simplified": False,
                "avatarUrls": self.avatar_urls("project-" + project.id)}

    def issuetype_json(self, project: Project, type_id: str, api: str = "3") -> dict:
        t = next(t for t in project.issue_types if t["id"] == type_id)
        return {"self": self.url(f"/rest/api/{api}/issuetype/{t['id']}"), "id": t["id"], "description": t["description"],
                "iconUrl": self.url(f"/rest/api/2/universal_avatar/view/type/issuetype/avatar/{t['id']}?size=medium"),
                "name": t["name"], "subtask": t["subtask"], "avatarId": int(t["id"]), "hierarchyLevel": t["hierarchyLevel"]}

    def status_json(self, status_id: str, api: str = "3") -> dict:
        s = self.statuses[status_id]
        cat = STATUS_CATEGORIES[s["category"]]
        return {"self": self.url(f"/rest/api/{api}/status/{status_id}"), "description": "",
                "iconUrl": self.url("/images/icons/statuses/generic.png"), "name": s["name"], "id": status_id,
                "statusCategory": {"self": self.url(f"/rest/api/{api}/statuscategory/{cat['id']}"), **cat}}

    def priority_json(self, api: str = "3") -> dict:
        return {"self": self.url(f"/rest/api/{api}/priority/3"), "iconUrl": self.url("/images/icons/priorities/medium.svg"),
                "name": "Medium", "id": "3"}

    def comment_json(self, issue: Issue, c: Comment, viewer: Optional[str], api: str = "3",
                     expand: set[str] | None = None) -> dict:
        out = {"self": self.url(f"/rest/api/{api}/issue/{issue.id}/comment/{c.id}"), "id": c.id,
               "author": self.user_json(c.author, viewer, api=api),
               "body": c.body if api == "3" else adf.wiki_markup(c.body),
               "updateAuthor": self.user_json(c.update_author, viewer, api=api),
               "created": jira_time(c.created), "updated": jira_time(c.updated), "jsdPublic": True}
        if c.visibility:
            out["visibility"] = c.visibility
        if expand and "renderedBody" in expand:
            out["renderedBody"] = adf.to_html(c.body)
        if expand and "properties" in expand:
            out["properties"] = [{"key": k, "value": v} for k, v in c.properties.items()]
        return out

    def attachment_json(self, a: Attachment, viewer: Optional[str], api: str = "3") -> dict:
        out = {"self": self.url(f"/rest/api/{api}/attachment/{a.id}"), "id": a.id, "filename": a.filename,
               "author": self.user_json(a.author, viewer, api=api), "created": jira_time(a.created),
               "size": len(a.data), "mimeType": a.mime_type,
               "content": self.url(f"/rest/api/{api}/attachment/content/{a.id}")}
        if a.mime_type.startswith("image/"):
            out["thumbnail"] = self.url(f"/rest/api/{api}/attachment/thumbnail/{a.id}")
        return out

    def field_value_json(self, issue: Issue, fid: str, viewer: Optional[str], api: str = "3") -> Any:
        project = self.projects[issue.project_id]
        v = issue.fields
        if fid == "summary":
            return v.get("summary")
        if fid == "description":
            d = v.get("description")
            return d if api == "3" else (adf.wiki_markup(d) if d is not None else None)
        if fid == "issuetype":
            return self.issuetype_json(project, v["issuetype"], api)
        if fid == "project":
            return self.project_json(project, api)
        if fid in ("reporter", "assignee", "creator"):
            return self.user_json(v.get(fid) if fid != "creator" else issue.creator, viewer, api=api)
        if fid == "labels":
            return list(v.get("labels", []))
        if fid == "status":
            return self.status_json(v.get("status", "10000"), api)
        if fid == "priority":
            return self.priority_json(api)
        if fid == "created":
            return jira_time(issue.created)
        if fid == "updated":
            return jira_time(issue.updated)
        if fid == "comment":
            comments = [self.comment_json(issue, c, viewer, api) for c in issue.comments]
            return {"comments": comments, "self": self.url(f"/rest/api/{api}/issue/{issue.id}/comment"),
                    "maxResults": len(comments), "total": len(comments), "startAt": 0}
        if fid == "attachment":
            return [self.attachment_json(self.attachments[a], viewer, api) for a in issue.attachments]
        if fid == "watches":
            return {"self": self.url(f"/rest/api/{api}/issue/{issue.key}/watchers"),
                    "watchCount": len(issue.watchers), "isWatching": viewer in issue.watchers}
        if fid in self.fields and self.fields[fid].custom:
            value = v.get(fid)
            if api != "3" and self.fields[fid].kind == "textarea" and value is not None:
                return adf.wiki_markup(value)
            return copy.deepcopy(value)
        return None

    def issue_field_ids(self) -> list[str]:
        return [f for f in self.fields if f != "issuekey"]

    def issue_json(self, issue: Issue, viewer: Optional[str], fields: Optional[list[str]] = None,
                   expand: set[str] | None = None, properties: list[str] | None = None, api: str = "3",
                   navigable_only: bool = False) -> dict:
        expand = expand or set()
        wanted = self.select_fields(fields, navigable_only)
        out: dict[str, Any] = {"expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
                               "id": issue.id, "self": self.url(f"/rest/api/{api}/issue/{issue.id}"), "key": issue.key}
        out["fields"] = {fid: self.field_value_json(issue, fid, viewer, api) for fid in wanted}
        if "renderedFields" in expand:
            rendered = {}
            for fid in wanted:
                value = out["fields"][fid]
                if adf.is_document(value):
                    rendered[fid] = adf.to_html(value)
                elif fid in ("created", "updated"):
                    rendered[fid] = "just now"
                else:
                    rendered[fid] = None
            out["renderedFields"] = rendered
        if "names" in expand:
            out["names"] = {fid: self.fields[fid].name for fid in wanted}
        if "schema" in expand:
            out["schema"] = {fid: self.fields[fid].schema for fid in wanted if self.fields[fid].schema}
        if "changelog" in expand:
            histories = [self.history_json(h, viewer, api) for h in reversed(issue.changelog)]
            out["changelog"] = {"startAt": 0, "maxResults": len(histories), "total": len(histories), "histories": histories}
        if properties:
            keys = list(issue.properties) if "*all" in properties else properties
            out["properties"] = {k: copy.deepcopy(issue.properties[k]) for k in keys if k in issue.properties}
        return out

    def history_json(self, h: dict, viewer: Optional[str], api: str = "3") -> dict:
        # Jira writes "from": null / "to": null; the contract's ChangeDetails does not allow null,
        # so REST responses leave those keys out (webhook payloads keep Jira's nulls).
        items = [{k: v for k, v in item.items() if v is not None} for item in h["items"]]
        return {"id": h["id"], "author": self.user_json(h["author"], viewer, api=api), "created": jira_time(h["created"]),
                "items": items}

    def select_fields(self, fields: Optional[list[str]], navigable_only: bool = False) -> list[str]:
        all_ids = self.issue_field_ids()
        base = [f for f in all_ids if self.fields[f].navigable] if navigable_only else list(all_ids)
        if not fields:
            return base
        chosen: list[str] = []
        excluded: set[str] = set()
        explicit = False
        for item in fields:
            for name in (part.strip() for part in item.split(",")):
                if not name:
                    continue
                if name == "*all":
                    chosen.extend(all_ids)
                    explicit = True
                elif name == "*navigable":
                    chosen.extend(f for f in all_ids if self.fields[f].navigable)
                    explicit = True
                elif name.startswith("-"):
                    excluded.add(name[1:])
                else:
                    explicit = True
                    f = self.fields.get(name) or self.field_by_name_or_clause(name)
                    if f is not None and f.id != "issuekey":
                        chosen.append(f.id)
        if not explicit:
            chosen = base
        seen = set()
        return [f for f in chosen if not (f in seen or seen.add(f)) and f not in excluded]

    # ------------------------------------------------------------------ search documents
    def search_doc(self, issue: Issue) -> dict:
        """What the search index holds for an issue (a snapshot)."""
        return {"id": issue.id, "key": issue.key, "project": issue.project_id, "created": issue.created,
                "updated": issue.updated, "fields": copy.deepcopy(issue.fields), "creator": issue.creator,
                "properties": copy.deepcopy(issue.properties),
                "comments": [adf.plain_text(c.body) for c in issue.comments]}

    def reindex(self, issue: Issue) -> None:
        now = time.time()
        issue.index_versions.append((now + self.search_index_delay, self.search_doc(issue)))
        visible = [v for v in issue.index_versions if v[0] <= now]
        if len(visible) > 1:  # keep the newest visible version and everything pending
            issue.index_versions = [visible[-1]] + [v for v in issue.index_versions if v[0] > now]

    def indexed_doc(self, issue: Issue, now: float) -> Optional[dict]:
        doc = None
        for visible_from, version in issue.index_versions:
            if visible_from <= now:
                doc = version
        return doc

    def indexed_property_paths(self) -> dict[tuple[str, str], dict]:
        """(propertyKey, objectName) -> extraction, from the installed apps' jiraEntityProperties."""
        out = {}
        for app in self.apps.values():
            if not app.installed:
                continue
            for module in app.entity_properties:
                if module.get("entityType", "issue") != "issue":
                    continue
                for index in module.get("keyConfigurations", []):
                    for extraction in index.get("extractions", []):
                        out[(index["propertyKey"], extraction["objectName"])] = extraction
        return out
