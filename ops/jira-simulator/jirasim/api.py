"""The simulated Jira Cloud platform REST v3 operations, keyed by the contract's operationId."""
from __future__ import annotations

import base64
import copy
import email.message
import hashlib
import hmac
import json
import mimetypes
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from . import adf, jql
from .model import Attachment, Comment, Issue, SimError, Site, jira_time

MAX_TEXT = 32767
MAX_PROPERTY_BYTES = 32768
NOT_SETTABLE = {"status", "created", "updated", "creator", "comment", "attachment", "watches", "issuekey"}


@dataclass
class Resp:
    status: int
    body: Any = None                 # JSON value, bytes, or None
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json;charset=UTF-8"
    binary: bool = False
    note: Optional[str] = None       # recorded with the request (why a request was refused)


@dataclass
class Ctx:
    sim: Any
    site: Site
    op: Any
    params: dict
    query: list
    headers: Any
    body: bytes
    content_type: str
    viewer: str
    app_key: Optional[str]
    events: list = field(default_factory=list)   # webhooks to send after the response
    client_problems: list = field(default_factory=list)  # recorded as violations

    def q(self, name: str, default: Optional[str] = None) -> Optional[str]:
        for k, v in self.query:
            if k == name:
                return v
        return default

    def q_list(self, name: str) -> list[str]:
        out = []
        for k, v in self.query:
            if k == name:
                out.extend(p.strip() for p in v.split(",") if p.strip())
        return out

    def q_int(self, name: str, default: int) -> int:
        value = self.q(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise SimError(400, [f"The value '{value}' of parameter '{name}' is not a valid number."])

    def q_bool(self, name: str, default: bool) -> bool:
        value = self.q(name)
        return default if value is None else value.lower() == "true"

    def json(self) -> Any:
        media = (self.content_type or "").split(";")[0].strip().lower()
        if media != "application/json":
            raise SimError(415, detail=f"Content-Type {self.content_type!r} is not application/json")
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise SimError(400, [f"Unexpected character in the request body: {exc}"])


# ---------------------------------------------------------------------- field values
def _user_ref(site: Site, value: Any, fid: str, errors: dict) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("accountId"), str):
        errors[fid] = f"Specify the {fid} as an object with an accountId."
        return None
    if value["accountId"] not in site.users:
        errors[fid] = {"reporter": "Specified reporter is not a user.",
                       "assignee": f"User '{value['accountId']}' cannot be assigned issues."}.get(fid, "Not a user.")
        return None
    return value["accountId"]


def _rich_text(value: Any, fid: str, errors: dict, details: list) -> Any:
    if value is None:
        return None
    if not isinstance(value, dict):
        errors[fid] = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
        details.append(f"{fid}: a {type(value).__name__} where REST v3 takes an ADF document")
        return None
    found = adf.problems(value)
    if found:
        errors[fid] = "INVALID_INPUT"
        details.extend(f"{fid}: {p}" for p in found)
        return None
    if len(adf.plain_text(value)) > MAX_TEXT:
        errors[fid] = f"The entered text is too long. It exceeds the allowed limit of {MAX_TEXT:,} characters."
        return None
    return copy.deepcopy(value)


def _labels(value: Any, fid: str, errors: dict) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[fid] = "Labels must be an array of strings."
        return []
    for label in value:
        if not label or any(ch.isspace() for ch in label):
            errors[fid] = f"The label '{label}' contains spaces which is invalid."
        elif len(label) > 255:
            errors[fid] = "The label must not exceed 255 characters."
    return list(dict.fromkeys(value))


def convert_field(site: Site, fid: str, value: Any, errors: dict, details: list) -> Any:
    """A value from a request (fields or update set) -> the stored value; problems into errors."""
    if fid == "summary":
        if not isinstance(value, str) or not value.strip():
            errors[fid] = "You must specify a summary of the issue."
        elif len(value) > 255:
            errors[fid] = "Summary must be less than 255 characters."
        elif "\n" in value or "\r" in value:
            errors[fid] = "The summary is invalid because it contains newline characters."
        return value
    if fid in ("description", "environment"):
        return _rich_text(value, fid, errors, details)
    if fid in ("reporter", "assignee"):
        return _user_ref(site, value, fid, errors)
    if fid == "labels":
        return _labels(value, fid, errors)
    if fid == "priority":
        if not (isinstance(value, dict) and (value.get("id") == "3" or value.get("name") == "Medium")):
            errors[fid] = "The priority selected is invalid."
        return None
    f = site.fields.get(fid)
    if f is None or not f.custom:
        errors[fid] = f"Field '{fid}' cannot be set. It is not on the appropriate screen, or unknown."
        return None
    if value is None:
        return None
    if f.kind == "textfield" or f.kind == "url":
        if not isinstance(value, str):
            errors[fid] = "Operation value must be a string"
        elif len(value) > 255:
            errors[fid] = f"{f.name}: You can only enter 255 characters in this field."
        return value
    if f.kind == "textarea":
        return _rich_text(value, fid, errors, details)
    if f.kind == "labels":
        return _labels(value, fid, errors)
    if f.kind == "number":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            errors[fid] = "Operation value must be a number"
        return value
    return value


def apply_update_ops(site: Site, current: dict, update: Any, errors: dict, details: list) -> dict:
    """The `update` object of IssueUpdateDetails: set/add/remove per field."""
    out: dict = {}
    if update is None:
        return out
    if not isinstance(update, dict):
        errors["update"] = "update must be an object"
        return out
    for fid, ops in update.items():
        if not isinstance(ops, list):
            errors[fid] = "Operations must be an array"
            continue
        value = copy.deepcopy(out.get(fid, current.get(fid)))
        for operation in ops:
            if not isinstance(operation, dict) or len(operation) != 1:
                errors[fid] = "Each operation must have exactly one verb"
                continue
            verb, arg = next(iter(operation.items()))
            if verb == "set":
                value = convert_field(site, fid, arg, errors, details)
            elif verb in ("add", "remove") and (fid == "labels" or (site.fields.get(fid) and site.fields[fid].kind == "labels")):
                labels = list(value or [])
                if verb == "add":
                    checked = _labels([arg], fid, errors)
                    labels += [l for l in checked if l not in labels]
                else:
                    labels = [l for l in labels if l != arg]
                value = labels
            else:
                errors[fid] = f"Field '{fid}' does not support operation '{verb}'."
        out[fid] = value
    return out


def change_string(site: Site, fid: str, value: Any) -> tuple[Optional[str], Optional[str]]:
    if value is None:
        return None, None
    if fid in ("reporter", "assignee"):
        user = site.users.get(value)
        return value, user.display_name if user else value
    if fid == "labels" or isinstance(value, list):
        return None, " ".join(str(v) for v in value)
    if isinstance(value, dict):
        return None, adf.wiki_markup(value)
    return None, str(value)


# ---------------------------------------------------------------------- issues
def create_issue(ctx: Ctx) -> Resp:
    site = ctx.site
    body = ctx.json()
    if not isinstance(body, dict):
        raise SimError(400, ["The request body must be an object."])
    fields_in = body.get("fields") or {}
    errors: dict[str, str] = {}
    details: list[str] = []
    project = site.project_by(fields_in.get("project"))
    if project is None:
        errors["project"] = "Specify a valid project ID or key"
    itype = fields_in.get("issuetype")
    type_id = None
    if project is not None:
        if not isinstance(itype, dict):
            errors["issuetype"] = "Specify an issue type"
        else:
            match = next((t for t in project.issue_types
                          if ("id" in itype and t["id"] == str(itype["id"])) or ("name" in itype and t["name"] == itype["name"])), None)
            if match is None:
                errors["issuetype"] = "Specify a valid issue type"
            else:
                type_id = match["id"]
    stored: dict[str, Any] = {"labels": [], "status": "10000"}
    update = body.get("update") or {}
    for fid in set(fields_in) & set(update if isinstance(update, dict) else {}):
        errors[fid] = f"Field '{fid}' cannot be set in both 'fields' and 'update'."
    for fid, value in fields_in.items():
        if fid in ("project", "issuetype"):
            continue
        if fid in NOT_SETTABLE:
            errors[fid] = f"Field '{fid}' cannot be set. It is not on the appropriate screen, or unknown."
            continue
        converted = convert_field(site, fid, value, errors, details)
        if fid != "priority":
            stored[fid] = converted
    stored.update(apply_update_ops(site, stored, update, errors, details))
    if "summary" not in stored and "summary" not in errors:
        errors["summary"] = "You must specify a summary of the issue."
    properties = body.get("properties") or []
    prop_values = {}
    for prop in properties if isinstance(properties, list) else []:
        if not isinstance(prop, dict) or not isinstance(prop.get("key"), str):
            errors["properties"] = "Each property needs a key and a value."
            continue
        check_property(prop["key"], prop.get("value"))
        prop_values[prop["key"]] = copy.deepcopy(prop.get("value"))
    if errors:
        raise SimError(400, [], errors, detail="; ".join(details) or None)
    if stored.get("reporter") is None:
        stored["reporter"] = ctx.viewer
    stored["issuetype"] = type_id
    now = time.time()
    issue_id = site.next_id("issue")
    key = f"{project.key}-{project.next_number}"
    project.next_number += 1
    issue = Issue(id=issue_id, key=key, project_id=project.id, fields=stored, created=now, updated=now,
                  creator=ctx.viewer, properties=prop_values)
    for watcher in (stored["reporter"], ctx.viewer):
        user = site.users.get(watcher)
        if user and user.account_type == "atlassian" and watcher not in issue.watchers:
            issue.watchers.append(watcher)
    site.issues[issue_id] = issue
    site.keys[key] = issue_id
    site.reindex(issue)
    ctx.events.append(("jira:issue_created", issue.id, {"user": ctx.viewer}))
    return Resp(201, {"id": issue.id, "key": issue.key, "self": site.url(f"/rest/api/3/issue/{issue.id}")})


def get_issue(ctx: Ctx) -> Resp:
    issue = ctx.site.require_issue(ctx.params["issueIdOrKey"])
    expand = set(ctx.q_list("expand"))
    body = ctx.site.issue_json(issue, ctx.viewer, fields=ctx.q_list("fields") or None, expand=expand,
                               properties=ctx.q_list("properties") or None)
    return Resp(200, body)


def edit_issue(ctx: Ctx) -> Resp:
    site = ctx.site
    issue = site.require_issue(ctx.params["issueIdOrKey"])
    body = ctx.json()
    if not isinstance(body, dict):
        raise SimError(400, ["The request body must be an object."])
    fields_in = body.get("fields") or {}
    update = body.get("update") or {}
    errors: dict[str, str] = {}
    details: list[str] = []
    for fid in set(fields_in) & set(update if isinstance(update, dict) else {}):
        errors[fid] = f"Field '{fid}' cannot be set in both 'fields' and 'update'."
    new_values: dict[str, Any] = {}
    for fid, value in fields_in.items():
        if fid in NOT_SETTABLE or fid in ("project", "issuetype"):
            errors[fid] = f"Field '{fid}' cannot be set. It is not on the appropriate screen, or unknown."
            continue
        if fid == "summary" and value is None:
            errors[fid] = "You must specify a summary of the issue."
            continue
        if fid == "reporter" and value is None:
            errors[fid] = "Reporter is required."
            continue
        converted = convert_field(site, fid, value, errors, details)
        if fid != "priority":
            new_values[fid] = converted
    new_values.update(apply_update_ops(site, issue.fields, update, errors, details))
    properties = body.get("properties") or []
    for prop in properties if isinstance(properties, list) else []:
        if isinstance(prop, dict) and isinstance(prop.get("key"), str):
            check_property(prop["key"], prop.get("value"))
    if errors:
        raise SimError(400, [], errors, detail="; ".join(details) or None)
    items = []
    for fid, value in new_values.items():
        old = issue.fields.get(fid)
        if old == value or (old in (None, []) and value in (None, [])):
            continue
        f = site.fields.get(fid)
        frm, frm_s = change_string(site, fid, old)
        to, to_s = change_string(site, fid, value)
        items.append({"field": f.name if f and f.custom else fid, "fieldtype": "custom" if f and f.custom else "jira",
                      "fieldId": fid, "from": frm, "fromString": frm_s, "to": to, "toString": to_s})
        issue.fields[fid] = value
    for prop in properties if isinstance(properties, list) else []:
        if isinstance(prop, dict) and isinstance(prop.get("key"), str):
            issue.properties[prop["key"]] = copy.deepcopy(prop.get("value"))
    if items:
        now = time.time()
        issue.updated = now
        history = {"id": site.next_id("changelog"), "author": ctx.viewer, "created": now, "items": items}
        issue.changelog.append(history)
        kind = "issue_assigned" if [i["fieldId"] for i in items] == ["assignee"] else "issue_updated"
        ctx.events.append(("jira:issue_updated", issue.id, {"user": ctx.viewer, "changelog": history,
                                                             "issue_event_type_name": kind}))
    site.reindex(issue)
    return Resp(204)


def delete_issue(ctx: Ctx) -> Resp:
    site = ctx.site
    issue = site.require_issue(ctx.params["issueIdOrKey"])
    ctx.events.append(("jira:issue_deleted", issue.id, {"user": ctx.viewer, "snapshot": site.issue_json(issue, None, api="2")}))
    del site.issues[issue.id]
    site.keys.pop(issue.key, None)
    for a in issue.attachments:
        site.attachments.pop(a, None)
    return Resp(204)


# ---------------------------------------------------------------------- comments
def _comment_body(ctx: Ctx, body: Any) -> tuple[dict, Optional[dict], dict]:
    if not isinstance(body, dict):
        raise SimError(400, ["The request body must be an object."])
    errors: dict = {}
    details: list = []
    if "body" not in body:
        raise SimError(400, [], {"comment": "Comment body can not be empty!"})
    value = body["body"]
    if not isinstance(value, dict):
        raise SimError(400, ["Comment body is not a valid Atlassian Document."],
                       detail="REST v3 takes the comment body as an ADF document")
    found = adf.problems(value)
    if found:
        raise SimError(400, ["INVALID_INPUT"], detail="; ".join(found))
    if not adf.plain_text(value).strip() and not any(n.get("type") not in ("paragraph",) for n in value.get("content", []) if isinstance(n, dict)):
        raise SimError(400, [], {"comment": "Comment body can not be empty!"})
    if len(adf.plain_text(value)) > MAX_TEXT:
        raise SimError(400, [], {"comment": f"The entered text is too long. It exceeds the allowed limit of {MAX_TEXT:,} characters."})
    visibility = body.get("visibility")
    if visibility is not None:
        if not isinstance(visibility, dict) or visibility.get("type") not in ("group", "role"):
            raise SimError(400, [], {"commentLevel": "You are currently not a member of the project role or group."})
    props = {}
    for p in body.get("properties") or []:
        if isinstance(p, dict) and isinstance(p.get("key"), str):
            check_property(p["key"], p.get("value"))
            props[p["key"]] = copy.deepcopy(p.get("value"))
    return copy.deepcopy(value), visibility, props


def add_comment(ctx: Ctx) -> Resp:
    site = ctx.site
    issue = site.require_issue(ctx.params["issueIdOrKey"])
    doc, visibility, props = _comment_body(ctx, ctx.json())
    now = time.time()
    c = Comment(id=site.next_id("comment"), author=ctx.viewer, body=doc, created=now, updated=now,
                update_author=ctx.viewer, visibility=visibility, properties=props)
    issue.comments.append(c)
    issue.updated = now
    site.reindex(issue)
    ctx.events.append(("comment_created", issue.id, {"user": ctx.viewer, "comment": c.id}))
    ctx.events.append(("jira:issue_updated", issue.id, {"user": ctx.viewer, "comment": c.id,
                                                         "issue_event_type_name": "issue_commented"}))
    return Resp(201, site.comment_json(issue, c, ctx.viewer, expand=set(ctx.q_list("expand"))))


def _find_comment(issue: Issue, cid: str) -> Comment:
    c = next((c for c in issue.comments if c.id == cid), None)
    if c is None:
        raise SimError(404, [f"Can not find a comment for the id: {cid}."])
    return c


def get_comments(ctx: Ctx) -> Resp:
    site = ctx.site
    issue = site.require_issue(ctx.params["issueIdOrKey"])
    start = max(0, ctx.q_int("startAt", 0))
    limit = min(max(ctx.q_int("maxResults", 100), 0), 5000)
    order = ctx.q("orderBy", "created")
    comments = sorted(issue.comments, key=lambda c: (c.created, int(c.id)), reverse=order == "-created")
    page = comments[start:start + limit]
    expand = set(ctx.q_list("expand"))
    return Resp(200, {"startAt": start, "maxResults": limit, "total": len(comments),
                      "comments": [site.comment_json(issue, c, ctx.viewer, expand=expand) for c in page]})


def get_comment(ctx: Ctx) -> Resp:
    issue = ctx.site.require_issue(ctx.params["issueIdOrKey"])
    c = _find_comment(issue, ctx.params["id"])
    return Resp(200, ctx.site.comment_json(issue, c, ctx.viewer, expand=set(ctx.q_list("expand"))))


def update_comment(ctx: Ctx) -> Resp:
    site = ctx.site
    issue = site.require_issue(ctx.params["issueIdOrKey"])
    c = _find_comment(issue, ctx.params["id"])
    doc, visibility, props = _comment_body(ctx, ctx.json())
    c.body, c.updated, c.update_author = doc, time.time(), ctx.viewer
    if visibility is not None:
        c.visibility = visibility
    c.properties.update(props)
    site.reindex(issue)
    ctx.events.append(("comment_updated", issue.id, {"user": ctx.viewer, "comment": c.id}))
    return Resp(200, site.comment_json(issue, c, ctx.viewer, expand=set(ctx.q_list("expand"))))


def delete_comment(ctx: Ctx) -> Resp:
    site = ctx.site
    issue = site.require_issue(ctx.params["issueIdOrKey"])
    c = _find_comment(issue, ctx.params["id"])
    ctx.events.append(("comment_deleted", issue.id, {"user": ctx.viewer, "comment_snapshot": site.comment_json(issue, c, None, api="2")}))
    issue.comments.remove(c)
    site.reindex(issue)
    return Resp(204)


# ---------------------------------------------------------------------- properties
def check_property(key: str, value: Any) -> None:
    if not key or len(key) > 255:
        raise SimError(400, ["The property key must be between 1 and 255 characters long."])
    if len(json.dumps(value, separators=(",", ":")).encode("utf-8")) > MAX_PROPERTY_BYTES:
        raise SimError(400, [f"The property value is too large. The value must be at most {MAX_PROPERTY_BYTES} bytes."])


def _property_owner(ctx: Ctx):
    if "commentId" in ctx.params:
        for issue in ctx.site.issues.values():
            for c in issue.comments:
                if c.id == ctx.params["commentId"]:
                    return issue, c.properties, f"/rest/api/3/comment/{c.id}/properties"
        raise SimError(404, [f"Can not find a comment for the id: {ctx.params['commentId']}."])
    issue = ctx.site.require_issue(ctx.params["issueIdOrKey"])
    return issue, issue.properties, f"/rest/api/3/issue/{issue.key}/properties"


def get_property_keys(ctx: Ctx) -> Resp:
    _, props, base = _property_owner(ctx)
    return Resp(200, {"keys": [{"self": ctx.site.url(f"{base}/{urllib.parse.quote(k, safe='')}"), "key": k} for k in props]})


def get_property(ctx: Ctx) -> Resp:
    _, props, _ = _property_owner(ctx)
    key = urllib.parse.unquote(ctx.params["propertyKey"])
    if key not in props:
        raise SimError(404, [f"The property with key '{key}' does not exist."])
    return Resp(200, {"key": key, "value": copy.deepcopy(props[key])})


def set_property(ctx: Ctx) -> Resp:
    issue, props, _ = _property_owner(ctx)
    key = urllib.parse.unquote(ctx.params["propertyKey"])
    if not ctx.body:
        raise SimError(400, ["The property value must be valid JSON."])
    value = ctx.json()
    check_property(key, value)
    existed = key in props
    props[key] = value
    ctx.site.reindex(issue)
    return Resp(200 if existed else 201, None)


def delete_property(ctx: Ctx) -> Resp:
    issue, props, _ = _property_owner(ctx)
    key = urllib.parse.unquote(ctx.params["propertyKey"])
    if key not in props:
        raise SimError(404, [f"The property with key '{key}' does not exist."])
    del props[key]
    ctx.site.reindex(issue)
    return Resp(204)


# ---------------------------------------------------------------------- search
def _search_params(ctx: Ctx, from_body: bool) -> dict:
    if from_body:
        body = ctx.json()
        if not isinstance(body, dict):
            raise SimError(400, ["The request body must be an object."])
        return body
    out: dict[str, Any] = {"jql": ctx.q("jql")}
    for name in ("fields", "properties"):
        if ctx.q_list(name):
            out[name] = ctx.q_list(name)
    if ctx.q("expand") is not None:
        out["expand"] = ctx.q("expand")
    for name in ("startAt", "maxResults"):
        if ctx.q(name) is not None:
            out[name] = ctx.q_int(name, 0)
    if ctx.q("nextPageToken") is not None:
        out["nextPageToken"] = ctx.q("nextPageToken")
    if ctx.q_list("reconcileIssues"):
        out["reconcileIssues"] = [int(x) for x in ctx.q_list("reconcileIssues") if x.isdigit()]
    return out


def _expand_set(value: Any) -> set[str]:
    if isinstance(value, list):
        return {v.strip() for v in value if isinstance(v, str)}
    if isinstance(value, str):
        return {v.strip() for v in value.split(",") if v.strip()}
    return set()


def legacy_search(ctx: Ctx) -> Resp:
    site = ctx.site
    if site.legacy_search == "removed":
        ctx.client_problems.append("called /rest/api/3/search, which Jira Cloud has removed (CHANGE-2046); use /rest/api/3/search/jql")
        raise SimError(410, ["The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"])
    params = _search_params(ctx, ctx.op.method == "POST")
    ids = jql.search(site, params.get("jql") or "")
    start = max(0, int(params.get("startAt") or 0))
    limit = min(max(int(params.get("maxResults", 50)), 0), 100)
    expand = _expand_set(params.get("expand"))
    page = [site.issue_json(site.issues[i], ctx.viewer, fields=params.get("fields") or None, expand=expand,
                            properties=params.get("properties"), navigable_only=True) for i in ids[start:start + limit]]
    for issue in page:
        issue["expand"] = "operations,versionedRepresentations,editmeta,changelog,renderedFields"
    return Resp(200, {"expand": "schema,names", "startAt": start, "maxResults": limit, "total": len(ids), "issues": page})


def _page_token(jql_text: str, offset: int) -> str:
    raw = json.dumps({"o": offset, "h": hashlib.sha256(jql_text.encode()).hexdigest()[:16]}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_token(token: str, jql_text: str) -> int:
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if raw["h"] != hashlib.sha256(jql_text.encode()).hexdigest()[:16]:
            raise ValueError("token of another query")
        return int(raw["o"])
    except (ValueError, KeyError, TypeError):
        raise SimError(400, ["Invalid nextPageToken."])


def jql_search(ctx: Ctx) -> Resp:
    site = ctx.site
    params = _search_params(ctx, ctx.op.method == "POST")
    text = params.get("jql") or ""
    compiled = jql.Compiled(site, text)
    if not compiled.bounded:
        raise SimError(400, ["Unbounded JQL queries are not allowed here. Please add a search restriction to your query."])
    reconcile = [str(x) for x in params.get("reconcileIssues") or []]
    ids = jql.search(site, text, reconcile=reconcile)
    offset = _read_token(params["nextPageToken"], text) if params.get("nextPageToken") else 0
    fields = params.get("fields") or ["id"]
    id_only = fields == ["id"]
    limit = min(max(int(params.get("maxResults", 50)), 1), 5000 if id_only else 100)
    chunk = ids[offset:offset + limit]
    expand = _expand_set(params.get("expand"))
    issues = []
    for issue_id in chunk:
        issue = site.issues[issue_id]
        if id_only and not expand and not params.get("properties"):
            issues.append({"id": issue.id})
        else:
            issues.append(site.issue_json(issue, ctx.viewer, fields=[f for f in fields if f != "id"] or ["-summary", "summary"],
                                          expand=expand, properties=params.get("properties")))
    out: dict[str, Any] = {"issues": issues, "isLast": offset + limit >= len(ids)}
    if not out["isLast"]:
        out["nextPageToken"] = _page_token(text, offset + limit)
    return Resp(200, out)


# ---------------------------------------------------------------------- users and fields
def find_users(ctx: Ctx) -> Resp:
    site = ctx.site
    query = ctx.q("query")
    account_id = ctx.q("accountId")
    if not query and not account_id and not ctx.q("property"):
        raise SimError(400, ["One of 'query' or 'accountId' or 'property' must be specified."])
    start = max(0, ctx.q_int("startAt", 0))
    limit = min(max(ctx.q_int("maxResults", 50), 0), 1000)
    found = []
    for user in site.users.values():
        if account_id and user.account_id != account_id:
            continue
        if query:
            q = query.lower().strip()
            names = [user.display_name.lower()] + user.display_name.lower().split()
            email = user.email.lower() if user.email and user.email_visible else None
            if not (any(n.startswith(q) for n in names) or (email is not None and email.startswith(q))):
                continue
        found.append(site.user_json(user.account_id, ctx.viewer))
    return Resp(200, found[start:start + limit])


def get_user(ctx: Ctx) -> Resp:
    account_id = ctx.q("accountId")
    if not account_id or account_id not in ctx.site.users:
        raise SimError(404, ["Specified user does not exist or you do not have required permissions"])
    return Resp(200, ctx.site.user_json(account_id, ctx.viewer, detailed=True))


def get_user_email(ctx: Ctx) -> Resp:
    account_id = ctx.q("accountId")
    user = ctx.site.users.get(account_id or "")
    if user is None or not user.email:
        raise SimError(404, ["Specified user does not exist or you do not have required permissions"])
    return Resp(200, {"accountId": user.account_id, "email": user.email})


def get_myself(ctx: Ctx) -> Resp:
    return Resp(200, ctx.site.user_json(ctx.viewer, ctx.viewer, detailed=True))


def get_fields(ctx: Ctx) -> Resp:
    out = []
    for f in ctx.site.fields.values():
        entry = {"id": f.id, "key": f.id, "name": f.name, "custom": f.custom, "orderable": f.orderable,
                 "navigable": f.navigable, "searchable": f.searchable, "clauseNames": list(f.clause_names)}
        if f.schema:
            entry["schema"] = f.schema
        out.append(entry)
    return Resp(200, out)


def server_info(ctx: Ctx) -> Resp:
    return Resp(200, {"baseUrl": ctx.site.base_url, "version": "1001.0.0-SNAPSHOT", "versionNumbers": [1001, 0, 0],
                      "deploymentType": "Cloud", "buildNumber": 100200, "buildDate": "2025-01-01T00:00:00.000+0000",
                      "serverTime": jira_time(time.time()), "scmInfo": "jira-simulator", "serverTitle": "Jira"})


# ---------------------------------------------------------------------- watchers
def get_watchers(ctx: Ctx) -> Resp:
    site = ctx.site
    issue = site.require_issue(ctx.params["issueIdOrKey"])
    return Resp(200, {"self": site.url(f"/rest/api/3/issue/{issue.key}/watchers"), "isWatching": ctx.viewer in issue.watchers,
                      "watchCount": len(issue.watchers), "watchers": [site.user_json(w, ctx.viewer) for w in issue.watchers]})


def add_watcher(ctx: Ctx) -> Resp:
    issue = ctx.site.require_issue(ctx.params["issueIdOrKey"])
    account_id = ctx.json() if ctx.body else ctx.viewer
    if not isinstance(account_id, str) or account_id not in ctx.site.users:
        raise SimError(400, ["The user does not exist or you do not have permission to view the user."])
    if account_id not in issue.watchers:
        issue.watchers.append(account_id)
    return Resp(204)


def remove_watcher(ctx: Ctx) -> Resp:
    issue = ctx.site.require_issue(ctx.params["issueIdOrKey"])
    account_id = ctx.q("accountId")
    if not account_id:
        raise SimError(400, ["The accountId parameter is required."])
    if account_id in issue.watchers:
        issue.watchers.remove(account_id)
    return Resp(204)


# ---------------------------------------------------------------------- attachments
def parse_multipart(body: bytes, content_type: str) -> list[dict]:
    msg = email.message.Message()
    msg["Content-Type"] = content_type
    boundary = msg.get_param("boundary")
    if not boundary:
        raise SimError(400, ["The multipart request has no boundary."])
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    chunks = (b"\r\n" + body).split(delimiter)
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        headers = email.message.Message()
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip()] = value.strip()
        parts.append({"name": headers.get_param("name", header="content-disposition"),
                      "filename": headers.get_filename(), "content_type": headers.get_content_type() if headers.get("Content-Type") else None,
                      "data": data})
    return parts


def add_attachment(ctx: Ctx) -> Resp:
    site = ctx.site
    if ctx.headers.get("X-Atlassian-Token", "").lower() != "no-check":
        return Resp(403, b"XSRF check failed", content_type="text/plain;charset=UTF-8",
                    note="X-Atlassian-Token: no-check is missing")
    issue = site.require_issue(ctx.params["issueIdOrKey"])
    media = (ctx.content_type or "").split(";")[0].strip().lower()
    if media != "multipart/form-data":
        ctx.client_problems.append(f"attachments must be sent as multipart/form-data, not {ctx.content_type!r}")
        return Resp(415, {"errorMessages": ["Attachments must be multipart/form-data."], "errors": {}})
    parts = parse_multipart(ctx.body, ctx.content_type)
    files = [p for p in parts if p["name"] == "file" and p["filename"] is not None]
    if not files:
        ctx.client_problems.append("multipart body has no part named 'file' with a filename; Jira attaches nothing")
    created = []
    for part in files:
        if len(part["data"]) > site.attachment_max_bytes:
            return Resp(413, {"errorMessages": [f"The file '{part['filename']}' is too large: the limit is {site.attachment_max_bytes} bytes."], "errors": {}})
    now = time.time()
    for part in files:
        mime = part["content_type"]
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(part["filename"])[0] or "application/octet-stream"
        a = Attachment(id=site.next_id("attachment"), issue_id=issue.id, filename=part["filename"], mime_type=mime,
                       data=part["data"], author=ctx.viewer, created=now)
        site.attachments[a.id] = a
        issue.attachments.append(a.id)
        created.append(site.attachment_json(a, ctx.viewer))
    if created:
        issue.updated = now
        # As Jira: one update per added file, its changelog naming the attachment.
        for a_json in created:
            item = {"field": "Attachment", "fieldtype": "jira", "fieldId": "attachment", "from": None, "fromString": None,
                    "to": a_json["id"], "toString": a_json["filename"]}
            history = {"id": site.next_id("changelog"), "author": ctx.viewer, "created": now, "items": [item]}
            issue.changelog.append(history)
            ctx.events.append(("jira:issue_updated", issue.id, {"user": ctx.viewer, "changelog": history,
                                                                 "issue_event_type_name": "issue_updated"}))
        site.reindex(issue)
    return Resp(200, created)


def _attachment(ctx: Ctx) -> Attachment:
    a = ctx.site.attachments.get(ctx.params["id"])
    if a is None:
        raise SimError(404, [f"The attachment with id '{ctx.params['id']}' does not exist"])
    return a


def get_attachment(ctx: Ctx) -> Resp:
    a = _attachment(ctx)
    meta = ctx.site.attachment_json(a, ctx.viewer)
    meta["id"] = int(a.id)
    meta["properties"] = {}
    return Resp(200, meta)


def media_token(secret: bytes, media_id: str, expires: int) -> str:
    sig = hmac.new(secret, f"{media_id}|{expires}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{expires}.{sig}"


def get_attachment_content(ctx: Ctx) -> Resp:
    a = _attachment(ctx)
    if ctx.q_bool("redirect", True):
        expires = int(time.time()) + 600
        token = media_token(ctx.sim.media_secret, a.media_id, expires)
        query = urllib.parse.urlencode({"token": token, "client": ctx.site.cloud_id, "dl": "true", "name": a.filename})
        location = f"{ctx.sim.media_url}/__media/file/{a.media_id}/binary?{query}"
        return Resp(303, None, headers={"Location": location})
    return Resp(200, a.data, content_type=a.mime_type, binary=True,
                headers={"Content-Disposition": f"attachment; filename*=UTF-8''{urllib.parse.quote(a.filename)}"})


def remove_attachment(ctx: Ctx) -> Resp:
    a = _attachment(ctx)
    issue = ctx.site.issues.get(a.issue_id)
    if issue and a.id in issue.attachments:
        issue.attachments.remove(a.id)
    del ctx.site.attachments[a.id]
    return Resp(204)


OPERATIONS: dict[str, Callable[[Ctx], Resp]] = {
    "createIssue": create_issue, "getIssue": get_issue, "editIssue": edit_issue, "deleteIssue": delete_issue,
    "addComment": add_comment, "getComments": get_comments, "getComment": get_comment,
    "updateComment": update_comment, "deleteComment": delete_comment,
    "getIssuePropertyKeys": get_property_keys, "getIssueProperty": get_property,
    "setIssueProperty": set_property, "deleteIssueProperty": delete_property,
    "getCommentPropertyKeys": get_property_keys, "getCommentProperty": get_property,
    "setCommentProperty": set_property, "deleteCommentProperty": delete_property,
    "searchForIssuesUsingJql": legacy_search, "searchForIssuesUsingJqlPost": legacy_search,
    "searchAndReconsileIssuesUsingJql": jql_search, "searchAndReconsileIssuesUsingJqlPost": jql_search,
    "findUsers": find_users, "getUser": get_user, "getUserEmail": get_user_email, "getCurrentUser": get_myself,
    "getFields": get_fields, "getServerInfo": server_info,
    "getIssueWatchers": get_watchers, "addWatcher": add_watcher, "removeWatcher": remove_watcher,
    "addAttachment": add_attachment, "getAttachment": get_attachment, "getAttachmentContent": get_attachment_content,
    "removeAttachment": remove_attachment,
}
ANONYMOUS = {"getServerInfo"}
