import Foundation
import Tenancy
import Testing

@Suite("Lifecycle payloads")
struct AppLifecycleEventTests {
    @Test("an installed payload is read whole")
    func installed() throws {
        let event = try AppLifecycleEvent(json: lifecyclePayload("installed", clientKey: "ck-1", baseURL: "https://acme.atlassian.net/"))
        #expect(event.kind == .installed)
        #expect(event.clientKey == "ck-1")
        #expect(event.baseURL == "https://acme.atlassian.net")
        #expect(event.sharedSecret?.count == 43)
        #expect(event.productType == "jira")
    }

    @Test("bad payloads are errors that name the field", arguments: [
        (lifecyclePayload("installed", clientKey: "ck", sharedSecret: nil), "lifecycle payload: sharedSecret must be present on installed and at least 32 bytes"),
        (lifecyclePayload("installed", clientKey: "ck", sharedSecret: "short"), "lifecycle payload: sharedSecret must be present on installed and at least 32 bytes"),
        (lifecyclePayload("rebooted", clientKey: "ck"), "lifecycle payload: eventType must be one of installed, uninstalled, enabled, disabled"),
        (lifecyclePayload("enabled", clientKey: ""), "lifecycle payload: clientKey must be 1 to 255 bytes"),
        (lifecyclePayload("enabled", clientKey: "ck", baseURL: "http://acme.atlassian.net"), "lifecycle payload: baseUrl must use https"),
        (lifecyclePayload("enabled", clientKey: "ck", baseURL: "not a url"), "lifecycle payload: baseUrl is not an absolute URL"),
        (Array(#"{"key":"k","baseUrl":"https://a.example","productType":"jira","eventType":"enabled"}"#.utf8), "lifecycle payload: clientKey is missing"),
        (Array(#"{"key":"k","clientKey":7,"baseUrl":"https://a.example","productType":"jira","eventType":"enabled"}"#.utf8), "lifecycle payload: clientKey has the wrong type"),
        (Array("[1,2]".utf8), "lifecycle payload: (body) has the wrong type"),
    ])
    func rejected(payload: [UInt8], message: String) {
        #expect {
            _ = try AppLifecycleEvent(json: payload)
        } throws: { error in
            "\(error)" == message
        }
    }

    @Test("http is accepted only for a loopback host (the local simulator)")
    func loopback() throws {
        let event = try AppLifecycleEvent(json: lifecyclePayload("enabled", clientKey: "ck", baseURL: "http://127.0.0.1:58080/site/demo"))
        #expect(event.baseURL == "http://127.0.0.1:58080/site/demo")
    }
}
