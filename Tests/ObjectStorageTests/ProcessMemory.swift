import Foundation
import TestSupport

/// This process's resident memory, from `/proc/self/status`.
enum ProcessMemory {
    /// A field of `/proc/self/status` such as `VmRSS` or `VmHWM`, in bytes.
    static func bytes(_ field: String) -> Int64? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            let number = line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int64($0) }
            return number.map { $0 * 1024 }
        }
        return nil
    }

    /// Resets the peak (`VmHWM`) to the current resident size by writing `5` to
    /// `/proc/self/clear_refs`; false when the kernel refused.
    static func resetPeak() -> Bool {
        let descriptor = open("/proc/self/clear_refs", O_WRONLY)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return write(descriptor, "5", 1) == 1
    }
}

/// Runs `executable` with `arguments` (without blocking the cooperative pool) and returns its
/// standard output; fails on a nonzero exit.
func runTool(_ executable: String, _ arguments: [String]) async throws -> String {
    let result = try await ProcessRunner.run(arguments, executable: URL(fileURLWithPath: executable))
    guard result.status == 0 else {
        throw ObjectStorageTestFailure("\(executable) \(arguments.joined(separator: " ")) exited with \(result.status): \(result.errorText)")
    }
    return String(decoding: result.output, as: UTF8.self)
}

/// The hex SHA-256 of a file, computed by `sha256sum`.
func sha256sum(_ file: URL) async throws -> String {
    String(try await runTool("/usr/bin/sha256sum", [file.path]).prefix(64))
}

struct ObjectStorageTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
