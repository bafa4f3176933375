import Crypto
import Curl
import Foundation

extension S3ObjectStore {
    /// Sends `request` with retries and returns the response when it is 2xx or in `accepting`
    /// and `check` accepts it. `check` runs inside the retry loop, so an error it throws that is
    /// retriable (S3's failures inside a 200 reply) is retried like a 5xx.
    ///
    /// - Throws: ``ObjectStorageError`` with S3's code and message for any other status, code
    ///   `Transport` for a failed exchange; both after the last attempt when retriable.
    func send(
        _ request: S3Request, _ context: String, accepting: Set<Int> = [], check: (HTTPResponse) throws -> Void = { _ in }
    ) async throws -> HTTPResponse {
        try await withRetries(context) { () async throws -> HTTPResponse in
            let response: HTTPResponse
            do {
                response = try await client.execute(signed(request))
            } catch let error as CurlError {
                throw Self.transportError(error, context)
            }
            guard response.isSuccess || accepting.contains(response.status) else {
                throw Self.error(status: response.status, body: response.body, context)
            }
            try check(response)
            return response
        }
    }

    /// Sends `request` and streams a 2xx body into `file` through a temporary file beside it,
    /// renamed into place only when complete.
    func download(_ request: S3Request, to file: URL, _ context: String) async throws {
        let directory = file.deletingLastPathComponent().path
        try await withRetries(context) { () async throws in
            let temporary = URL(fileURLWithPath: "\(directory)/~tmp-\(UUID().uuidString)")
            let result: HTTPDownload
            do {
                result = try await client.download(signed(request), to: temporary, maxBytes: configuration.maxDownloadBytes)
            } catch let error as CurlError {
                throw Self.transportError(error, context)
            }
            guard result.isSuccess else {
                let body = (try? await BlockingIO.run { () throws -> [UInt8] in
                    let errorFile = try LocalFile.openForReading(temporary.path)
                    defer { errorFile.close() }
                    return try errorFile.read(at: 0, count: 64 << 10)
                }) ?? []
                unlink(temporary.path)
                throw Self.error(status: result.status, body: body, context)
            }
            guard rename(temporary.path, file.path) == 0 else {
                let code = errno
                unlink(temporary.path)
                throw ObjectStorageError.io("rename to", path: file.path, errno: code)
            }
        }
    }

    /// Runs `attempt` until it succeeds, fails with an error that is not retriable, or has been
    /// tried ``Configuration/maxAttempts`` times, sleeping a jittered back-off between tries.
    func withRetries<T: Sendable>(_ context: String, _ attempt: () async throws -> T) async throws -> T {
        var tries = 1
        while true {
            do {
                return try await attempt()
            } catch let error as ObjectStorageError where error.isRetriable && tries < configuration.maxAttempts {
                let delay = backoff(afterTry: tries)
                logger.warning("retrying S3 request", metadata: [
                    "request": "\(context)", "error": "\(error)", "try": "\(tries)", "delay": "\(delay)",
                ])
                try await Task.sleep(for: delay)
                tries += 1
            }
        }
    }

    /// Full jitter: a random duration up to `initialBackoff · 2^(tries-1)`, capped at `maxBackoff`.
    func backoff(afterTry tries: Int) -> Duration {
        let ceiling = min(configuration.maxBackoff, configuration.initialBackoff * (1 << min(tries - 1, 20)))
        let nanoseconds = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        return .nanoseconds(Int64.random(in: 0...max(nanoseconds, 0)))
    }

    /// The `HTTPRequest` for `request` at this moment: addressed, with `Host`, and signed.
    func signed(_ request: S3Request) throws -> HTTPRequest {
        let (url, host, path) = try address(request)
        var headers = request.headers
        headers.replaceOrAdd(name: "Host", value: host)
        let payloadHash: String
        switch configuration.payloadSigning {
        case .signed: payloadHash = SigV4Signer.hexSHA256(request.body ?? [])
        case .unsigned: payloadHash = SigV4Signer.unsignedPayload
        }
        let signature = signer.sign(
            method: request.method.rawValue, path: path, query: request.query, headers: headers, payloadHash: payloadHash, date: Date()
        )
        return HTTPRequest(method: request.method, url: url, headers: signature.headers, body: request.body)
    }

    /// The URL, `Host` value and path (as sent and signed) of `request`.
    func address(_ request: S3Request) throws(ObjectStorageError) -> (url: URL, host: String, path: String) {
        let endpoint = configuration.endpoint
        let scheme = endpoint.scheme!.lowercased()
        var host = endpoint.host!
        if host.contains(":") { host = "[\(host)]" }
        if configuration.addressing == .virtualHosted { host = "\(configuration.bucket).\(host)" }
        if let port = endpoint.port { host += ":\(port)" }
        var basePath = endpoint.path
        while basePath.hasSuffix("/") { basePath.removeLast() }
        let objectPath = request.key.map { "/" + SigV4Signer.uriEncode($0, keepSlash: true) } ?? ""
        let path: String
        switch configuration.addressing {
        case .path: path = "\(basePath)/\(configuration.bucket)\(objectPath)"
        case .virtualHosted: path = basePath + (objectPath.isEmpty ? "/" : objectPath)
        }
        // Sent sorted, as signed; a parameter without a value goes as a bare name (`?uploads`).
        let query = request.query
            .sorted { SigV4Signer.canonicalQueryString([$0]) < SigV4Signer.canonicalQueryString([$1]) }
            .map { $0.value.isEmpty ? SigV4Signer.uriEncode($0.name, keepSlash: false) : SigV4Signer.canonicalQueryString([$0]) }
            .joined(separator: "&")
        guard let url = URL(string: "\(scheme)://\(host)\(path)\(query.isEmpty ? "" : "?" + query)") else {
            throw .invalidArgument("cannot form a URL for \(request.key.map(ObjectKey.quoted) ?? "the bucket")")
        }
        return (url, host, path)
    }

    static func transportError(_ error: CurlError, _ context: String) -> ObjectStorageError {
        ObjectStorageError(code: "Transport", message: "\(context): \(error)", status: error.responseCode, isRetriable: error.isRetriable)
    }

    /// The error an unsuccessful reply means: S3's `<Error><Code>…<Message>…` when the body has
    /// one, else the status. 5xx, `SlowDown` and similar codes are retriable.
    static func error(status: Int, body: [UInt8], _ context: String) -> ObjectStorageError {
        var code = status == 404 ? "NotFound" : "HTTP\(status)"
        var message = String(decoding: body.prefix(300), as: UTF8.self)
        if let root = try? S3XML.parse(body), root.name == "Error" {
            code = root.text(of: "Code") ?? code
            message = root.text(of: "Message") ?? ""
        }
        if message.isEmpty { message = "HTTP status \(status)" }
        let retriableCodes: Set<String> = ["SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout"]
        return ObjectStorageError(
            code: code,
            message: "\(context): \(message)",
            status: status,
            isRetriable: status >= 500 || status == 429 || retriableCodes.contains(code)
        )
    }
}
