import Crypto
import Curl
import Foundation
import Logging

/// An ``ObjectStore`` in an S3 bucket (AWS, MinIO, moto or any S3-compatible server), signed
/// with ``SigV4Signer`` and sent with ``HTTPClient``.
///
/// Files above ``Configuration/multipartThreshold`` are uploaded in parts read from the file one
/// at a time, so memory stays near one part; a failed multipart upload is aborted. Downloads
/// stream to a file. 5xx replies, `SlowDown` and transport failures are retried with jittered
/// exponential back-off, at most ``Configuration/maxAttempts`` tries per request. Errors carry
/// S3's `Code` and `Message`.
public struct S3ObjectStore: ObjectStore {
    public let configuration: Configuration
    let client: HTTPClient
    let signer: SigV4Signer
    let logger: Logger

    /// A store for the bucket `configuration` names; nothing is sent until the first call.
    ///
    /// - Throws: ``ObjectStorageError`` `InvalidArgument` for an unusable configuration.
    public init(configuration: Configuration, logger: Logger = Logger(label: "mailbridge.object-storage.s3")) throws {
        try configuration.validate()
        self.configuration = configuration
        self.client = HTTPClient(configuration: configuration.http)
        self.signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: "s3")
        self.logger = logger
    }

    public func put(key: String, bytes: [UInt8]) async throws {
        try ObjectKey.validate(key)
        _ = try await send(S3Request(method: .put, key: key, body: bytes), "PUT \(key)")
    }

    public func put(key: String, file: URL) async throws {
        try ObjectKey.validate(key)
        let path = file.path
        let size = try await BlockingIO.run { () throws -> Int64 in
            let source = try LocalFile.openForReading(path)
            defer { source.close() }
            return try source.status().size
        }
        if size > configuration.multipartThreshold {
            try await putMultipart(key: key, path: path, size: size)
        } else {
            let bytes = try await BlockingIO.run { () throws -> [UInt8] in
                let source = try LocalFile.openForReading(path)
                defer { source.close() }
                return try source.read(at: 0, count: Int(size))
            }
            try await put(key: key, bytes: bytes)
        }
    }

    public func get(key: String) async throws -> [UInt8] {
        try ObjectKey.validate(key)
        return try await send(S3Request(method: .get, key: key), "GET \(key)").body
    }

    public func get(key: String, to file: URL) async throws {
        try ObjectKey.validate(key)
        try await download(S3Request(method: .get, key: key), to: file, "GET \(key)")
    }

    public func head(key: String) async throws -> ObjectInfo? {
        try ObjectKey.validate(key)
        let response = try await send(S3Request(method: .head, key: key), "HEAD \(key)", accepting: [404])
        guard response.status != 404 else { return nil }
        return ObjectInfo(
            key: key,
            size: response.headers["Content-Length"].flatMap { Int64($0) } ?? 0,
            etag: response.headers["ETag"].map(Self.unquoted),
            lastModified: response.headers["Last-Modified"].flatMap(Self.httpDate)
        )
    }

    public func delete(key: String) async throws {
        try ObjectKey.validate(key)
        _ = try await send(S3Request(method: .delete, key: key), "DELETE \(key)", accepting: [404])
    }

    /// Creates the bucket; succeeds when this account already owns it. For tests and operations.
    public func createBucket() async throws {
        var body: [UInt8]?
        if configuration.region != "us-east-1" {
            body = Array("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>\(S3XML.escape(configuration.region))</LocationConstraint></CreateBucketConfiguration>".utf8)
        }
        do {
            _ = try await send(S3Request(method: .put, key: nil, body: body), "create bucket \(configuration.bucket)")
        } catch let error as ObjectStorageError where error.code == "BucketAlreadyOwnedByYou" {
            return
        }
    }

    /// Deletes the bucket, which must be empty (see ``deleteAll(prefix:)``). For tests and operations.
    public func deleteBucket() async throws {
        _ = try await send(S3Request(method: .delete, key: nil), "delete bucket \(configuration.bucket)")
    }

    static func unquoted(_ etag: String) -> String {
        etag.count >= 2 && etag.hasPrefix("\"") && etag.hasSuffix("\"") ? String(etag.dropFirst().dropLast()) : etag
    }

    /// An RFC 9110 date (`Sun, 06 Nov 1994 08:49:37 GMT`).
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }

    /// An ISO 8601 timestamp as S3 lists them (`2009-10-12T17:50:30.000Z`).
    static func isoDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
