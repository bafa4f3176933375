import Foundation
import TestSupport

/// A tansu broker of this test alone (in-memory storage, a free port), so a test can freeze and
/// thaw it (SIGSTOP/SIGCONT) without disturbing the shared broker other tests use.
struct PrivateBroker: Sendable {
    let pid: pid_t
    let address: String

    /// Starts `.deps/bin/tansu` (installed by `ops/install-deps.sh`) and waits until it accepts connections.
    static func start() async throws -> PrivateBroker {
        let binary = URL(fileURLWithPath: ".deps/bin/tansu").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw StackError("\(binary) is missing: run ops/install-deps.sh (the test needs a private tansu broker)")
        }
        let port = try freeLoopbackPort()
        let address = "127.0.0.1:\(port)"
        let arguments = [
            binary, "broker", "--cluster-id", TestEnvironment.uniqueName("private"), "--listener-url", "tcp://\(address)",
            "--advertised-listener-url", "tcp://\(address)", "--storage-engine", "memory://tansu/",
        ]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in 0...2 {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        // Nothing of the test runner's pipes may stay open in the broker.
        let inherited = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in inherited.compactMap(Int32.init) where descriptor > 2 && fcntl(descriptor, F_GETFD) != -1 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, binary, &actions, nil, argv, environ)
        guard spawned == 0 else { throw StackError("starting \(binary) failed: error \(spawned)") }
        let broker = PrivateBroker(pid: pid, address: address)
        let deadline = ContinuousClock.now + .seconds(30)
        while !isListening(port: port) {
            guard ContinuousClock.now < deadline else {
                broker.stop()
                throw StackError("the private tansu broker did not listen on \(address) within 30 s")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return broker
    }

    /// Freezes the broker: connections stay open, nothing is answered.
    func freeze() { kill(pid, SIGSTOP) }

    /// Lets a frozen broker go on.
    func thaw() { kill(pid, SIGCONT) }

    /// Kills the broker and reaps it.
    func stop() {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }

    private static func isListening(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
