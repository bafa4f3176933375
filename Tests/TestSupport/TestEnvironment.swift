import Foundation

/// Reads the servers the project's own stack (`ops/stack/up.sh`) started for the tests.
///
/// A test that needs a server calls `TestEnvironment.require(_:)`. When the variable is missing the
/// test fails with a message naming it and the command that sets it; it never skips silently.
public enum TestEnvironment {
    /// The error thrown when a server variable is missing.
    public struct Missing: Error, CustomStringConvertible {
        /// The environment variable that was not set.
        public let variable: String
        public var description: String {
            "\(variable) is not set: start the local stack with `ops/stack/up.sh` and `source .stack/env.sh` (or run the tests through `ops/test.sh`)"
        }
    }

    /// The value of `variable`, or a `Missing` error naming it.
    public static func require(_ variable: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw Missing(variable: variable)
        }
        return value
    }

    /// The value of `variable` when set, else nil (for optional settings only, never for servers).
    public static func optional(_ variable: String) -> String? {
        ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A name unique to this test run, for topics, groups, tables and mailboxes.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}

extension TestEnvironment {
    /// A stack script exited with a failure.
    public struct ScriptFailed: Error, CustomStringConvertible {
        public let script: String
        public let status: Int32
        public var description: String { "\(script) exited with status \(status)" }
    }

    /// Runs the stack script whose path is in `variable` (restart a server, …) and waits for it
    /// on a thread of its own, not on the cooperative pool.
    ///
    /// Spawned with `posix_spawn` and reaped with `waitpid`: Foundation's `Process` did not report
    /// the exit of a script that started a daemon here. The script gets /dev/null for its standard
    /// streams and no other descriptor of the test process, so a daemon it starts holds none of
    /// the test runner's pipes open.
    public static func runScript(_ variable: String) async throws {
        let path = try require(variable)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                var actions = posix_spawn_file_actions_t()
                posix_spawn_file_actions_init(&actions)
                defer { posix_spawn_file_actions_destroy(&actions) }
                for descriptor: Int32 in 0...2 {
                    posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
                }
                // Nothing else of the test process may leak into a daemon: the test runner waits
                // for every copy of its pipes to close before it reports.
                let inherited = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
                for descriptor in inherited.compactMap(Int32.init) where descriptor > 2 && fcntl(descriptor, F_GETFD) != -1 {
                    posix_spawn_file_actions_addclose(&actions, descriptor)
                }
                var pid: pid_t = 0
                let arguments: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
                defer { for argument in arguments { free(argument) } }
                let spawned = posix_spawn(&pid, path, &actions, nil, arguments, environ)
                guard spawned == 0 else {
                    continuation.resume(throwing: ScriptFailed(script: path, status: -spawned))
                    return
                }
                var waitStatus: Int32 = 0
                while waitpid(pid, &waitStatus, 0) == -1 && errno == EINTR {}
                // WEXITSTATUS, which Swift does not import.
                continuation.resume(returning: (waitStatus >> 8) & 0xFF)
            }
            thread.start()
        }
        guard status == 0 else { throw ScriptFailed(script: path, status: status) }
    }
}
