#!/usr/bin/env python3
"""A fast SMTP sink for the outbound benchmark, and a blaster that measures it alone.

serve: a minimal asyncio SMTP server (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; AUTH PLAIN
and LOGIN accepted whatever the credentials; no TLS). Every accepted message is counted and
written as one line to --log:

    <arrival unix time>\t<Message-ID>\t<X-Mailbridge-Issue>\t<envelope recipients, comma-separated>

The log is flushed every 100 ms (and at exit), so a reader sees a message at most ~0.1 s late;
the arrival time in the line is exact.

blast: N connections each sending small messages in sequence (EHLO once, then MAIL, RCPT, DATA
per message, waiting for every reply, as libcurl does) to a sink; prints smtp_sink_per_s and
smtp_sink_messages. Its recipients are blast-<n>@blast.invalid, so readers can tell them apart.

Usage: smtp_sink.py serve --port P --log FILE [--host 127.0.0.1] [--port-file FILE]
       smtp_sink.py blast --port P [--messages 20000] [--connections 16]
"""

import argparse
import asyncio
import os
import signal
import sys
import time


class SinkProtocol(asyncio.Protocol):
    """One SMTP session. Commands and the message are parsed from a byte buffer, so pipelined
    commands work too."""

    def __init__(self, sink):
        self.sink = sink
        self.buffer = b""
        self.in_data = False
        self.auth_step = None  # None, "plain" or "login-user"/"login-pass"
        self.reset()

    def reset(self):
        self.mail_from = None
        self.rcpts = []

    def connection_made(self, transport):
        self.transport = transport
        transport.write(b"220 bench-sink ESMTP ready\r\n")

    def data_received(self, data):
        self.buffer += data
        while True:
            if self.in_data:
                # The message ends with CRLF . CRLF; the CRLF before the dot is the message's last.
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    if self.buffer.startswith(b".\r\n"):  # an empty message
                        self.buffer = self.buffer[3:]
                        self.finish_message(b"")
                        continue
                    return
                message, self.buffer = self.buffer[: end + 2], self.buffer[end + 5 :]
                self.finish_message(message)
                continue
            line_end = self.buffer.find(b"\r\n")
            if line_end < 0:
                if len(self.buffer) > 4096:
                    self.reply(b"500 line too long")
                    self.transport.close()
                return
            line, self.buffer = self.buffer[:line_end], self.buffer[line_end + 2 :]
            self.command(line)

    def reply(self, text):
        self.transport.write(text + b"\r\n")

    def command(self, line):
        if self.auth_step is not None:
            step, self.auth_step = self.auth_step, None
            if step == "login-user":
                self.auth_step = "login-pass"
                self.reply(b"334 UGFzc3dvcmQ6")
            else:
                self.reply(b"235 2.7.0 accepted")
            return
        verb = line[:4].upper()
        if verb == b"EHLO":
            self.reset()
            self.transport.write(b"250-bench-sink\r\n250-8BITMIME\r\n250-SIZE 104857600\r\n250 AUTH PLAIN LOGIN\r\n")
        elif verb == b"HELO":
            self.reset()
            self.reply(b"250 bench-sink")
        elif verb == b"MAIL":
            self.reset()
            self.mail_from = line[10:]
            self.reply(b"250 2.1.0 OK")
        elif verb == b"RCPT":
            if self.mail_from is None:
                self.reply(b"503 5.5.1 MAIL first")
                return
            address = line[8:].split(b" ", 1)[0].strip(b"<>").decode("utf-8", "replace")
            self.rcpts.append(address)
            self.reply(b"250 2.1.5 OK")
        elif verb == b"DATA":
            if not self.rcpts:
                self.reply(b"503 5.5.1 RCPT first")
                return
            self.in_data = True
            self.reply(b"354 end with <CRLF>.<CRLF>")
        elif verb == b"RSET":
            self.reset()
            self.reply(b"250 2.0.0 OK")
        elif verb == b"NOOP":
            self.reply(b"250 2.0.0 OK")
        elif verb == b"QUIT":
            self.reply(b"221 2.0.0 bye")
            self.transport.close()
        elif verb == b"AUTH":
            parts = line.split()
            mechanism = parts[1].upper() if len(parts) > 1 else b""
            if mechanism == b"PLAIN":
                if len(parts) > 2:
                    self.reply(b"235 2.7.0 accepted")
                else:
                    self.auth_step = "plain"
                    self.reply(b"334 ")
            elif mechanism == b"LOGIN":
                if len(parts) > 2:
                    self.auth_step = "login-pass"
                    self.reply(b"334 UGFzc3dvcmQ6")
                else:
                    self.auth_step = "login-user"
                    self.reply(b"334 VXNlcm5hbWU6")
            else:
                self.reply(b"504 5.5.4 mechanism not supported")
        else:
            self.reply(b"502 5.5.2 command not implemented")

    def finish_message(self, message):
        self.in_data = False
        self.sink.record(message, self.rcpts)
        self.reset()
        self.reply(b"250 2.0.0 queued")


def header_values(message, names):
    """The first value of each header in `names` (lower-case bytes), unfolded; "-" when absent."""
    head_end = message.find(b"\r\n\r\n")
    head = message if head_end < 0 else message[:head_end]
    found = {}
    current = None
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            if current is not None:
                found[current] += b" " + line.strip()
            continue
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        current = name if name in names and name not in found else None
        if current is not None:
            found[current] = value.strip()
    return [found.get(name, b"-").decode("utf-8", "replace") for name in names]


class Sink:
    def __init__(self, log_path):
        self.log = open(log_path, "a", buffering=1 << 20)
        self.count = 0

    def record(self, message, rcpts):
        self.count += 1
        message_id, issue = header_values(message, (b"message-id", b"x-mailbridge-issue"))
        self.log.write(f"{time.time():.6f}\t{message_id}\t{issue}\t{','.join(rcpts)}\n")

    async def flush_forever(self):
        while True:
            await asyncio.sleep(0.1)
            self.log.flush()


async def serve(args):
    sink = Sink(args.log)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SinkProtocol(sink), args.host, args.port, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    flusher = asyncio.create_task(sink.flush_forever())
    print(f"smtp_sink listening on {args.host}:{port}", file=sys.stderr, flush=True)
    await stop.wait()
    flusher.cancel()
    server.close()
    sink.log.flush()
    sink.log.close()
    print(f"smtp_sink stopped after {sink.count} messages", file=sys.stderr, flush=True)


async def blast_connection(host, port, index, count, sent):
    reader, writer = await asyncio.open_connection(host, port)

    async def expect(code):
        while True:
            line = await reader.readline()
            if not line:
                raise RuntimeError(f"blast connection {index}: the sink closed the connection")
            if not line.startswith(code):
                raise RuntimeError(f"blast connection {index}: expected {code!r}, got {line!r}")
            if line[3:4] != b"-":
                return

    await expect(b"220")
    writer.write(b"EHLO blaster\r\n")
    await expect(b"250")
    body = (b"From: blaster@blast.invalid\r\nSubject: blast\r\nMessage-ID: <blast.%d.%%d@blast.invalid>\r\n\r\n" % index) + b"x" * 900 + b"\r\n"
    for n in range(count):
        writer.write(b"MAIL FROM:<blaster@blast.invalid>\r\n")
        await expect(b"250")
        writer.write(b"RCPT TO:<blast-%d@blast.invalid>\r\n" % index)
        await expect(b"250")
        writer.write(b"DATA\r\n")
        await expect(b"354")
        writer.write((body % n) + b".\r\n")
        await expect(b"250")
        sent[0] += 1
    writer.write(b"QUIT\r\n")
    await expect(b"221")
    writer.close()


async def blast(args):
    sent = [0]
    per = [args.messages // args.connections + (1 if i < args.messages % args.connections else 0) for i in range(args.connections)]
    started = time.monotonic()
    await asyncio.gather(*(blast_connection(args.host, args.port, i, n, sent) for i, n in enumerate(per)))
    seconds = time.monotonic() - started
    if sent[0] != args.messages:
        sys.exit(f"blast: {sent[0]} of {args.messages} messages accepted")
    print(f"smtp_sink_messages={sent[0]}")
    print(f"smtp_sink_connections={args.connections}")
    print(f"smtp_sink_per_s={sent[0] / seconds:.0f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    s = commands.add_parser("serve")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--log", required=True)
    s.add_argument("--port-file")
    b = commands.add_parser("blast")
    b.add_argument("--host", default="127.0.0.1")
    b.add_argument("--port", type=int, required=True)
    b.add_argument("--messages", type=int, default=20000)
    b.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(serve(args) if args.command == "serve" else blast(args))


if __name__ == "__main__":
    main()
