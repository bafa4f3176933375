"""Test SMTP server for Mailbridge (aiosmtpd).

- STARTTLS with the stack's certificate; AUTH PLAIN / LOGIN (passwords) and
  XOAUTH2 / OAUTHBEARER (static bearer tokens), read from the same passwd-files
  as Dovecot. AUTH is required before MAIL FROM and is allowed without TLS.
- Every accepted message is written into the recipient's Maildir (served by
  Dovecot), or into the catch-all user's Maildir for unknown recipients. Files
  are owned by the "mail" user so Dovecot can read them.
- Each delivery is logged as one line: "delivered <user> <file>".

Usage: smtp_server.py --port 52525 --users FILE --tokens FILE --mail-root DIR
                      --catchall USER --cert FILE --key FILE
"""

import argparse
import asyncio
import base64
import json
import logging
import os
import pwd
import signal
import socket
import ssl
import time
import warnings
from itertools import count

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

log = logging.getLogger("smtp")


def read_passwd_file(path):
    """user -> secret from a Dovecot passwd-file with {PLAIN} passwords."""
    result = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            user, secret = line.split(":")[:2]
            if secret.startswith("{PLAIN}"):
                secret = secret[len("{PLAIN}"):]
            result[user.lower()] = secret
    return result


class Maildir:
    """Minimal Maildir delivery into <root>/<user>/Maildir/new, owned by mail."""

    def __init__(self, root):
        self.root = root
        pw = pwd.getpwnam("mail")
        self.uid, self.gid = pw.pw_uid, pw.pw_gid
        self.seq = count()
        self.host = socket.gethostname().replace("/", "_").replace(":", "_")

    def _mkdir(self, path, mode):
        if not os.path.isdir(path):
            os.makedirs(path, exist_ok=True)
            os.chmod(path, mode)
            os.chown(path, self.uid, self.gid)

    def deliver(self, user, data):
        home = os.path.join(self.root, user)
        maildir = os.path.join(home, "Maildir")
        self._mkdir(home, 0o700)
        self._mkdir(maildir, 0o700)
        for sub in ("tmp", "new", "cur"):
            self._mkdir(os.path.join(maildir, sub), 0o700)
        now = time.time()
        name = "%d.M%dP%dQ%d.%s,S=%d" % (
            int(now), int((now % 1) * 1e6), os.getpid(), next(self.seq), self.host, len(data))
        tmp = os.path.join(maildir, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fchown(f.fileno(), self.uid, self.gid)
            os.fchmod(f.fileno(), 0o600)
        final = os.path.join(maildir, "new", name)
        os.rename(tmp, final)
        return final


class Handler:
    def __init__(self, users_file, tokens_file, maildir, catchall):
        self.users_file = users_file
        self.tokens_file = tokens_file
        self.maildir = maildir
        self.catchall = catchall.lower()

    # Files are re-read on every use, so tests may add users while running.
    def passwords(self):
        return read_passwd_file(self.users_file)

    def tokens(self):
        return read_passwd_file(self.tokens_file)

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            user = auth_data.login.decode("utf-8", "replace").lower()
            password = auth_data.password.decode("utf-8", "replace")
            if self.passwords().get(user) == password:
                return AuthResult(success=True, auth_data=user)
        return AuthResult(success=False, handled=False)

    async def _bearer(self, server, args, parse):
        """Shared XOAUTH2/OAUTHBEARER flow: initial response or one challenge."""
        if len(args) > 1:
            blob = args[1]
            try:
                raw = base64.b64decode(blob, validate=True)
            except Exception:
                await server.push("501 5.5.2 Can't decode base64")
                return AuthResult(success=False, handled=True)
        else:
            raw = await server.challenge_auth("")
            if not isinstance(raw, bytes):
                return AuthResult(success=False, handled=True)
        user, token = parse(raw.decode("utf-8", "replace"))
        if user and token and self.tokens().get(user.lower()) == token:
            return AuthResult(success=True, auth_data=user.lower())
        # RFC 7628 style failure: JSON error challenge, client answers, then 535.
        err = json.dumps({"status": "401", "schemes": "bearer", "scope": "mail"})
        await server.challenge_auth(err)
        return AuthResult(success=False, handled=False)

    @staticmethod
    def _kv(parts):
        user = token = None
        for part in parts:
            if part.startswith("user="):
                user = part[5:]
            elif part.startswith("a="):
                user = part[2:]
            elif part.lower().startswith("auth=bearer "):
                token = part[len("auth=bearer "):].strip()
        return user, token

    async def auth_XOAUTH2(self, server, args):
        # "user=<user>\x01auth=Bearer <token>\x01\x01"
        return await self._bearer(server, args, lambda s: self._kv(s.split("\x01")))

    async def auth_OAUTHBEARER(self, server, args):
        # "n,a=<user>,\x01host=..\x01port=..\x01auth=Bearer <token>\x01\x01"
        def parse(s):
            gs2, _, rest = s.partition("\x01")
            return self._kv(gs2.split(",") + rest.split("\x01"))
        return await self._bearer(server, args, parse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        known = self.passwords()
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        for rcpt in envelope.rcpt_tos:
            user = rcpt.lower() if rcpt.lower() in known else self.catchall
            header = "Return-Path: <%s>\r\nDelivered-To: %s\r\n" % (envelope.mail_from, rcpt)
            path = self.maildir.deliver(user, header.encode("utf-8") + content)
            log.info("delivered %s %s", user, path)
        return "250 Message accepted for delivery"


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=52525)
    ap.add_argument("--users", required=True)
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--mail-root", required=True)
    ap.add_argument("--catchall", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--auth-optional", action="store_true",
                    help="accept mail without AUTH")
    a = ap.parse_args()

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # aiosmtpd warns on every connection that AUTH is allowed without TLS:
    # intended here (loopback test server).
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")

    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(a.cert, a.key)
    handler = Handler(a.users, a.tokens, Maildir(a.mail_root), a.catchall)

    def factory():
        return SMTP(handler, hostname="localhost", tls_context=tls,
                    require_starttls=False, auth_require_tls=False,
                    auth_required=not a.auth_optional,
                    authenticator=handler.authenticate,
                    enable_SMTPUTF8=True, ident="Mailbridge test SMTP", loop=loop)

    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, host=a.host, port=a.port)
    log.info("listening on %s:%d", a.host, a.port)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()
    log.info("stopped")


if __name__ == "__main__":
    asyncio.run(main())
