#!/usr/bin/env python3
"""Writes Tests/JiraTests/JWTVectors.swift: Atlassian Connect JWT and qsh test vectors made by
implementations other than ours, for the Swift tests to check against.

- qsh: an independent Python implementation of the rule Atlassian documents in "Understanding JWT
  for Connect apps" (canonical method, path, sorted and percent-encoded query; repeated values
  sorted as text by UTF-16 code units, as atlassian-jwt's Java code does, then encoded and
  comma-joined; jwt parameter left out), hashed with hashlib.
- Tokens: PyJWT 2.x (HS256, HS512, none, RS256) with keys made by the `cryptography` package.

Regenerate (keys are random, so every run writes new tokens; the tests hold either way):

    .deps/venv/bin/python ops/jira/jwt-vectors.py > Tests/JiraTests/JWTVectors.swift
"""
import hashlib
import json
from urllib.parse import quote

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

IAT = 1_700_000_000
EXP = IAT + 180
SECRET = "a-shared-secret-from-the-installed-callback"
APP_KEY = "io.mailbridge.jira"
CLIENT_KEY = "c3b3a1e0-5f1d-4f7e-9a55-2f8e8f1b2d40"
APP_BASE_URL = "https://mailbridge.example.com/jira"


def encode(text):
    # RFC 3986 unreserved kept (quote always keeps A-Z a-z 0-9 _ . - ~), everything else %XX.
    return quote(text, safe="")


def canonical(method, path, params):
    path = path if path else "/"
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    path = path.replace("&", "%26")
    if not path.startswith("/"):
        path = "/" + path
    grouped = {}
    for name, value in params:
        if name == "jwt":
            continue
        grouped.setdefault(encode(name), []).append(value)
    # Repeated values: sorted as text by UTF-16 code units (Java's String order), then encoded.
    query = "&".join(
        f"{name}={','.join(encode(v) for v in sorted(values, key=lambda v: v.encode('utf-16-be')))}"
        for name, values in sorted(grouped.items())
    )
    return f"{method.upper()}&{path}&{query}"


def qsh(method, path, params):
    return hashlib.sha256(canonical(method, path, params).encode("utf-8")).hexdigest()


QSH_CASES = [
    ("GET", "/rest/api/3/issue/ACME-1", [("fields", "summary,status")]),
    ("post", "/rest/api/3/search/jql", []),
    ("GET", "/rest/api/3/user/search", [("query", "ada+lovelace@example.com"), ("maxResults", "20")]),
    ("GET", "/rest/api/3/field/", []),
    ("GET", "", []),
    ("GET", "/rest/api/2/project&a=b", [("x", "y")]),
    ("PUT", "/rest/api/3/issue/ACME-1/properties/mailbridge.message", []),
    ("GET", "/x", [("b", "2"), ("a", "y"), ("a", "x"), ("B", "1"), ("A", "0")]),
    ("GET", "/x", [("q", "space here"), ("star", "a*b"), ("tilde", "~user"), ("slash", "a/b?c=d&e")]),
    ("GET", "/x", [("name", "Jürgen Müller"), ("emoji", "😀"), ("empty", ""), ("jwt", "ignored.token.here")]),
    ("GET", "/x", [("expand", "names"), ("expand", "changelog"), ("expand", "Names")]),
    ("GET", "/x", [("v", "a/"), ("v", "a."), ("v", "a b"), ("v", "\U0001F600"), ("v", "\uFFFD")]),
    ("GET", "/x", [("a", "1"), ("A", "2"), ("b", "3"), ("B", "4")]),
]


def swift_string(text):
    return json.dumps(text, ensure_ascii=False)


def main():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)

    def pem(private):
        return private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    outgoing_qsh = qsh("GET", "/rest/api/3/issue/ACME-1", [("fields", "summary,status")])
    outgoing = jwt.encode({"exp": EXP, "iat": IAT, "iss": APP_KEY, "qsh": outgoing_qsh}, SECRET, algorithm="HS256")

    webhook_qsh = qsh("POST", "/webhooks/jira", [("tenant", "acme"), ("user_id", "admin")])
    webhook_claims = {
        "iss": CLIENT_KEY, "sub": "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077", "iat": IAT, "exp": EXP,
        "qsh": webhook_qsh, "context": {},
    }
    webhook = jwt.encode(webhook_claims, SECRET, algorithm="HS256")
    wrong_secret = jwt.encode(webhook_claims, "another-secret", algorithm="HS256")
    hs512 = jwt.encode(webhook_claims, SECRET, algorithm="HS512")
    unsigned = jwt.encode(webhook_claims, None, algorithm="none")
    context = jwt.encode({**webhook_claims, "qsh": "context-qsh"}, SECRET, algorithm="HS256")
    no_exp = jwt.encode({k: v for k, v in webhook_claims.items() if k != "exp"}, SECRET, algorithm="HS256")

    install_qsh = qsh("POST", "/installed", [])
    install_claims = {"iss": CLIENT_KEY, "aud": APP_BASE_URL, "iat": IAT, "exp": EXP, "qsh": install_qsh}
    install = jwt.encode(install_claims, key, algorithm="RS256", headers={"kid": "key-2024-01"})
    install_other_key = jwt.encode(install_claims, other, algorithm="RS256", headers={"kid": "key-2024-01"})
    install_wrong_aud = jwt.encode({**install_claims, "aud": ["https://evil.example.com"]}, key, algorithm="RS256", headers={"kid": "key-2024-01"})
    install_small_key = jwt.encode(install_claims, small, algorithm="RS256", headers={"kid": "small-key"})

    out = []
    out.append("// Generated by ops/jira/jwt-vectors.py (PyJWT %s and an independent Python qsh); do not edit." % jwt.__version__)
    out.append("// Regenerate: .deps/venv/bin/python ops/jira/jwt-vectors.py > Tests/JiraTests/JWTVectors.swift")
    out.append("import Jira")
    out.append("")
    out.append("enum JWTVectors {")
    out.append("    static let issuedAt: Int64 = %d" % IAT)
    out.append("    static let expiresAt: Int64 = %d" % EXP)
    out.append("    static let secret = %s" % swift_string(SECRET))
    out.append("    static let appKey = %s" % swift_string(APP_KEY))
    out.append("    static let clientKey = %s" % swift_string(CLIENT_KEY))
    out.append("    static let appBaseURL = %s" % swift_string(APP_BASE_URL))
    out.append("")
    out.append("    struct QSHCase: Sendable {")
    out.append("        let method: String")
    out.append("        let path: String")
    out.append("        let query: [CanonicalRequest.Parameter]")
    out.append("        let canonical: String")
    out.append("        let qsh: String")
    out.append("    }")
    out.append("")
    out.append("    static let qshCases: [QSHCase] = [")
    for method, path, params in QSH_CASES:
        query = ", ".join(".init(%s, %s)" % (swift_string(n), swift_string(v)) for n, v in params)
        out.append("        QSHCase(")
        out.append("            method: %s, path: %s," % (swift_string(method), swift_string(path)))
        out.append("            query: [%s]," % query)
        out.append("            canonical: %s," % swift_string(canonical(method, path, params)))
        out.append("            qsh: %s" % swift_string(qsh(method, path, params)))
        out.append("        ),")
    out.append("    ]")
    out.append("")
    out.append("    /// PyJWT's HS256 token for GET /rest/api/3/issue/ACME-1?fields=summary,status, claims sorted.")
    out.append("    static let outgoingToken = %s" % swift_string(outgoing))
    out.append("    static let outgoingQSH = %s" % swift_string(outgoing_qsh))
    out.append("    /// A Jira-shaped HS256 token for POST /webhooks/jira?tenant=acme&user_id=admin (with `sub` and `context`).")
    out.append("    static let webhookToken = %s" % swift_string(webhook))
    out.append("    static let webhookWrongSecret = %s" % swift_string(wrong_secret))
    out.append("    static let webhookHS512 = %s" % swift_string(hs512))
    out.append("    static let webhookUnsigned = %s" % swift_string(unsigned))
    out.append("    static let contextToken = %s" % swift_string(context))
    out.append("    static let tokenWithoutExpiry = %s" % swift_string(no_exp))
    out.append("")
    out.append("    /// RS256 install callback for POST /installed, kid key-2024-01.")
    out.append("    static let installToken = %s" % swift_string(install))
    out.append("    static let installTokenOtherKey = %s" % swift_string(install_other_key))
    out.append("    static let installTokenWrongAudience = %s" % swift_string(install_wrong_aud))
    out.append("    static let installTokenSmallKey = %s" % swift_string(install_small_key))
    out.append("    static let installPublicKey = %s" % swift_string(pem(key)))
    out.append("    static let smallPublicKey = %s" % swift_string(pem(small)))
    out.append("}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
