import Platform

/// The plan-capacity settings every process that reserves or releases reads the same way.
///
/// | variable | meaning | default |
/// | --- | --- | --- |
/// | `MAILBRIDGE_DEFAULT_PLAN_MESSAGES`, `MAILBRIDGE_DEFAULT_PLAN_BYTES` | the plan of tenants without a `tenant_plans` row | unset: unlimited |
/// | `MAILBRIDGE_BLIND_INDEX_KEY` | 32 bytes, base64: the `BlindIndex` key (contacts, parked-mail dedupe) | required |
/// | `MAILBRIDGE_PARKED_RELEASE_INTERVAL` | pause between `ParkedMailReleaser` rounds | `5s` |
public struct CapacitySettings: Sendable {
    public var defaultPlan: CapacityPlan
    public var blindIndexKey: [UInt8]
    public var releaseInterval: Duration

    /// Reads the settings into `reader`; call `reader.validate()` afterwards to report every problem.
    public static func read(_ reader: inout EnvironmentReader) -> CapacitySettings {
        let unlimited = -1
        let messages = reader.integer("MAILBRIDGE_DEFAULT_PLAN_MESSAGES", default: unlimited, in: 0...Int.max)
        let bytes = reader.integer("MAILBRIDGE_DEFAULT_PLAN_BYTES", default: unlimited, in: 0...Int.max)
        return CapacitySettings(
            defaultPlan: CapacityPlan(
                messagesPerMonth: messages == unlimited ? nil : messages, bytesPerMonth: bytes == unlimited ? nil : bytes),
            blindIndexKey: reader.base64Key("MAILBRIDGE_BLIND_INDEX_KEY", length: 32),
            releaseInterval: reader.duration("MAILBRIDGE_PARKED_RELEASE_INTERVAL", default: .seconds(5)))
    }
}
