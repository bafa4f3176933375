import Foundation
import Tenancy
import Testing

@Suite("Connect app descriptor")
struct ConnectDescriptorTests {
    @Test("the descriptor lists our lifecycle URLs, JWT auth, signed install and every webhook event")
    func descriptor() throws {
        let descriptor = try ConnectDescriptor(appKey: "io.mailbridge.app", baseURL: "https://mailbridge.example/", vendorName: "Mailbridge", vendorURL: "https://mailbridge.example")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(descriptor.json())) as? [String: Any])
        #expect(object["key"] as? String == "io.mailbridge.app")
        #expect(object["baseUrl"] as? String == "https://mailbridge.example")
        #expect((object["authentication"] as? [String: String])?["type"] == "jwt")
        #expect((object["apiMigrations"] as? [String: Bool])?["signed-install"] == true)
        let lifecycle = try #require(object["lifecycle"] as? [String: String])
        #expect(lifecycle == ["installed": "/lifecycle/installed", "uninstalled": "/lifecycle/uninstalled", "enabled": "/lifecycle/enabled", "disabled": "/lifecycle/disabled"])
        let webhooks = try #require((object["modules"] as? [String: Any])?["webhooks"] as? [[String: Any]])
        #expect(webhooks.compactMap { $0["event"] as? String } == ConnectDescriptor.webhookEvents)
        // The Message-ID property is indexed, so reconciliation can find it with JQL.
        let properties = try #require((object["modules"] as? [String: Any])?["jiraEntityProperties"] as? [[String: Any]])
        let configuration = try #require((properties.first?["keyConfigurations"] as? [[String: Any]])?.first)
        #expect(configuration["propertyKey"] as? String == "mailbridge.message")
        #expect((configuration["extractions"] as? [[String: String]])?.first == ["objectName": "messageId", "type": "string"])
    }

    @Test("bad configuration is refused with the field named")
    func badConfiguration() {
        #expect(throws: TenancyError.invalidConfiguration(field: "appKey", "must be 1 to 64 ASCII letters, digits, '.', '-' or '_'")) {
            _ = try ConnectDescriptor(appKey: "my app", baseURL: "https://x.example", vendorName: "v", vendorURL: "https://x.example")
        }
        #expect(throws: TenancyError.invalidConfiguration(field: "baseURL", "must be an https URL (http only on a loopback host)")) {
            _ = try ConnectDescriptor(appKey: "app", baseURL: "http://x.example", vendorName: "v", vendorURL: "https://x.example")
        }
    }
}
