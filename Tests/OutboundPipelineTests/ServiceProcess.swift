import Foundation
import TestSupport

/// One of our executables run as a subprocess (from the build folder the tests run from), so a
/// test can kill it the hard way and start it again.
actor ServiceProcess {
    let name: String
    let environment: [String: String]
    let healthPort: Int
    let log: URL
    private var process: Process?

    init(name: String, environment: [String: String], healthPort: Int, log: URL) {
        self.name = name
        self.environment = environment
        self.healthPort = healthPort
        self.log = log
    }

    /// The executable beside the test bundle (`swift build --build-tests` builds every product).
    static func executable(_ name: String) -> URL {
        let bundle = Bundle.main.bundleURL.deletingLastPathComponent()
        let candidates = [bundle.appendingPathComponent(name), URL(fileURLWithPath: ".build/debug/\(name)")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }

    /// Starts it and waits until `/readyz` answers 200.
    func start() async throws {
        let process = Process()
        process.executableURL = Self.executable(name)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MAILBRIDGE_") }
        environment.merge(self.environment) { _, new in new }
        environment["MAILBRIDGE_HEALTH_PORT"] = String(healthPort)
        process.environment = environment
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw PipelineError("\(name) exited with \(process.terminationStatus) at start; log: \(log.path)")
            }
            if let answer = try? await TestHTTP.client.execute(.init(url: URL(string: "http://127.0.0.1:\(healthPort)/readyz")!)), answer.status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw PipelineError("\(name) not ready within 60 s; log: \(log.path)")
    }

    /// SIGKILL: no drain, no commit, no goodbye.
    func kill9() async throws {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        try await waitForExit(process)
        self.process = nil
    }

    /// SIGTERM and wait (the graceful path), for cleanup.
    func stop() async {
        guard let process, process.isRunning else { return }
        process.terminate()
        try? await waitForExit(process)
        self.process = nil
    }

    private func waitForExit(_ process: Process) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw PipelineError("\(name) (pid \(process.processIdentifier)) did not exit") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
