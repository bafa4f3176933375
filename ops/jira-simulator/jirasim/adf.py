"""Atlassian Document Format: a structural check like Jira's, plain text, wiki markup, HTML.

Jira Cloud (REST v3) refuses a rich-text value that is not an ADF document and an ADF
document that breaks the schema (e.g. a text node with empty text, a list item directly holding
text, an unknown mark). `problems()` checks the rules listed in README ("ADF"): node types
and where each may appear, required attributes, text nodes, marks.
"""
from __future__ import annotations

import html
from typing import Any

INLINE = {"text", "hardBreak", "mention", "emoji", "inlineCard", "date", "status", "mediaInline", "placeholder", "inlineExtension"}
BLOCK_TOP = {"paragraph", "heading", "bulletList", "orderedList", "codeBlock", "blockquote", "rule", "panel",
             "table", "mediaSingle", "mediaGroup", "expand", "nestedExpand", "blockCard", "embedCard",
             "extension", "bodiedExtension", "taskList", "decisionList", "layoutSection"}
LIST_ITEM_CONTENT = {"paragraph", "bulletList", "orderedList", "codeBlock", "mediaSingle", "taskList", "decisionList"}
QUOTE_CONTENT = {"paragraph", "bulletList", "orderedList", "codeBlock", "mediaGroup", "mediaSingle", "heading", "panel", "rule"}
PANEL_CONTENT = {"paragraph", "heading", "bulletList", "orderedList", "blockCard", "mediaGroup", "mediaSingle",
                 "codeBlock", "taskList", "rule", "decisionList"}
MARKS = {"strong", "em", "code", "strike", "underline", "link", "subsup", "textColor", "backgroundColor"}
PANEL_TYPES = {"info", "note", "tip", "warning", "error", "success", "custom"}


def is_document(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") == "doc"


def problems(doc: Any) -> list[str]:
    out: list[str] = []
    if not isinstance(doc, dict):
        return ["the value is not an ADF document (a JSON object with type 'doc')"]
    if doc.get("type") != "doc":
        out.append("the root node's type is not 'doc'")
    if doc.get("version") != 1:
        out.append("the document's version is not 1")
    content = doc.get("content")
    if not isinstance(content, list):
        out.append("the document has no content array")
        return out
    for i, node in enumerate(content):
        _check_node(node, f"content[{i}]", BLOCK_TOP, out)
    return out


def _check_children(node: dict, where: str, allowed: set[str], out: list[str], required: bool = False,
                    text_only_plain: bool = False) -> None:
    content = node.get("content")
    if content is None:
        if required:
            out.append(f"{where}: a {node.get('type')} needs content")
        return
    if not isinstance(content, list):
        out.append(f"{where}: content is not an array")
        return
    if required and not content:
        out.append(f"{where}: a {node.get('type')} needs at least one child")
    for i, child in enumerate(content):
        if text_only_plain and isinstance(child, dict) and child.get("marks"):
            out.append(f"{where}.content[{i}]: text in a codeBlock cannot have marks")
        _check_node(child, f"{where}.content[{i}]", allowed, out)


def _check_node(node: Any, where: str, allowed: set[str], out: list[str]) -> None:
    if not isinstance(node, dict):
        out.append(f"{where}: a node must be a JSON object")
        return
    kind = node.get("type")
    if not isinstance(kind, str):
        out.append(f"{where}: node has no type")
        return
    if kind not in allowed:
        out.append(f"{where}: a {kind!r} node is not allowed here")
        return
    attrs = node.get("attrs") if isinstance(node.get("attrs"), dict) else {}
    if "attrs" in node and not isinstance(node.get("attrs"), dict):
        out.append(f"{where}: attrs must be an object")
    if kind == "text":
        text = node.get("text")
        if not isinstance(text, str) or text == "":
            out.append(f"{where}: a text node needs non-empty text")
        marks = node.get("marks", [])
        if not isinstance(marks, list):
            out.append(f"{where}: marks must be an array")
            return
        seen = set()
        for j, mark in enumerate(marks):
            mtype = mark.get("type") if isinstance(mark, dict) else None
            if mtype not in MARKS:
                out.append(f"{where}.marks[{j}]: unknown mark {mtype!r}")
                continue
            if mtype in seen:
                out.append(f"{where}.marks[{j}]: mark {mtype!r} repeated")
            seen.add(mtype)
            mattrs = mark.get("attrs") if isinstance(mark.get("attrs"), dict) else {}
            if mtype == "link" and not isinstance(mattrs.get("href"), str):
                out.append(f"{where}.marks[{j}]: a link mark needs attrs.href")
            if mtype == "subsup" and mattrs.get("type") not in ("sub", "sup"):
                out.append(f"{where}.marks[{j}]: subsup needs attrs.type sub or sup")
        if "code" in seen and seen - {"code", "link"}:
            out.append(f"{where}: the code mark combines only with link")
        return
    if kind in ("paragraph",):
        _check_children(node, where, INLINE, out)
    elif kind == "heading":
        level = attrs.get("level")
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 6:
            out.append(f"{where}: a heading needs attrs.level 1..6")
        _check_children(node, where, INLINE, out)
    elif kind in ("bulletList", "orderedList"):
        if kind == "orderedList" and "order" in attrs and (not isinstance(attrs["order"], int) or attrs["order"] < 0):
            out.append(f"{where}: orderedList attrs.order must be a non-negative integer")
        _check_children(node, where, {"listItem"}, out, required=True)
    elif kind == "listItem":
        _check_children(node, where, LIST_ITEM_CONTENT, out, required=True)
    elif kind == "codeBlock":
        if "language" in attrs and not isinstance(attrs["language"], (str, type(None))):
            out.append(f"{where}: codeBlock attrs.language must be a string")
        _check_children(node, where, {"text"}, out, text_only_plain=True)
    elif kind == "blockquote":
        _check_children(node, where, QUOTE_CONTENT, out, required=True)
    elif kind == "panel":
        if attrs.get("panelType") not in PANEL_TYPES:
            out.append(f"{where}: a panel needs attrs.panelType")
        _check_children(node, where, PANEL_CONTENT, out, required=True)
    elif kind == "rule" or kind == "hardBreak":
        if node.get("content"):
            out.append(f"{where}: a {kind} has no content")
    elif kind == "mention":
        if not isinstance(attrs.get("id"), str):
            out.append(f"{where}: a mention needs attrs.id")
    elif kind == "emoji":
        if not isinstance(attrs.get("shortName"), str):
            out.append(f"{where}: an emoji needs attrs.shortName")
    elif kind in ("inlineCard", "blockCard", "embedCard"):
        if not isinstance(attrs.get("url"), str) and "data" not in attrs:
            out.append(f"{where}: a {kind} needs attrs.url or attrs.data")
    elif kind == "expand" or kind == "nestedExpand":
        _check_children(node, where, BLOCK_TOP - {"expand"}, out, required=True)
    elif kind == "table":
        _check_children(node, where, {"tableRow"}, out, required=True)
    elif kind == "tableRow":
        _check_children(node, where, {"tableHeader", "tableCell"}, out, required=True)
    elif kind in ("tableHeader", "tableCell"):
        _check_children(node, where, BLOCK_TOP - {"table"}, out, required=True)
    # media, extensions, tasks, decisions, layouts: accepted as they come.


# Inside-structure node types reachable only through their parents.
_STRUCTURAL = {"listItem", "tableRow", "tableHeader", "tableCell"}


def plain_text(doc: Any) -> str:
    """The document's text, blocks separated by newlines (for search and rendering)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if not isinstance(node, dict):
            return
        kind = node.get("type")
        if kind == "text":
            parts.append(str(node.get("text", "")))
        elif kind == "hardBreak":
            parts.append("\n")
        elif kind == "mention":
            parts.append(str((node.get("attrs") or {}).get("text", "")))
        elif kind in ("inlineCard", "blockCard", "embedCard"):
            parts.append(str((node.get("attrs") or {}).get("url", "")))
        for child in node.get("content") or []:
            walk(child)
        if kind in BLOCK_TOP or kind in _STRUCTURAL:
            parts.append("\n")

    walk(doc)
    return "".join(parts).strip()


def _marked(text: str, marks: list) -> str:
    for mark in marks or []:
        mtype = mark.get("type") if isinstance(mark, dict) else None
        if mtype == "strong":
            text = f"*{text}*"
        elif mtype == "em":
            text = f"_{text}_"
        elif mtype == "code":
            text = "{{" + text + "}}"
        elif mtype == "strike":
            text = f"-{text}-"
        elif mtype == "underline":
            text = f"+{text}+"
        elif mtype == "link":
            text = f"[{text}|{(mark.get('attrs') or {}).get('href', '')}]"
    return text


def wiki_markup(doc: Any) -> str:
    """Jira wiki markup for a document: what webhook payloads carry (the REST v2 representation)."""
    if not isinstance(doc, dict):
        return "" if doc is None else str(doc)

    def inline(nodes: list) -> str:
        out = []
        for node in nodes or []:
            if not isinstance(node, dict):
                continue
            kind = node.get("type")
            if kind == "text":
                out.append(_marked(str(node.get("text", "")), node.get("marks", [])))
            elif kind == "hardBreak":
                out.append("\n")
            elif kind == "mention":
                out.append(f"[~accountid:{(node.get('attrs') or {}).get('id', '')}]")
            elif kind == "emoji":
                out.append(str((node.get("attrs") or {}).get("text") or (node.get("attrs") or {}).get("shortName", "")))
            elif kind == "inlineCard":
                url = (node.get("attrs") or {}).get("url", "")
                out.append(f"[{url}|{url}|smart-link]")
        return "".join(out)

    def blocks(nodes: list, list_prefix: str = "") -> list[str]:
        lines: list[str] = []
        for node in nodes or []:
            if not isinstance(node, dict):
                continue
            kind = node.get("type")
            if kind == "paragraph":
                lines.append(inline(node.get("content")))
            elif kind == "heading":
                lines.append(f"h{(node.get('attrs') or {}).get('level', 1)}. " + inline(node.get("content")))
            elif kind in ("bulletList", "orderedList"):
                marker = "*" if kind == "bulletList" else "#"
                for item in node.get("content") or []:
                    sub = item.get("content") or [] if isinstance(item, dict) else []
                    first = True
                    for child in sub:
                        if child.get("type") in ("bulletList", "orderedList"):
                            lines.extend(blocks([child], list_prefix + marker))
                        else:
                            text = "\n".join(blocks([child]))
                            lines.append((list_prefix + marker + " " if first else "") + text)
                            first = False
            elif kind == "codeBlock":
                language = (node.get("attrs") or {}).get("language")
                opener = "{code:" + language + "}" if language else "{code}"
                lines.append(opener + "".join(str(t.get("text", "")) for t in node.get("content") or []) + "{code}")
            elif kind == "blockquote":
                lines.append("{quote}" + "\n".join(blocks(node.get("content"))) + "{quote}")
            elif kind == "rule":
                lines.append("----")
            elif kind == "panel":
                lines.append("{panel}" + "\n".join(blocks(node.get("content"))) + "{panel}")
            else:
                text = plain_text(node)
                if text:
                    lines.append(text)
        return lines

    return "\n".join(blocks(doc.get("content")))


def to_html(doc: Any) -> str:
    """A small HTML rendering, for `expand=renderedFields` / `renderedBody`."""
    if not isinstance(doc, dict):
        return ""

    def render(node: Any) -> str:
        if not isinstance(node, dict):
            return ""
        kind = node.get("type")
        inner = "".join(render(c) for c in node.get("content") or [])
        if kind == "text":
            text = html.escape(str(node.get("text", "")))
            for mark in node.get("marks") or []:
                mtype = mark.get("type")
                tag = {"strong": "b", "em": "em", "code": "tt", "strike": "del", "underline": "ins"}.get(mtype)
                if tag:
                    text = f"<{tag}>{text}</{tag}>"
                elif mtype == "link":
                    href = html.escape(str((mark.get("attrs") or {}).get("href", "")), quote=True)
                    text = f'<a href="{href}" class="external-link" rel="nofollow noreferrer">{text}</a>'
            return text
        return {
            "doc": inner,
            "paragraph": f"<p>{inner}</p>",
            "hardBreak": "<br/>",
            "bulletList": f"<ul>{inner}</ul>",
            "orderedList": f"<ol>{inner}</ol>",
            "listItem": f"<li>{inner}</li>",
            "blockquote": f"<blockquote>{inner}</blockquote>",
            "codeBlock": f"<pre>{inner}</pre>",
            "rule": "<hr/>",
            "heading": f"<h{(node.get('attrs') or {}).get('level', 1)}>{inner}</h{(node.get('attrs') or {}).get('level', 1)}>",
        }.get(kind, inner)

    return render(doc)


def text_document(text: str) -> dict:
    """An ADF document holding plain text (one paragraph per line)."""
    content = [{"type": "paragraph", "content": [{"type": "text", "text": line}]} if line else {"type": "paragraph"}
               for line in text.split("\n")]
    return {"type": "doc", "version": 1, "content": content}
