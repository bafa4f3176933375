import CCurl
import Foundation

/// An HTTP/1.1 and HTTP/2 client over libcurl.
///
/// Requests run on a ``CurlEngine`` and never block the calling thread; connections are reused
/// between requests to the same server. A client is a small value: copy it freely.
public struct HTTPClient: Sendable {
    public let configuration: Configuration
    private let engine: CurlEngine

    /// A client running its requests on `engine`.
    public init(configuration: Configuration = Configuration(), engine: CurlEngine = .shared) {
        self.configuration = configuration
        self.engine = engine
    }

    /// Sends `request` and returns the response, whatever its status.
    ///
    /// - Throws: ``CurlError`` when the exchange fails (no connection, TLS, timeout, a body larger
    ///   than ``Configuration/maxResponseBytes``, or a request it refuses to send);
    ///   `CancellationError` when the task is cancelled.
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        var transfer = try makeTransfer(request)
        transfer.destination = .memory(limit: configuration.maxResponseBytes)
        let result: CurlTransferResult
        do {
            result = try await engine.perform(transfer)
        } catch let error as CurlError where error.code == .filesizeExceeded {
            throw error.adding(context: "\(request.method) \(request.url.absoluteString)")
        }
        return HTTPResponse(status: result.responseCode, headers: HTTPHeaders(responseLines: result.headerLines), body: result.body)
    }

    /// Sends `request` and streams the response body into `file`, whatever the status.
    ///
    /// The file is created (or truncated) with mode 0600. When the exchange fails or is cancelled
    /// the file is removed.
    ///
    /// - Parameter maxBytes: The largest body accepted; a larger one stops the transfer (at once
    ///   when the server announces its size) with ``CurlError/Code-swift.struct/filesizeExceeded``.
    /// - Throws: ``CurlError`` when the exchange fails or the file cannot be written;
    ///   `CancellationError` when the task is cancelled.
    public func download(_ request: HTTPRequest, to file: URL, maxBytes: Int64) async throws -> HTTPDownload {
        guard file.isFileURL else {
            throw CurlError.invalidArgument("download destination \(file) is not a file URL")
        }
        var transfer = try makeTransfer(request)
        transfer.destination = .file(path: file.path, limit: maxBytes)
        let result: CurlTransferResult
        do {
            result = try await engine.perform(transfer)
        } catch let error as CurlError where error.code == .filesizeExceeded {
            throw CurlError(
                code: error.code,
                responseCode: error.responseCode,
                message: "\(request.method) \(request.url.absoluteString): response body exceeds maxBytes (\(maxBytes) bytes)",
                isRetriable: false
            )
        }
        return HTTPDownload(status: result.responseCode, headers: HTTPHeaders(responseLines: result.headerLines), byteCount: result.bodyByteCount)
    }

    private func makeTransfer(_ request: HTTPRequest) throws(CurlError) -> CurlTransferRequest {
        guard let scheme = request.url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .invalidArgument("\(request.url.absoluteString) is not an http or https URL")
        }
        guard request.method.isValidToken else {
            throw .invalidArgument("\"\(request.method)\" is not a valid HTTP method")
        }
        var transfer = CurlTransferRequest(family: .http, url: request.url.absoluteString)
        transfer.collectsHeaders = true
        transfer.options = CurlTransferRequest.commonOptions(
            protocols: "http,https",
            tls: configuration.tls,
            timeout: request.timeout ?? configuration.timeout,
            connectTimeout: request.connectTimeout ?? configuration.connectTimeout
        )
        transfer.options.append(.long(CURLOPT_FOLLOWLOCATION, configuration.followRedirects ? 1 : 0))
        if configuration.followRedirects {
            transfer.options.append(.long(CURLOPT_MAXREDIRS, configuration.maxRedirects))
        }

        if let body = request.body {
            transfer.upload = .postFields(body)
            if request.method != .post {
                transfer.options.append(.string(CURLOPT_CUSTOMREQUEST, request.method.rawValue))
            }
        } else {
            switch request.method {
            case .get:
                transfer.options.append(.long(CURLOPT_HTTPGET, 1))
            case .head:
                transfer.options.append(.long(CURLOPT_NOBODY, 1))
            case .post:
                transfer.upload = .postFields([])
            default:
                transfer.options.append(.string(CURLOPT_CUSTOMREQUEST, request.method.rawValue))
            }
        }
        transfer.options.append(.list(CURLOPT_HTTPHEADER, try headerLines(for: request)))
        return transfer
    }

    /// The `CURLOPT_HTTPHEADER` lines: the request's fields, then removals of libcurl's defaults.
    private func headerLines(for request: HTTPRequest) throws(CurlError) -> [String] {
        var lines: [String] = []
        for field in request.headers {
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(HTTPHeaders.isTokenByte) else {
                throw .invalidArgument("\"\(field.name)\" is not a valid header name")
            }
            guard !field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw .invalidArgument("the value of header \(field.name) contains CR, LF or NUL")
            }
            // libcurl reads "Name:" as "remove Name"; "Name;" sends it with an empty value.
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        if !request.headers.contains("Expect") {
            lines.append("Expect:")
        }
        if request.body != nil, !request.headers.contains("Content-Type") {
            lines.append("Content-Type:")
        }
        if !request.headers.contains("User-Agent"), let userAgent = configuration.userAgent {
            lines.append("User-Agent: \(userAgent)")
        }
        return lines
    }
}
