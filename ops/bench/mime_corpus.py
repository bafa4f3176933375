#!/usr/bin/env python3
"""Build the deterministic MIME parsing benchmark corpus (ops/bench/mime-parse.sh uses it).

    mime_corpus.py [DIR] [--count N] [--seed S] [--force]
    mime_corpus.py --big FILE [--megabytes M] [--seed S] [--force]

The corpus directory (default .bench/mime-corpus/ under the repository) gets
  fixtures/     every message of ../shared/testdata/mail-gem-fixtures/ (relative to the
                repository root; LICENSE and other non-message files are left out),
  tests/        every file of Tests/MailTests/Corpus/ if that directory exists,
  generated/    N messages (default 300, about 40 MB) made with a seeded RNG, shaped like
                real business mail: plain-text replies with quotes, multipart/alternative
                text + HTML, multipart/related with inline logos, attachments (PDF-, PNG-,
                ZIP-like random bytes, 10 KB - 2 MB, base64), CSV and calendar parts,
                forwarded message/rfc822 (sometimes nested twice), delivery-status bounces,
                bulk notifications; bodies in utf-8, us-ascii, iso-8859-1, windows-1252,
                koi8-r, shift_jis, gb2312 and big5, as 7bit, 8bit, quoted-printable or
                base64; RFC 2047 subjects and display names, RFC 2231 file names; about
                two thirds CRLF line ends and one third LF.
DIR holds messages only (every regular file below it is one message); the hidden sibling
file .DIRNAME.stamp holds a fingerprint of this script, the options and the copied inputs:
when it matches, nothing is rebuilt.

--big FILE writes one message of about M (default 25) * 10^6 bytes: a text and an HTML
body and several base64 attachments, for a peak-memory measurement.

Same seed, same script, same inputs: byte-identical output.
"""

import argparse
import base64
import hashlib
import os
import quopri
import random
import shutil
import struct
import sys
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO.parent / "shared" / "testdata" / "mail-gem-fixtures"
TESTS_CORPUS = REPO / "Tests" / "MailTests" / "Corpus"
SKIP_NAMES = {"LICENSE", "README", "README.md", "sample_output_multipart"}

# ------------------------------------------------------------------ text material

EN_OPENERS = ["Hi team,", "Hello,", "Hi Sarah,", "Dear support team,", "Good morning,", "Hi all,",
              "Hello Jonas,", "Dear Mr. Okafor,", "Hey,", "Hi Priya,"]
EN_SENTENCES = [
    "Thanks for getting back to me so quickly.",
    "The export job failed again last night with the same timeout error.",
    "Please find attached the signed purchase order for the second quarter.",
    "Could you check whether the invoice was sent to the right billing address?",
    "We upgraded to version 4.2 on Monday and the dashboard has been slow since then.",
    "I have attached the log files from both application servers.",
    "Our finance department needs the credit note before the end of the month.",
    "The customer reports that the password reset link expires immediately.",
    "As discussed on the call, we will move the go-live to the 14th.",
    "Can you confirm that the data is stored in the EU region only?",
    "The issue only happens for users with more than 500 open tickets.",
    "I tried clearing the cache and logging in again, but nothing changed.",
    "Please escalate this, it is blocking the whole warehouse team.",
    "Let me know if you need anything else from our side.",
    "We would like to add three more seats to our subscription.",
    "The attached screenshot shows the error right after clicking Save.",
    "According to the contract, the response time for priority 1 is four hours.",
    "The shipment was delivered to the wrong site, please arrange a pickup.",
    "I am out of the office until Thursday with limited access to email.",
    "The SSO integration stopped working after the certificate rotation.",
    "Could you send us an updated quote including the training days?",
    "We noticed duplicate entries in the monthly report since the last release.",
    "Thanks, that fixed it. You can close the ticket.",
    "Unfortunately the workaround does not help in our environment.",
    "Our auditors asked for the SOC 2 report, is it available under NDA?",
    "The API returns HTTP 502 for roughly one request in fifty.",
    "I have forwarded your questions to our IT department.",
    "The meeting notes and the action items are below.",
    "Please do not reply to the old address anymore, it will be shut down.",
    "Attached is the corrected spreadsheet with the missing cost centres.",
]
EN_CLOSERS = ["Best regards,", "Kind regards,", "Thanks,", "Cheers,", "Many thanks,", "Regards,",
              "Thank you,", "Best,"]
CP1252_SENTENCES = [
    "We\u2019ve reviewed the \u201cfinal\u201d figures \u2013 the total is \u20ac12,480.00.",
    "The \u2018Save\u2019 button does nothing\u2026 again.",
    "Our Q3 budget\u2122 allows \u20ac4,000 \u2013 \u20ac5,500 for the upgrade.",
    "Please see the \u201cAction items\u201d section \u2014 item 3 is still open.",
    "Fran\u00e7ois said the fix is \u201cin review\u201d since last week.",
    "The fee is \u00a3 250 \u00d7 4 sites = \u00a3 1,000 per year.",
]
LATIN1_SENTENCES = [
    "Sehr geehrte Damen und Herren, vielen Dank f\u00fcr Ihre schnelle R\u00fcckmeldung.",
    "Die Rechnung f\u00fcr M\u00e4rz liegt im Anhang, bitte pr\u00fcfen Sie die Positionen.",
    "K\u00f6nnen Sie bitte den Status der Bestellung \u00fcberpr\u00fcfen?",
    "Das Problem tritt weiterhin auf, auch nach dem Neustart des Servers.",
    "Merci pour votre r\u00e9ponse rapide, le probl\u00e8me est r\u00e9solu.",
    "Le d\u00e9lai de livraison a \u00e9t\u00e9 d\u00e9pass\u00e9 de trois jours.",
    "Pourriez-vous v\u00e9rifier la facture no 2024-0815 s\u2019il vous pla\u00eet ?".replace("\u2019", "'"),
    "\u00bfPodr\u00eda revisar el pedido n\u00famero 4711, por favor?",
    "La reuni\u00f3n se ha trasladado al mi\u00e9rcoles a las 10:00.",
    "Gr\u00fc\u00dfe aus M\u00fcnchen und ein sch\u00f6nes Wochenende.",
]
KOI8R_SENTENCES = [
    "\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439\u0442\u0435, \u0441\u043f\u0430\u0441\u0438\u0431\u043e \u0437\u0430 \u0431\u044b\u0441\u0442\u0440\u044b\u0439 \u043e\u0442\u0432\u0435\u0442.",
    "\u041f\u0440\u043e\u0431\u043b\u0435\u043c\u0430 \u0432\u0441\u0451 \u0435\u0449\u0451 \u0432\u043e\u0441\u043f\u0440\u043e\u0438\u0437\u0432\u043e\u0434\u0438\u0442\u0441\u044f \u043f\u043e\u0441\u043b\u0435 \u043e\u0431\u043d\u043e\u0432\u043b\u0435\u043d\u0438\u044f.",
    "\u0421\u0447\u0451\u0442 \u0437\u0430 \u043c\u0430\u0440\u0442 \u0432\u043e \u0432\u043b\u043e\u0436\u0435\u043d\u0438\u0438, \u043f\u0440\u043e\u0432\u0435\u0440\u044c\u0442\u0435, \u043f\u043e\u0436\u0430\u043b\u0443\u0439\u0441\u0442\u0430.",
    "\u041c\u044b \u043d\u0435 \u043c\u043e\u0436\u0435\u043c \u0432\u043e\u0439\u0442\u0438 \u0432 \u0441\u0438\u0441\u0442\u0435\u043c\u0443 \u0441 \u043f\u043e\u043d\u0435\u0434\u0435\u043b\u044c\u043d\u0438\u043a\u0430.",
    "\u041f\u0440\u043e\u0448\u0443 \u0441\u0440\u043e\u0447\u043d\u043e \u043f\u0435\u0440\u0435\u0434\u0430\u0442\u044c \u0437\u0430\u044f\u0432\u043a\u0443 \u0432\u0442\u043e\u0440\u043e\u0439 \u043b\u0438\u043d\u0438\u0438 \u043f\u043e\u0434\u0434\u0435\u0440\u0436\u043a\u0438.",
    "\u0421 \u0443\u0432\u0430\u0436\u0435\u043d\u0438\u0435\u043c, \u043e\u0442\u0434\u0435\u043b \u0437\u0430\u043a\u0443\u043f\u043e\u043a.",
]
SJIS_SENTENCES = [
    "\u304a\u4e16\u8a71\u306b\u306a\u3063\u3066\u304a\u308a\u307e\u3059\u3002",
    "\u3054\u9023\u7d61\u3042\u308a\u304c\u3068\u3046\u3054\u3056\u3044\u307e\u3059\u3002",
    "\u6dfb\u4ed8\u306e\u8cc7\u6599\u3092\u3054\u78ba\u8a8d\u304f\u3060\u3055\u3044\u3002",
    "\u4e0d\u5177\u5408\u306f\u307e\u3060\u89e3\u6c7a\u3057\u3066\u3044\u307e\u305b\u3093\u3002",
    "\u8acb\u6c42\u66f8\u306e\u5b9b\u5148\u3092\u5909\u66f4\u3057\u3066\u3044\u305f\u3060\u3051\u307e\u3059\u3067\u3057\u3087\u3046\u304b\u3002",
    "\u4f55\u5352\u3088\u308d\u3057\u304f\u304a\u9858\u3044\u3044\u305f\u3057\u307e\u3059\u3002",
    "\u30b5\u30fc\u30d0\u30fc\u306e\u518d\u8d77\u52d5\u5f8c\u3082\u30a8\u30e9\u30fc\u304c\u767a\u751f\u3057\u3066\u3044\u307e\u3059\u3002",
]
GB_SENTENCES = [
    "\u60a8\u597d\uff0c\u611f\u8c22\u60a8\u7684\u53ca\u65f6\u56de\u590d\u3002",
    "\u9644\u4ef6\u662f\u672c\u6708\u7684\u53d1\u7968\uff0c\u8bf7\u67e5\u6536\u3002",
    "\u95ee\u9898\u5728\u66f4\u65b0\u540e\u4ecd\u7136\u5b58\u5728\u3002",
    "\u8bf7\u5c3d\u5feb\u5904\u7406\uff0c\u8c22\u8c22\u3002",
    "\u6211\u4eec\u7684\u4ed3\u5e93\u7cfb\u7edf\u4ece\u661f\u671f\u4e00\u5f00\u59cb\u65e0\u6cd5\u767b\u5f55\u3002",
    "\u5408\u540c\u5df2\u7ecf\u7b7e\u5b57\uff0c\u8bf7\u5b89\u6392\u4ed8\u6b3e\u3002",
]
BIG5_SENTENCES = [
    "\u60a8\u597d\uff0c\u611f\u8b1d\u60a8\u7684\u56de\u8986\u3002",
    "\u9644\u4ef6\u70ba\u672c\u6708\u767c\u7968\uff0c\u8acb\u67e5\u6536\u3002",
    "\u554f\u984c\u5728\u66f4\u65b0\u5f8c\u4ecd\u7136\u5b58\u5728\u3002",
    "\u8acb\u76e1\u5feb\u8655\u7406\uff0c\u8b1d\u8b1d\u3002",
    "\u6211\u5011\u7684\u5009\u5132\u7cfb\u7d71\u5f9e\u661f\u671f\u4e00\u958b\u59cb\u7121\u6cd5\u767b\u5165\u3002",
    "\u5408\u7d04\u5df2\u7d93\u7c3d\u5b57\uff0c\u8acb\u5b89\u6392\u4ed8\u6b3e\u3002",
]
UTF8_EXTRA = LATIN1_SENTENCES[:4] + KOI8R_SENTENCES[:2] + SJIS_SENTENCES[:2] + GB_SENTENCES[:2] + [
    "\u2705 Deployed to production \U0001f680 \u2013 thanks everyone!",
    "\u0391\u03c5\u03c4\u03cc \u03b5\u03af\u03bd\u03b1\u03b9 \u03ad\u03bd\u03b1 \u03b4\u03bf\u03ba\u03b9\u03bc\u03b1\u03c3\u03c4\u03b9\u03ba\u03cc \u03bc\u03ae\u03bd\u03c5\u03bc\u03b1.",
    "\u05e9\u05dc\u05d5\u05dd, \u05d4\u05d1\u05e2\u05d9\u05d4 \u05e2\u05d3\u05d9\u05d9\u05df \u05e7\u05d9\u05d9\u05de\u05ea.",
    "\u0645\u0631\u062d\u0628\u0627\u060c \u0627\u0644\u0641\u0627\u062a\u0648\u0631\u0629 \u0645\u0631\u0641\u0642\u0629.",
]
CHARSET_TEXT = {
    "us-ascii": EN_SENTENCES,
    "utf-8": EN_SENTENCES + UTF8_EXTRA,
    "iso-8859-1": LATIN1_SENTENCES,
    "windows-1252": CP1252_SENTENCES + LATIN1_SENTENCES[:3],
    "koi8-r": KOI8R_SENTENCES,
    "shift_jis": SJIS_SENTENCES,
    "gb2312": GB_SENTENCES,
    "big5": BIG5_SENTENCES,
}
# (charset, weight): most business mail is UTF-8 or ASCII.
CHARSETS = [("utf-8", 40), ("us-ascii", 14), ("iso-8859-1", 10), ("windows-1252", 10),
            ("koi8-r", 6), ("shift_jis", 7), ("gb2312", 7), ("big5", 6)]

PEOPLE = [
    ("Sarah Connor", "utf-8"), ("Jonas Weber", "utf-8"), ("J\u00fcrgen M\u00fcller", "iso-8859-1"),
    ("Fran\u00e7oise Dupr\u00e9", "iso-8859-1"), ("Priya Raman", "utf-8"), ("Chinedu Okafor", "utf-8"),
    ("\u0418\u0432\u0430\u043d \u041f\u0435\u0442\u0440\u043e\u0432", "koi8-r"),
    ("\u5c71\u7530 \u592a\u90ce", "shift_jis"), ("\u738b\u4f1f", "gb2312"), ("\u9673\u5fd7\u660e", "big5"),
    ("Zo\u00eb \u00c5str\u00f6m", "utf-8"), ("Mar\u00eda Jos\u00e9 Garc\u00eda", "windows-1252"),
    ("Tom O'Brien", "us-ascii"), ("Service Desk", "us-ascii"), ("Accounts Payable", "us-ascii"),
    ("Lena Schr\u00f6der", "utf-8"), ("Kenji Watanabe", "us-ascii"), ("\u674e\u5a1c", "utf-8"),
]
DOMAINS = ["example.com", "example.net", "example.org", "acme.example", "globex.example",
           "initech.example", "mail.example.de", "corp.example.co.jp", "example.cn"]
SUBJECTS = [
    "Export job fails with timeout", "Invoice 2024-0815 wrong billing address", "Password reset link expired",
    "Quote for 3 additional seats", "Dashboard slow after upgrade to 4.2", "SSO broken after certificate rotation",
    "Duplicate entries in monthly report", "Delivery to wrong site", "Request: SOC 2 report",
    "HTTP 502 from the orders API", "Go-live date moved", "Credit note needed before month end",
]
CHARSET_SUBJECTS = {
    "iso-8859-1": ["Rechnung f\u00fcr M\u00e4rz \u2013 R\u00fcckfrage".replace("\u2013", "-"), "Probl\u00e8me de connexion apr\u00e8s la mise \u00e0 jour"],
    "windows-1252": ["\u201cUrgent\u201d \u2013 invoice \u20ac12,480 overdue"],
    "koi8-r": ["\u041e\u0448\u0438\u0431\u043a\u0430 \u043f\u0440\u0438 \u0432\u0445\u043e\u0434\u0435 \u0432 \u0441\u0438\u0441\u0442\u0435\u043c\u0443"],
    "shift_jis": ["\u8acb\u6c42\u66f8\u306e\u4ef6\u306b\u3064\u3044\u3066", "\u30b5\u30fc\u30d0\u30fc\u30a8\u30e9\u30fc\u306e\u3054\u5831\u544a"],
    "gb2312": ["\u5173\u4e8e\u672c\u6708\u53d1\u7968\u7684\u95ee\u9898"],
    "big5": ["\u95dc\u65bc\u672c\u6708\u767c\u7968\u7684\u554f\u984c"],
    "utf-8": ["\u2705 Deployment finished \u2013 r\u00e9sum\u00e9 attached", "\u00dcberf\u00e4llige Rechnung \u2014 bitte pr\u00fcfen",
              "\u30b5\u30fc\u30d0\u30fc\u969c\u5bb3\u306e\u304a\u77e5\u3089\u305b (\u7dca\u6025)"],
}
FILENAMES = {
    "pdf": ["invoice-2024-0815.pdf", "Purchase Order Q2.pdf", "contract_signed.pdf", "Rechnung M\u00e4rz.pdf",
            "\u8acb\u6c42\u66f8.pdf", "report (final) v3.pdf"],
    "png": ["screenshot.png", "image001.png", "error dialog.png", "Bildschirmfoto 2024-03-04 um 09.12.33.png"],
    "zip": ["logs.zip", "server-logs-2024-03-04.zip", "export_\u0434\u0430\u043d\u043d\u044b\u0435.zip"],
    "docx": ["Meeting notes.docx", "Angebot_\u00dcbersicht.docx", "requirements v2.docx"],
}
MIME_OF = {
    "pdf": "application/pdf", "png": "image/png", "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
BASE_DATE = datetime(2025, 3, 3, 8, 0, 0, tzinfo=timezone.utc)
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


# ------------------------------------------------------------------ encoders (RFC 2045/2047/2231)

def qp(data: bytes) -> bytes:
    return quopri.encodestring(data, quotetabs=False)


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data)  # 76-character lines


def encoded_words(text: str, charset: str, mode: str) -> str:
    """`text` as RFC 2047 encoded words (at most 75 characters each), folded with LF + space."""
    words, chunk = [], ""

    def render(s: str) -> str:
        raw = s.encode(charset)
        if mode == "B":
            body = base64.b64encode(raw).decode()
        else:
            body = "".join(
                "_" if b == 0x20 else chr(b) if (0x30 <= b <= 0x39 or 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A)
                else "=%02X" % b for b in raw)
        return "=?%s?%s?%s?=" % (charset, mode, body)

    for ch in text:
        if chunk and len(render(chunk + ch)) > 75:
            words.append(render(chunk))
            chunk = ""
        chunk += ch
    if chunk:
        words.append(render(chunk))
    return "\n ".join(words)


def header_text(rng: random.Random, text: str, charset: str) -> str:
    """A header value: plain when ASCII, else encoded words (B or Q)."""
    if all(ord(c) < 128 for c in text):
        return text
    return encoded_words(text, charset, rng.choice("BQ"))


def rfc2231_param(name: str, value: str) -> str:
    if all(32 <= ord(c) < 127 for c in value):
        return '%s="%s"' % (name, value)
    raw = value.encode("utf-8")
    enc = "".join(chr(b) if (chr(b).isalnum() and b < 128) or chr(b) in "-._~" else "%%%02X" % b for b in raw)
    return "%s*=utf-8''%s" % (name, enc)


def fold(name: str, items: list, sep: str = ", ") -> str:
    line, out = name + ": ", []
    for i, item in enumerate(items):
        piece = item + (sep.rstrip() if i < len(items) - 1 else "")
        if len(line) + len(piece) > 76 and line.strip() != name + ":":
            out.append(line.rstrip())
            line = " "
        line += piece + " "
    out.append(line.rstrip())
    return "\n".join(out)


# ------------------------------------------------------------------ generator

class Gen:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.ids = 0

    # --- small pieces
    def pick_charset(self) -> str:
        names, weights = zip(*CHARSETS)
        return self.rng.choices(names, weights)[0]

    def date(self, offset_minutes: int) -> str:
        d = BASE_DATE + timedelta(minutes=offset_minutes)
        tz = self.rng.choice([0, 60, 120, -300, -420, 330, 540, 480])
        local = d + timedelta(minutes=tz)
        sign = "+" if tz >= 0 else "-"
        zone = "%s%02d%02d" % (sign, abs(tz) // 60, abs(tz) % 60)
        return "%s, %d %s %d %02d:%02d:%02d %s" % (
            DAYS[local.weekday()], local.day, MONTHS[local.month - 1], local.year,
            local.hour, local.minute, local.second, zone)

    def msgid(self, domain: str) -> str:
        self.ids += 1
        style = self.rng.randrange(3)
        if style == 0:
            return "<CA+%s%d@mail.gmail.com>" % (self.token(28), self.ids)
        if style == 1:
            return "<%s%d@%s.prod.outlook.com>" % (self.token(20, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), self.ids,
                                                   self.token(10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
        return "<%d.%s@%s>" % (1700000000 + self.ids * 977, self.token(12), domain)

    def token(self, n: int, alphabet: str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def person(self, charset: str | None = None):
        """(display name, its charset, address); with `charset`, only names that charset can spell."""
        pool = PEOPLE if charset is None else [p for p in PEOPLE if self.encodable(p[0], charset)]
        name, cs = self.rng.choice(pool)
        first = name.split()[0].lower()
        ascii_first = "".join(c for c in first if c.isascii() and c.isalnum()) or "user%d" % self.rng.randrange(100)
        addr = "%s.%s@%s" % (ascii_first, self.token(4, "abcdefghijklmnopqrstuvwxyz"), self.rng.choice(DOMAINS))
        return name, cs, addr

    @staticmethod
    def encodable(text: str, charset: str) -> bool:
        try:
            text.encode(charset)
            return True
        except UnicodeEncodeError:
            return False

    def mailbox(self, name: str, cs: str, addr: str) -> str:
        if all(ord(c) < 128 for c in name):
            return '"%s" <%s>' % (name, addr) if ("'" in name or "." in name) else "%s <%s>" % (name, addr)
        return "%s <%s>" % (header_text(self.rng, name, cs), addr)

    def sentences(self, charset: str, n: int) -> list:
        pool = CHARSET_TEXT[charset]
        return [self.rng.choice(pool) for _ in range(n)]

    def paragraphs(self, charset: str, count: int) -> list:
        return [" ".join(self.sentences(charset, self.rng.randint(1, 4))) for _ in range(count)]

    @staticmethod
    def wrap(text: str, width: int = 72) -> list:
        words, lines, line = text.split(" "), [], ""
        for w in words:
            if line and len(line) + 1 + len(w) > width:
                lines.append(line)
                line = w
            else:
                line = line + " " + w if line else w
        if line:
            lines.append(line)
        return lines

    # --- bodies
    def plain_reply(self, charset: str, sender: str, depth: int) -> str:
        en = charset in ("us-ascii", "utf-8", "windows-1252")
        out = [self.rng.choice(EN_OPENERS) if en else self.sentences(charset, 1)[0], ""]
        for p in self.paragraphs(charset, self.rng.randint(1, 4)):
            out += self.wrap(p) + [""]
        if not self.encodable(sender, charset):
            sender = self.person(charset)[0]
        out += [self.rng.choice(EN_CLOSERS) if en else "", sender.split()[0], ""]
        if self.rng.random() < 0.6:
            out += ["-- ", sender, "Customer Operations | %s" % self.rng.choice(DOMAINS),
                    "Phone +49 89 %07d" % self.rng.randrange(10 ** 7), ""]
        if self.rng.random() < 0.3:
            out += self.wrap("CONFIDENTIALITY NOTICE: This e-mail and any attachments are intended only for "
                             "the addressee and may contain confidential information. If you received it in "
                             "error, please notify the sender and delete it.") + [""]
        quoted = []
        for level in range(depth):
            q = "> " * (level + 1)
            who, _, where = self.person(charset)
            if self.rng.random() < 0.5:
                quoted += ["> " * level, "%sOn %s, %s <%s> wrote:" % ("> " * level, self.date(-level * 90), who, where)]
            else:
                quoted += ["%s-----Original Message-----" % ("> " * level),
                           "%sFrom: %s <%s>" % ("> " * level, who, where),
                           "%sSent: %s" % ("> " * level, self.date(-level * 90)),
                           "%sSubject: RE: %s" % ("> " * level, self.rng.choice(SUBJECTS)), "> " * level]
            for p in self.paragraphs(charset, self.rng.randint(1, 3)):
                quoted += [q + line for line in self.wrap(p, 70)] + [q.rstrip()]
        return "\n".join(out + quoted) + "\n"

    def html_of(self, text: str, charset: str) -> str:
        import html as h
        body = []
        quote_open = False
        for line in text.split("\n"):
            if line.startswith(">"):
                if not quote_open:
                    body.append('<blockquote style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">')
                    quote_open = True
                body.append("<div>%s</div>" % h.escape(line.lstrip("> ")))
            else:
                if quote_open:
                    body.append("</blockquote>")
                    quote_open = False
                body.append("<p class=MsoNormal>%s<o:p></o:p></p>" % (h.escape(line) or "&nbsp;"))
        if quote_open:
            body.append("</blockquote>")
        style = ("<style><!--\n@font-face {font-family:\"Cambria Math\"; panose-1:2 4 5 3 5 4 6 3 2 4;}\n"
                 "p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; font-size:11.0pt; font-family:\"Calibri\",sans-serif;}\n"
                 "a:link, span.MsoHyperlink {mso-style-priority:99; color:#0563C1; text-decoration:underline;}\n"
                 ".MsoChpDefault {mso-style-type:export-only; font-size:10.0pt;}\n"
                 "@page WordSection1 {size:612.0pt 792.0pt; margin:72.0pt 72.0pt 72.0pt 72.0pt;}\n--></style>")
        return ("<html xmlns:o=\"urn:schemas-microsoft-com:office:office\">\n<head>\n"
                "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\">\n%s\n</head>\n"
                "<body lang=EN-US link=\"#0563C1\" vlink=\"#954F72\">\n<div class=WordSection1>\n%s\n"
                "<table border=0 cellspacing=0 cellpadding=0><tr><td style='padding:0 8pt'>"
                "<img width=120 height=40 src=\"cid:image001.png@01DA6E2B.5C1E7A30\" alt=\"logo\"></td>"
                "<td><b>Customer Operations</b><br>+49 89 1234567</td></tr></table>\n</div>\n</body>\n</html>\n"
                % (charset, style, "\n".join(body)))

    def text_part(self, subtype: str, text: str, charset: str, cte: str | None = None) -> bytes:
        raw = text.encode(charset)
        if cte is None:
            if all(b < 128 for b in raw) and max((len(l) for l in raw.split(b"\n")), default=0) < 998:
                cte = self.rng.choice(["7bit", "7bit", "quoted-printable"])
            else:
                cte = self.rng.choice(["8bit", "quoted-printable", "quoted-printable", "base64"])
        if cte == "quoted-printable":
            body = qp(raw)
        elif cte == "base64":
            body = b64(raw)
        else:
            body = raw if raw.endswith(b"\n") else raw + b"\n"
        fmt = "; format=flowed" if subtype == "plain" and self.rng.random() < 0.15 else ""
        head = "Content-Type: text/%s; charset=\"%s\"%s\nContent-Transfer-Encoding: %s\n\n" % (subtype, charset, fmt, cte)
        return head.encode() + body

    def binary(self, kind: str, size: int) -> bytes:
        rng = self.rng
        if kind == "pdf":
            head = (b"%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
                    b"4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % size)
            tail = b"\nendstream\nendobj\nxref\n0 5\n0000000000 65535 f \ntrailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % size
            return head + rng.randbytes(max(0, size - len(head) - len(tail))) + tail
        if kind == "png":
            def chunk(t: bytes, d: bytes) -> bytes:
                return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
            ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 800 + rng.randrange(1200), 600 + rng.randrange(800), 8, 6, 0, 0, 0))
            data = rng.randbytes(max(0, size - 8 - len(ihdr) - 24))
            return b"\x89PNG\r\n\x1a\n" + ihdr + chunk(b"IDAT", data) + chunk(b"IEND", b"")
        # zip and docx: a local file header then random "deflated" bytes.
        name = b"word/document.xml" if kind == "docx" else b"logs/app-01.log"
        head = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + rng.randbytes(16) + struct.pack("<HH", len(name), 0) + name
        return head + rng.randbytes(max(0, size - len(head) - 22)) + b"PK\x05\x06" + bytes(18)

    def attachment_size(self) -> int:
        # 10 KB .. 2 MB, skewed towards small files (most attachments are screenshots and PDFs).
        u = self.rng.random() ** 2.2
        return int(10_000 * (200 ** u))

    def attachment(self, kind: str, size: int, inline_cid: str | None = None) -> bytes:
        fname = self.rng.choice(FILENAMES[kind])
        data = self.binary(kind, size)
        ctype = MIME_OF[kind]
        style = self.rng.randrange(3)
        if all(ord(c) < 128 for c in fname):
            name_param, file_param = 'name="%s"' % fname, 'filename="%s"' % fname
        elif style == 0:  # Outlook: RFC 2047 inside quoted parameters
            enc = encoded_words(fname, "utf-8", "B").replace("\n ", "")
            name_param, file_param = 'name="%s"' % enc, 'filename="%s"' % enc
        else:  # RFC 2231
            name_param, file_param = rfc2231_param("name", fname), rfc2231_param("filename", fname)
        disp = "inline" if inline_cid else "attachment"
        head = "Content-Type: %s;\n\t%s\nContent-Disposition: %s;\n\t%s; size=%d\nContent-Transfer-Encoding: base64\n" % (
            ctype, name_param, disp, file_param, len(data))
        if inline_cid:
            head += "Content-ID: <%s>\n" % inline_cid
        return head.encode() + b"\n" + b64(data)

    def csv_part(self) -> bytes:
        rows = ["Date;Cost centre;Amount;Currency;Comment"]
        for i in range(self.rng.randint(20, 400)):
            rows.append("2025-03-%02d;CC-%04d;%d.%02d;EUR;%s" % (
                1 + i % 28, self.rng.randrange(10000), self.rng.randrange(100000), self.rng.randrange(100),
                self.rng.choice(["Lizenz", "Schulung \u00dcbersicht", "Support", "Reise M\u00fcnchen", "Hardware"])))
        raw = "\n".join(rows).encode("windows-1252")
        cte = self.rng.choice(["quoted-printable", "base64"])
        body = qp(raw) if cte == "quoted-printable" else b64(raw)
        return ('Content-Type: text/csv; charset=windows-1252; name="kosten.csv"\n'
                'Content-Disposition: attachment; filename="kosten.csv"\n'
                "Content-Transfer-Encoding: %s\n\n" % cte).encode() + body

    def calendar_part(self, subject: str) -> bytes:
        uid = self.token(24)
        ics = ("BEGIN:VCALENDAR\nMETHOD:REQUEST\nPRODID:Microsoft Exchange Server 2010\nVERSION:2.0\n"
               "BEGIN:VEVENT\nORGANIZER;CN=Service Desk:mailto:servicedesk@acme.example\n"
               "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:ops@example.com\n"
               "SUMMARY;LANGUAGE=en-US:%s\nDTSTART;TZID=W. Europe Standard Time:20250310T100000\n"
               "DTEND;TZID=W. Europe Standard Time:20250310T110000\nUID:%s\nSEQUENCE:0\n"
               "LOCATION;LANGUAGE=en-US:Microsoft Teams Meeting\nEND:VEVENT\nEND:VCALENDAR\n") % (subject, uid)
        return ("Content-Type: text/calendar; charset=\"utf-8\"; method=REQUEST\n"
                "Content-Transfer-Encoding: base64\n\n").encode() + b64(ics.encode())

    @staticmethod
    def multipart(subtype: str, parts: list, boundary: str, extra: str = "") -> bytes:
        out = [("Content-Type: multipart/%s;\n\tboundary=\"%s\"%s\n\n" % (subtype, boundary, extra)).encode()]
        out.append(b"This is a multi-part message in MIME format.\n\n")
        for p in parts:
            out.append(b"--" + boundary.encode() + b"\n" + p)
            if not p.endswith(b"\n"):
                out.append(b"\n")
            out.append(b"\n")
        out.append(b"--" + boundary.encode() + b"--\n")
        return b"".join(out)

    def boundary(self) -> str:
        style = self.rng.randrange(3)
        if style == 0:
            return "000000000000" + self.token(16, "0123456789abcdef")
        if style == 1:
            return "_%03d_%s_" % (self.rng.randrange(1000), self.token(30, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
        return "----=_Part_%d_%d.%d" % (self.rng.randrange(10 ** 6), self.rng.randrange(10 ** 9), 1700000000000 + self.ids)

    # --- headers
    def trace_headers(self, domain: str, minute: int) -> str:
        lines = []
        hops = self.rng.randint(2, 6)
        for i in range(hops):
            host = "mail-%s.%s" % (self.token(6, "abcdefghijklmnopqrstuvwxyz0123456789"), self.rng.choice(DOMAINS))
            ip = "203.0.113.%d" % self.rng.randrange(1, 255)
            lines.append("Received: from %s (%s [%s])\n\tby mx%d.acme.example (Postfix) with ESMTPS id %s\n\tfor <support@acme.example>; %s"
                         % (host, host, ip, i + 1, self.token(10, "0123456789ABCDEF"), self.date(minute - i)))
        if self.rng.random() < 0.7:
            sig = self.token(344, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
            lines.append("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=selector1;\n"
                         "\th=from:to:subject:date:message-id:mime-version:content-type;\n"
                         "\tbh=%s=;\n\tb=%s" % (domain, self.token(43), "\n\t ".join(sig[i:i + 70] for i in range(0, len(sig), 70))))
        if self.rng.random() < 0.4:
            lines.append("ARC-Seal: i=1; a=rsa-sha256; s=arcselector9901; d=microsoft.com; cv=none;\n\tb=%s" % self.token(120))
            lines.append("ARC-Authentication-Results: i=1; mx.microsoft.com 1; spf=pass\n\tsmtp.mailfrom=%s; dmarc=pass action=none\n\theader.from=%s; dkim=pass header.d=%s; arc=none" % (domain, domain, domain))
        lines.append("Authentication-Results: mx1.acme.example;\n\tdkim=pass header.d=%s header.s=selector1;\n\tspf=pass smtp.mailfrom=%s;\n\tdmarc=pass (p=QUARANTINE) header.from=%s" % (domain, domain, domain))
        return "\n".join(lines)

    def headers(self, minute: int, subject_prefix: str = "", extra: list | None = None, trace: bool = True):
        name, cs, addr = self.person()
        domain = addr.split("@")[1]
        subj_cs = self.pick_charset() if self.rng.random() < 0.35 else "us-ascii"
        if subj_cs in CHARSET_SUBJECTS:
            subject = self.rng.choice(CHARSET_SUBJECTS[subj_cs])
        else:
            subject = self.rng.choice(SUBJECTS)
            subj_cs = "us-ascii"
        if self.rng.random() < 0.5:
            subject = "[ACME-%d] %s" % (self.rng.randrange(100, 9999), subject)
        subject = subject_prefix + subject
        if subj_cs == "us-ascii":
            subject_h = subject
        elif self.rng.random() < 0.3 and subject.startswith(subject_prefix) and subject_prefix:
            subject_h = subject_prefix + header_text(self.rng, subject[len(subject_prefix):], subj_cs)
        else:
            subject_h = header_text(self.rng, subject, subj_cs)
        to = [self.mailbox("Acme Support", "us-ascii", "support@acme.example")]
        for _ in range(self.rng.randint(0, 3)):
            to.append(self.mailbox(*self.person()))
        lines = []
        if trace:
            lines.append("Return-Path: <%s>" % addr)
            lines.append(self.trace_headers(domain, minute))
        lines.append("From: %s" % self.mailbox(name, cs, addr))
        lines.append(fold("To", to))
        if self.rng.random() < 0.4:
            lines.append(fold("Cc", [self.mailbox(*self.person()) for _ in range(self.rng.randint(1, 4))]))
        lines.append("Subject: %s" % subject_h)
        lines.append("Date: %s" % self.date(minute))
        lines.append("Message-ID: %s" % self.msgid(domain))
        if subject_prefix:
            refs = [self.msgid(self.rng.choice(DOMAINS)) for _ in range(self.rng.randint(1, 8))]
            lines.append("In-Reply-To: %s" % refs[-1])
            lines.append(fold("References", refs, " "))
        if self.rng.random() < 0.4:
            lines.append("Thread-Topic: %s" % subject_h.split("\n")[0])
            lines.append("Thread-Index: %s" % self.token(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"))
            lines.append("X-MS-Exchange-Organization-SCL: 1")
            lines.append("X-MS-Has-Attach: %s" % self.rng.choice(["yes", ""]))
            lines.append("X-MS-TNEF-Correlator:")
            lines.append("x-ms-exchange-transport-fromentityheader: Hosted")
        lines.append("X-Mailer: %s" % self.rng.choice(["Microsoft Outlook 16.0", "Apple Mail (2.3774.500.171.1.1)",
                                                        "Thunderbird 128.3.1", "Gmail", "Zimbra 9.0"]))
        for e in extra or []:
            lines.append(e)
        lines.append("MIME-Version: 1.0")
        return "\n".join(lines) + "\n", subject, name

    # --- whole messages
    def body_alternative(self, charset: str, sender: str, depth: int) -> bytes:
        text = self.plain_reply(charset, sender, depth)
        html = self.html_of(text, charset)
        return self.multipart("alternative", [self.text_part("plain", text, charset),
                                              self.text_part("html", html, charset)], self.boundary())

    def body_related(self, charset: str, sender: str, depth: int) -> bytes:
        alt = self.body_alternative(charset, sender, depth)
        logo = self.attachment("png", self.rng.randint(3_000, 40_000), inline_cid="image001.png@01DA6E2B.5C1E7A30")
        return self.multipart("related", [alt, logo], self.boundary(), '; type="multipart/alternative"')

    def message(self, kind: str, minute: int, nest: int = 0) -> bytes:
        rng = self.rng
        charset = self.pick_charset()
        reply = kind in ("reply", "alternative", "related", "attach") and rng.random() < 0.7
        extra = []
        if kind == "notification":
            extra = ["Auto-Submitted: auto-generated", "Precedence: bulk",
                     "List-Id: Acme Status <status.acme.example>",
                     "List-Unsubscribe: <mailto:unsubscribe@acme.example?subject=unsubscribe>, <https://acme.example/u/%s>" % self.token(24)]
        head, subject, sender = self.headers(minute, "Re: " if reply else ("Fwd: " if kind == "forward" else ""), extra,
                                             trace=nest == 0)
        depth = rng.randint(1, 4) if reply else 0
        if kind == "reply":
            body = self.text_part("plain", self.plain_reply(charset, sender, depth), charset)
        elif kind == "alternative":
            body = self.body_alternative(charset, sender, depth)
        elif kind == "related":
            body = self.body_related(charset, sender, depth)
        elif kind == "attach":
            first = rng.choice([self.body_alternative, self.body_related,
                                lambda c, s, d: self.text_part("plain", self.plain_reply(c, s, d), c)])(charset, sender, depth)
            parts = [first]
            for _ in range(rng.choices([1, 2, 3], [60, 28, 12])[0]):
                k = rng.choices(["pdf", "png", "zip", "docx", "csv"], [40, 30, 10, 12, 8])[0]
                parts.append(self.csv_part() if k == "csv" else self.attachment(k, self.attachment_size()))
            body = self.multipart("mixed", parts, self.boundary())
        elif kind == "forward":
            inner_kind = rng.choice(["reply", "alternative", "attach"] + (["forward"] if nest < 1 else []))
            inner = self.message(inner_kind, minute - 600, nest + 1)
            intro = self.text_part("plain", "\n".join(self.wrap(" ".join(self.sentences("us-ascii", 2)))) +
                                   "\n\nSee the forwarded message below.\n", "us-ascii")
            body = self.multipart("mixed", [intro, b"Content-Type: message/rfc822\nContent-Disposition: inline\n\n" + inner],
                                  self.boundary())
        elif kind == "calendar":
            text = self.plain_reply(charset, sender, 0)
            body = self.multipart("alternative", [self.text_part("plain", text, charset),
                                                  self.text_part("html", self.html_of(text, charset), charset),
                                                  self.calendar_part(subject)], self.boundary())
        elif kind == "bounce":
            original = self.message("alternative", minute - 5, nest + 1)
            status = ("Reporting-MTA: dns; mx1.acme.example\nArrival-Date: %s\n\nFinal-Recipient: rfc822; nobody@%s\n"
                      "Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <nobody@%s>: Recipient address rejected: User unknown\n"
                      % (self.date(minute - 5), rng.choice(DOMAINS), rng.choice(DOMAINS)))
            notice = self.text_part("plain", "This is the mail system at host mx1.acme.example.\n\n"
                                             "I'm sorry to have to inform you that your message could not\n"
                                             "be delivered to one or more recipients.\n", "us-ascii", "7bit")
            third = (b"Content-Type: message/rfc822\n\n" + original if rng.random() < 0.5 else
                     b"Content-Type: text/rfc822-headers\n\n" + original.split(b"\n\n", 1)[0] + b"\n")
            body = self.multipart("report", [notice, b"Content-Type: message/delivery-status\n\n" + status.encode(), third],
                                  self.boundary(), "; report-type=delivery-status")
        else:  # notification: HTML only, base64 (bulk senders), sometimes a long table
            rows = "".join("<tr><td>%s</td><td>%s</td><td style=\"color:#%06x\">%s</td></tr>\n" % (
                self.date(minute - i * 7), rng.choice(SUBJECTS), rng.randrange(1 << 24), rng.choice(["Open", "Resolved", "Waiting"]))
                for i in range(rng.randint(5, 300)))
            html = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Status</title></head><body>"
                    "<table width=\"100%%\" cellpadding=\"4\">\n%s</table><p>%s</p></body></html>\n" % (rows, " ".join(self.sentences("utf-8", 3))))
            body = self.text_part("html", html, "utf-8", "base64")
        return head.encode() + body

    def big_message(self, target: int) -> bytes:
        head, subject, sender = self.headers(0, "Re: ")
        text = self.plain_reply("utf-8", sender, 4)
        alt = self.multipart("alternative", [self.text_part("plain", text, "utf-8", "quoted-printable"),
                                             self.text_part("html", self.html_of(text, "utf-8"), "utf-8", "quoted-printable")],
                             self.boundary())
        kinds = ["pdf", "png", "zip", "pdf", "docx", "png"]
        shares = [0.30, 0.20, 0.18, 0.14, 0.10, 0.08]
        fixed = len(head) + len(alt) + 2000
        raw_total = max(0, target - fixed) * 57 // 78  # base64: 76 characters + CRLF per 57 bytes
        parts = [alt] + [self.attachment(k, int(raw_total * s)) for k, s in zip(kinds, shares)]
        return head.encode() + self.multipart("mixed", parts, self.boundary())


KINDS = [("reply", 20), ("alternative", 22), ("related", 10), ("attach", 24), ("forward", 9),
         ("calendar", 4), ("bounce", 4), ("notification", 7)]


def line_ends(rng: random.Random, data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n") if rng.random() < 0.67 else data


# ------------------------------------------------------------------ corpus assembly

def source_files():
    """(destination relative path, source path) of every copied message."""
    out = []
    if FIXTURES.is_dir():
        for p in sorted(FIXTURES.rglob("*")):
            if p.is_file() and p.name not in SKIP_NAMES and not p.name.startswith("."):
                out.append(("fixtures/" + "__".join(p.relative_to(FIXTURES).parts), p))
    if TESTS_CORPUS.is_dir():
        for p in sorted(TESTS_CORPUS.rglob("*")):
            if p.is_file() and not p.name.startswith("."):
                out.append(("tests/" + "__".join(p.relative_to(TESTS_CORPUS).parts), p))
    return out


def fingerprint(*parts, files=()) -> str:
    h = hashlib.sha256(Path(__file__).read_bytes())
    for p in parts:
        h.update(repr(p).encode())
    for rel, path in files:
        h.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def ensure_gitignored(path: Path):
    """Keep the generated data out of git: a `*` .gitignore in .bench/ (or the output dir)."""
    for d in [path] + list(path.parents):
        if d.name == ".bench":
            gi = d / ".gitignore"
            if not gi.exists():
                d.mkdir(parents=True, exist_ok=True)
                gi.write_text("*\n")
            return


def build_corpus(out: Path, count: int, seed: int, force: bool):
    files = source_files()
    stamp = fingerprint("corpus", seed, count, files=files)
    stamp_file = out.with_name("." + out.name + ".stamp")
    if not force and stamp_file.is_file() and stamp_file.read_text().strip() == stamp:
        report(out, "up to date")
        return
    if out.exists() and any(out.iterdir()) and not stamp_file.is_file():
        sys.exit("mime_corpus.py: %s exists, is not empty and has no %s; not overwriting it" % (out, stamp_file.name))
    ensure_gitignored(out)
    tmp = out.with_name(".%s.tmp.%d" % (out.name, os.getpid()))  # two builds at once do not clash
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for rel, path in files:
        dest = tmp / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    gen = Gen(seed)
    names, weights = zip(*KINDS)
    (tmp / "generated").mkdir()
    for i in range(count):
        kind = gen.rng.choices(names, weights)[0]
        data = line_ends(gen.rng, gen.message(kind, i * 37))
        (tmp / "generated" / ("%03d-%s.eml" % (i, kind))).write_bytes(data)
    stamp_file.unlink(missing_ok=True)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    stamp_file.write_text(stamp + "\n")
    report(out, "built (seed %d, %d generated, %d copied)" % (seed, count, len(files)))


def report(out: Path, what: str):
    sizes = [p.stat().st_size for p in out.rglob("*")
             if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)]
    print("mime corpus %s: %s, %d files, %.1f MB" % (out, what, len(sizes), sum(sizes) / 1e6))
    print("corpus_files=%d" % len(sizes))
    print("corpus_bytes=%d" % sum(sizes))


def build_big(path: Path, megabytes: float, seed: int, force: bool):
    stamp = fingerprint("big", seed, megabytes)
    stamp_file = path.with_name("." + path.name + ".stamp")
    if not (force or not path.is_file() or not stamp_file.is_file() or stamp_file.read_text().strip() != stamp):
        print("big message %s: up to date, %.1f MB" % (path, path.stat().st_size / 1e6))
        return
    ensure_gitignored(path.parent)
    path.parent.mkdir(parents=True, exist_ok=True)
    gen = Gen(seed + 1)
    data = gen.big_message(int(megabytes * 1e6)).replace(b"\n", b"\r\n")
    tmp = path.with_name(".%s.tmp.%d" % (path.name, os.getpid()))
    tmp.write_bytes(data)
    tmp.rename(path)
    stamp_file.write_text(stamp + "\n")
    print("big message %s: built, %.1f MB" % (path, len(data) / 1e6))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", nargs="?", default=str(REPO / ".bench" / "mime-corpus"), help="corpus directory")
    ap.add_argument("--count", type=int, default=300, help="generated messages (default 300)")
    ap.add_argument("--seed", type=int, default=20250303, help="RNG seed")
    ap.add_argument("--big", metavar="FILE", help="write one big message to FILE instead of the corpus")
    ap.add_argument("--megabytes", type=float, default=25, help="size of the --big message in 10^6 bytes (default 25)")
    ap.add_argument("--force", action="store_true", help="rebuild even when the stamp matches")
    args = ap.parse_args()
    if args.big:
        build_big(Path(args.big).absolute(), args.megabytes, args.seed, args.force)
    else:
        build_corpus(Path(args.dir).absolute(), args.count, args.seed, args.force)


if __name__ == "__main__":
    main()
