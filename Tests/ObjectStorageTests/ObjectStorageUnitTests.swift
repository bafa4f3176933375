import Foundation
import Testing

@testable import ObjectStorage

@Suite("Keys, the local layout and the XML parser")
struct ObjectStorageUnitTests {
    @Test("key errors name the problem")
    func keyMessages() {
        let cases: [(String, String)] = [
            ("", "must not be empty"),
            ("/a", "must not start with \"/\""),
            ("a/../b", "must not have a \"..\" path segment"),
            ("a\u{1}b", "control characters (found U+0001)"),
            (String(repeating: "x", count: 1025), "at most 1024 UTF-8 bytes, this one has 1025"),
        ]
        for (key, problem) in cases {
            #expect(throws: ObjectStorageError.self) { try ObjectKey.validate(key) }
            do {
                try ObjectKey.validate(key)
            } catch {
                #expect(error.code == "InvalidKey")
                #expect(error.message.contains(problem), "\(error.message)")
            }
        }
    }

    @Test("the local layout escapes segments, marks objects with @ and decodes back")
    func layout() throws {
        typealias Layout = LocalDirectoryObjectStore.Layout
        let names = try Layout.names(for: "raw/t 1//ü%/x.eml")
        #expect(names.directories == ["raw", "t%201", "!", "%C3%BC%25"])
        #expect(names.file == "x.eml@")
        #expect(try Layout.names(for: "a/").file == "!@")
        for segment in ["", "a b", "ü", "%41", "!", "@", "~x", "...", "a.b"] {
            #expect(Layout.decode(Substring(Layout.encode(Substring(segment)))) == Array(segment.utf8))
        }
        guard case .object(let segment) = Layout.classify("x.eml@") else { Issue.record("not an object"); return }
        #expect(segment == Array("x.eml".utf8))
        guard case .directory = Layout.classify("x.eml") else { Issue.record("not a directory"); return }
        guard case .ignored = Layout.classify("~tmp-123") else { Issue.record("a temporary file was not ignored"); return }
        #expect(throws: ObjectStorageError.self) { try Layout.names(for: String(repeating: "é", count: 100)) }
    }

    @Test("the XML parser reads S3 documents")
    func xml() throws {
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>b</Name><IsTruncated>true</IsTruncated>
              <!-- a comment -->
              <Contents><Key> a &amp; b &lt;c&gt; &#233;&#x1F600;</Key><Size>12</Size><ETag>&quot;abc&quot;</ETag></Contents>
              <Contents><Key><![CDATA[x<y]]></Key><Size>0</Size></Contents>
              <NextContinuationToken>tok/en==</NextContinuationToken>
              <Empty/>
            </ListBucketResult>
            """
        let root = try S3XML.parse(Array(document.utf8))
        #expect(root.name == "ListBucketResult")
        #expect(root.children("Contents").map { $0.text(of: "Key") } == [" a & b <c> é😀", "x<y"])
        #expect(root.children("Contents").first?.text(of: "ETag") == "\"abc\"")
        #expect(root.text(of: "NextContinuationToken") == "tok/en==")
        #expect(root.child("Empty") != nil)
        #expect(throws: S3XML.Malformed.self) { try S3XML.parse(Array("<a><b></a>".utf8)) }
        #expect(throws: S3XML.Malformed.self) { try S3XML.parse(Array("<!DOCTYPE x [<!ENTITY e \"e\">]><a>&e;</a>".utf8)) }
        #expect(throws: S3XML.Malformed.self) { try S3XML.parse(Array("<a>".utf8)) }
        #expect(S3XML.escape("<a&'\">") == "&lt;a&amp;&apos;&quot;&gt;")
    }
}
