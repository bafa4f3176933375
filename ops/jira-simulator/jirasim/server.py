"""HTTP front of the simulator: routing, authentication, contract check, fault injection,
recording, the /__sim admin API, media downloads and outgoing webhooks."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import queue
import re
import secrets
import sys
import threading
import time
import traceback
import urllib.parse
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional

from . import api, auth, outgoing
from . import qsh as qshmod
from .contract import Contract
from .model import SimError, Site, jira_time

SCOPE_RANK = {"NONE": 0, "READ": 1, "WRITE": 2, "DELETE": 3, "PROJECT_ADMIN": 4, "ADMIN": 5}
WEBHOOK_EVENTS = ("jira:issue_created", "jira:issue_updated", "jira:issue_deleted",
                  "comment_created", "comment_updated", "comment_deleted")
LIFECYCLE_EVENTS = ("installed", "uninstalled", "enabled", "disabled")
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
MAX_RECORDED = 20000
BODY_KEEP = 65536


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def summarize_body(body: bytes, content_type: str) -> Any:
    if not body:
        return None
    media = (content_type or "").split(";")[0].strip().lower()
    if media == "application/json" or media.startswith("text/"):
        text = body[:BODY_KEEP].decode("utf-8", "replace")
        if media == "application/json" and len(body) <= BODY_KEEP:
            try:
                return json.loads(text)
            except ValueError:
                pass
        return text
    return {"bytes": len(body), "sha256": hashlib.sha256(body).hexdigest(), "contentType": content_type}


class Simulator:
    def __init__(self, public_url: str, contract: Contract, keys_dir: Optional[str] = None,
                 media_url: Optional[str] = None, seed: Optional[dict] = None, log=None):
        self.public_url = public_url.rstrip("/")
        self.media_url = (media_url or self.public_url).rstrip("/")
        self.contract = contract
        self.keys = outgoing.InstallKeys(keys_dir)
        self.media_secret = secrets.token_bytes(32)
        self.lock = threading.RLock()
        self.sites: dict[str, Site] = {}
        self.requests: deque = deque(maxlen=MAX_RECORDED)
        self.violations: list[dict] = []
        self.deliveries: list[dict] = []
        self.faults: list[dict] = []
        self.seq = 0
        self.seed = seed
        self.log = log or sys.stdout
        self.webhook_queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._webhook_worker, daemon=True, name="webhooks").start()
        if seed:
            self.create_site(seed)

    # ------------------------------------------------------------------ records
    def next_seq(self) -> int:
        with self.lock:
            self.seq += 1
            return self.seq

    def add_violation(self, site: Optional[str], method: str, path: str, direction: str, message: str,
                      operation: str = "", status: Optional[int] = None, source: str = "contract") -> None:
        with self.lock:
            self.violations.append({"seq": self.next_seq(), "time": now_iso(), "site": site, "method": method,
                                    "path": path, "operation": operation, "direction": direction,
                                    "status": status, "source": source, "message": message})

    def write_log(self, line: str) -> None:
        try:
            self.log.write(line + "\n")
            self.log.flush()
        except (OSError, ValueError):
            pass

    # ------------------------------------------------------------------ sites
    def create_site(self, spec: dict, replace: bool = False) -> Site:
        name = spec.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}", name):
            raise SimError(400, ["A site needs a name of letters, digits, '.', '_' or '-'."])
        with self.lock:
            if name in self.sites and not replace:
                raise SimError(409, [f"Site '{name}' exists; pass \"replace\": true to recreate it."])
            site = Site(name, self.public_url)
            try:
                self.configure_site(site, spec)
            except (KeyError, ValueError, TypeError) as exc:
                raise SimError(400, [f"Invalid site specification: {exc!r}"])
            self.sites[name] = site
            return site

    def configure_site(self, site: Site, spec: dict) -> None:
        for f in spec.get("fields", []):
            site.add_custom_field(f["name"], f.get("type", "textfield"), f.get("id"))
        for u in spec.get("users", []):
            site.add_user(u)
        for p in spec.get("projects", []):
            site.add_project(p)
        for a in spec.get("apps", []):
            app = site.add_app(a)
            if a.get("webhookUrl"):
                app.webhooks.extend({"event": e, "url": a["webhookUrl"]} for e in WEBHOOK_EVENTS)
        self.apply_options(site, spec.get("options", {}))

    def apply_options(self, site: Site, options: dict) -> None:
        if "searchIndexDelayMs" in options:
            site.search_index_delay = float(options["searchIndexDelayMs"]) / 1000.0
        if "attachmentMaxBytes" in options:
            site.attachment_max_bytes = int(options["attachmentMaxBytes"])
        if "strictPropertyIndex" in options:
            site.strict_property_index = bool(options["strictPropertyIndex"])
        if "legacySearch" in options:
            if options["legacySearch"] not in ("removed", "served"):
                raise ValueError("legacySearch is 'removed' or 'served'")
            site.legacy_search = options["legacySearch"]
        if "webhookRetries" in options:
            site.webhook_retries = int(options["webhookRetries"])
        if "webhookRetryDelayMs" in options:
            site.webhook_retry_delay = float(options["webhookRetryDelayMs"]) / 1000.0

    def site_summary(self, site: Site, full: bool = False) -> dict:
        out = {"name": site.name, "baseUrl": site.base_url, "cloudId": site.cloud_id,
               "projects": [{"id": p.id, "key": p.key, "name": p.name,
                             "issueTypes": [{"id": t["id"], "name": t["name"]} for t in p.issue_types]}
                            for p in site.projects.values()],
               "users": [{"accountId": u.account_id, "displayName": u.display_name, "emailAddress": u.email,
                          "emailVisible": u.email_visible, "accountType": u.account_type, "apiTokens": u.api_tokens}
                         for u in site.users.values()],
               "fields": [{"id": f.id, "name": f.name, "type": f.kind} for f in site.fields.values() if f.custom],
               "apps": [{"key": a.key, "clientKey": a.client_key, "sharedSecret": a.shared_secret,
                         "accountId": a.account_id, "baseUrl": a.base_url, "installed": a.installed,
                         "enabled": a.enabled, "scopes": sorted(a.scopes), "webhooks": a.webhooks,
                         "lifecycle": a.lifecycle} for a in site.apps.values()],
               "options": {"searchIndexDelayMs": site.search_index_delay * 1000,
                           "attachmentMaxBytes": site.attachment_max_bytes,
                           "strictPropertyIndex": site.strict_property_index, "legacySearch": site.legacy_search}}
        if full:
            out["issues"] = [site.issue_json(i, None, properties=["*all"], expand={"changelog"}) for i in site.issues.values()]
        return out

    # ------------------------------------------------------------------ faults
    def take_fault(self, site: Optional[str], method: str, rel_path: str) -> Optional[dict]:
        with self.lock:
            for fault in self.faults:
                if fault["remaining"] <= 0:
                    continue
                if fault.get("site") and fault["site"] != site:
                    continue
                if fault.get("method") and fault["method"].upper() != method:
                    continue
                if not re.search(fault.get("pathRegex", ""), rel_path):
                    continue
                fault["remaining"] -= 1
                fault["hits"] += 1
                return dict(fault)
        return None

    # ------------------------------------------------------------------ webhooks
    def webhook_targets(self, site: Site, event: str) -> list[tuple[Any, str]]:
        out = []
        for app in site.apps.values():
            if not app.installed or not app.enabled:
                continue
            for hook in app.webhooks:
                if hook.get("event") == event:
                    out.append((app, hook["url"]))
        return out

    def webhook_payload(self, site: Site, event: str, issue_id: str, extra: dict) -> dict:
        payload: dict[str, Any] = {"timestamp": int(time.time() * 1000), "webhookEvent": event}
        issue = site.issues.get(issue_id)
        if event.startswith("jira:issue"):
            payload["issue_event_type_name"] = extra.get("issue_event_type_name") or event.split(":", 1)[1]
        if extra.get("user"):
            payload["user"] = site.user_json(extra["user"], None, api="2")
        if issue is not None:
            full = site.issue_json(issue, None, api="2")
            if event.startswith("comment_"):
                keep = ("summary", "issuetype", "project", "assignee", "priority", "status")
                full["fields"] = {k: v for k, v in full["fields"].items() if k in keep}
                full.pop("expand", None)
            payload["issue"] = full
        elif extra.get("snapshot"):
            payload["issue"] = extra["snapshot"]
        if extra.get("changelog"):
            payload["changelog"] = {"id": extra["changelog"]["id"], "items": extra["changelog"]["items"]}
        if extra.get("comment") and issue is not None:
            comment = next((c for c in issue.comments if c.id == extra["comment"]), None)
            if comment is not None:
                payload["comment"] = site.comment_json(issue, comment, None, api="2")
        if extra.get("comment_snapshot"):
            payload["comment"] = extra["comment_snapshot"]
        return payload

    def queue_events(self, site: Site, events: list) -> None:
        for event, issue_id, extra in events:
            targets = self.webhook_targets(site, event)
            if not targets:
                continue
            payload = self.webhook_payload(site, event, issue_id, extra)
            project_key = None
            issue = site.issues.get(issue_id)
            if issue is not None:
                project_key = site.projects[issue.project_id].key
            for app, url in targets:
                full_url = outgoing.target_url(app, site, url, issue, project_key)
                self.webhook_queue.put((site, app, event, full_url, payload, extra.get("user")))

    def _webhook_worker(self) -> None:
        while True:
            site, app, event, url, payload, user = self.webhook_queue.get()
            try:
                self.deliver(site, app, event, url, payload, user, signing="hs256")
            except Exception:  # noqa: BLE001 - a worker must survive
                traceback.print_exc()

    def deliver(self, site: Site, app, event: str, url: str, payload: dict, sub: Optional[str],
                signing: str) -> dict:
        body = json.dumps(payload).encode("utf-8")
        identifier = str(uuid.uuid4())
        record = {"seq": self.next_seq(), "time": now_iso(), "site": site.name, "app": app.key, "event": event,
                  "url": url, "signing": signing, "attempts": [], "payload": payload, "identifier": identifier}
        retries = getattr(site, "webhook_retries", 3) if signing == "hs256" and event in WEBHOOK_EVENTS else 0
        delay = getattr(site, "webhook_retry_delay", 0.2)
        for attempt in range(retries + 1):
            if signing == "rs256":
                token = outgoing.rs256_token(self.keys, app, "POST", url, sub)
            else:
                token = outgoing.hs256_token(app, "POST", url, sub)
            headers = {"Content-Type": "application/json", "Authorization": f"JWT {token}",
                       "User-Agent": "Atlassian HttpClient (jira-simulator)", "Accept": "*/*"}
            if event in WEBHOOK_EVENTS:
                headers["X-Atlassian-Webhook-Identifier"] = identifier
                if attempt:
                    headers["X-Atlassian-Webhook-Retry"] = str(attempt)
            status, text = outgoing.post(url, body, headers)
            record["attempts"].append({"status": status, "response": text[:2000], "time": now_iso(),
                                       "authorization": headers["Authorization"]})
            record["status"] = status
            self.write_log(f"{now_iso()} site={site.name} OUT {event} -> {url} {status} attempt={attempt}")
            if status not in outgoing.RETRYABLE and status != 0:
                break
            if attempt < retries:
                time.sleep(delay * (2 ** attempt))
        with self.lock:
            self.deliveries.append(record)
        return record

    def send_lifecycle(self, site: Site, app, event: str, new_secret: bool = False,
                       signed_install: bool = True) -> dict:
        path = app.lifecycle.get(event)
        if not path:
            raise SimError(400, [f"App '{app.key}' has no '{event}' lifecycle URL."])
        if event == "installed" and new_secret:
            app.shared_secret = secrets.token_urlsafe(32)
        url = outgoing.target_url(app, site, path)
        payload = outgoing.lifecycle_payload(site, app, event)
        asymmetric = event in ("installed", "uninstalled") and signed_install
        record = self.deliver(site, app, event, url, payload, None, signing="rs256" if asymmetric else "hs256")
        ok = 200 <= record["status"] < 300
        if event == "installed":
            app.installed = ok
        elif event == "uninstalled":
            app.installed = False
        elif event in ("enabled", "disabled") and ok:
            app.enabled = event == "enabled"
        record["kid"] = self.keys.current_kid if asymmetric else None
        return record


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "JiraSimulator/1.0"
    # Headers and body go out in two writes; with Nagle's algorithm on, the body waited for the
    # client's delayed ACK of the headers (~40 ms per answer on loopback). Jira answers at once.
    disable_nagle_algorithm = True
    sim: Simulator = None  # set by make_server

    def log_message(self, fmt, *args):  # quiet: we log one line per request ourselves
        pass

    def do_GET(self): self.dispatch()
    def do_POST(self): self.dispatch()
    def do_PUT(self): self.dispatch()
    def do_DELETE(self): self.dispatch()
    def do_PATCH(self): self.dispatch()

    # -------------------------------------------------------------- io
    def read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                line = self.rfile.readline()
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    @staticmethod
    def encode(body: Any) -> bytes:
        if body is None:
            return b""
        if isinstance(body, (bytes, bytearray)):
            return bytes(body)
        return json.dumps(body).encode("utf-8")

    def send(self, status: int, body: Any = None, headers: Optional[dict] = None,
             content_type: str = "application/json;charset=UTF-8") -> bytes:
        data = self.encode(body)
        self.send_response(status)
        if data or status not in (204, 303, 304):
            self.send_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)
        return data

    # -------------------------------------------------------------- routing
    def dispatch(self) -> None:
        started = time.time()
        split = urllib.parse.urlsplit(self.path)
        path, raw_query = split.path, split.query
        try:
            body = self.read_body()
        except (ValueError, OSError):
            self.send(400, {"errorMessages": ["Malformed request body"], "errors": {}})
            return
        try:
            if path.startswith("/site/"):
                self.jira(path, raw_query, body, started)
            elif path.startswith("/__media/"):
                self.media(path, raw_query)
            elif path.startswith("/__sim/"):
                self.admin(path, raw_query, body)
            else:
                self.send(404, {"errorMessages": [f"No such resource {path}; Jira sites live under /site/<name>"], "errors": {}})
        except BrokenPipeError:
            pass

    # -------------------------------------------------------------- jira
    def jira(self, path: str, raw_query: str, body: bytes, started: float) -> None:
        sim = self.sim
        m = re.match(r"^/site/([^/]+)(/.*)?$", path)
        site_name, rel = m.group(1), m.group(2) or "/"
        method = self.command.upper()
        query_pairs = qshmod.parse_query(raw_query)
        ctype = self.headers.get("Content-Type", "")
        entry = {"seq": sim.next_seq(), "time": now_iso(), "site": site_name, "method": method, "path": rel,
                 "query": raw_query, "headers": {k: ("<redacted>" if k.lower() == "authorization" else v)
                                                 for k, v in self.headers.items()},
                 "body": summarize_body(body, ctype)}
        with sim.lock:
            sim.requests.append(entry)
        auth_header = self.headers.get("Authorization", "")
        entry["auth"] = auth_header.split(" ", 1)[0] if auth_header else ("jwt-query" if any(k == "jwt" for k, _ in query_pairs) else None)
        status, data, note, resp_headers, resp_ctype = self.jira_inner(site_name, rel, method, raw_query, query_pairs,
                                                                        ctype, body, entry)
        entry["status"] = status
        entry["response"] = summarize_body(data, resp_ctype) if data is not None else None
        if note:
            entry["note"] = note
        entry["ms"] = round((time.time() - started) * 1000, 1)
        if status:  # 0: an injected connection reset, nothing to send
            self.send(status, data, resp_headers, resp_ctype)
        sim.write_log(f"{entry['time']} site={site_name} {method} {rel}{'?' + raw_query if raw_query else ''} "
                      f"{status} {entry['ms']}ms auth={entry.get('principal', entry.get('auth'))}"
                      + (f" note={note!r}" if note else ""))

    def jira_inner(self, site_name, rel, method, raw_query, query_pairs, ctype, body, entry):
        sim = self.sim
        site = sim.sites.get(site_name)
        if site is None:
            sim.add_violation(site_name, method, rel, "request", f"request to unknown site '{site_name}'", source="simulator")
            data = self.encode({"errorMessages": [f"Site '{site_name}' does not exist."], "errors": {}})
            return 404, data, "unknown site", {}, "application/json;charset=UTF-8"
        op, reason = sim.contract.find(method, rel)
        if op is None:
            sim.add_violation(site_name, method, rel, "request", reason)
            status = 405 if "no " + method in reason else 404
            data = self.encode({"errorMessages": ["null for uri: " + site.url(rel)], "errors": {}})
            return status, data, reason, {}, "application/json;charset=UTF-8"
        entry["operation"] = op.operation_id
        for problem in sim.contract.check_request(op, rel, query_pairs, self.headers, body, ctype):
            sim.add_violation(site_name, method, rel, "request", problem, op.operation_id, source=op.source)
        fault = sim.take_fault(site_name, method, rel)
        if fault:
            entry["fault"] = fault["id"]
            if fault.get("delayMs"):
                time.sleep(fault["delayMs"] / 1000.0)
            if fault.get("action") == "reset":
                self.close_connection = True
                try:
                    self.connection.shutdown(2)
                except OSError:
                    pass
                return 0, None, f"fault {fault['id']}: connection reset", {}, ""
            if fault.get("status"):
                return self.respond_fault(fault, op, rel, query_pairs, body, ctype)
        try:
            resp = self.run_operation(site, op, rel, query_pairs, ctype, body, entry)
        except SimError as err:
            resp = api.Resp(err.status, err.body(), headers=err.headers, note=err.detail)
        except Exception as exc:  # noqa: BLE001 - a simulator bug must show, not hang the client
            traceback.print_exc()
            sim.add_violation(site_name, method, rel, "response", f"simulator error: {exc!r}", op.operation_id, source="simulator")
            resp = api.Resp(500, {"errorMessages": [f"Internal simulator error: {exc!r}"], "errors": {}})
        # Check before sending: a client that asks for violations right after the answer must see them.
        data = self.encode(resp.body)
        for problem in sim.contract.check_response(op, rel, query_pairs, self.headers, body, ctype, resp.status,
                                                   resp.headers, data, resp.content_type if data else "",
                                                   binary=resp.binary):
            sim.add_violation(site_name, method, rel, "response", problem, op.operation_id, resp.status, source=op.source)
        return resp.status, data, resp.note, resp.headers, resp.content_type

    def respond_fault(self, fault, op, rel, query_pairs, body, ctype):
        status = int(fault["status"])
        headers = {}
        if fault.get("retryAfter") is not None:
            headers["Retry-After"] = str(fault["retryAfter"])
        if status == 429:
            headers.update({"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0",
                            "X-RateLimit-Reset": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(time.time() + 60)),
                            "RateLimit-Reason": "jira-burst-based"})
        payload = fault.get("body")
        if payload is None:
            payload = {"errorMessages": [{429: "Rate limit exceeded.", 503: "Service Unavailable"}.get(status, f"Error {status}")],
                       "errors": {}}
        data = self.encode(payload)
        for problem in self.sim.contract.check_response(op, rel, query_pairs, self.headers, body, ctype, status,
                                                        headers, data, "application/json"):
            self.sim.add_violation(None, op.method, rel, "response", f"(injected fault) {problem}", op.operation_id, status)
        return status, data, f"fault {fault['id']}", headers, "application/json;charset=UTF-8"

    def run_operation(self, site: Site, op, rel, query_pairs, ctype, body, entry) -> api.Resp:
        sim = self.sim
        handler = api.OPERATIONS.get(op.operation_id)
        try:
            principal = auth.authenticate(site, self.headers, op.method, rel, query_pairs)
        except auth.AuthError as err:
            entry["principal"] = "rejected"
            return api.Resp(401, {"errorMessages": ["Authentication failed. " + err.message.rstrip(".") + "."], "errors": {}},
                            headers={"WWW-Authenticate": 'JWT realm="Jira", Basic realm="Jira"'}, note=err.detail)
        if principal is None and op.operation_id not in api.ANONYMOUS:
            entry["principal"] = "anonymous"
            return api.Resp(401, {"errorMessages": ["You are not authenticated. Authentication required to perform this operation."],
                                  "errors": {}}, headers={"WWW-Authenticate": 'Basic realm="Jira"'}, note="no credentials")
        entry["principal"] = (f"jwt:{principal.app_key}" if principal.kind == "jwt" else f"basic:{principal.account_id}") if principal else "anonymous"
        if principal is not None and principal.kind == "jwt":
            app = site.apps[principal.app_key]
            needed = op.raw.get("x-atlassian-connect-scope", "READ")
            allowed = max((SCOPE_RANK.get(s, 0) for s in app.scopes), default=0)
            if needed == "INACCESSIBLE" or (needed in SCOPE_RANK and SCOPE_RANK[needed] > allowed) or \
                    (needed not in SCOPE_RANK and needed not in app.scopes):
                return api.Resp(403, {"errorMessages": [f"Add-on '{app.key}' disallowed to call '{op.method} {rel}', due to insufficient scopes: [{needed}]"],
                                      "errors": {}}, note=f"scope {needed} missing")
        if handler is None:
            sim.add_violation(site.name, op.method, rel, "request",
                              f"operation {op.operation_id} is in the contract but not simulated", op.operation_id, source="simulator")
            return api.Resp(501, {"errorMessages": [f"{op.operation_id} is not simulated"], "errors": {}})
        ctx = api.Ctx(sim=sim, site=site, op=op, params={k: urllib.parse.unquote(v) for k, v in op.path_params.items()},
                      query=query_pairs, headers=self.headers, body=body, content_type=ctype,
                      viewer=principal.account_id if principal else None, app_key=principal.app_key if principal else None)
        try:
            with site.lock:
                resp = handler(ctx)
        finally:
            for problem in ctx.client_problems:
                sim.add_violation(site.name, op.method, rel, "request", problem, op.operation_id, source="simulator")
        if ctx.events:
            sim.queue_events(site, ctx.events)
        return resp

    # -------------------------------------------------------------- media
    def media(self, path: str, raw_query: str) -> None:
        m = re.match(r"^/__media/file/([^/]+)/binary$", path)
        params = dict(urllib.parse.parse_qsl(raw_query))
        if not m:
            self.send(404, {"error": "not found"})
            return
        media_id = m.group(1)
        token = params.get("token", "")
        expires, _, _ = token.partition(".")
        if not expires.isdigit() or int(expires) < time.time() or not hmac.compare_digest(
                token, api.media_token(self.sim.media_secret, media_id, int(expires))):
            self.send(401, {"error": "invalid or expired media token"})
            return
        for site in list(self.sim.sites.values()):
            for a in list(site.attachments.values()):
                if a.media_id == media_id:
                    name = urllib.parse.quote(a.filename)
                    self.send(200, a.data, {"Content-Disposition": f"attachment; filename*=UTF-8''{name}",
                                            "Cache-Control": "private"}, a.mime_type)
                    self.sim.write_log(f"{now_iso()} site={site.name} MEDIA {media_id} 200 {len(a.data)} bytes")
                    return
        self.send(404, {"error": "file not found"})

    # -------------------------------------------------------------- admin
    def admin(self, path: str, raw_query: str, body: bytes) -> None:
        sim = self.sim
        method = self.command.upper()
        params = dict(urllib.parse.parse_qsl(raw_query))
        try:
            spec = json.loads(body) if body else {}
        except ValueError as exc:
            self.send(400, {"error": f"body is not JSON: {exc}"})
            return
        try:
            status, out, ctype = self.admin_route(method, path, params, spec)
        except SimError as err:
            status, out, ctype = err.status, {"error": "; ".join(err.messages) or err.detail, **err.body()}, None
        except (KeyError, ValueError, TypeError) as exc:
            status, out, ctype = 400, {"error": repr(exc)}, None
        if isinstance(out, (bytes, str)):
            self.send(status, out.encode() if isinstance(out, str) else out, content_type=ctype or "text/plain")
        else:
            self.send(status, out)
        if not path.startswith("/__sim/avatar/"):
            sim.write_log(f"{now_iso()} ADMIN {method} {path}{'?' + raw_query if raw_query else ''} {status}")

    def admin_route(self, method: str, path: str, params: dict, spec: Any):
        sim = self.sim
        site_filter = params.get("site")
        if path == "/__sim/health":
            return 200, {"ok": True, "sites": sorted(sim.sites)}, None
        if path == "/__sim/sites" and method == "POST":
            site = sim.create_site(spec, replace=bool(spec.get("replace")))
            return 201, sim.site_summary(site), None
        if path == "/__sim/sites" and method == "GET":
            return 200, [sim.site_summary(s) for s in sim.sites.values()], None
        m = re.match(r"^/__sim/sites/([^/]+)(?:/([a-z]+))?$", path)
        if m:
            site = sim.sites.get(m.group(1))
            if site is None:
                raise SimError(404, [f"Site '{m.group(1)}' does not exist."])
            return self.admin_site(method, site, m.group(2), spec)
        if path == "/__sim/faults":
            if method == "POST":
                fault = {"id": spec.get("id") or f"fault-{sim.next_seq()}", "site": spec.get("site"),
                         "method": spec.get("method"), "pathRegex": spec.get("pathRegex", ""),
                         "remaining": int(spec.get("count", 1)), "hits": 0, "status": spec.get("status"),
                         "retryAfter": spec.get("retryAfter"), "delayMs": spec.get("delayMs", 0),
                         "body": spec.get("body"), "action": spec.get("action", "respond")}
                re.compile(fault["pathRegex"])
                if not fault["status"] and not fault["delayMs"] and fault["action"] != "reset":
                    raise SimError(400, ["A fault needs a status, a delayMs or action 'reset'."])
                with sim.lock:
                    sim.faults.append(fault)
                return 201, fault, None
            if method == "GET":
                return 200, [f for f in sim.faults if not site_filter or f.get("site") == site_filter], None
            if method == "DELETE":
                with sim.lock:
                    sim.faults = [f for f in sim.faults if site_filter and f.get("site") != site_filter]
                return 204, None, None
        if path == "/__sim/requests" and method == "GET":
            since = int(params.get("since", 0))
            with sim.lock:
                items = [r for r in sim.requests if (not site_filter or r["site"] == site_filter) and r["seq"] > since]
            return 200, items, None
        if path == "/__sim/violations" and method == "GET":
            with sim.lock:
                items = [v for v in sim.violations if not site_filter or v["site"] == site_filter or v["site"] is None]
            return 200, items, None
        if path == "/__sim/deliveries" and method == "GET":
            with sim.lock:
                items = [d for d in sim.deliveries if not site_filter or d["site"] == site_filter]
            return 200, items, None
        if path == "/__sim/reset" and method == "POST":
            with sim.lock:
                keep = (lambda item: item.get("site") != site_filter) if site_filter else (lambda item: False)
                sim.requests = deque((r for r in sim.requests if keep(r)), maxlen=MAX_RECORDED)
                sim.violations = [v for v in sim.violations if keep(v)]
                sim.deliveries = [d for d in sim.deliveries if keep(d)]
                sim.faults = [f for f in sim.faults if keep(f)]
                if params.get("sites") == "true":
                    if site_filter:
                        sim.sites.pop(site_filter, None)
                    else:
                        sim.sites.clear()
                        if sim.seed:
                            sim.create_site(sim.seed)
            return 204, None, None
        m = re.match(r"^/__sim/connect-install-keys/([^/]+)$", path)
        if m and method == "GET":
            if m.group(1) == "current":
                return 200, {"kid": sim.keys.current_kid}, None
            pem = sim.keys.public.get(m.group(1))
            if pem is None:
                raise SimError(404, [f"No key {m.group(1)}"])
            return 200, pem, "application/x-pem-file"
        if path == "/__sim/connect-install-keys" and method == "POST":
            return 201, {"kid": sim.keys.rotate()}, None
        if path.startswith("/__sim/avatar/"):
            return 200, PIXEL, "image/png"
        raise SimError(404, [f"No admin resource {method} {path}"])

    def admin_site(self, method: str, site: Site, sub: Optional[str], spec: Any):
        # Deliveries run without the site's lock: the app may call back into this site meanwhile.
        if sub in ("webhooks", "lifecycle") and method == "POST":
            return self.admin_delivery(site, sub, spec)
        with site.lock:
            return self.admin_site_locked(method, site, sub, spec)

    def admin_site_locked(self, method: str, site: Site, sub: Optional[str], spec: Any):
        sim = self.sim
        if sub is None and method == "GET":
            return 200, sim.site_summary(site, full=True), None
        if sub is None and method == "DELETE":
            with sim.lock:
                sim.sites.pop(site.name, None)
            return 204, None, None
        if sub in ("users", "projects", "fields", "apps") and method == "POST":
            sim.configure_site(site, {sub: spec if isinstance(spec, list) else [spec]})
            return 201, sim.site_summary(site), None
        if sub == "options" and method == "POST":
            sim.apply_options(site, spec)
            return 200, sim.site_summary(site)["options"], None
        raise SimError(404, [f"No admin resource {method} /__sim/sites/{site.name}/{sub or ''}"])

    def admin_delivery(self, site: Site, sub: str, spec: Any):
        sim = self.sim
        if sub == "webhooks":
            event = spec["event"]
            if event not in WEBHOOK_EVENTS:
                raise SimError(400, [f"event must be one of {list(WEBHOOK_EVENTS)}"])
            issue = site.require_issue(spec["issue"])
            extra: dict[str, Any] = {"user": spec.get("user")}
            if spec.get("comment"):
                extra["comment"] = str(spec["comment"])
            if spec.get("changelog") is not None:
                extra["changelog"] = {"id": site.next_id("changelog"), "items": spec["changelog"]}
            if spec.get("issue_event_type_name"):
                extra["issue_event_type_name"] = spec["issue_event_type_name"]
            with site.lock:
                payload = spec.get("payload") or sim.webhook_payload(site, event, issue.id, extra)
                targets = sim.webhook_targets(site, event)
                if spec.get("url"):
                    app = site.apps[spec["app"]] if spec.get("app") else next(iter(site.apps.values()))
                    targets = [(app, spec["url"])]
                if not targets:
                    raise SimError(400, [f"No installed app of site '{site.name}' subscribes to {event}."])
                project_key = site.projects[issue.project_id].key
                urls = [(app, outgoing.target_url(app, site, url, issue, project_key)) for app, url in targets]
            results = [sim.deliver(site, app, event, url, payload, spec.get("user"), signing="hs256") for app, url in urls]
            return 200, results, None
        if sub == "lifecycle":
            event = spec["event"]
            if event not in LIFECYCLE_EVENTS:
                raise SimError(400, [f"event must be one of {list(LIFECYCLE_EVENTS)}"])
            app = site.apps[spec["app"]] if spec.get("app") else next(iter(site.apps.values()))
            return 200, sim.send_lifecycle(site, app, event, new_secret=bool(spec.get("newSharedSecret")),
                                           signed_install=spec.get("signedInstall", True)), None
        raise SimError(404, [f"No admin resource POST /__sim/sites/{site.name}/{sub}"])


def make_server(sim: Simulator, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("BoundHandler", (Handler,), {"sim": sim})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
