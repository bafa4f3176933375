import Foundation

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

/// Runs `executable` with `arguments` and returns its standard output; fails on a nonzero exit.
func runTool(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw ObjectStorageTestFailure("\(executable) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self)
}

/// The hex SHA-256 of a file, computed by `sha256sum`.
func sha256sum(_ file: URL) throws -> String {
    String(try runTool("/usr/bin/sha256sum", [file.path]).prefix(64))
}

struct ObjectStorageTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
