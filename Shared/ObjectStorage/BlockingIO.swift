import Dispatch

/// Runs blocking file-system work on a Dispatch queue, off Swift's cooperative thread pool.
enum BlockingIO {
    static let queue = DispatchQueue(label: "mailbridge.objectstorage.io", qos: .utility, attributes: .concurrent)

    /// The result of `body`, run on ``queue``. Cancellation is not observed while it runs.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
