import Foundation
import Jira
import Testing

@Suite struct JSONFieldReaderTests {
    let reader = JSONFieldReader(paths: [["webhookEvent"], ["issue", "fields", "project", "key"], ["aud"], ["n"]])

    func read(_ text: String) throws -> JSONFieldReader.Fields {
        try reader.read(Array(text.utf8))
    }

    @Test("reads only the requested paths, through nested objects, whatever else the document holds")
    func nestedPaths() throws {
        let fields = try read(#"""
            {"timestamp": 1, "issue": {"id": "1", "fields": {"summary": "x", "project": {"id": 7, "key": "ACME"}, "labels": ["a", {"b": null}]}},
             "webhookEvent": "jira:issue_created", "user": {"webhookEvent": "not this one"}}
            """#)
        #expect(fields.all == [["webhookEvent"]: .string("jira:issue_created"), ["issue", "fields", "project", "key"]: .string("ACME")])
    }

    @Test("values keep their types: integers, other numbers, strings with escapes, arrays; the last of a repeated key wins")
    func valueTypes() throws {
        #expect(try read(#"{"n": 42}"#)[["n"]] == .integer(42))
        #expect(try read(#"{"n": -9223372036854775808}"#)[["n"]] == .integer(Int64.min))
        #expect(try read(#"{"n": 1.5}"#)[["n"]] == .number("1.5"))
        #expect(try read(#"{"n": 1e3}"#)[["n"]] == .number("1e3"))
        #expect(try read(#"{"n": 99999999999999999999}"#)[["n"]] == .number("99999999999999999999"))
        #expect(try read(#"{"n": true, "n": null}"#)[["n"]] == .null)
        let escaped = try read(#"{"webhookEvent": "a\"b\\c\/d\n\u00e9\ud83d\ude00"}"#)
        #expect(escaped[["webhookEvent"]] == .string("a\"b\\c/d\né😀"))
        #expect(try read(#"{"aud": ["x", "y"]}"#)[["aud"]] == .array([.string("x"), .string("y")]))
        #expect(try read(#"{"webhook\u0045vent": "escaped key"}"#)[["webhookEvent"]] == .string("escaped key"))
        #expect(try read(#"{"webhookEvent": "Grüße"}"#)[["webhookEvent"]] == .string("Grüße"))
    }

    @Test(
        "refuses what is not exactly one JSON object, as JSONSerialization does",
        arguments: [
            "", " ", "[]", "\"text\"", "42", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1}x", "{\"a\":01}",
            "{\"a\":1.}", "{\"a\":-}", "{\"a\":.5}", "{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\ud800\"}",
            "{\"a\":\"\\udc00x\"}", "{\"a\":\"tab\there\"}", "{'a':1}", "{\"a\":1 \"b\":2}", "{\"a\":NaN}",
        ])
    func refusals(text: String) {
        #expect(throws: JSONFieldReader.Malformed.self) { try read(text) }
        #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) == nil)
    }

    @Test("trailing commas are refused (RFC 8259), where Foundation's parser lets them pass", arguments: ["{\"a\":1,}", "{\"a\":[1,]}"])
    func trailingCommas(text: String) {
        #expect(throws: JSONFieldReader.Malformed.self) { try read(text) }
    }

    @Test("refuses invalid UTF-8 inside strings, kept or skipped")
    func invalidUTF8() {
        for bytes: [UInt8] in [
            Array(#"{"webhookEvent": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8),
            Array(#"{"other": ""#.utf8) + [0xFF] + Array(#""}"#.utf8),
        ] {
            #expect(throws: JSONFieldReader.Malformed.self) { try reader.read(bytes) }
        }
    }

    @Test("a skipped string is checked byte for byte wherever its escape, control character or non-ASCII byte falls within 8-byte words")
    func skippedStringsAtEveryOffset() throws {
        let specials: [(bytes: [UInt8], valid: Bool)] = [
            (Array(#"\""#.utf8), true), (Array(#"\n"#.utf8), true), (Array(#"\u00e9"#.utf8), true), (Array("é".utf8), true),
            ([0x01], false), ([0x1F], false), ([0xFF], false), ([0xC3], false), ([0x80], false), ([0x9F], false), (Array(#"\q"#.utf8), false),
        ]
        for length in 0..<20 {
            for offset in 0...length {
                for special in specials {
                    var text = Array(repeating: UInt8(ascii: "x"), count: length)
                    text.insert(contentsOf: special.bytes, at: offset)
                    let document = Array(#"{"skipped": ""#.utf8) + text + Array(#"", "webhookEvent": "e"}"#.utf8)
                    let foundation = try? JSONSerialization.jsonObject(with: Data(document))
                    #expect((foundation != nil) == special.valid, "Foundation on \(special.bytes) at \(offset) of \(length)")
                    if special.valid {
                        #expect(try reader.read(document)[["webhookEvent"]] == .string("e"), "\(special.bytes) at \(offset) of \(length)")
                    } else {
                        #expect(throws: JSONFieldReader.Malformed.self, "\(special.bytes) at \(offset) of \(length)") { try reader.read(document) }
                    }
                }
            }
        }
    }

    @Test("accepts what JSONSerialization accepts, agreeing on the values read")
    func agreesWithFoundation() throws {
        let documents = [
            #"{}"#, #" { "webhookEvent" : "e" } "#, "{\"a\":[[[]]],\"b\":{\"c\":{}},\"webhookEvent\":\"\\u0000\"}",
            #"{"n": -0.0e+10, "webhookEvent": "x", "z": [true, false, null, "s", 1, {"k": []}]}"#,
            #"{"issue": {"fields": {"project": {"key": "K\u00dc"}}}, "webhookEvent": "\t"}"#,
        ]
        for document in documents {
            let fields = try read(document)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
            let event = object["webhookEvent"] as? String
            #expect(fields[["webhookEvent"]] == event.map(JSONFieldReader.Value.string))
            let key = ((object["issue"] as? [String: Any])?["fields"] as? [String: Any]).flatMap { ($0["project"] as? [String: Any])?["key"] as? String }
            #expect(fields[["issue", "fields", "project", "key"]] == key.map(JSONFieldReader.Value.string))
        }
    }

    @Test("a repeated key replaces what its earlier value gave below it; an escaped key matches only the same code points")
    func repeatedAndEscapedKeys() throws {
        let repeated = try read(#"{"issue": {"fields": {"project": {"key": "A"}}}, "issue": null, "webhookEvent": "e"}"#)
        #expect(repeated[["issue", "fields", "project", "key"]] == nil)
        #expect(repeated[["issue"]] == nil)
        let kelvin = JSONFieldReader(paths: [["Key"]])
        #expect(try kelvin.read(Array(#"{"\u212Aey": 1}"#.utf8))[["Key"]] == nil)
        #expect(try kelvin.read(Array(#"{"\u004Bey": 2}"#.utf8))[["Key"]] == .integer(2))
    }

    @Test("nesting deeper than the limit is refused instead of exhausting the stack")
    func depthLimit() {
        let deep = "{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(throws: JSONFieldReader.Malformed.self) { try read(deep) }
        let fine = "{\"a\":" + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}"
        #expect(throws: Never.self) { try read(fine) }
    }
}
