import Curl
import Foundation
import ObjectStorage
import Testing

/// One case of the AWS Signature Version 4 test suite (`aws-sig-v4-test-suite`, 2015 edition):
/// its request, and the expected canonical request (`.creq`), string to sign (`.sts`; the
/// last line, the canonical request's hash, where transcribed) and signature (`.authz`).
struct SigV4Vector: Sendable, CustomTestStringConvertible {
    var name: String
    var method: String
    var path: String
    var query: [SigV4Signer.QueryItem] = []
    var headers: [(String, String)] = []
    var body: String = ""
    var sessionToken: String?
    var canonicalRequest: String
    var canonicalRequestHash: String?
    var signedHeaders: String
    var signature: String

    var testDescription: String { name }
}

/// The suite's well-known example credentials, region, service and time (20150830T123600Z).
private enum SuiteVectors {
    static let accessKey = "AKIDEXAMPLE"
    static let secretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let date = Date(timeIntervalSince1970: 1_440_938_160)
    static let scope = "20150830/us-east-1/service/aws4_request"
    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let sessionToken = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

    /// The canonical request of a bodiless request with only `Host` and `X-Amz-Date`.
    static func plain(_ method: String, _ uri: String, _ query: String = "") -> String {
        "\(method)\n\(uri)\n\(query)\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\(emptyHash)"
    }

    static let vectors: [SigV4Vector] = [
        SigV4Vector(
            name: "get-vanilla", method: "GET", path: "/",
            canonicalRequest: plain("GET", "/"),
            canonicalRequestHash: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            signedHeaders: "host;x-amz-date",
            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        ),
        SigV4Vector(
            name: "post-vanilla", method: "POST", path: "/",
            canonicalRequest: plain("POST", "/"),
            signedHeaders: "host;x-amz-date",
            signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        ),
        SigV4Vector(
            name: "get-vanilla-query-order-key-case", method: "GET", path: "/",
            query: [.init("Param2", "value2"), .init("Param1", "value1")],
            canonicalRequest: plain("GET", "/", "Param1=value1&Param2=value2"),
            canonicalRequestHash: "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
            signedHeaders: "host;x-amz-date",
            signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        ),
        SigV4Vector(
            name: "get-header-value-trim", method: "GET", path: "/",
            headers: [("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")],
            canonicalRequest: """
                GET
                /

                host:example.amazonaws.com
                my-header1:value1
                my-header2:"a b c"
                x-amz-date:20150830T123600Z

                host;my-header1;my-header2;x-amz-date
                \(emptyHash)
                """,
            signedHeaders: "host;my-header1;my-header2;x-amz-date",
            signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"
        ),
        SigV4Vector(
            name: "post-x-www-form-urlencoded", method: "POST", path: "/",
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: "Param1=value1",
            canonicalRequest: """
                POST
                /

                content-type:application/x-www-form-urlencoded
                host:example.amazonaws.com
                x-amz-date:20150830T123600Z

                content-type;host;x-amz-date
                9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
                """,
            canonicalRequestHash: "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
            signedHeaders: "content-type;host;x-amz-date",
            signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"
        ),
        // The suite's request lines carry the raw characters; a non-S3 signer encodes the path
        // as sent once more, which is what these canonical URIs show.
        SigV4Vector(
            name: "get-space", method: "GET", path: "/example space/",
            canonicalRequest: plain("GET", "/example%20space/"),
            signedHeaders: "host;x-amz-date",
            signature: "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"
        ),
        SigV4Vector(
            name: "get-utf8", method: "GET", path: "/\u{1234}",
            canonicalRequest: plain("GET", "/%E1%88%B4"),
            canonicalRequestHash: "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102",
            signedHeaders: "host;x-amz-date",
            signature: "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"
        ),
        SigV4Vector(
            name: "get-unreserved", method: "GET", path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            canonicalRequest: plain("GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
            canonicalRequestHash: "6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9",
            signedHeaders: "host;x-amz-date",
            signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"
        ),
        SigV4Vector(
            name: "post-sts-token/post-sts-header-before", method: "POST", path: "/",
            sessionToken: sessionToken,
            canonicalRequest: """
                POST
                /

                host:example.amazonaws.com
                x-amz-date:20150830T123600Z
                x-amz-security-token:\(sessionToken)

                host;x-amz-date;x-amz-security-token
                \(emptyHash)
                """,
            canonicalRequestHash: "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
            signedHeaders: "host;x-amz-date;x-amz-security-token",
            signature: "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"
        ),
    ]
}

@Suite("SigV4Signer")
struct SigV4SignerTests {
    @Test("reproduces the AWS SigV4 test suite", arguments: SuiteVectors.vectors)
    func testSuiteVector(_ vector: SigV4Vector) {
        let signer = SigV4Signer(
            credentials: SigV4Credentials(accessKeyID: SuiteVectors.accessKey, secretAccessKey: SuiteVectors.secretKey, sessionToken: vector.sessionToken),
            region: "us-east-1",
            service: "service"
        )
        var headers = HTTPHeaders([("Host", "example.amazonaws.com")])
        for (name, value) in vector.headers { headers.add(name: name, value: value) }
        let signed = signer.sign(
            method: vector.method, path: vector.path, query: vector.query, headers: headers,
            payloadHash: SigV4Signer.hexSHA256(Array(vector.body.utf8)), date: SuiteVectors.date
        )
        #expect(signed.canonicalRequest == vector.canonicalRequest)
        let hash = vector.canonicalRequestHash ?? SigV4Signer.hexSHA256(Array(vector.canonicalRequest.utf8))
        #expect(signed.stringToSign == "AWS4-HMAC-SHA256\n20150830T123600Z\n\(SuiteVectors.scope)\n\(hash)")
        #expect(signed.signature == vector.signature)
        #expect(signed.authorization == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\(SuiteVectors.scope), SignedHeaders=\(vector.signedHeaders), Signature=\(vector.signature)")
        #expect(signed.headers["X-Amz-Date"] == "20150830T123600Z")
        #expect(signed.headers["Authorization"] == signed.authorization)
        #expect(signed.headers["X-Amz-Security-Token"] == vector.sessionToken)
        #expect(!signed.headers.contains("X-Amz-Content-Sha256"))
    }

    /// The S3 API reference's example "GET Object" (first 10 bytes of `test.txt` in `examplebucket`).
    @Test("reproduces the S3 documentation's GET Object example")
    func s3DocumentationExample() {
        let signer = SigV4Signer(
            // The S3 reference's example secret differs from the test suite's: "/bPx", not "+bPx".
            credentials: SigV4Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1",
            service: "s3"
        )
        let signed = signer.sign(
            method: "GET", path: "/test.txt", query: [],
            headers: HTTPHeaders([("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9")]),
            payloadHash: SigV4Signer.emptyPayloadHash, date: Date(timeIntervalSince1970: 1_369_353_600)
        )
        #expect(signed.canonicalRequest == """
            GET
            /test.txt

            host:examplebucket.s3.amazonaws.com
            range:bytes=0-9
            x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            x-amz-date:20130524T000000Z

            host;range;x-amz-content-sha256;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(signed.stringToSign == """
            AWS4-HMAC-SHA256
            20130524T000000Z
            20130524/us-east-1/s3/aws4_request
            7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972
            """)
        #expect(signed.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(signed.authorization == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test("S3 signs the path as sent; other services encode it again")
    func pathEncoding() {
        let credentials = SigV4Credentials(accessKeyID: "a", secretAccessKey: "b")
        let s3 = SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3")
        let other = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
        let sent = "/bucket/" + SigV4Signer.uriEncode("a b/ü+%=.txt", keepSlash: true)
        #expect(sent == "/bucket/a%20b/%C3%BC%2B%25%3D.txt")
        #expect(s3.canonicalURI(sent) == sent)
        #expect(other.canonicalURI(sent) == "/bucket/a%2520b/%25C3%25BC%252B%2525%253D.txt")
    }

    @Test("query parameters sort by encoded name, then value, and encode everything but unreserved characters")
    func canonicalQuery() {
        let query = SigV4Signer.canonicalQueryString([.init("b", "2"), .init("a", "z z"), .init("a", "y/+"), .init("uploads")])
        #expect(query == "a=y%2F%2B&a=z%20z&b=2&uploads=")
    }

    @Test("UNSIGNED-PAYLOAD is sent and signed as the payload hash")
    func unsignedPayload() {
        let signer = SigV4Signer(credentials: SigV4Credentials(accessKeyID: "a", secretAccessKey: "b"), region: "eu-west-1", service: "s3")
        let signed = signer.sign(method: "PUT", path: "/b/k", query: [], headers: ["Host": "h"], payloadHash: SigV4Signer.unsignedPayload, date: SuiteVectors.date)
        #expect(signed.headers["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD")
        #expect(signed.canonicalRequest.hasSuffix("\nhost;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD"))
    }
}
