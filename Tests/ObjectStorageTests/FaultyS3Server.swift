import Foundation
import TestSupport

@testable import ObjectStorage

/// A tiny fault-injecting S3 endpoint for one test: a Python subprocess on a free loopback port
/// that answers each request from a scripted sequence of replies chosen by method, path and
/// query, and records every request (method, path, query) in a log file the test reads.
///
/// The server exits when its standard input closes: when ``stop()`` runs or the test process ends.
/// Built on ``SubprocessServer``, whose port line it prints.
final class FaultyS3Server: Sendable {
    /// One scripted reply.
    struct Reply: Encodable, Sendable {
        var status: Int
        /// An S3 error code; the body is then `<Error><Code>…</Code><Message>…</Message></Error>`.
        var code: String?
        var message: String?
        var headers: [String: String] = [:]
        var body: String = ""
        /// When set, only this many bytes of the body are sent before the connection is closed,
        /// although `Content-Length` announces the whole body.
        var truncateAfter: Int?
        /// Seconds to wait before replying.
        var delay: Double?

        static func error(_ status: Int, _ code: String, _ message: String = "injected fault") -> Reply {
            Reply(status: status, code: code, message: message)
        }

        static func ok(etag: String? = nil, body: String = "") -> Reply {
            Reply(status: 200, headers: etag.map { ["ETag": "\"\($0)\""] } ?? [:], body: body)
        }

        static func status(_ status: Int, body: String = "") -> Reply {
            Reply(status: status, body: body)
        }

        /// A 200 whose body is cut off after `bytes` bytes by closing the connection.
        static func truncated(body: String, after bytes: Int) -> Reply {
            Reply(status: 200, body: body, truncateAfter: bytes)
        }
    }

    /// The replies to the requests with `method` on `path`, and with the query parameter `query`
    /// when given; the n-th matching request gets the n-th reply, later ones the last.
    struct Rule: Encodable, Sendable {
        var method: String
        var path: String
        var query: String?
        var replies: [Reply]
    }

    /// One request as the server saw it.
    struct Request: Decodable, Sendable, Equatable, CustomStringConvertible {
        var method: String
        var path: String
        /// The query parameters, by name (`""` for a bare name such as `uploads`).
        var query: [String: String]

        var description: String { "\(method) \(path)\(query.isEmpty ? "" : "?\(query)")" }
    }

    let baseURL: URL
    private let server: SubprocessServer.Started
    private let logFile: URL
    private let directory: URL

    private init(server: SubprocessServer.Started, logFile: URL, directory: URL) {
        self.baseURL = URL(string: "http://127.0.0.1:\(server.port)")!
        self.server = server
        self.logFile = logFile
        self.directory = directory
    }

    /// Starts a server that answers by `rules`; requests no rule matches get 404 `NoSuchKey`.
    static func start(_ rules: [Rule]) async throws -> FaultyS3Server {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("faulty-s3-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let logFile = directory.appendingPathComponent("requests.jsonl")
        let rulesJSON = String(decoding: try JSONEncoder().encode(rules), as: UTF8.self)
        let server = try await SubprocessServer.start(
            ["python3", "-c", script, rulesJSON, logFile.path], name: "the fault-injecting S3 server",
            standardError: .nullDevice)
        return FaultyS3Server(server: server, logFile: logFile, directory: directory)
    }

    /// Runs `body` with a server answering by `rules`, stopped afterwards.
    static func with<T>(_ rules: [Rule], _ body: (FaultyS3Server) async throws -> T) async throws -> T {
        let server = try await start(rules)
        do {
            let value = try await body(server)
            await server.stop()
            return value
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Every request so far, in the order received (each is logged before it is answered).
    func requests() throws -> [Request] {
        guard let data = FileManager.default.contents(atPath: logFile.path) else { return [] }
        let decoder = JSONDecoder()
        return try data.split(separator: UInt8(ascii: "\n")).map { try decoder.decode(Request.self, from: Data($0)) }
    }

    /// An S3 store for bucket `bucket` on this server, with tiny back-offs so retries are quick.
    func store(bucket: String = "faulty", maxAttempts: Int = 4, multipartThreshold: Int64 = 16 << 20) throws -> S3ObjectStore {
        try S3ObjectStore(configuration: S3ObjectStore.Configuration(
            endpoint: baseURL,
            region: "us-east-1",
            bucket: bucket,
            credentials: SigV4Credentials(accessKeyID: "test", secretAccessKey: "test"),
            multipartThreshold: multipartThreshold,
            maxAttempts: maxAttempts,
            initialBackoff: .milliseconds(1),
            maxBackoff: .milliseconds(5)
        ))
    }

    /// Ends the server and waits (suspending, not blocking) until it has exited, so its port is
    /// closed when this returns.
    func stop() async {
        server.closeInput()
        if server.process.isRunning { server.process.terminate() }
        _ = await server.exit.status
        try? FileManager.default.removeItem(at: directory)
    }

    private static let script = #"""
import http.server, json, os, sys, threading, time
from urllib.parse import urlsplit, parse_qsl

rules = json.loads(sys.argv[1])
log_path = sys.argv[2]
counts = [0] * len(rules)
lock = threading.Lock()

def xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        reply = None
        with lock:
            with open(log_path, "a") as log:
                log.write(json.dumps({"method": self.command, "path": parts.path, "query": query}) + "\n")
            for index, rule in enumerate(rules):
                if rule["method"] == self.command and rule["path"] == parts.path and (rule.get("query") is None or rule["query"] in query):
                    replies = rule["replies"]
                    reply = replies[min(counts[index], len(replies) - 1)]
                    counts[index] += 1
                    break
        if reply is not None and reply.get("delay"):
            time.sleep(reply["delay"])
        if reply is None:
            reply = {"status": 404, "code": "NoSuchKey", "message": "no rule matches", "headers": {}, "body": ""}
        body = reply.get("body", "")
        if reply.get("code") is not None:
            body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message><RequestId>FAULTY</RequestId></Error>" % (
                xml_escape(reply["code"]), xml_escape(reply.get("message") or ""))
        data = body.encode("utf-8")
        self.send_response(reply["status"])
        for name, value in (reply.get("headers") or {}).items():
            self.send_header(name, value)
        if reply.get("code") is not None:
            self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if reply.get("truncateAfter") is not None:
            self.wfile.write(data[:reply["truncateAfter"]])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any

class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)

def watch_parent():
    sys.stdin.buffer.read()
    os._exit(0)

threading.Thread(target=watch_parent, daemon=True).start()
server.serve_forever()
"""#
}
