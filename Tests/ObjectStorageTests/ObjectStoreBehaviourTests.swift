import Foundation
import ObjectStorage
import Testing

/// The behaviour every ``ObjectStore`` promises, checked against both implementations.
@Suite("ObjectStore behaviour (local directory and S3)")
struct ObjectStoreBehaviourTests {
    @Test("put and get bytes, including an empty object", arguments: StoreKind.allCases)
    func putGetBytes(_ kind: StoreKind) async throws {
        try await StoreFixture.withStore(kind) { store in
            let bytes = StoreFixture.bytes(70_000, seed: 1)
            try await store.put(key: "raw/t1/2026/11/29/m1.eml", bytes: bytes)
            #expect(try await store.get(key: "raw/t1/2026/11/29/m1.eml") == bytes)
            try await store.put(key: "empty", bytes: [])
            #expect(try await store.get(key: "empty") == [])
            #expect(try await store.head(key: "empty")?.size == 0)
        }
    }

    @Test("put a file and get it into a file", arguments: StoreKind.allCases)
    func putGetFile(_ kind: StoreKind) async throws {
        let directory = StoreFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await StoreFixture.withStore(kind) { store in
            let bytes = StoreFixture.bytes(300_000, seed: 2)
            let source = directory.appendingPathComponent("source")
            let target = directory.appendingPathComponent("target")
            try Data(bytes).write(to: source)
            try await store.put(key: "files/one", file: source)
            try await store.get(key: "files/one", to: target)
            #expect(try Array(Data(contentsOf: target)) == bytes)
            // An existing file is replaced.
            try await store.put(key: "files/two", bytes: [1, 2, 3])
            try await store.get(key: "files/two", to: target)
            #expect(try Array(Data(contentsOf: target)) == [1, 2, 3])
        }
    }

    @Test("head reports size, tag and time, and nil for a missing key", arguments: StoreKind.allCases)
    func head(_ kind: StoreKind) async throws {
        try await StoreFixture.withStore(kind) { store in
            #expect(try await store.head(key: "missing") == nil)
            let before = Date().addingTimeInterval(-120)
            try await store.put(key: "h/object", bytes: StoreFixture.bytes(1234, seed: 3))
            let info = try #require(try await store.head(key: "h/object"))
            #expect(info.key == "h/object")
            #expect(info.size == 1234)
            #expect(info.etag?.isEmpty == false)
            let modified = try #require(info.lastModified)
            #expect(modified > before && modified < Date().addingTimeInterval(120))
        }
    }

    @Test("a put replaces the object", arguments: StoreKind.allCases)
    func overwrite(_ kind: StoreKind) async throws {
        try await StoreFixture.withStore(kind) { store in
            try await store.put(key: "o", bytes: Array("first version".utf8))
            let first = try await store.head(key: "o")
            try await store.put(key: "o", bytes: Array("second".utf8))
            #expect(try await store.get(key: "o") == Array("second".utf8))
            let second = try await store.head(key: "o")
            #expect(second?.size == 6)
            #expect(second?.etag != first?.etag)
            #expect(try await store.allKeys() == ["o"])
        }
    }

    @Test("delete removes an object; deleting a missing one succeeds", arguments: StoreKind.allCases)
    func delete(_ kind: StoreKind) async throws {
        try await StoreFixture.withStore(kind) { store in
            try await store.delete(key: "never/written")
            try await store.put(key: "d/a/b", bytes: [1])
            try await store.put(key: "d/a", bytes: [2])
            try await store.delete(key: "d/a/b")
            #expect(try await store.head(key: "d/a/b") == nil)
            await expectStorageError("NoSuchKey") { _ = try await store.get(key: "d/a/b") }
            #expect(try await store.get(key: "d/a") == [2])
            try await store.delete(key: "d/a/b")
            #expect(try await store.allKeys() == ["d/a"])
        }
    }

    @Test("list pages through a prefix in key order", arguments: StoreKind.allCases)
    func listPagination(_ kind: StoreKind) async throws {
        try await StoreFixture.withStore(kind) { store in
            let keys = (0..<25).map { "page/item-\($0 < 10 ? "0" : "")\($0)" }
            for key in keys.shuffled() {
                try await store.put(key: key, bytes: Array(key.utf8))
            }
            try await store.put(key: "pagf", bytes: [0])
            try await store.put(key: "other/item", bytes: [0])

            var pages: [[String]] = []
            var token: String?
            repeat {
                let page = try await store.list(prefix: "page/", continuationToken: token, limit: 10)
                pages.append(page.keys)
                token = page.nextContinuationToken
                #expect(page.isTruncated == (token != nil))
            } while token != nil && pages.count < 10
            #expect(pages.map(\.count) == [10, 10, 5])
            #expect(pages.flatMap { $0 } == keys)
            let first = try await store.list(prefix: "page/", continuationToken: nil, limit: 1)
            #expect(first.objects.first?.size == Int64("page/item-00".utf8.count))
            #expect(try await store.list(prefix: "nothing/", continuationToken: nil, limit: 10).objects.isEmpty)
        }
    }

    @Test("keys list in UTF-8 byte order, objects beside and below one another", arguments: StoreKind.allCases)
    func listOrder(_ kind: StoreKind) async throws {
        try await StoreFixture.withStore(kind) { store in
            let keys = ["a", "a!", "a-b", "a/b", "a/b/c", "a/b!", "a0", "B", "b", "z", "é", "日本"]
            for key in keys.shuffled() {
                try await store.put(key: key, bytes: [1])
            }
            let sorted = keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            #expect(try await store.allKeys() == sorted)
            #expect(try await store.allKeys(prefix: "a/") == ["a/b", "a/b!", "a/b/c"])
            #expect(try await store.allKeys(prefix: "a/b") == ["a/b", "a/b!", "a/b/c"])
            // One key per page, so each token falls between neighbours.
            var paged: [String] = []
            var token: String?
            repeat {
                let page = try await store.list(prefix: "", continuationToken: token, limit: 1)
                paged += page.keys
                token = page.nextContinuationToken
            } while token != nil && paged.count <= keys.count
            #expect(paged == sorted)
        }
    }

    @Test("deleteAll removes a prefix and leaves the others", arguments: StoreKind.allCases)
    func deleteAll(_ kind: StoreKind) async throws {
        try await StoreFixture.withStore(kind) { store in
            for index in 0..<30 {
                try await store.put(key: "purge/t1/\(index)/m.eml", bytes: [UInt8(index)])
            }
            for key in ["purge", "purgeX/1", "keep/t1/m.eml"] {
                try await store.put(key: key, bytes: [9])
            }
            #expect(try await store.deleteAll(prefix: "purge/") == 30)
            #expect(try await store.allKeys() == ["keep/t1/m.eml", "purge", "purgeX/1"])
            #expect(try await store.deleteAll(prefix: "purge/") == 0)
        }
    }

    @Test("invalid keys are refused with InvalidKey", arguments: StoreKind.allCases)
    func invalidKeys(_ kind: StoreKind) async throws {
        let invalid = ["", "/leading", "a/../b", "..", "a/.", "./a", "nul\u{0}byte", "line\nbreak", "tab\tkey", "del\u{7F}", "c1\u{85}",
                       String(repeating: "k", count: 1025), String(repeating: "é", count: 513)]
        try await StoreFixture.withStore(kind) { store in
            for key in invalid {
                await expectStorageError("InvalidKey", "put \(key.debugDescription)") { try await store.put(key: key, bytes: [1]) }
                await expectStorageError("InvalidKey", "get \(key.debugDescription)") { _ = try await store.get(key: key) }
                await expectStorageError("InvalidKey", "head \(key.debugDescription)") { _ = try await store.head(key: key) }
                await expectStorageError("InvalidKey", "delete \(key.debugDescription)") { try await store.delete(key: key) }
            }
            await expectStorageError("InvalidKey") { _ = try await store.list(prefix: "/x", continuationToken: nil, limit: 10) }
            await expectStorageError("InvalidArgument") { _ = try await store.list(prefix: "", continuationToken: nil, limit: 0) }
            #expect(try await store.allKeys().isEmpty)
            // The longest valid key, in segments short enough for a file system.
            let longest = String(repeating: String(repeating: "k", count: 99) + "/", count: 10) + String(repeating: "k", count: 24)
            #expect(longest.utf8.count == 1024)
            try await store.put(key: longest, bytes: [1])
            #expect(try await store.get(key: longest) == [1])
        }
    }

    @Test("unusual but valid keys round-trip", arguments: StoreKind.allCases)
    func unusualKeys(_ kind: StoreKind) async throws {
        let keys = [
            "with space/and more  spaces", "unicode/ünïcødé/日本語/😀", "plus+sign", "percent%20literal%", "equals=sign&and?query#frag",
            "quote'\"<xml>&amp;", "tilde~bang!star*(paren)", "a//double", "trailing/", "...dots/..x/x..", "comma,semi;colon:at@",
        ]
        try await StoreFixture.withStore(kind) { store in
            for (index, key) in keys.enumerated() {
                try await store.put(key: key, bytes: Array("\(index)".utf8))
            }
            for (index, key) in keys.enumerated() {
                #expect(try await store.get(key: key) == Array("\(index)".utf8), "\(key)")
                #expect(try await store.head(key: key)?.size == Int64("\(index)".utf8.count), "\(key)")
            }
            let sorted = keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            #expect(try await store.allKeys() == sorted)
            for key in keys {
                try await store.delete(key: key)
            }
            #expect(try await store.allKeys().isEmpty)
        }
    }
}
