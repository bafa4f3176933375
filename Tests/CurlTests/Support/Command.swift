import Foundation
import TestSupport

/// Runs a command to its end (without blocking the cooperative pool) and returns its standard
/// output; fails when it exits non-zero.
func runCommand(_ arguments: [String]) async throws -> String {
    let result = try await ProcessRunner.run(arguments)
    guard result.status == 0 else {
        throw TestServerError(message: "\(arguments.joined(separator: " ")) exited with \(result.status): \(result.errorText)")
    }
    return String(decoding: result.output, as: UTF8.self)
}

/// A loopback TCP port that nothing listens on (bound, then released).
func unusedLoopbackPort() async throws -> Int {
    let script = "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()"
    guard let port = Int(try await runCommand(["python3", "-c", script]).trimmingCharacters(in: .whitespacesAndNewlines)) else {
        throw TestServerError(message: "could not find a free port")
    }
    return port
}

/// A path for a new file in a fresh temporary directory.
func temporaryFile(_ name: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("curl-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent(name)
}

/// Removes what `temporaryFile` made: the file's fresh directory and everything in it.
func removeTemporaryFile(_ file: URL) {
    try? FileManager.default.removeItem(at: file.deletingLastPathComponent())
}

/// How long `body` takes.
func measure<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try await body()
    return (value, clock.now - start)
}
