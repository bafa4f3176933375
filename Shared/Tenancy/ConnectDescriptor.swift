import Foundation

/// The Atlassian Connect app descriptor (`atlassian-connect.json`) a site installs, generated
/// from configuration so the lifecycle and webhook URLs always match what the webhook receipt
/// service serves.
public struct ConnectDescriptor: Sendable {
    /// The Jira webhook events Mailbridge subscribes to (notifications are decided per project
    /// later; the subscription itself cannot be narrower than the site).
    public static let webhookEvents = [
        "jira:issue_created", "jira:issue_updated", "jira:issue_deleted",
        "comment_created", "comment_updated", "comment_deleted",
    ]

    /// The issue property holding an inbound mail's Message-ID, and the JSON path Jira indexes
    /// for JQL (`issue.property[mailbridge.message].messageId = "…"`): how a retried create finds
    /// the issue an earlier attempt made.
    public static let messageProperty = (key: "mailbridge.message", path: "messageId")

    /// Paths the webhook receipt service serves, relative to `baseURL`.
    public enum Path {
        public static let installed = "/lifecycle/installed"
        public static let uninstalled = "/lifecycle/uninstalled"
        public static let enabled = "/lifecycle/enabled"
        public static let disabled = "/lifecycle/disabled"
        public static let webhooks = "/webhooks/jira"
    }

    public var appKey: String
    public var name: String
    /// Where Jira reaches us: https, no trailing slash.
    public var baseURL: String
    public var vendorName: String
    public var vendorURL: String

    /// - Throws: `TenancyError.invalidConfiguration` naming the bad field.
    public init(appKey: String, name: String = "Mailbridge", baseURL: String, vendorName: String, vendorURL: String) throws(TenancyError) {
        guard !appKey.isEmpty, appKey.utf8.count <= 64,
            appKey.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") })
        else { throw .invalidConfiguration(field: "appKey", "must be 1 to 64 ASCII letters, digits, '.', '-' or '_'") }
        do {
            self.baseURL = try AppLifecycleEvent.validatedBaseURL(baseURL, field: "baseURL")
        } catch {
            throw .invalidConfiguration(field: "baseURL", "must be an https URL (http only on a loopback host)")
        }
        self.appKey = appKey
        self.name = name
        self.vendorName = vendorName
        self.vendorURL = vendorURL
    }

    /// The descriptor as JSON (sorted keys, so it is stable).
    public func json() throws -> [UInt8] {
        let descriptor = Document(
            key: appKey, name: name,
            description: "Turns email into Jira issues and comments, and Jira events into email.",
            vendor: .init(name: vendorName, url: vendorURL),
            baseUrl: baseURL,
            authentication: .init(type: "jwt"),
            apiVersion: 1,
            apiMigrations: ["signed-install": true, "context-qsh": true],
            lifecycle: .init(installed: Path.installed, uninstalled: Path.uninstalled, enabled: Path.enabled, disabled: Path.disabled),
            scopes: ["READ", "WRITE"],
            modules: .init(
                webhooks: Self.webhookEvents.map { .init(event: $0, url: Path.webhooks, excludeBody: false) },
                jiraEntityProperties: [
                    .init(
                        key: "mailbridge-message-index", name: .init(value: "Mailbridge message index"), entityType: "issue",
                        keyConfigurations: [
                            .init(
                                propertyKey: Self.messageProperty.key,
                                extractions: [.init(objectName: Self.messageProperty.path, type: "string")])
                        ])
                ]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(descriptor))
    }

    private struct Document: Encodable {
        struct Vendor: Encodable { var name: String; var url: String }
        struct Authentication: Encodable { var type: String }
        struct Lifecycle: Encodable { var installed, uninstalled, enabled, disabled: String }
        struct Webhook: Encodable { var event: String; var url: String; var excludeBody: Bool }
        struct Name: Encodable { var value: String }
        struct Extraction: Encodable { var objectName: String; var type: String }
        struct KeyConfiguration: Encodable { var propertyKey: String; var extractions: [Extraction] }
        struct EntityProperty: Encodable {
            var key: String
            var name: Name
            var entityType: String
            var keyConfigurations: [KeyConfiguration]
        }
        struct Modules: Encodable { var webhooks: [Webhook]; var jiraEntityProperties: [EntityProperty] }
        var key: String
        var name: String
        var description: String
        var vendor: Vendor
        var baseUrl: String
        var authentication: Authentication
        var apiVersion: Int
        var apiMigrations: [String: Bool]
        var lifecycle: Lifecycle
        var scopes: [String]
        var modules: Modules
    }
}
