"""A small, strict subset of JQL (README "JQL"). Anything outside it is a 400, as Jira answers
queries it cannot parse or fields it does not know."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Optional

from . import adf
from .model import SimError, Site

KEYWORDS = {"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"}
OPERATORS = ("!=", "!~", ">=", "<=", "=", "~", ">", "<")
TEXT_FIELDS = {"summary", "description", "comment", "text"}
TEXT_OPS = {"~", "!~"}


def jql_error(message: str) -> SimError:
    return SimError(400, [message])


@dataclass
class Token:
    kind: str   # word | string | op | lparen | rparen | comma | end
    value: str
    pos: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "\"'":
            j, buf = i + 1, []
            while j < len(text) and text[j] != ch:
                if text[j] == "\\" and j + 1 < len(text):
                    j += 1
                buf.append(text[j])
                j += 1
            if j >= len(text):
                raise jql_error(f"Error in the JQL Query: The quoted string starting at character {i + 1} is not terminated. (line 1, character {i + 1})")
            tokens.append(Token("string", "".join(buf), i))
            i = j + 1
            continue
        if ch == "(":
            tokens.append(Token("lparen", ch, i)); i += 1; continue
        if ch == ")":
            tokens.append(Token("rparen", ch, i)); i += 1; continue
        if ch == ",":
            tokens.append(Token("comma", ch, i)); i += 1; continue
        op = next((o for o in OPERATORS if text.startswith(o, i)), None)
        if op:
            tokens.append(Token("op", op, i)); i += len(op); continue
        m = re.compile(r"[^\s=!~<>(),\"']+").match(text, i)
        if not m:
            raise jql_error(f"Error in the JQL Query: The character '{ch}' is a reserved JQL character. You must enclose it in a string. (line 1, character {i + 1})")
        word = m.group(0)
        if "[" in word and "]" not in word:
            raise jql_error(f"Error in the JQL Query: unbalanced '[' in '{word}'. (line 1, character {i + 1})")
        tokens.append(Token("word", word, i))
        i = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


@dataclass
class Clause:
    field: str
    op: str
    value: Any          # str | list[str] | None (EMPTY)
    pos: int


@dataclass
class BoolNode:
    op: str             # and | or | not
    children: list


@dataclass
class Query:
    where: Any          # Clause | BoolNode | None
    order: list[tuple[str, bool]]  # (field, descending)


class Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def is_kw(self, tok: Token, *words: str) -> bool:
        return tok.kind == "word" and tok.value.lower() in words

    def fail(self, expected: str, tok: Token) -> SimError:
        got = tok.value if tok.kind != "end" else "<EOF>"
        return jql_error(f"Error in the JQL Query: Expecting {expected} but got '{got}'. (line 1, character {tok.pos + 1})")

    def parse(self) -> Query:
        where = None
        if not (self.peek().kind == "end" or self.is_kw(self.peek(), "order")):
            where = self.parse_or()
        order: list[tuple[str, bool]] = []
        if self.is_kw(self.peek(), "order"):
            self.take()
            if not self.is_kw(self.peek(), "by"):
                raise self.fail("'by'", self.peek())
            self.take()
            while True:
                tok = self.take()
                if tok.kind not in ("word", "string") or (tok.kind == "word" and tok.value.lower() in KEYWORDS):
                    raise self.fail("a field name", tok)
                desc = False
                if self.is_kw(self.peek(), "asc", "desc"):
                    desc = self.take().value.lower() == "desc"
                order.append((tok.value, desc))
                if self.peek().kind == "comma":
                    self.take()
                    continue
                break
        if self.peek().kind != "end":
            raise self.fail("either 'OR', 'AND', 'ORDER BY' or the end of the query", self.peek())
        return Query(where, order)

    def parse_or(self):
        node = self.parse_and()
        children = [node]
        while self.is_kw(self.peek(), "or"):
            self.take()
            children.append(self.parse_and())
        return node if len(children) == 1 else BoolNode("or", children)

    def parse_and(self):
        node = self.parse_not()
        children = [node]
        while self.is_kw(self.peek(), "and"):
            self.take()
            children.append(self.parse_not())
        return node if len(children) == 1 else BoolNode("and", children)

    def parse_not(self):
        tok = self.peek()
        if self.is_kw(tok, "not") or (tok.kind == "op" and tok.value == "!"):
            self.take()
            return BoolNode("not", [self.parse_not()])
        if tok.kind == "lparen":
            self.take()
            node = self.parse_or()
            if self.peek().kind != "rparen":
                raise self.fail("')'", self.peek())
            self.take()
            return node
        return self.parse_clause()

    def parse_clause(self) -> Clause:
        tok = self.take()
        if tok.kind not in ("word", "string") or (tok.kind == "word" and tok.value.lower() in KEYWORDS):
            raise self.fail("a field name", tok)
        field_name = tok.value
        op_tok = self.take()
        if op_tok.kind == "op":
            op = op_tok.value
        elif self.is_kw(op_tok, "in"):
            op = "in"
        elif self.is_kw(op_tok, "not") and self.is_kw(self.peek(), "in"):
            self.take()
            op = "not in"
        elif self.is_kw(op_tok, "is"):
            op = "is"
            if self.is_kw(self.peek(), "not"):
                self.take()
                op = "is not"
        else:
            raise jql_error("Error in the JQL Query: Expecting operator but got '%s'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. (line 1, character %d)"
                            % (op_tok.value or "<EOF>", op_tok.pos + 1))
        if op in ("is", "is not"):
            v = self.take()
            if not self.is_kw(v, "empty", "null"):
                raise self.fail("EMPTY or NULL", v)
            return Clause(field_name, op, None, tok.pos)
        if op in ("in", "not in"):
            if self.peek().kind != "lparen":
                raise self.fail("'('", self.peek())
            self.take()
            values = [self.parse_value()]
            while self.peek().kind == "comma":
                self.take()
                values.append(self.parse_value())
            if self.peek().kind != "rparen":
                raise self.fail("')'", self.peek())
            self.take()
            return Clause(field_name, op, values, tok.pos)
        return Clause(field_name, op, self.parse_value(), tok.pos)

    def parse_value(self):
        tok = self.take()
        if tok.kind == "string":
            return tok.value
        if tok.kind == "word":
            low = tok.value.lower()
            if low in ("empty", "null"):
                return None
            if low in KEYWORDS:
                raise self.fail("a value", tok)
            return tok.value
        raise self.fail("a value", tok)


# ---------------------------------------------------------------------- evaluation
WORD = re.compile(r"\w+(?:[.'_]\w+)*", re.UNICODE)


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text or "")]


def text_matches(haystack: str, query: str) -> bool:
    """Jira-like text search: every term of the query must appear as a word (a trailing * matches a
    prefix); a quoted phrase must appear as consecutive words."""
    doc_words = words(haystack)
    doc_set = set(doc_words)
    phrases = re.findall(r'"([^"]*)"', query)
    rest = re.sub(r'"[^"]*"', " ", query)
    for phrase in phrases:
        pw = words(phrase)
        if pw and not any(doc_words[i:i + len(pw)] == pw for i in range(len(doc_words) - len(pw) + 1)):
            return False
    terms = re.findall(r"[\w.'*@-]+", rest, re.UNICODE)
    if not terms and not phrases:
        return False
    for term in terms:
        if term.endswith("*"):
            prefix = term[:-1].lower()
            if not any(w.startswith(prefix) for w in doc_set):
                return False
            continue
        for w in words(term):
            if w not in doc_set:
                return False
    return True


DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")


def parse_date(value: str) -> float:
    m = re.fullmatch(r"([-+]?)(\d+)([wdhm])", value.strip())
    if m:
        sign = -1 if m.group(1) == "-" else 1
        seconds = int(m.group(2)) * {"w": 604800, "d": 86400, "h": 3600, "m": 60}[m.group(3)]
        return time.time() + sign * seconds
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            continue
    raise jql_error(f"Date value '{value}' for field is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.")


def compare(op: str, left: Any, right: Any) -> bool:
    try:
        return {"=": left == right, "!=": left != right, ">": left > right, ">=": left >= right,
                "<": left < right, "<=": left <= right}[op]
    except TypeError:
        return False


PROPERTY = re.compile(r"issue\.property\[([^\]]+)\]\.(.+)", re.IGNORECASE)


class Compiled:
    """A parsed query bound to a site: `matches(doc)` and `sort(docs)`."""

    def __init__(self, site: Site, text: str):
        self.site = site
        self.text = text
        self.query = Parser(text).parse()
        self.where = self.compile(self.query.where) if self.query.where is not None else (lambda doc: True)
        self.order = [self.order_key(name, desc) for name, desc in self.query.order]

    @property
    def bounded(self) -> bool:
        return self.query.where is not None

    def unknown_field(self, name: str) -> SimError:
        return jql_error(f"Field '{name}' does not exist or you do not have permission to view it.")

    def unsupported(self, op: str, name: str) -> SimError:
        return jql_error(f"The operator '{op.upper()}' is not supported by the '{name}' field.")

    def compile(self, node) -> Callable[[dict], bool]:
        if isinstance(node, BoolNode):
            parts = [self.compile(c) for c in node.children]
            if node.op == "and":
                return lambda doc: all(p(doc) for p in parts)
            if node.op == "or":
                return lambda doc: any(p(doc) for p in parts)
            return lambda doc: not parts[0](doc)
        return self.compile_clause(node)

    def values_of(self, clause: Clause) -> list:
        return clause.value if isinstance(clause.value, list) else [clause.value]

    def compile_clause(self, c: Clause) -> Callable[[dict], bool]:
        name = c.field
        low = name.lower()
        m = PROPERTY.fullmatch(name)
        if m:
            return self.property_clause(c, m.group(1), m.group(2))
        alias = self.property_alias(name)
        if alias:
            return self.property_clause(c, *alias)
        if low in TEXT_FIELDS:
            if c.op not in TEXT_OPS:
                raise self.unsupported(c.op, name)
            getter = {
                "summary": lambda d: d["fields"].get("summary") or "",
                "description": lambda d: adf.plain_text(d["fields"].get("description")),
                "comment": lambda d: "\n".join(d["comments"]),
                "text": lambda d: "\n".join([d["fields"].get("summary") or "", adf.plain_text(d["fields"].get("description"))]
                                           + d["comments"] + [self.custom_text(d, f) for f in self.text_custom_fields()]),
            }[low]
            return self.text_clause(c, getter)
        if low == "project":
            return self.set_clause(c, name, lambda d: {d["project"]}, self.project_ids)
        if low in ("key", "issuekey", "id", "issue"):
            return self.set_clause(c, name, lambda d: {d["id"]}, self.issue_ids, ordered=lambda d: int(d["id"]))
        if low == "labels":
            return self.set_clause(c, name, lambda d: set(d["fields"].get("labels", [])), lambda v: {v})
        if low in ("reporter", "assignee", "creator"):
            getter = (lambda d: {d["creator"]}) if low == "creator" else (lambda d, f=low: {d["fields"][f]} if d["fields"].get(f) else set())
            return self.set_clause(c, name, getter, self.account_ids)
        if low == "status":
            return self.set_clause(c, name, lambda d: {d["fields"].get("status", "10000")}, self.status_ids)
        if low in ("issuetype", "type"):
            return self.set_clause(c, name, lambda d: {d["fields"]["issuetype"]}, self.type_ids)
        if low in ("created", "createddate", "updated", "updateddate"):
            attr = "created" if low.startswith("created") else "updated"
            if c.op not in ("=", "!=", ">", ">=", "<", "<="):
                raise self.unsupported(c.op, name)
            when = parse_date(str(c.value))
            return lambda d: compare(c.op, d[attr], when)
        f = self.custom_field(name)
        if f is None:
            raise self.unknown_field(name)
        if f.kind in ("textfield", "textarea"):
            if c.op not in TEXT_OPS:
                raise self.unsupported(c.op, name)
            return self.text_clause(c, lambda d, f=f: self.custom_text(d, f))
        if f.kind == "labels":
            return self.set_clause(c, name, lambda d, f=f: set(d["fields"].get(f.id) or []), lambda v: {v})
        if f.kind == "number":
            if c.op not in ("=", "!=", ">", ">=", "<", "<=", "is", "is not"):
                raise self.unsupported(c.op, name)
            if c.op in ("is", "is not"):
                return lambda d, f=f: (d["fields"].get(f.id) is None) == (c.op == "is")
            try:
                number = float(c.value)
            except (TypeError, ValueError):
                raise jql_error(f"The value '{c.value}' is not a valid number for field '{name}'.")
            return lambda d, f=f: compare(c.op, d["fields"].get(f.id), number)
        return self.set_clause(c, name, lambda d, f=f: {d["fields"][f.id]} if d["fields"].get(f.id) is not None else set(), lambda v: {v})

    # -- helpers
    def custom_field(self, name: str):
        m = re.fullmatch(r"cf\[(\d+)\]", name, re.IGNORECASE)
        if m:
            f = self.site.fields.get(f"customfield_{m.group(1)}")
            return f if f and f.custom else None
        for f in self.site.fields.values():
            if f.custom and f.name.lower() == name.lower():
                return f
        return None

    def text_custom_fields(self):
        return [f for f in self.site.fields.values() if f.custom and f.kind in ("textfield", "textarea")]

    def custom_text(self, d: dict, f) -> str:
        value = d["fields"].get(f.id)
        return adf.plain_text(value) if isinstance(value, dict) else (value or "")

    def text_clause(self, c: Clause, getter) -> Callable[[dict], bool]:
        if not isinstance(c.value, str) or not c.value.strip():
            raise jql_error(f"The field '{c.field}' does not support searching for an empty string.")
        if c.op == "~":
            return lambda d: text_matches(getter(d), c.value)
        return lambda d: not text_matches(getter(d), c.value)

    def set_clause(self, c: Clause, name: str, getter, resolve, ordered=None) -> Callable[[dict], bool]:
        if c.op in ("is", "is not"):
            empty = c.op == "is"
            return lambda d: (not getter(d)) == empty
        if c.op in (">", ">=", "<", "<=") and ordered is not None:
            targets = resolve(str(c.value))
            if len(targets) != 1:
                return lambda d: False
            bound = int(next(iter(targets)))
            return lambda d: compare(c.op, ordered(d), bound)
        if c.op not in ("=", "!=", "in", "not in"):
            raise self.unsupported(c.op, name)
        wanted: set = set()
        for v in self.values_of(c):
            if v is None:
                continue
            wanted |= resolve(str(v))
        if c.op in ("=", "in"):
            return lambda d: bool(getter(d) & wanted)
        return lambda d: bool(getter(d)) and not (getter(d) & wanted)

    def project_ids(self, v: str) -> set:
        p = self.site.project_by(v) or next((p for p in self.site.projects.values() if p.name.lower() == v.lower()), None)
        if p is None:
            raise jql_error(f"The value '{v}' does not exist for the field 'project'.")
        return {p.id}

    def issue_ids(self, v: str) -> set:
        if not re.fullmatch(r"\d+|[A-Za-z][A-Za-z0-9_]*-\d+", v):
            raise jql_error(f"The issue key '{v}' for field 'key' is invalid.")
        issue = self.site.issue_by(v)
        return {issue.id} if issue else set()

    def account_ids(self, v: str) -> set:
        if v.lower() == "currentuser()":
            raise jql_error("Function 'currentUser' is not supported by the simulator's JQL subset.")
        return {v} if v in self.site.users else set()

    def status_ids(self, v: str) -> set:
        found = {sid for sid, s in self.site.statuses.items() if sid == v or s["name"].lower() == v.lower()}
        if not found:
            raise jql_error(f"The value '{v}' does not exist for the field 'status'.")
        return found

    def type_ids(self, v: str) -> set:
        found = {t["id"] for p in self.site.projects.values() for t in p.issue_types if t["id"] == v or t["name"].lower() == v.lower()}
        if not found:
            raise jql_error(f"The value '{v}' does not exist for the field 'issuetype'.")
        return found

    def property_alias(self, name: str):
        for (key, path), extraction in self.site.indexed_property_paths().items():
            if extraction.get("alias") and extraction["alias"].lower() == name.lower():
                return key, path
        return None

    def property_clause(self, c: Clause, key: str, path: str) -> Callable[[dict], bool]:
        extraction = self.site.indexed_property_paths().get((key, path))
        if extraction is None and self.site.strict_property_index:
            raise self.unknown_field(c.field)
        kind = (extraction or {}).get("type", "string")
        parts = path.split(".")

        def value_of(d: dict):
            value = d["properties"].get(key)
            for part in parts:
                if not isinstance(value, dict) or part not in value:
                    return None
                value = value[part]
            return value

        def as_set(d: dict) -> set:
            v = value_of(d)
            items = v if isinstance(v, list) else ([] if v is None else [v])
            return {str(x).lower() if isinstance(x, bool) else (x if kind == "number" else str(x)) for x in items}

        if kind == "text":
            if c.op not in TEXT_OPS:
                raise self.unsupported(c.op, c.field)
            return self.text_clause(c, lambda d: " ".join(str(x) for x in as_set(d)))
        if kind == "number":
            if c.op in (">", ">=", "<", "<=", "=", "!="):
                try:
                    bound = float(c.value)
                except (TypeError, ValueError):
                    raise jql_error(f"The value '{c.value}' is not a valid number for field '{c.field}'.")
                return lambda d: any(compare(c.op, float(x), bound) for x in as_set(d) if isinstance(x, (int, float)))
        if c.op in TEXT_OPS:
            raise self.unsupported(c.op, c.field)
        return self.set_clause(c, c.field, as_set, lambda v: {v})

    def order_key(self, name: str, desc: bool):
        low = name.lower()
        if low in ("created", "updated"):
            key = lambda d: d[low]
        elif low in ("key", "issuekey", "id"):
            key = lambda d: (d["key"].split("-")[0], int(d["key"].split("-")[1]))
        elif low == "summary":
            key = lambda d: (d["fields"].get("summary") or "").lower()
        else:
            raise jql_error(f"Field '{name}' does not exist or you do not have permission to view it.")
        return key, desc

    def sort(self, docs: list[dict]) -> list[dict]:
        if not self.order:
            return sorted(docs, key=lambda d: int(d["id"]), reverse=True)
        out = list(docs)
        for key, desc in reversed(self.order):
            out.sort(key=key, reverse=desc)
        return out


def search(site: Site, jql: str, reconcile: list[str] | None = None) -> list[str]:
    """Issue ids matching `jql`, in order; the index may lag (site.search_index_delay)
    except for the issues named in `reconcile`."""
    compiled = Compiled(site, jql)
    now = time.time()
    docs = []
    for issue in site.issues.values():
        doc = site.search_doc(issue) if reconcile and issue.id in reconcile else site.indexed_doc(issue, now)
        if doc is not None and compiled.where(doc):
            docs.append(doc)
    return [d["id"] for d in compiled.sort(docs)]
