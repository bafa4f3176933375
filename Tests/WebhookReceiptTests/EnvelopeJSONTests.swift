import Foundation
import Messaging
import Testing

@Suite struct EnvelopeJSONTests {
    @Test("an envelope's JSON is byte for byte JSONEncoder's (sorted keys, slashes as is) and reads back, whatever its strings hold")
    func matchesJSONEncoder() throws {
        let strangeTypes = ["jira:issue_created", "quote\" back\\slash /slash", "controls \u{0}\u{1}\u{8}\u{9}\u{A}\u{C}\u{D}\u{1F}", "Grüße 日本 😀"]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for type in strangeTypes {
            let envelope = EventEnvelope(id: "0b9f-\(type)", tenant: "tenant/\(type)", type: type, at: Date(), sealedBody: Array(type.utf8) + [0, 255])
            let ours = try envelope.json()
            #expect(ours == Array(try encoder.encode(envelope)))
            #expect(try EventEnvelope(json: ours) == envelope)
        }
    }
}
