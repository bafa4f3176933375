import Foundation
import Synchronization

/// A loopback failure in test setup.
public struct LoopbackError: Error, CustomStringConvertible {
    public let description: String
}

/// A loopback TCP port that was free a moment ago.
public func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw LoopbackError(description: "socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    guard bound == 0 else { throw LoopbackError(description: "bind() failed") }
    let named = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard named == 0 else { throw LoopbackError(description: "getsockname() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A one-shot signal: a server raises it once it listens, the test waits for it.
public final class RunningSignal: Sendable {
    private let raised = Mutex(false)

    public init() {}

    public func raise() { raised.withLock { $0 = true } }

    /// - Throws: `LoopbackError` when it was not raised within `timeout`.
    public func wait(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while !raised.withLock({ $0 }) {
            guard ContinuousClock.now < deadline else { throw LoopbackError(description: "the server did not start within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
