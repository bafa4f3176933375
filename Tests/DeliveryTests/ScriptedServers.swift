import Foundation
import TestSupport

/// A private aiosmtpd server for failure tests (no TLS, no AUTH), run as a subprocess that ends
/// with the test process. Recipients steer it by their local part:
/// - `refuse…@…`: `550 5.1.1` at `RCPT TO`;
/// - `defer<N>-…@…`: `451 4.3.0` for the first N `RCPT TO`s of that address, then accepted;
/// - `slow…@…`: accepted after 1.5 s at `DATA` (sessions overlap, even on a busy machine).
/// Every accepted message is written to `<directory>/<recipient>/<n>.eml`; the most sessions
/// open at once so far, to `<directory>/most-sessions`.
final class ScriptedSMTPServer {
    let port: Int
    let directory: URL
    private let server: SubprocessServer.Started

    static let script = #"""
import asyncio, os, sys
from aiosmtpd.smtp import SMTP

root = sys.argv[1]
deferred = {}
sessions = {"now": 0, "most": 0}

class CountingSMTP(SMTP):
    def connection_made(self, transport):
        sessions["now"] += 1
        sessions["most"] = max(sessions["most"], sessions["now"])
        with open(os.path.join(root, "most-sessions"), "w") as f:
            f.write(str(sessions["most"]))
        super().connection_made(transport)

    def connection_lost(self, error):
        sessions["now"] -= 1
        super().connection_lost(error)

class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("refuse"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if local.startswith("defer"):
            limit = int(local[5:].split("-")[0])
            seen = deferred.get(address, 0)
            if seen < limit:
                deferred[address] = seen + 1
                return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(rcpt.split("@")[0].lower().startswith("slow") for rcpt in envelope.rcpt_tos):
            await asyncio.sleep(1.5)
        for rcpt in envelope.rcpt_tos:
            folder = os.path.join(root, rcpt.lower())
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "%d.eml" % len(os.listdir(folder))), "wb") as f:
                f.write(envelope.original_content)
        return "250 2.0.0 accepted"

async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: CountingSMTP(Handler(), hostname="localhost", enable_SMTPUTF8=True), host="127.0.0.1", port=0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await loop.run_in_executor(None, sys.stdin.read)

asyncio.run(main())
"""#

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("scripted-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        server = try await SubprocessServer.start(
            [Self.python, "-c", Self.script, directory.path], name: "the scripted SMTP server")
        port = server.port
    }

    /// How many messages the server accepted for `recipient`.
    func acceptedCount(_ recipient: String) -> Int {
        let folder = directory.appendingPathComponent(recipient.lowercased())
        return (try? FileManager.default.contentsOfDirectory(atPath: folder.path).count) ?? 0
    }

    /// The most SMTP sessions the server had open at once.
    var mostSessions: Int {
        let text = try? String(contentsOf: directory.appendingPathComponent("most-sessions"), encoding: .utf8)
        return text.flatMap { Int($0) } ?? 0
    }

    /// Closes the server's input, so it ends; its folder goes once it has (without waiting here).
    func stop() {
        server.closeInput()
        server.exit.whenExited { [directory] _ in try? FileManager.default.removeItem(at: directory) }
    }

    /// The project's Python (it has aiosmtpd).
    static var python: String {
        FileManager.default.currentDirectoryPath + "/.deps/venv/bin/python"
    }
}

/// A stand-in for Google's OAuth token endpoint: `POST /token` with
/// `grant_type=refresh_token&refresh_token=R&client_id=…&client_secret=…` answers
/// `{"access_token": …, "expires_in": 3600}` when R and the client secret are right, else 400
/// `invalid_grant`. It hands out the tokens given on its command line in turn (the last one
/// repeats), and counts the exchanges at `GET /count`.
final class TokenEndpoint {
    let port: Int
    private let server: SubprocessServer.Started

    static let script = #"""
import http.server, json, sys, threading, urllib.parse

refresh, secret = sys.argv[1], sys.argv[2]
tokens = sys.argv[3:]
state = {"count": 0}
lock = threading.Lock()

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        with lock:
            self.answer(200, {"count": state["count"]})
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != refresh or form.get("client_secret") != secret:
            self.answer(400, {"error": "invalid_grant"})
            return
        with lock:
            token = tokens[min(state["count"], len(tokens) - 1)]
            state["count"] += 1
        self.answer(200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"})

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
"""#

    init(refreshToken: String, clientSecret: String, tokens: [String]) async throws {
        server = try await SubprocessServer.start(
            ["python3", "-c", Self.script, refreshToken, clientSecret] + tokens, name: "the OAuth token endpoint")
        port = server.port
    }

    var url: String { "http://127.0.0.1:\(port)/token" }

    /// Closes the endpoint's input, so it ends (without waiting here).
    func stop() {
        server.closeInput()
    }
}
