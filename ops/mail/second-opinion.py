#!/usr/bin/env python3
"""Python's `email` package as a second opinion on the mail test corpus.

For every message under the given directories it records what Python reads: the decoded subject,
the From addresses, the Message-ID, and the SHA-256 of every leaf part's decoded payload (the MIME
tree and transfer decoding, independent of how bodies and attachments are chosen). The Swift test
`SecondOpinionTests` compares the Mail library against this file; where the two disagree on
purpose, the test lists the message and the reason.

Usage: ops/mail/second-opinion.py OUT.json ROOT_DIR=LABEL...
"""
import email
import email.policy
import hashlib
import json
import os
import sys


def leaf_digests(message):
    digests = []
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if payload is None:
            payload = b""
        digests.append(hashlib.sha256(payload).hexdigest())
    return sorted(digests)


def clean(text):
    """Python keeps undecodable header bytes as lone surrogates; turn them back into bytes and read
    those as UTF-8 (with U+FFFD for what is not), which is what a reader of the header sees."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def describe(data):
    message = email.message_from_bytes(data, policy=email.policy.default)
    try:
        subject = message["subject"]
        subject = None if subject is None else clean(" ".join(str(subject).split()))
    except Exception as error:  # Python's header parser raises on some damaged headers
        subject = "<python error: %s>" % type(error).__name__
    try:
        sender = message["from"]
        addresses = [] if sender is None else sorted(clean(a.addr_spec.lower()) for a in sender.addresses if a.addr_spec)
    except Exception as error:
        addresses = ["<python error: %s>" % type(error).__name__]
    message_id = message.get("message-id")
    if message_id is not None:
        message_id = str(message_id).strip().strip("<>").strip() or None
    return {"subject": subject, "from": addresses, "messageID": message_id, "leaves": leaf_digests(message)}


def main():
    out = sys.argv[1]
    result = {}
    for spec in sys.argv[2:]:
        root, label = spec.split("=", 1)
        for directory, _, files in os.walk(root):
            for name in sorted(files):
                if not name.endswith(".eml"):
                    continue
                path = os.path.join(directory, name)
                key = label + "/" + os.path.relpath(path, root)
                with open(path, "rb") as handle:
                    result[key] = describe(handle.read())
    with open(out, "w") as handle:
        json.dump(dict(sorted(result.items())), handle, indent=1, ensure_ascii=True)
        handle.write("\n")
    print("%d messages -> %s" % (len(result), out))


if __name__ == "__main__":
    main()
