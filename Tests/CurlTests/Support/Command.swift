import Foundation
import TestSupport

/// Runs a command to its end (off the cooperative pool) and returns its standard output; fails
/// when it exits non-zero.
func runCommand(_ arguments: [String]) async throws -> String {
    try await offThePool { try runCommandBlocking(arguments) }
}

private func runCommandBlocking(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw TestServerError(message: "\(arguments.joined(separator: " ")) exited with \(process.terminationStatus): \(errorText)")
    }
    return String(decoding: data, as: UTF8.self)
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

/// How long `body` takes.
func measure<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try await body()
    return (value, clock.now - start)
}
