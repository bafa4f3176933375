import Foundation
import TestSupport

/// The tests' real HTTP server: a Python subprocess (see `script`), started once per test process.
actor HTTPTestServer {
    /// Plain HTTP.
    static let shared = HTTPTestServer(tls: false)
    /// HTTPS with a self-signed certificate for 127.0.0.1 (see ``caFile()``).
    static let tls = HTTPTestServer(tls: true)

    private let usesTLS: Bool
    private var process: Process?
    private var stdin: Pipe?
    private var baseURL: URL?
    private var starting: Task<URL, Error>?
    private var certificate: URL?

    private init(tls: Bool) {
        self.usesTLS = tls
    }

    /// `path` on the server, starting the server on first use.
    func url(_ path: String) async throws -> URL {
        // One start, however many tests ask at once (the actor is re-entered while it starts).
        let starting = self.starting ?? Task { try await start() }
        self.starting = starting
        let base = try await starting.value
        return URL(string: path, relativeTo: base)!.absoluteURL
    }

    /// The PEM certificate that the TLS server presents (its own CA), starting the server on first use.
    func caFile() async throws -> String {
        _ = try await url("/")
        guard let certificate else {
            throw TestServerError(message: "the plain HTTP server has no certificate")
        }
        return certificate.path
    }

    private func start() async throws -> URL {
        var arguments = ["python3", "-c", Self.script]
        if usesTLS {
            let certificate = try temporaryFile("cert.pem")
            let key = certificate.deletingLastPathComponent().appendingPathComponent("key.pem")
            _ = try await runCommand([
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.path, "-out", certificate.path,
            ])
            arguments += [certificate.path, key.path]
            self.certificate = certificate
        }
        let server = try await SubprocessServer.start(arguments, name: "the HTTP test server")
        let url = URL(string: "\(usesTLS ? "https" : "http")://127.0.0.1:\(server.port)")!
        self.process = server.process
        self.stdin = server.input
        self.baseURL = url
        return url
    }
}

struct TestServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
