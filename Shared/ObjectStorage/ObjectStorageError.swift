import Foundation

/// An object-store failure, with the store's own error code when it sent one (e.g. S3's
/// `NoSuchKey`, `SlowDown`).
public struct ObjectStorageError: Error, CustomStringConvertible, Sendable {
    /// The store's error code, or a local one (`InvalidKey`, `Transport`).
    public let code: String
    /// What went wrong, in words.
    public let message: String
    /// The HTTP status, for remote stores.
    public let status: Int?
    /// True when the same request may succeed later (5xx, `SlowDown`, transport failures).
    public let isRetriable: Bool
    /// The `errno` of a failed system call, for code `IOError`.
    var systemError: Int32? = nil

    public init(code: String, message: String, status: Int? = nil, isRetriable: Bool = false) {
        self.code = code
        self.message = message
        self.status = status
        self.isRetriable = isRetriable
    }

    public var description: String {
        "ObjectStorageError \(code)\(status.map { " (HTTP \($0))" } ?? ""): \(message)\(isRetriable ? " [retriable]" : "")"
    }
}

extension ObjectStorageError {
    /// The key or prefix breaks the rules of ``ObjectKey`` (code `InvalidKey`); never retriable.
    static func invalidKey(_ key: String, _ problem: String) -> ObjectStorageError {
        ObjectStorageError(code: "InvalidKey", message: "invalid object key \(ObjectKey.quoted(key)): \(problem)")
    }

    /// No object has this key (code `NoSuchKey`, as S3 names it).
    static func noSuchKey(_ key: String) -> ObjectStorageError {
        ObjectStorageError(code: "NoSuchKey", message: "no object has the key \(ObjectKey.quoted(key))", status: 404)
    }

    /// An argument outside its allowed range (code `InvalidArgument`).
    static func invalidArgument(_ message: String) -> ObjectStorageError {
        ObjectStorageError(code: "InvalidArgument", message: message)
    }

    /// A failed system call on the local file system (code `IOError`), with `errno`'s text.
    static func io(_ operation: String, path: String, errno code: Int32) -> ObjectStorageError {
        var error = ObjectStorageError(code: "IOError", message: "\(operation) \(path): \(String(cString: strerror(code))) (errno \(code))")
        error.systemError = code
        return error
    }
}
