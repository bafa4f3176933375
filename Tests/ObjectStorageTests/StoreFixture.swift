import Foundation
import ObjectStorage
import TestSupport
import Testing

/// The two stores the behaviour suite runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case local
    case s3

    var testDescription: String { rawValue }
}

/// Fresh, empty stores for one test, removed afterwards.
enum StoreFixture {
    /// The moto S3 server the local stack started, with a bucket name unique to this test.
    static func s3Configuration(bucket: String = TestEnvironment.uniqueName("os-test")) throws -> S3ObjectStore.Configuration {
        guard let endpoint = URL(string: try TestEnvironment.require("MAILBRIDGE_TEST_S3_ENDPOINT")) else {
            throw ObjectStorageError(code: "InvalidArgument", message: "MAILBRIDGE_TEST_S3_ENDPOINT is not a URL")
        }
        return S3ObjectStore.Configuration(
            endpoint: endpoint,
            region: try TestEnvironment.require("MAILBRIDGE_TEST_S3_REGION"),
            bucket: bucket,
            credentials: SigV4Credentials(
                accessKeyID: try TestEnvironment.require("MAILBRIDGE_TEST_S3_ACCESS_KEY"),
                secretAccessKey: try TestEnvironment.require("MAILBRIDGE_TEST_S3_SECRET_KEY")
            )
        )
    }

    /// Runs `body` with an empty S3 bucket created for it, emptied and deleted afterwards.
    static func withS3Store(_ configuration: S3ObjectStore.Configuration? = nil, _ body: (S3ObjectStore) async throws -> Void) async throws {
        let store = try S3ObjectStore(configuration: configuration ?? s3Configuration())
        try await store.createBucket()
        do {
            try await body(store)
        } catch {
            try? await removeBucket(store)
            throw error
        }
        try await removeBucket(store)
    }

    private static func removeBucket(_ store: S3ObjectStore) async throws {
        _ = try await store.deleteAll(prefix: "")
        try await store.deleteBucket()
    }

    /// Runs `body` with a local-directory store in a new temporary directory, removed afterwards.
    static func withLocalStore(_ body: (LocalDirectoryObjectStore) async throws -> Void) async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(LocalDirectoryObjectStore(root: directory.appendingPathComponent("store")))
    }

    /// Runs `body` with an empty store of `kind`.
    static func withStore(_ kind: StoreKind, _ body: (any ObjectStore) async throws -> Void) async throws {
        switch kind {
        case .local: try await withLocalStore { try await body($0) }
        case .s3: try await withS3Store { try await body($0) }
        }
    }

    /// A new directory for scratch files; the caller removes it.
    static func temporaryDirectory() -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestEnvironment.uniqueName("objectstorage-test"))
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// `count` pseudo-random bytes, different for each seed.
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }
}

/// Expects `body` to throw an ``ObjectStorageError`` with `code`.
func expectStorageError(_ code: String, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected an ObjectStorageError \(code), but nothing was thrown. \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
    } catch let error as ObjectStorageError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected an ObjectStorageError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}
