"""Tests of the Jira simulator itself.

Run: .deps/venv/bin/python ops/jira-simulator/test_simulator.py      (ends with "simulator: N passed, N failed")
 or: .deps/venv/bin/python -m unittest discover -s ops/jira-simulator -p 'test_*.py' -v
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt as pyjwt

# The tests use short secrets on purpose (and PyJWT warns about them).
warnings.filterwarnings("ignore", message="The HMAC key is")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from jirasim import api, qsh  # noqa: E402
from jirasim.contract import Contract  # noqa: E402
from jirasim.server import Simulator, make_server  # noqa: E402
from jira_simulator import DEFAULT_CONTRACT  # noqa: E402

SECRET = "test-shared-secret-0123456789abcdef"
APP_KEY = "com.example.mailbridge"
CLIENT_KEY = "client-key-of-the-site"


# ---------------------------------------------------------------- an independent qsh
def independent_qsh_request(method: str, path: str, query: str) -> str:
    """The documented rule, written again without the simulator's code: parse_qsl decodes like a
    servlet; encode with quote(safe='~'); sort by encoded name; repeated values sorted and joined."""
    values: dict[str, list[str]] = {}
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        if name != "jwt":
            values.setdefault(name, []).append(value)
    enc = lambda s: urllib.parse.quote(s, safe="~")
    pairs = sorted((enc(n), ",".join(enc(v) for v in sorted(vs))) for n, vs in values.items())
    path = path[:-1] if path.endswith("/") and len(path) > 1 else path
    path = (path or "/").replace("&", "%26")
    return f"{method.upper()}&{path}&" + "&".join(f"{n}={v}" for n, v in pairs)


def independent_qsh(method: str, path: str, query: str) -> str:
    return hashlib.sha256(independent_qsh_request(method, path, query).encode()).hexdigest()


def make_jwt(method: str, path: str, query: str = "", secret: str = SECRET, iss: str = APP_KEY, **overrides) -> str:
    now = int(time.time())
    claims = {"iss": iss, "iat": now, "exp": now + 180, "qsh": independent_qsh(method, path, query)}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return pyjwt.encode(claims, secret, algorithm="HS256")


CONTRACT = Contract(os.environ.get("MAILBRIDGE_JIRA_CONTRACT", DEFAULT_CONTRACT), os.path.join(HERE, "contract-supplement.json"))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Receiver:
    """A tiny app server recording what the simulator sends to it."""

    def __init__(self):
        self.received: queue.Queue = queue.Queue()
        self.statuses: list[int] = []
        self.on_receive = None   # called with the request before answering (e.g. to call Jira back)
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = outer.statuses.pop(0) if outer.statuses else 204
                got = {"path": self.path, "headers": dict(self.headers), "body": json.loads(body), "status": status}
                if outer.on_receive:
                    got["callback"] = outer.on_receive(got)
                outer.received.put(got)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/app"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next(self, timeout: float = 5.0) -> dict:
        return self.received.get(timeout=timeout)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class SimTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.keys_dir = tempfile.mkdtemp(prefix="jirasim-keys-")
        cls.log = open(os.devnull, "w")
        cls.sim = Simulator("http://placeholder", CONTRACT, keys_dir=cls.keys_dir, log=cls.log)
        cls.server = make_server(cls.sim, "127.0.0.1", 0)
        port = cls.server.server_address[1]
        cls.sim.public_url = f"http://127.0.0.1:{port}"
        cls.sim.media_url = f"http://localhost:{port}"
        cls.root = cls.sim.public_url
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.receiver = Receiver()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        cls.receiver.close()
        cls.log.close()
        shutil.rmtree(cls.keys_dir, ignore_errors=True)

    def setUp(self):
        self.site = f"t{uuid.uuid4().hex[:10]}"
        self.spec = {
            "name": self.site,
            "projects": [{"key": "ACME", "name": "Acme", "issueTypes": ["Task", "Bug"]}],
            "fields": [{"name": "Email participants", "type": "textarea"}, {"name": "Message ID", "type": "textfield"}],
            "users": [
                {"accountId": "u-ada", "displayName": "Ada Lovelace", "emailAddress": "ada@example.test", "apiTokens": ["tok-ada"]},
                {"accountId": "u-bob", "displayName": "Bob Builder", "emailAddress": "bob@example.test"},
                {"accountId": "u-carol", "displayName": "Carol Hidden", "emailAddress": "carol@example.test", "hideEmail": True},
            ],
            "apps": [{"key": APP_KEY, "clientKey": CLIENT_KEY, "sharedSecret": SECRET, "baseUrl": self.receiver.base,
                      "lifecycle": {"installed": "/installed", "uninstalled": "/uninstalled", "enabled": "/enabled", "disabled": "/disabled"},
                      "jiraEntityProperties": [{"key": "idx", "entityType": "issue", "keyConfigurations": [
                          {"propertyKey": "mailbridge.message", "extractions": [{"objectName": "messageId", "type": "string"}]}]}]}],
            "options": {"webhookRetryDelayMs": 10},
        }
        status, self.summary = self.admin("POST", "/__sim/sites", self.spec)
        self.assertEqual(status, 201, self.summary)
        self.field_ids = {f["name"]: f["id"] for f in self.summary["fields"]}

    def tearDown(self):
        if not getattr(self, "expect_violations", False):
            self.assertEqual(self.violations(), [], "contract violations recorded")

    # ------------------------------------------------------------ helpers
    def http(self, method: str, url: str, body: bytes | None = None, headers: dict | None = None, follow=True):
        req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(req, timeout=15) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def admin(self, method: str, path: str, body=None):
        status, _, data = self.http(method, self.root + path, json.dumps(body).encode() if body is not None else None,
                                    {"Content-Type": "application/json"})
        return status, (json.loads(data) if data and data[:1] in (b"{", b"[") else data)

    def violations(self):
        return self.admin("GET", f"/__sim/violations?site={self.site}")[1]

    def jira(self, method: str, path: str, body=None, query: str = "", auth: str = "jwt", headers=None,
             raw: bytes | None = None, follow=True, token: str | None = None):
        h = dict(headers or {})
        if auth == "jwt":
            h["Authorization"] = "JWT " + (token or make_jwt(method, path, query))
        elif auth == "basic":
            h["Authorization"] = "Basic " + base64.b64encode(b"ada@example.test:tok-ada").decode()
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        url = f"{self.root}/site/{self.site}{path}" + (f"?{query}" if query else "")
        status, rh, out = self.http(method, url, data, h, follow=follow)
        parsed = out
        if out and rh.get("Content-Type", "").startswith("application/json"):
            parsed = json.loads(out)
        return status, parsed, rh

    @staticmethod
    def doc(*paragraphs: str) -> dict:
        return {"type": "doc", "version": 1,
                "content": [{"type": "paragraph", "content": [{"type": "text", "text": p}]} for p in paragraphs]}

    def create_issue(self, summary="Printer on fire", **fields):
        body = {"fields": {"project": {"key": "ACME"}, "issuetype": {"name": "Task"}, "summary": summary,
                           "description": self.doc("It burns."), **fields}}
        status, out, _ = self.jira("POST", "/rest/api/3/issue", body)
        self.assertEqual(status, 201, out)
        return out


# ==================================================================== qsh
class QshTests(unittest.TestCase):
    def test_atlassian_javadoc_example(self):
        # atlassian-jwt JwtConstants.Claims.QUERY_HASH / HttpRequestCanonicalizer javadoc
        query = "zee_last=param&repeated=parameter%201&first=param&repeated=parameter%202"
        self.assertEqual(qsh.canonical_request("GET", "/path/to/service", query),
                         "GET&/path/to/service&first=param&repeated=parameter%201,parameter%202&zee_last=param")

    def test_atlassian_query_string_hash_page_examples(self):
        self.assertEqual(qsh.canonical_request("GET", "/", "param=foo"), "GET&/&param=foo")
        self.assertEqual(qsh.canonical_request("post", "/user", ""), "POST&/user&")
        self.assertEqual(qsh.canonical_uri("/"), "/")
        self.assertEqual(qsh.canonical_uri("/issue/"), "/issue")
        self.assertEqual(qsh.canonical_uri(""), "/")
        self.assertEqual(qsh.canonical_uri("/rest/api/2/project&a=b"), "/rest/api/2/project%26a=b")

    def test_sha256_of_foo(self):
        self.assertEqual(hashlib.sha256(b"foo").hexdigest(), "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")

    def test_codepoint_order_vector_from_atlassian_connect_core(self):
        # doctest of the Haskell atlassian-connect-core library: sort(a, A, b, B) = A, B, a, b
        self.assertEqual(qsh.canonical_request("GET", "/path/to/service", "a=1&A=2&b=3&B=4"),
                         "GET&/path/to/service&A=2&B=4&a=1&b=3")
        self.assertEqual(qsh.query_string_hash("GET", "/path/to/service", "a=1&A=2&b=3&B=4"),
                         "70282c7cf82834bd5a3d6dacda1b4ccd5cf5860a63a1fa2fb86b64d576e6a1d5")

    def test_encoding_rules(self):
        self.assertEqual(qsh.canonical_query(qsh.parse_query("q=a+b*c~d&jwt=x&e")), "e=&q=a%20b%2Ac~d")
        self.assertEqual(qsh.canonical_query(qsh.parse_query("jql=project%20%3D%20ACME&fields=summary,status")),
                         "fields=summary%2Cstatus&jql=project%20%3D%20ACME")
        self.assertEqual(qsh.canonical_query([("name", "Zoë/ü")]), "name=Zo%C3%AB%2F%C3%BC")
        self.assertEqual(qsh.canonical_query([("r", "b"), ("r", "a"), ("r", "B")]), "r=B,a,b")

    def test_agrees_with_independent_implementation(self):
        cases = [("GET", "/rest/api/3/search/jql", "jql=issue.property%5Bmailbridge.message%5D.messageId%20%3D%20%22a%40b%22&fields=key&fields=summary"),
                 ("PUT", "/rest/api/3/issue/ACME-1/properties/mailbridge.message", ""),
                 ("GET", "/rest/api/3/user/search", "query=carol%40example.test&maxResults=5"),
                 ("GET", "/x/", "b=2&a=1&a=0&c=%E2%9C%93&d=+&e=%2B&f=~*!'()")]
        for method, path, query in cases:
            with self.subTest(path=path, query=query):
                self.assertEqual(qsh.canonical_request(method, path, query), independent_qsh_request(method, path, query))


# ==================================================================== authentication
class AuthTests(SimTestCase):
    def test_jwt_in_header_and_in_query(self):
        status, me, _ = self.jira("GET", "/rest/api/3/myself")
        self.assertEqual(status, 200, me)
        self.assertEqual(me["accountType"], "app")
        token = make_jwt("GET", "/rest/api/3/myself", "")
        status, me, _ = self.jira("GET", "/rest/api/3/myself", query="jwt=" + token, auth="none")
        self.assertEqual(status, 200, me)

    def test_jwt_with_query_parameters(self):
        self.create_issue()
        query = "fields=summary,status&expand=names"
        status, issue, _ = self.jira("GET", "/rest/api/3/issue/ACME-1", query=query)
        self.assertEqual(status, 200, issue)
        self.assertEqual(set(issue["fields"]), {"summary", "status"})

    def rejected(self, token: str, path="/rest/api/3/myself", query=""):
        status, body, headers = self.jira("GET", path, query=query, token=token)
        self.assertEqual(status, 401, body)
        self.assertEqual(set(body), {"errorMessages", "errors"})
        return body

    def test_rejects_bad_tokens(self):
        now = int(time.time())
        good = make_jwt("GET", "/rest/api/3/myself")
        head, payload, sig = good.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        claims["iss"] = APP_KEY + "x"
        tampered = ".".join([head, base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("="), sig])
        cases = {
            "tampered claims": tampered,
            "wrong secret": make_jwt("GET", "/rest/api/3/myself", secret="not-the-secret"),
            "expired": make_jwt("GET", "/rest/api/3/myself", iat=now - 400, exp=now - 100),
            "wrong qsh (other path)": make_jwt("GET", "/rest/api/3/serverInfo"),
            "wrong qsh (method)": make_jwt("POST", "/rest/api/3/myself"),
            "context qsh": make_jwt("GET", "/rest/api/3/myself", qsh="context-qsh"),
            "no qsh": make_jwt("GET", "/rest/api/3/myself", qsh=None),
            "no iat": make_jwt("GET", "/rest/api/3/myself", iat=None),
            "no exp": make_jwt("GET", "/rest/api/3/myself", exp=None),
            "clientKey as iss": make_jwt("GET", "/rest/api/3/myself", iss=CLIENT_KEY),
            "unknown iss": make_jwt("GET", "/rest/api/3/myself", iss="someone-else"),
            "HS512": pyjwt.encode({"iss": APP_KEY, "iat": now, "exp": now + 60,
                                   "qsh": independent_qsh("GET", "/rest/api/3/myself", "")}, SECRET, algorithm="HS512"),
            "alg none": pyjwt.encode({"iss": APP_KEY, "iat": now, "exp": now + 60,
                                      "qsh": independent_qsh("GET", "/rest/api/3/myself", "")}, None, algorithm="none"),
            "garbage": "not.a.jwt",
        }
        for name, token in cases.items():
            with self.subTest(name):
                self.rejected(token)

    def test_qsh_covers_the_query(self):
        token = make_jwt("GET", "/rest/api/3/user/search", "query=bob")
        self.rejected(token, "/rest/api/3/user/search", "query=carol")

    def test_clock_skew_leeway(self):
        now = int(time.time())
        status, _, _ = self.jira("GET", "/rest/api/3/myself", token=make_jwt("GET", "/rest/api/3/myself", iat=now - 200, exp=now - 10))
        self.assertEqual(status, 200)

    def test_basic_auth_and_anonymous(self):
        status, me, _ = self.jira("GET", "/rest/api/3/myself", auth="basic")
        self.assertEqual((status, me["emailAddress"]), (200, "ada@example.test"))
        bad = {"Authorization": "Basic " + base64.b64encode(b"ada@example.test:wrong").decode()}
        self.assertEqual(self.jira("GET", "/rest/api/3/myself", auth="none", headers=bad)[0], 401)
        self.assertEqual(self.jira("GET", "/rest/api/3/myself", auth="none")[0], 401)
        self.assertEqual(self.jira("GET", "/rest/api/3/serverInfo", auth="none")[0], 200)

    def test_scopes(self):
        self.admin("POST", f"/__sim/sites/{self.site}/apps", {"key": "reader", "sharedSecret": "s3", "scopes": ["READ"]})
        token = make_jwt("POST", "/rest/api/3/issue", secret="s3", iss="reader")
        status, body, _ = self.jira("POST", "/rest/api/3/issue", {"fields": {}}, token=token)
        self.assertEqual(status, 403, body)
        token = make_jwt("GET", "/rest/api/3/field", secret="s3", iss="reader")
        self.assertEqual(self.jira("GET", "/rest/api/3/field", token=token)[0], 200)


# ==================================================================== endpoints
class EndpointTests(SimTestCase):
    def test_create_get_edit_issue(self):
        participants = self.field_ids["Email participants"]
        created = self.create_issue(labels=["email"], **{participants: self.doc("bob@example.test")},
                                    reporter={"accountId": "u-bob"})
        self.assertEqual(created["key"], "ACME-1")
        status, issue, _ = self.jira("GET", f"/rest/api/3/issue/{created['id']}", query="expand=names,schema,renderedFields,changelog")
        self.assertEqual(status, 200, issue)
        f = issue["fields"]
        self.assertEqual((f["summary"], f["reporter"]["accountId"], f["labels"], f["status"]["name"]),
                         ("Printer on fire", "u-bob", ["email"], "To Do"))
        self.assertEqual(f[participants], self.doc("bob@example.test"))
        self.assertRegex(f["created"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")
        self.assertEqual(issue["names"][participants], "Email participants")
        status, _, _ = self.jira("PUT", "/rest/api/3/issue/ACME-1", {"fields": {"summary": "Printer still on fire"},
                                                                      "update": {"labels": [{"add": "urgent"}]}})
        self.assertEqual(status, 204)
        status, issue, _ = self.jira("GET", "/rest/api/3/issue/ACME-1", query="expand=changelog")
        self.assertEqual(issue["fields"]["labels"], ["email", "urgent"])
        items = {i["field"]: i for i in issue["changelog"]["histories"][0]["items"]}
        self.assertEqual(items["summary"]["toString"], "Printer still on fire")
        self.assertEqual(items["labels"]["toString"], "email urgent")

    def test_create_issue_errors_are_jira_shaped(self):
        cases = [({"project": {"key": "NOPE"}, "issuetype": {"name": "Task"}, "summary": "x"}, "project"),
                 ({"project": {"key": "ACME"}, "issuetype": {"name": "Epic"}, "summary": "x"}, "issuetype"),
                 ({"project": {"key": "ACME"}, "issuetype": {"name": "Task"}}, "summary"),
                 ({"project": {"key": "ACME"}, "issuetype": {"name": "Task"}, "summary": "x", "description": "plain"}, "description"),
                 ({"project": {"key": "ACME"}, "issuetype": {"name": "Task"}, "summary": "x",
                   "description": {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": ""}]}]}}, "description"),
                 ({"project": {"key": "ACME"}, "issuetype": {"name": "Task"}, "summary": "x", "labels": ["two words"]}, "labels"),
                 ({"project": {"key": "ACME"}, "issuetype": {"name": "Task"}, "summary": "x", "customfield_99999": "v"}, "customfield_99999")]
        for fields, key in cases:
            with self.subTest(key):
                status, body, _ = self.jira("POST", "/rest/api/3/issue", {"fields": fields})
                self.assertEqual(status, 400, body)
                self.assertIn(key, body["errors"])

    def test_comments(self):
        self.create_issue()
        status, c, _ = self.jira("POST", "/rest/api/3/issue/ACME-1/comment", {"body": self.doc("First reply")})
        self.assertEqual(status, 201, c)
        self.assertEqual(c["author"]["accountType"], "app")
        self.jira("POST", "/rest/api/3/issue/ACME-1/comment", {"body": self.doc("Second reply")})
        status, page, _ = self.jira("GET", "/rest/api/3/issue/ACME-1/comment", query="orderBy=-created&maxResults=1")
        self.assertEqual((status, page["total"], len(page["comments"])), (200, 2, 1))
        status, one, _ = self.jira("GET", f"/rest/api/3/issue/ACME-1/comment/{c['id']}")
        self.assertEqual(one["body"], self.doc("First reply"))
        status, upd, _ = self.jira("PUT", f"/rest/api/3/issue/ACME-1/comment/{c['id']}", {"body": self.doc("Edited")})
        self.assertEqual((status, upd["body"]), (200, self.doc("Edited")))
        status, body, _ = self.jira("POST", "/rest/api/3/issue/ACME-1/comment", {"body": "plain text"})
        self.assertEqual(status, 400, body)

    def test_issue_properties(self):
        self.create_issue()
        path = "/rest/api/3/issue/ACME-1/properties/mailbridge.message"
        self.assertEqual(self.jira("PUT", path, {"messageId": "m1@example.test"})[0], 201)
        self.assertEqual(self.jira("PUT", path, {"messageId": "m2@example.test"})[0], 200)
        status, prop, _ = self.jira("GET", path)
        self.assertEqual((status, prop), (200, {"key": "mailbridge.message", "value": {"messageId": "m2@example.test"}}))
        status, keys, _ = self.jira("GET", "/rest/api/3/issue/ACME-1/properties")
        self.assertEqual([k["key"] for k in keys["keys"]], ["mailbridge.message"])
        self.assertEqual(self.jira("DELETE", path)[0], 204)
        self.assertEqual(self.jira("GET", path)[0], 404)

    def search(self, jql: str, **extra):
        return self.jira("POST", "/rest/api/3/search/jql", {"jql": jql, **extra})

    def test_jql_search_by_property_and_text(self):
        participants = self.field_ids["Email participants"]
        body = {"fields": {"project": {"key": "ACME"}, "issuetype": {"name": "Task"}, "summary": "First",
                           participants: self.doc("bob@example.test, carol@example.test")},
                "properties": [{"key": "mailbridge.message", "value": {"messageId": "abc@mail.example"}}]}
        self.assertEqual(self.jira("POST", "/rest/api/3/issue", body)[0], 201)
        self.create_issue(summary="Second")
        status, out, _ = self.search('issue.property[mailbridge.message].messageId = "abc@mail.example"', fields=["key", "summary"])
        self.assertEqual(status, 200, out)
        self.assertEqual([i["key"] for i in out["issues"]], ["ACME-1"])
        self.assertTrue(out["isLast"])
        status, out, _ = self.search('project = ACME AND "Email participants" ~ "carol@example.test"')
        self.assertEqual([i["id"] for i in out["issues"]], ["10000"])
        status, out, _ = self.search("project = ACME ORDER BY created ASC", fields=["summary"], maxResults=1)
        self.assertEqual(out["issues"][0]["fields"]["summary"], "First")
        status, out2, _ = self.search("project = ACME ORDER BY created ASC", fields=["summary"], maxResults=1,
                                      nextPageToken=out["nextPageToken"])
        self.assertEqual(out2["issues"][0]["fields"]["summary"], "Second")

    def test_jql_errors(self):
        for jql in ['issue.property[unindexed].x = "1"', "project = ", "nosuchfield = 1", 'summary = "x"', "ORDER BY created",
                    "project = NOPE"]:
            with self.subTest(jql):
                status, body, _ = self.search(jql)
                self.assertEqual(status, 400, body)
                self.assertTrue(body["errorMessages"], body)

    def test_search_index_lag_and_reconcile(self):
        self.admin("POST", f"/__sim/sites/{self.site}/options", {"searchIndexDelayMs": 60000})
        created = self.create_issue()
        self.assertEqual(self.search("project = ACME")[1]["issues"], [])
        status, out, _ = self.search("project = ACME", reconcileIssues=[int(created["id"])])
        self.assertEqual([i["id"] for i in out["issues"]], [created["id"]])

    def test_legacy_search_is_gone(self):
        self.expect_violations = True
        status, body, _ = self.jira("POST", "/rest/api/3/search", {"jql": "project = ACME"})
        self.assertEqual(status, 410, body)
        self.assertTrue(any("CHANGE-2046" in v["message"] for v in self.violations()), self.violations())

    def test_users(self):
        status, found, _ = self.jira("GET", "/rest/api/3/user/search", query="query=bob%40example.test")
        self.assertEqual([u["accountId"] for u in found], ["u-bob"])
        self.assertEqual(found[0]["emailAddress"], "bob@example.test")
        status, found, _ = self.jira("GET", "/rest/api/3/user/search", query="query=carol%40example.test")
        self.assertEqual(found, [], "a hidden email is not searchable")
        status, found, _ = self.jira("GET", "/rest/api/3/user/search", query="query=carol")
        self.assertEqual([u["accountId"] for u in found], ["u-carol"])
        self.assertNotIn("emailAddress", found[0])
        status, user, _ = self.jira("GET", "/rest/api/3/user", query="accountId=u-carol")
        self.assertEqual((status, "emailAddress" in user), (200, False))
        self.assertEqual(self.jira("GET", "/rest/api/3/user", query="accountId=nobody")[0], 404)

    def test_fields_watchers_serverinfo(self):
        status, fields, _ = self.jira("GET", "/rest/api/3/field")
        custom = {f["name"]: f for f in fields if f["custom"]}
        self.assertEqual(custom["Email participants"]["schema"]["custom"], "com.atlassian.jira.plugin.system.customfieldtypes:textarea")
        self.create_issue(reporter={"accountId": "u-bob"})
        status, w, _ = self.jira("GET", "/rest/api/3/issue/ACME-1/watchers")
        self.assertEqual((status, [u["accountId"] for u in w["watchers"]]), (200, ["u-bob"]))
        self.assertEqual(self.jira("POST", "/rest/api/3/issue/ACME-1/watchers", raw=b'"u-ada"', headers={"Content-Type": "application/json"})[0], 204)
        self.assertEqual(self.jira("GET", "/rest/api/3/issue/ACME-1/watchers")[1]["watchCount"], 2)
        status, info, _ = self.jira("GET", "/rest/api/3/serverInfo")
        self.assertEqual(info["baseUrl"], f"{self.root}/site/{self.site}")

    def test_less_used_operations(self):
        self.create_issue()
        status, c, _ = self.jira("POST", "/rest/api/3/issue/ACME-1/comment",
                                 {"body": self.doc("x"), "properties": [{"key": "mailbridge.mail", "value": {"messageId": "m@x"}}]})
        self.assertEqual(status, 201, c)
        status, keys, _ = self.jira("GET", f"/rest/api/3/comment/{c['id']}/properties")
        self.assertEqual([k["key"] for k in keys["keys"]], ["mailbridge.mail"])
        self.assertEqual(self.jira("PUT", f"/rest/api/3/comment/{c['id']}/properties/extra", [1, 2])[0], 201)
        self.assertEqual(self.jira("GET", f"/rest/api/3/comment/{c['id']}/properties/extra")[1]["value"], [1, 2])
        self.assertEqual(self.jira("DELETE", f"/rest/api/3/issue/ACME-1/comment/{c['id']}")[0], 204)
        self.assertEqual(self.jira("GET", f"/rest/api/3/issue/ACME-1/comment/{c['id']}")[0], 404)
        self.jira("PUT", "/rest/api/3/issue/ACME-1/properties/p1", {"a": 1})
        status, issue, _ = self.jira("GET", "/rest/api/3/issue/ACME-1", query="fields=summary&properties=p1")
        self.assertEqual(issue["properties"], {"p1": {"a": 1}})
        self.assertEqual(self.jira("DELETE", "/rest/api/3/issue/ACME-1/watchers", query="accountId=u-ada")[0], 204)
        status, out, _ = self.jira("GET", "/rest/api/3/search/jql", query="jql=project%20%3D%20ACME&fields=summary")
        self.assertEqual((status, out["issues"][0]["fields"]["summary"]), (200, "Printer on fire"))
        self.assertEqual(self.jira("DELETE", "/rest/api/3/issue/ACME-1")[0], 204)
        self.assertEqual(self.jira("GET", "/rest/api/3/issue/ACME-1")[0], 404)

    def test_hidden_email_through_the_email_scope(self):
        self.assertEqual(self.jira("GET", "/rest/api/3/user/email", query="accountId=u-carol")[0], 403)
        self.admin("POST", f"/__sim/sites/{self.site}/apps", {"key": "emails", "sharedSecret": "s4",
                                                              "scopes": ["READ", "ACCESS_EMAIL_ADDRESSES"]})
        token = make_jwt("GET", "/rest/api/3/user/email", "accountId=u-carol", secret="s4", iss="emails")
        status, out, _ = self.jira("GET", "/rest/api/3/user/email", query="accountId=u-carol", token=token)
        self.assertEqual((status, out), (200, {"accountId": "u-carol", "email": "carol@example.test"}))

    def test_invalid_adf_is_refused_with_the_reason_recorded(self):
        self.create_issue()
        bad = {"type": "doc", "version": 1, "content": [{"type": "bulletList", "content": [
            {"type": "listItem", "content": [{"type": "text", "text": "loose text"}]}]}]}
        status, body, _ = self.jira("POST", "/rest/api/3/issue/ACME-1/comment", {"body": bad})
        self.assertEqual((status, body["errorMessages"]), (400, ["INVALID_INPUT"]))
        recorded = self.admin("GET", f"/__sim/requests?site={self.site}")[1][-1]
        self.assertIn("'text' node is not allowed here", recorded["note"])
        good = {"type": "doc", "version": 1, "content": [
            {"type": "bulletList", "content": [{"type": "listItem", "content": [{"type": "paragraph", "content": [
                {"type": "text", "text": "link", "marks": [{"type": "link", "attrs": {"href": "https://example.test"}}]}]}]}]},
            {"type": "codeBlock", "attrs": {"language": "text"}, "content": [{"type": "text", "text": "x = 1"}]},
            {"type": "blockquote", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "quoted"},
                                                                                 {"type": "hardBreak"}, {"type": "text", "text": "more"}]}]}]}
        status, body, _ = self.jira("POST", "/rest/api/3/issue/ACME-1/comment", {"body": good})
        self.assertEqual(status, 201, body)

    def test_attachment_metadata(self):
        self.create_issue()
        boundary = "b0undary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"n.txt\"\r\n"
                f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n").encode()
        status, out, _ = self.jira("POST", "/rest/api/3/issue/ACME-1/attachments", raw=body,
                                   headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "X-Atlassian-Token": "no-check"})
        self.assertEqual(status, 200, out)
        status, meta, _ = self.jira("GET", f"/rest/api/3/attachment/{out[0]['id']}")
        self.assertEqual((status, meta["filename"], meta["size"]), (200, "n.txt", 5))
        status, issue, _ = self.jira("GET", "/rest/api/3/issue/ACME-1", query="fields=attachment")
        self.assertEqual(issue["fields"]["attachment"][0]["mimeType"], "text/plain")
        # As in Jira, the issue's changelog names the added file (and a jira:issue_updated is sent).
        status, issue, _ = self.jira("GET", "/rest/api/3/issue/ACME-1", query="expand=changelog")
        item = issue["changelog"]["histories"][-1]["items"][0]
        self.assertEqual((item["field"], item["to"], item["toString"]), ("Attachment", out[0]["id"], "n.txt"))

    def test_unknown_issue_is_404(self):
        status, body, _ = self.jira("GET", "/rest/api/3/issue/ACME-99")
        self.assertEqual((status, body["errorMessages"]), (404, ["Issue does not exist or you do not have permission to see it."]))


# ==================================================================== contract check
class ContractTests(SimTestCase):
    def test_invalid_request_body_is_a_violation(self):
        self.expect_violations = True
        self.create_issue()
        self.jira("POST", "/rest/api/3/issue/ACME-1/comment", {"body": self.doc("x"), "id": "123"})
        found = self.violations()
        self.assertEqual(len(found), 1, found)
        self.assertEqual((found[0]["direction"], found[0]["operation"]), ("request", "addComment"))
        self.assertIn("read-only", found[0]["message"])

    def test_unknown_path_is_a_violation(self):
        self.expect_violations = True
        self.assertEqual(self.jira("GET", "/rest/api/3/nonsense")[0], 404)
        self.assertIn("no path", self.violations()[0]["message"])

    def test_invalid_response_is_a_violation(self):
        self.expect_violations = True
        original = api.OPERATIONS["getServerInfo"]
        api.OPERATIONS["getServerInfo"] = lambda ctx: api.Resp(200, {"baseUrl": 5, "unexpected": True})
        try:
            self.jira("GET", "/rest/api/3/serverInfo")
        finally:
            api.OPERATIONS["getServerInfo"] = original
        found = self.violations()
        self.assertEqual([v["direction"] for v in found], ["response"], found)

    def test_reset_clears_a_site(self):
        self.expect_violations = True
        self.jira("GET", "/rest/api/3/nonsense")
        self.assertEqual(self.admin("POST", f"/__sim/reset?site={self.site}")[0], 204)
        self.assertEqual(self.violations(), [])
        self.assertEqual(self.admin("GET", f"/__sim/requests?site={self.site}")[1], [])


# ==================================================================== faults
class FaultTests(SimTestCase):
    def test_429_then_normal(self):
        self.admin("POST", "/__sim/faults", {"site": self.site, "pathRegex": "^/rest/api/3/myself$", "count": 2,
                                             "status": 429, "retryAfter": 1})
        for _ in range(2):
            status, body, headers = self.jira("GET", "/rest/api/3/myself")
            self.assertEqual((status, headers.get("Retry-After")), (429, "1"))
        self.assertEqual(self.jira("GET", "/rest/api/3/myself")[0], 200)

    def test_503_delay_and_reset(self):
        self.admin("POST", "/__sim/faults", {"site": self.site, "pathRegex": "/field$", "status": 503})
        self.assertEqual(self.jira("GET", "/rest/api/3/field")[0], 503)
        self.admin("POST", "/__sim/faults", {"site": self.site, "pathRegex": "/field$", "delayMs": 300})
        started = time.time()
        self.assertEqual(self.jira("GET", "/rest/api/3/field")[0], 200)
        self.assertGreaterEqual(time.time() - started, 0.3)
        self.admin("POST", "/__sim/faults", {"site": self.site, "pathRegex": "/field$", "action": "reset"})
        with self.assertRaises((urllib.error.URLError, ConnectionError, OSError)):
            self.jira("GET", "/rest/api/3/field")


# ==================================================================== attachments
class AttachmentTests(SimTestCase):
    def multipart(self, name: str, data: bytes, field: str = "file"):
        boundary = "----sim" + uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return body, f"multipart/form-data; boundary={boundary}"

    def test_upload_and_download(self):
        self.create_issue()
        data = bytes(range(256)) * 64 + b"\r\n--not-a-boundary\r\n"
        body, ctype = self.multipart("report.pdf", data)
        status, out, _ = self.jira("POST", "/rest/api/3/issue/ACME-1/attachments", raw=body,
                                   headers={"Content-Type": ctype})
        self.assertEqual(status, 403, "X-Atlassian-Token is required")
        status, out, _ = self.jira("POST", "/rest/api/3/issue/ACME-1/attachments", raw=body,
                                   headers={"Content-Type": ctype, "X-Atlassian-Token": "no-check"})
        self.assertEqual(status, 200, out)
        self.assertEqual((out[0]["filename"], out[0]["size"], out[0]["mimeType"]), ("report.pdf", len(data), "application/pdf"))
        path = f"/rest/api/3/attachment/content/{out[0]['id']}"
        status, _, headers = self.jira("GET", path, follow=False)
        self.assertEqual(status, 303)
        location = headers["Location"]
        self.assertTrue(location.startswith(self.sim.media_url + "/__media/"), location)
        status, _, downloaded = self.http("GET", location)
        self.assertEqual((status, downloaded), (200, data))
        tampered = location.replace("token=", "token=1")
        self.assertEqual(self.http("GET", tampered)[0], 401)
        status, direct, _ = self.jira("GET", path, query="redirect=false")
        self.assertEqual((status, direct), (200, data))

    def test_size_limit(self):
        self.create_issue()
        self.admin("POST", f"/__sim/sites/{self.site}/options", {"attachmentMaxBytes": 10})
        body, ctype = self.multipart("big.bin", b"x" * 11)
        status, _, _ = self.jira("POST", "/rest/api/3/issue/ACME-1/attachments", raw=body,
                                 headers={"Content-Type": ctype, "X-Atlassian-Token": "no-check"})
        self.assertEqual(status, 413)

    def test_wrong_part_name_is_flagged(self):
        self.expect_violations = True
        self.create_issue()
        body, ctype = self.multipart("a.txt", b"hello", field="attachment")
        status, out, _ = self.jira("POST", "/rest/api/3/issue/ACME-1/attachments", raw=body,
                                   headers={"Content-Type": ctype, "X-Atlassian-Token": "no-check"})
        self.assertEqual((status, out), (200, []))
        self.assertIn("no part named 'file'", self.violations()[0]["message"])


# ==================================================================== outgoing
class OutgoingTests(SimTestCase):
    def setUp(self):
        super().setUp()
        while not self.receiver.received.empty():
            self.receiver.received.get()

    def verify_hs256(self, got: dict) -> dict:
        token = got["headers"]["Authorization"].removeprefix("JWT ")
        claims = pyjwt.decode(token, SECRET, algorithms=["HS256"])
        path = urllib.parse.urlsplit(got["path"])
        relative = path.path.removeprefix("/app")
        self.assertEqual(claims["iss"], CLIENT_KEY)
        self.assertEqual(claims["qsh"], independent_qsh("POST", relative, path.query))
        return claims

    def test_webhooks_are_signed_and_shaped(self):
        self.admin("POST", f"/__sim/sites/{self.site}/apps", {
            "key": "hooks", "clientKey": CLIENT_KEY, "sharedSecret": SECRET, "baseUrl": self.receiver.base,
            "webhooks": [{"event": "jira:issue_created", "url": "/hooks/created?issue={issue.key}"},
                         {"event": "comment_created", "url": "/hooks/comment"},
                         {"event": "jira:issue_updated", "url": "/hooks/updated"}]})
        self.create_issue()
        got = self.receiver.next()
        self.assertEqual(got["path"], "/app/hooks/created?issue=ACME-1")
        self.verify_hs256(got)
        self.assertEqual(got["body"]["webhookEvent"], "jira:issue_created")
        self.assertEqual(got["body"]["issue"]["key"], "ACME-1")
        self.assertIn("/rest/api/2/", got["body"]["issue"]["self"])
        self.assertEqual(got["body"]["issue"]["fields"]["description"], "It burns.")
        self.assertIn("X-Atlassian-Webhook-Identifier", got["headers"])
        self.jira("POST", "/rest/api/3/issue/ACME-1/comment", {"body": self.doc("Thanks, *fixed*")})
        events = {}
        for _ in range(2):
            g = self.receiver.next()
            events[g["body"]["webhookEvent"]] = g
        self.assertEqual(events["comment_created"]["body"]["comment"]["body"], "Thanks, *fixed*")
        self.assertEqual(events["jira:issue_updated"]["body"]["issue_event_type_name"], "issue_commented")
        self.jira("PUT", "/rest/api/3/issue/ACME-1", {"fields": {"summary": "Renamed"}})
        g = self.receiver.next()
        self.verify_hs256(g)
        self.assertEqual(g["body"]["changelog"]["items"][0]["toString"], "Renamed")

    def test_webhook_retry_on_503(self):
        self.admin("POST", f"/__sim/sites/{self.site}/apps", {
            "key": "hooks", "clientKey": CLIENT_KEY, "sharedSecret": SECRET, "baseUrl": self.receiver.base,
            "webhooks": [{"event": "jira:issue_created", "url": "/hooks/created"}]})
        self.create_issue()
        self.receiver.next()
        self.receiver.statuses.extend([503, 200])
        status, results = self.admin("POST", f"/__sim/sites/{self.site}/webhooks", {"event": "jira:issue_created", "issue": "ACME-1"})
        self.assertEqual(status, 200, results)
        self.assertEqual([a["status"] for a in results[0]["attempts"]], [503, 200])
        first, second = self.receiver.next(), self.receiver.next()
        self.assertNotIn("X-Atlassian-Webhook-Retry", first["headers"])
        self.assertEqual(second["headers"]["X-Atlassian-Webhook-Retry"], "1")
        self.assertEqual(first["headers"]["X-Atlassian-Webhook-Identifier"], second["headers"]["X-Atlassian-Webhook-Identifier"])

    def test_app_can_call_back_while_a_delivery_is_under_way(self):
        self.admin("POST", f"/__sim/sites/{self.site}/apps", {
            "key": "hooks", "clientKey": CLIENT_KEY, "sharedSecret": SECRET, "baseUrl": self.receiver.base,
            "webhooks": [{"event": "jira:issue_created", "url": "/hooks/created"}]})
        self.create_issue()
        self.receiver.next()
        self.receiver.on_receive = lambda got: self.jira("GET", "/rest/api/3/issue/ACME-1", query="fields=summary")[0]
        try:
            started = time.time()
            status, results = self.admin("POST", f"/__sim/sites/{self.site}/webhooks", {"event": "jira:issue_created", "issue": "ACME-1"})
            self.assertEqual((status, results[0]["status"]), (200, 204), results)
            self.assertEqual(self.receiver.next()["callback"], 200)
            self.assertLess(time.time() - started, 5)
        finally:
            self.receiver.on_receive = None

    def test_signed_install_callback(self):
        status, record = self.admin("POST", f"/__sim/sites/{self.site}/lifecycle", {"event": "installed"})
        self.assertEqual((status, record["status"]), (200, 204), record)
        got = self.receiver.next()
        self.assertEqual(got["path"], "/app/installed")
        token = got["headers"]["Authorization"].removeprefix("JWT ")
        kid = pyjwt.get_unverified_header(token)["kid"]
        status, pem = self.admin("GET", f"/__sim/connect-install-keys/{kid}")
        self.assertEqual(status, 200)
        with open(os.path.join(self.keys_dir, kid), "rb") as fh:
            self.assertEqual(fh.read(), pem)
        claims = pyjwt.decode(token, pem, algorithms=["RS256"], audience=self.receiver.base)
        self.assertEqual(claims["iss"], CLIENT_KEY)
        self.assertEqual(claims["qsh"], independent_qsh("POST", "/installed", ""))
        body = got["body"]
        self.assertEqual((body["eventType"], body["key"], body["clientKey"], body["sharedSecret"], body["productType"]),
                         ("installed", APP_KEY, CLIENT_KEY, SECRET, "jira"))
        self.assertEqual(body["baseUrl"], f"{self.root}/site/{self.site}")
        status, rotated = self.admin("POST", "/__sim/connect-install-keys")
        self.assertEqual(status, 201)
        other = self.admin("GET", f"/__sim/connect-install-keys/{rotated['kid']}")[1]
        with self.assertRaises(pyjwt.InvalidSignatureError):
            pyjwt.decode(token, other, algorithms=["RS256"], audience=self.receiver.base)

    def test_enabled_is_hs256_and_uninstall_revokes(self):
        self.admin("POST", f"/__sim/sites/{self.site}/lifecycle", {"event": "enabled"})
        got = self.receiver.next()
        self.verify_hs256(got)
        self.assertNotIn("sharedSecret", got["body"])
        self.admin("POST", f"/__sim/sites/{self.site}/lifecycle", {"event": "uninstalled"})
        got = self.receiver.next()
        self.assertEqual(pyjwt.get_unverified_header(got["headers"]["Authorization"][4:])["alg"], "RS256")
        self.assertEqual(self.jira("GET", "/rest/api/3/myself")[0], 401)


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    print(f"simulator: {passed} passed, {failed} failed" + (f", {len(result.skipped)} skipped" if result.skipped else ""))
    sys.exit(1 if failed or result.testsRun == 0 else 0)
