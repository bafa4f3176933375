import Testing

@testable import WebhookReceipt

@Suite struct EventIdentityTests {
    @Test func sameDeliveryIdentifierGivesTheSameIdWhateverTheBody() {
        let first = EventIdentity.id(tenant: "t1", deliveryIdentifier: "abc", body: Array("one".utf8))
        let retry = EventIdentity.id(tenant: "t1", deliveryIdentifier: "abc", body: Array("two".utf8))
        #expect(first == retry)
    }

    @Test func tenantsNeverShareAnId() {
        let first = EventIdentity.id(tenant: "t1", deliveryIdentifier: "abc", body: [])
        let other = EventIdentity.id(tenant: "t2", deliveryIdentifier: "abc", body: [])
        #expect(first != other)
    }

    @Test func withoutAnIdentifierTheBodyDecides() {
        let body = Array("{}".utf8)
        #expect(EventIdentity.id(tenant: "t", deliveryIdentifier: nil, body: body) == EventIdentity.id(tenant: "t", deliveryIdentifier: "", body: body))
        #expect(EventIdentity.id(tenant: "t", deliveryIdentifier: nil, body: body) != EventIdentity.id(tenant: "t", deliveryIdentifier: nil, body: Array("[]".utf8)))
    }

    @Test func isShapedAsAUUID() throws {
        let id = EventIdentity.id(tenant: "t", deliveryIdentifier: "x", body: [])
        let parts = id.split(separator: "-").map(\.count)
        #expect(parts == [8, 4, 4, 4, 12])
        #expect(id.allSatisfy { $0 == "-" || $0.isHexDigit })
        #expect(Array(id)[14] == "8")
    }
}
