import Foundation

/// Runs a command to its end without blocking Swift's cooperative pool: the exit is awaited
/// through ``ProcessExit`` and the pipes are read (and written) on threads of their own, all at
/// once, so a child that fills one pipe while another is unread cannot deadlock.
public enum ProcessRunner {
    /// What a finished command left behind.
    public struct Result: Sendable {
        /// The exit status (or signal number).
        public var status: Int32
        /// Its standard output.
        public var output: Data
        /// Its standard error.
        public var errors: Data
        /// Standard error as text, for failure messages.
        public var errorText: String { String(decoding: errors, as: UTF8.self) }
    }

    /// Runs `arguments` (through `/usr/bin/env` unless `executable` is given), feeds it `input`
    /// (or nothing: standard input is then `/dev/null`) and waits for its end.
    public static func run(_ arguments: [String], executable: URL? = nil, input: Data? = nil) async throws -> Result {
        let process = Process()
        process.executableURL = executable ?? URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        let stdin = input.map { _ in Pipe() }
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin ?? FileHandle.nullDevice
        let exit = ProcessExit(of: process)
        try process.run()
        let outputReader = output.fileHandleForReading
        let errorReader = errors.fileHandleForReading
        async let outputData = offThePool { outputReader.readDataToEndOfFile() }
        async let errorData = offThePool { errorReader.readDataToEndOfFile() }
        if let input, let writer = stdin?.fileHandleForWriting {
            try await offThePool {
                defer { try? writer.close() }
                try writer.write(contentsOf: input)
            }
        }
        let status = await exit.status
        return Result(status: status, output: try await outputData, errors: try await errorData)
    }
}
