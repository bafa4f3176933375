import Foundation
import Testing
import TestSupport

@Suite("Service executables: a missing configuration")
struct ServiceConfigurationTests {
    @Test(
        "each service refuses to start without its configuration: exit status 2, the missing variables named on standard error",
        arguments: ["mailbridge-webhooks", "mailbridge-renderer", "mailbridge-sender"])
    func missingConfiguration(name: String) async throws {
        let executable = ServiceProcess.executable(name)
        let result = try await ProcessRunner.run(["-i", "PATH=/usr/bin:/bin", executable.path])
        #expect(result.status == 2)
        #expect(result.errorText.hasPrefix("\(name): configuration: "))
        #expect(result.errorText.contains("MAILBRIDGE_POSTGRES_URL: is required but not set"))
        #expect(result.output.isEmpty)
    }
}
