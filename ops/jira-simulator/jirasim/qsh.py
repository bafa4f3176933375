"""Atlassian Connect query string hash (qsh): the canonical request and its SHA-256.

The rules, and where each comes from, are listed in ../README.md ("qsh"). In short:

    canonical-request = METHOD '&' canonical-URI '&' canonical-query-string

- METHOD: the HTTP method in upper case.
- canonical-URI: the request path relative to the product's (or app's) base URL, as sent
  (not percent-decoded); one trailing '/' removed; empty becomes '/'; '&' written as '%26'.
- canonical-query-string: the query parameters as a servlet container decodes them
  (split on '&', '+' and %XX decoded), without `jwt`; a parameter without '=' has the value "";
  the values of a repeated name are sorted (UTF-16 code-unit order, as Java's String.compareTo)
  and joined with ','; names and values percent-encoded (everything but A-Z a-z 0-9 - . _ ~
  becomes %XX of its UTF-8 bytes, upper-case hex, so ' ' is %20, '*' is %2A, '~' stays);
  parameters sorted by encoded name; 'name=value' pairs joined with '&'.
"""
from __future__ import annotations

import hashlib
from typing import Iterable
from urllib.parse import quote, unquote_plus

JWT_PARAM = "jwt"


def percent_encode(value: str) -> str:
    # quote() never encodes ALPHA, DIGIT and "_.-~" (Python >= 3.7); safe="" encodes the rest,
    # '/' included, with upper-case hex digits of the UTF-8 bytes.
    return quote(value, safe="", encoding="utf-8", errors="strict")


def _utf16_key(value: str) -> bytes:
    # Java compares strings by UTF-16 code units; big-endian UTF-16 bytes sort the same way.
    return value.encode("utf-16-be", errors="surrogatepass")


def parse_query(query: str) -> list[tuple[str, str]]:
    """Query string -> decoded (name, value) pairs in order, as a servlet container reads them."""
    pairs: list[tuple[str, str]] = []
    if not query:
        return pairs
    for piece in query.split("&"):
        if not piece:
            continue
        name, sep, value = piece.partition("=")
        name = unquote_plus(name, encoding="utf-8", errors="replace")
        if not name:
            continue
        pairs.append((name, unquote_plus(value, encoding="utf-8", errors="replace") if sep else ""))
    return pairs


def canonical_uri(relative_path: str) -> str:
    path = relative_path
    if path.endswith("/"):
        path = path[:-1]
    if not path.strip():
        path = "/"
    path = path.replace("&", "%26")
    if not path.startswith("/"):
        path = "/" + path
    return path


def canonical_query(params: Iterable[tuple[str, str]]) -> str:
    grouped: dict[str, list[str]] = {}
    for name, value in params:
        if name == JWT_PARAM:
            continue
        grouped.setdefault(name, []).append(value)
    entries = []
    for name, values in grouped.items():
        ordered = sorted(values, key=_utf16_key)
        encoded_name = percent_encode(name)
        sort_key = encoded_name + " " + percent_encode(",".join(ordered))
        entries.append((sort_key, encoded_name + "=" + ",".join(percent_encode(v) for v in ordered)))
    entries.sort(key=lambda entry: entry[0])
    return "&".join(text for _, text in entries)


def canonical_request(method: str, relative_path: str, query: str | Iterable[tuple[str, str]]) -> str:
    params = parse_query(query) if isinstance(query, str) else list(query)
    return f"{method.upper()}&{canonical_uri(relative_path)}&{canonical_query(params)}"


def query_string_hash(method: str, relative_path: str, query: str | Iterable[tuple[str, str]]) -> str:
    return hashlib.sha256(canonical_request(method, relative_path, query).encode("utf-8")).hexdigest()


def relative_to_base(base_path: str, request_path: str) -> str:
    """The request path without the base URL's path ("context path")."""
    base = base_path.rstrip("/")
    if base and (request_path == base or request_path.startswith(base + "/")):
        return request_path[len(base):] or "/"
    return request_path
