import Foundation
import Platform
import Testing

@Suite("EnvironmentReader")
struct EnvironmentReaderTests {
    @Test("well-formed values are read with their types")
    func readsValues() throws {
        var reader = EnvironmentReader(environment: [
            "MAILBRIDGE_PORT": "8080", "MAILBRIDGE_SANDBOX": "yes", "MAILBRIDGE_POLL": "250ms",
            "MAILBRIDGE_DB": "postgresql://u:p@db:5432/x", "MAILBRIDGE_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
        ])
        #expect(reader.integer("MAILBRIDGE_PORT", default: 1, in: 1...65535) == 8080)
        let sandbox = reader.boolean("MAILBRIDGE_SANDBOX", default: false)
        #expect(sandbox)
        #expect(reader.duration("MAILBRIDGE_POLL", default: .seconds(1)) == .milliseconds(250))
        #expect(reader.url("MAILBRIDGE_DB", schemes: ["postgresql"], secret: true).host == "db")
        #expect(reader.base64Key("MAILBRIDGE_KEY", length: 32) == [UInt8](repeating: 7, count: 32))
        #expect(reader.string("MAILBRIDGE_UNSET", default: "fallback") == "fallback")
        try reader.validate()
    }

    @Test("every bad variable is named, all at once, without echoing secrets")
    func reportsEveryProblem() {
        var reader = EnvironmentReader(environment: [
            "MAILBRIDGE_PORT": "eighty", "MAILBRIDGE_WORKERS": "0", "MAILBRIDGE_SANDBOX": "maybe",
            "MAILBRIDGE_POLL": "soon", "MAILBRIDGE_DB": "mysql://user:hunter2@db/x", "MAILBRIDGE_KEY": "c2hvcnQ=",
        ])
        _ = reader.integer("MAILBRIDGE_PORT", default: 1)
        _ = reader.integer("MAILBRIDGE_WORKERS", default: 1, in: 1...64)
        _ = reader.boolean("MAILBRIDGE_SANDBOX", default: false)
        _ = reader.duration("MAILBRIDGE_POLL", default: .seconds(1))
        _ = reader.url("MAILBRIDGE_DB", schemes: ["postgresql", "postgres"], secret: true)
        _ = reader.base64Key("MAILBRIDGE_KEY", length: 32)
        _ = reader.required("MAILBRIDGE_MISSING")
        #expect {
            try reader.validate()
        } throws: { error in
            guard let errors = error as? ConfigurationErrors else { return false }
            let variables = errors.errors.map(\.variable)
            return variables == [
                "MAILBRIDGE_PORT", "MAILBRIDGE_WORKERS", "MAILBRIDGE_SANDBOX", "MAILBRIDGE_POLL", "MAILBRIDGE_DB",
                "MAILBRIDGE_KEY", "MAILBRIDGE_MISSING",
            ] && !errors.description.contains("hunter2")
        }
    }
}
