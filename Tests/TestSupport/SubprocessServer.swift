import Foundation

/// A test server run as a subprocess (a Python script, typically): it prints the port it listens
/// on as its first line and runs until its standard input closes, so it ends with the tests.
public enum SubprocessServer {
    /// Why a server did not start.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A started server.
    public struct Started: Sendable {
        /// The process (keep it, with `input`, for as long as the server should run).
        public let process: Process
        /// Its standard input: closing it stops the server.
        public let input: Pipe
        /// The port it printed.
        public let port: Int
        /// Its end, to await instead of `waitUntilExit()`.
        public let exit: ProcessExit

        /// Closes standard input, so the server ends on its own; does not wait for that.
        public func closeInput() {
            try? input.fileHandleForWriting.close()
        }

        /// Closes standard input and waits (suspending, not blocking) until the server has exited.
        public func stop() async {
            closeInput()
            _ = await exit.status
        }
    }

    /// Starts `arguments` (through `/usr/bin/env`) and waits for the port on its first line.
    /// - Parameters:
    ///   - name: how errors name the server ("the HTTP test server").
    ///   - standardError: where its standard error goes; the tests' own when nil.
    public static func start(_ arguments: [String], name: String, standardError: FileHandle? = nil) async throws -> Started {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        if let standardError { process.standardError = standardError }
        let exit = ProcessExit(of: process)
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
        return Started(process: process, input: input, port: port, exit: exit)
    }
}
