"""Prints the newest mails of the local stack's catch-all mailbox (see ops/mailbox.sh)."""
import email
import email.policy
import imaplib
import os
import ssl
import sys
import time
import urllib.parse


def connect() -> imaplib.IMAP4:
    url = urllib.parse.urlsplit(os.environ["MAILBRIDGE_TEST_IMAP_URL"])
    imap = imaplib.IMAP4(url.hostname, url.port)
    imap.starttls(ssl.create_default_context(cafile=os.environ["MAILBRIDGE_TEST_TLS_CA"]))
    imap.login(os.environ["MAILBRIDGE_TEST_MAIL_CATCHALL_USER"], os.environ["MAILBRIDGE_TEST_IMAP_PASSWORD"])
    imap.select("INBOX", readonly=True)
    return imap


def search_subject(imap: imaplib.IMAP4, subject: str) -> list[bytes]:
    quoted = '"' + subject.replace("\\", "\\\\").replace('"', '\\"') + '"'
    _, data = imap.uid("search", "SUBJECT", quoted)
    return data[0].split() if data and data[0] else []


def wait_for(subject: str, seconds: float = 90) -> None:
    """Waits until a mail whose Subject contains `subject` is in the mailbox; exits 1 if none comes."""
    deadline = time.monotonic() + seconds
    while True:
        imap = connect()
        found = search_subject(imap, subject)
        imap.logout()
        if found:
            return
        if time.monotonic() > deadline:
            print(f"no mail with subject containing {subject!r} arrived within {seconds:.0f} s "
                  "(see .stack/renderer.log and .stack/sender.log)", file=sys.stderr)
            sys.exit(1)
        time.sleep(0.5)


def main(argv: list[str]) -> int:
    args = list(argv)
    raw = "--raw" in args
    if raw:
        args.remove("--raw")
    subject = None
    if "--wait-for" in args:
        at = args.index("--wait-for")
        subject = args[at + 1]
        wait_for(subject)
        del args[at:at + 2]
    count = int(args[0]) if args else 3
    imap = connect()
    if subject is not None:
        uids = search_subject(imap, subject)[-count:]
    else:
        _, data = imap.uid("search", None, "ALL")
        uids = data[0].split()[-count:] if data and data[0] else []
    if not uids:
        print("the catch-all mailbox is empty")
    for uid in reversed(uids):
        _, parts = imap.uid("fetch", uid, "(RFC822)")
        source = parts[0][1]
        if raw:
            sys.stdout.write(source.decode("utf-8", "replace"))
            continue
        message = email.message_from_bytes(source, policy=email.policy.default)
        print("=" * 72)
        for name in ("Date", "From", "Delivered-To", "Subject", "Message-ID", "In-Reply-To", "X-Mailbridge-Issue"):
            if message[name]:
                print(f"{name}: {message[name]}")
        attachments = [part.get_filename() for part in message.iter_attachments() if part.get_filename()]
        if attachments:
            print("Attachments: " + ", ".join(attachments))
        body = message.get_body(preferencelist=("plain",))
        print()
        print(body.get_content().strip() if body else "(no text part)")
    imap.logout()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
