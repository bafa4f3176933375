import Crypto
import Curl
import Foundation
import Hex

/// AWS Signature Version 4 for requests sent with an `Authorization` header.
///
/// Pure: no I/O, no clock (the caller passes the date). The same inputs give the same signature.
/// It follows the published algorithm and reproduces the AWS SigV4 test-suite vectors and the S3
/// documentation's example (see `SigV4SignerTests`).
///
/// Not done: path normalisation for non-S3 services (removing `.`/`..` segments, collapsing
/// `//`), presigned URLs, chunked (`aws-chunked`) payload signing and SigV4A.
public struct SigV4Signer: Sendable {
    /// How the request path becomes the canonical URI.
    public enum PathEncoding: Sendable, Hashable {
        /// S3: the path as sent, whose segments the caller encoded once with ``uriEncode(_:keepSlash:)``,
        /// is signed unchanged.
        case asSent
        /// Every other service: the path as sent is URI-encoded once more (so a name is encoded
        /// twice in all: once for the wire, once for signing).
        case encodedAgain
    }

    /// A query parameter, not yet encoded.
    public struct QueryItem: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String = "") {
            self.name = name
            self.value = value
        }
    }

    /// Everything a signature is made of, for tests and debugging, and the headers to send.
    public struct Signature: Sendable, Hashable {
        public var canonicalRequest: String
        public var stringToSign: String
        /// The hex HMAC-SHA256 signature.
        public var signature: String
        /// The `Authorization` header's value.
        public var authorization: String
        /// The request's headers with `x-amz-date`, `x-amz-content-sha256` (when asked),
        /// `x-amz-security-token` (with a session token) and `Authorization` set.
        public var headers: HTTPHeaders
    }

    /// The payload hash meaning "not signed", for `x-amz-content-sha256`.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// The hex SHA-256 of an empty payload.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public var credentials: SigV4Credentials
    public var region: String
    public var service: String
    public var pathEncoding: PathEncoding
    /// Whether to send and sign `x-amz-content-sha256` (S3 requires it; the test suite's
    /// generic service does not use it).
    public var sendsContentSHA256: Bool

    /// A signer for `service` in `region`. S3 (`service == "s3"`) defaults to ``PathEncoding/asSent``
    /// and sending `x-amz-content-sha256`; other services to ``PathEncoding/encodedAgain`` without it.
    public init(credentials: SigV4Credentials, region: String, service: String, pathEncoding: PathEncoding? = nil, sendsContentSHA256: Bool? = nil) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.pathEncoding = pathEncoding ?? (service == "s3" ? .asSent : .encodedAgain)
        self.sendsContentSHA256 = sendsContentSHA256 ?? (service == "s3")
    }

    /// Signs a request.
    ///
    /// - Parameters:
    ///   - method: The HTTP method, as sent.
    ///   - path: The URL path as sent (`/` when empty), without the query.
    ///   - query: The query parameters, not encoded; they are sent encoded with
    ///     ``canonicalQueryString(_:)``, which is also how they are signed.
    ///   - headers: The headers to send, `Host` included. Every one is signed.
    ///   - payloadHash: The hex SHA-256 of the body (``hexSHA256(_:)``), or ``unsignedPayload``.
    ///   - date: The signing time; sent as `x-amz-date`.
    public func sign(method: String, path: String, query: [QueryItem], headers: HTTPHeaders, payloadHash: String, date: Date) -> Signature {
        let amzDate = Self.amzDate(date)
        let day = String(amzDate.prefix(8))
        var headers = headers
        headers.replaceOrAdd(name: "X-Amz-Date", value: amzDate)
        if sendsContentSHA256 {
            headers.replaceOrAdd(name: "X-Amz-Content-Sha256", value: payloadHash)
        }
        if let token = credentials.sessionToken {
            headers.replaceOrAdd(name: "X-Amz-Security-Token", value: token)
        }
        headers.remove(name: "Authorization")

        let (headerBlock, signedHeaders) = Self.canonicalHeaders(headers)
        let canonicalRequest = [
            method,
            canonicalURI(path),
            Self.canonicalQueryString(query),
            headerBlock,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, Self.hexSHA256(Array(canonicalRequest.utf8))].joined(separator: "\n")
        let key = Self.signingKey(secret: credentials.secretAccessKey, day: day, region: region, service: service)
        let signature = Hex.lowercase(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        headers.add(name: "Authorization", value: authorization)
        return Signature(canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature, authorization: authorization, headers: headers)
    }

    /// The canonical URI of `path` under this signer's ``pathEncoding``.
    public func canonicalURI(_ path: String) -> String {
        let path = path.isEmpty ? "/" : path
        switch pathEncoding {
        case .asSent: return path
        case .encodedAgain: return Self.uriEncode(path, keepSlash: true)
        }
    }

    /// The signing key: HMAC chain over the date, region, service and `aws4_request`.
    public static func signingKey(secret: String, day: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    /// The canonical header block (each `name:value` line ends with a newline) and the signed
    /// header list: names lower-cased and sorted, values trimmed with inner runs of spaces
    /// collapsed, repeated names joined with commas in order.
    static func canonicalHeaders(_ headers: HTTPHeaders) -> (block: String, signed: String) {
        var names: [String] = []
        var values: [String: [String]] = [:]
        for field in headers {
            let name = field.name.lowercased()
            if values[name] == nil { names.append(name) }
            values[name, default: []].append(normalizedValue(field.value))
        }
        names.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let block = names.map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }

    /// A header value trimmed, with line folds and runs of spaces and tabs made one space.
    static func normalizedValue(_ value: String) -> String {
        var result: [UInt8] = []
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(0x20) }
                pendingSpace = false
                result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// The canonical query string: each name and value URI-encoded, pairs sorted by encoded name
    /// then encoded value, joined with `&`. Also the form to send the query in.
    public static func canonicalQueryString(_ items: [QueryItem]) -> String {
        items
            .map { (uriEncode($0.name, keepSlash: false), uriEncode($0.value, keepSlash: false)) }
            .sorted { $0.0 == $1.0 ? Array($0.1.utf8).lexicographicallyPrecedes(Array($1.1.utf8)) : Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// Percent-encodes every UTF-8 byte except the unreserved `A-Z a-z 0-9 - . _ ~` (and `/`
    /// when `keepSlash`), with upper-case hex, as SigV4 requires.
    public static func uriEncode(_ text: String, keepSlash: Bool) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        let hexDigits = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                result.append(byte)
            } else {
                result += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// The hex SHA-256 of `bytes`, for ``sign(method:path:query:headers:payloadHash:date:)``'s `payloadHash`.
    public static func hexSHA256(_ bytes: [UInt8]) -> String {
        Hex.lowercase(SHA256.hash(data: bytes))
    }

    /// `date` as `yyyyMMdd'T'HHmmss'Z'` in UTC.
    public static func amzDate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }
}
