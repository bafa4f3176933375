import Curl

/// One S3 API call before addressing and signing: the object (or the bucket, when `key` is
/// `nil`), query parameters, extra headers and body.
struct S3Request: Sendable {
    var method: HTTPMethod
    var key: String?
    var query: [SigV4Signer.QueryItem] = []
    var headers: HTTPHeaders = [:]
    var body: [UInt8]?
}
