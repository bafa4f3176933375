import Foundation

/// Runs `work` on a thread of its own, so that blocking calls (waiting for a subprocess, reading
/// a pipe) never hold one of the few threads of Swift's cooperative pool.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Result { try work() })
        }.start()
    }
}

/// A test server run as a subprocess (a Python script, typically): it prints the port it listens
/// on as its first line and runs until its standard input closes, so it ends with the tests.
public enum SubprocessServer {
    /// Why a server did not start.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts `arguments` (through `/usr/bin/env`) and waits for the port on its first line.
    /// - Parameter name: how errors name the server ("the HTTP test server").
    /// - Returns: the process, its standard input (keep it: closing it stops the server) and the port.
    public static func start(
        _ arguments: [String], name: String, isolation: isolated (any Actor)? = #isolation
    ) async throws -> (process: Process, input: Pipe, port: Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let reader = output.fileHandleForReading
        let text = try await offThePool {
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = reader.availableData
                guard !chunk.isEmpty else { throw Failure(description: "\(name) exited before printing its port") }
                line.append(chunk)
            }
            return String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let port = Int(text) else { throw Failure(description: "\(name) printed \(text) instead of its port") }
        return (process, input, port)
    }
}
