"""Checks requests and responses against the official OpenAPI document with openapi-core.

Deliberate, documented departures from a blind check (README "Contract check"):
- Jira writes timestamps as 2021-01-17T12:34:00.000+0000 (the document's own examples do);
  `date-time` accepts that offset form as well as RFC 3339.
- A response without a body is accepted where the documented schema is empty (`{}`), e.g. 204.
- 401, 403, 429 and 5xx may come from any operation (authentication, scopes, rate limits, outages) though
  the document lists them for few; their JSON bodies must still be an ErrorCollection.
- multipart/form-data request bodies: the document's schema (a binary string) cannot be applied
  by openapi-core (it parses the form to an object); the simulator checks the media type and the
  `file` part itself.
- Binary content (attachment downloads) is not validated as JSON.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Optional

from jsonschema_path import SchemaPath
from openapi_core.datatypes import RequestParameters
from openapi_core.validation.request.validators import V30RequestBodyValidator, V30RequestParametersValidator
from openapi_core.validation.response.validators import V30ResponseValidator
from werkzeug.datastructures import Headers, ImmutableMultiDict

SERVER = "https://your-domain.atlassian.net"
JIRA_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})")
ANY_OPERATION_STATUSES = {401, 403, 429, 500, 502, 503, 504}


def jira_datetime(value: Any) -> bool:
    return not isinstance(value, str) or bool(JIRA_DATETIME.fullmatch(value))


@dataclass
class Operation:
    method: str
    template: str
    operation_id: str
    path_params: dict[str, str]
    source: str   # "contract" | "supplement"
    raw: dict


class _Request:
    def __init__(self, op: Operation, path: str, query_pairs, headers, body: bytes, content_type: str):
        self.host_url = SERVER
        self.path = path
        self.path_pattern = op.template
        self.method = op.method.lower()
        self.body = body or b""
        self.content_type = (content_type or "").lower()
        self.parameters = RequestParameters(query=ImmutableMultiDict(list(query_pairs)),
                                            header=Headers(list(headers.items())), path=dict(op.path_params))


class _Response:
    def __init__(self, status: int, headers: dict, body: bytes, content_type: str):
        self.status_code = status
        self.headers = Headers(list(headers.items()))
        self.data = body or b""
        self.content_type = (content_type or "").lower()


def describe(exc: BaseException) -> str:
    """A readable message from an openapi-core error, with the JSON-schema details."""
    parts = [type(exc).__name__]
    cause = exc.__cause__ or exc.__context__
    seen = set()
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            for err in schema_errors:
                where = "/".join(str(p) for p in getattr(err, "absolute_path", [])) or "(root)"
                parts.append(f"at {where}: {getattr(err, 'message', err)}")
            break
        parts.append(f"{type(cause).__name__}: {cause}")
        cause = cause.__cause__ or cause.__context__
    text = str(exc)
    if text and len(parts) == 1:
        parts.append(text)
    return "; ".join(parts)


class Contract:
    def __init__(self, document_path: str, supplement_path: Optional[str] = None):
        with open(document_path, "rb") as fh:
            doc = json.load(fh)
        self.supplement_paths: set[str] = set()
        if supplement_path:
            with open(supplement_path, "rb") as fh:
                sup = json.load(fh)
            for path, item in sup.get("paths", {}).items():
                if path in doc["paths"]:
                    raise ValueError(f"supplement path {path} is already in the contract")
                doc["paths"][path] = item
                self.supplement_paths.add(path)
            for name, schema in sup.get("schemas", {}).items():
                doc["components"]["schemas"].setdefault(name, schema)
        self.doc = doc
        self.spec = SchemaPath.from_dict(doc)
        extra = {"date-time": jira_datetime}
        common = dict(base_url=SERVER, spec_validator_cls=None, extra_format_validators=extra)
        self.request_params = V30RequestParametersValidator(self.spec, **common)
        self.request_body = V30RequestBodyValidator(self.spec, **common)
        self.response = V30ResponseValidator(self.spec, **common)
        self.templates = []
        for template, item in doc["paths"].items():
            names = re.findall(r"\{([^}]+)\}", template)
            regex = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template)) + "$")
            self.templates.append((len(names), template, regex, names, item))
        self.templates.sort(key=lambda t: (t[0], -len(t[1])))
        self.error_collection = self.doc["components"]["schemas"]["ErrorCollection"]

    def find(self, method: str, path: str) -> tuple[Optional[Operation], Optional[str]]:
        """(operation, None) or (None, reason)."""
        method_matches_elsewhere = None
        for _, template, regex, names, item in self.templates:
            m = regex.match(path)
            if not m:
                continue
            op = item.get(method.lower())
            if op is None:
                method_matches_elsewhere = template
                continue
            params = dict(zip(names, m.groups()))
            return Operation(method.upper(), template, op.get("operationId", ""), params,
                             "supplement" if template in self.supplement_paths else "contract", op), None
        if method_matches_elsewhere:
            return None, f"the contract has no {method.upper()} operation for {method_matches_elsewhere}"
        return None, f"the contract has no path matching {path}"

    def check_request(self, op: Operation, path: str, query_pairs, headers, body: bytes, content_type: str) -> list[str]:
        req = _Request(op, path, query_pairs, headers, body, content_type)
        problems = [describe(e) for e in self.request_params.iter_errors(req)]
        media = (content_type or "").split(";")[0].strip().lower()
        if media == "multipart/form-data":
            documented = (op.raw.get("requestBody") or {}).get("content", {})
            if "multipart/form-data" not in documented:
                problems.append(f"multipart/form-data is not a documented request media type ({sorted(documented)})")
            return problems
        if body or op.raw.get("requestBody", {}).get("required"):
            problems += [describe(e) for e in self.request_body.iter_errors(req)]
        return problems

    def check_response(self, op: Operation, path: str, query_pairs, req_headers, req_body: bytes, req_ctype: str,
                       status: int, headers: dict, body: bytes, content_type: str, binary: bool = False) -> list[str]:
        responses = op.raw.get("responses", {})
        documented = str(status) in responses or "default" in responses
        media = (content_type or "").split(";")[0].strip().lower()
        if not documented:
            if status in ANY_OPERATION_STATUSES:
                return self._check_error_body(status, body, media)
            return [f"status {status} is not documented for {op.method} {op.template} (documented: {sorted(responses)})"]
        if binary and 200 <= status < 300:
            return []
        content = (responses.get(str(status)) or responses.get("default") or {}).get("content") or {}
        if not body:
            schemas = [c.get("schema") for c in content.values()]
            if not content or all(s in (None, {}) for s in schemas):
                return []
        req = _Request(op, path, query_pairs, req_headers, req_body, req_ctype)
        resp = _Response(status, headers, body, content_type)
        return [describe(e) for e in self.response.iter_errors(req, resp)]

    def _check_error_body(self, status: int, body: bytes, media: str) -> list[str]:
        if not body or media != "application/json":
            return []
        try:
            value = json.loads(body)
        except ValueError as exc:
            return [f"status {status}: body is not JSON ({exc})"]
        allowed = set(self.error_collection["properties"])
        if not isinstance(value, dict) or set(value) - allowed:
            return [f"status {status}: body is not an ErrorCollection: {value!r:.200}"]
        return []
