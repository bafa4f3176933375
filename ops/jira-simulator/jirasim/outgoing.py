"""What the simulated Jira sends to apps: Connect webhooks and lifecycle callbacks, signed as
Jira signs them (README "Outgoing")."""
from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Optional

import jwt as pyjwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from . import qsh as qshmod
from .model import App, Issue, Site, SimError

RETRYABLE = {408, 409, 425, 429} | set(range(500, 600))
TOKEN_LIFETIME = 180


class InstallKeys:
    """RSA key pairs for signed install callbacks, served like connect-install-keys.atlassian.com."""

    def __init__(self, keys_dir: Optional[str] = None):
        self.keys_dir = keys_dir
        self.lock = threading.Lock()
        self.public: dict[str, str] = {}
        self.current_kid = ""
        self._private = None
        self.rotate()

    def rotate(self) -> str:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        kid = str(uuid.uuid4())
        pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
        with self.lock:
            self.public[kid] = pem
            self.current_kid = kid
            self._private = key
        if self.keys_dir:
            os.makedirs(self.keys_dir, exist_ok=True)
            tmp = os.path.join(self.keys_dir, f".{kid}.tmp")
            with open(tmp, "w") as fh:
                fh.write(pem)
            os.replace(tmp, os.path.join(self.keys_dir, kid))
        return kid

    def sign(self, claims: dict) -> str:
        with self.lock:
            return pyjwt.encode(claims, self._private, algorithm="RS256",
                                headers={"kid": self.current_kid, "typ": "JWT"})


def target_url(app: Optional[App], site: Site, path_or_url: str, issue: Optional[Issue] = None,
               project_key: Optional[str] = None) -> str:
    url = path_or_url
    if issue is not None:
        for var, value in {"issue.id": issue.id, "issue.key": issue.key, "project.id": issue.project_id,
                           "project.key": project_key or ""}.items():
            url = url.replace("{" + var + "}", urllib.parse.quote(value, safe=""))
    if url.startswith("http://") or url.startswith("https://"):
        return url
    if app is None or not app.base_url:
        raise SimError(400, [f"no app baseUrl to resolve {path_or_url!r} against"])
    return app.base_url + (url if url.startswith("/") else "/" + url)


def relative_for_qsh(app: Optional[App], url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    base_path = urllib.parse.urlsplit(app.base_url).path if app and app.base_url else ""
    return qshmod.relative_to_base(base_path, parts.path or "/"), parts.query


def hs256_token(app: App, method: str, url: str, sub: Optional[str]) -> str:
    rel, query = relative_for_qsh(app, url)
    now = int(time.time())
    claims: dict[str, Any] = {"iss": app.client_key, "iat": now, "exp": now + TOKEN_LIFETIME,
                              "qsh": qshmod.query_string_hash(method, rel, query), "context": {}}
    if sub:
        claims["sub"] = sub
    return pyjwt.encode(claims, app.shared_secret, algorithm="HS256", headers={"typ": "JWT"})


def rs256_token(keys: InstallKeys, app: App, method: str, url: str, sub: Optional[str]) -> str:
    rel, query = relative_for_qsh(app, url)
    now = int(time.time())
    claims: dict[str, Any] = {"iss": app.client_key, "aud": [app.base_url], "iat": now,
                              "exp": now + TOKEN_LIFETIME, "qsh": qshmod.query_string_hash(method, rel, query),
                              "context": {}}
    if sub:
        claims["sub"] = sub
    return keys.sign(claims)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 10.0) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status, resp.read(4096).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(4096).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as exc:
        return 0, f"connection failed: {exc}"


def lifecycle_payload(site: Site, app: App, event: str) -> dict:
    payload = {"key": app.key, "clientKey": app.client_key, "serverVersion": "100200", "pluginsVersion": "1001.0.0-SNAPSHOT", "baseUrl": site.base_url,
               "displayUrl": site.base_url, "productType": "jira",
               "description": f"Atlassian JIRA at {site.base_url}", "eventType": event,
               "cloudId": site.cloud_id,
               "installationId": f"ari:cloud:ecosystem::installation/{uuid.uuid5(uuid.NAMESPACE_URL, site.base_url + '/' + app.key)}"}
    if event == "installed":
        payload["sharedSecret"] = app.shared_secret
    return payload
