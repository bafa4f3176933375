/// A `multipart/form-data` body (RFC 7578) with one file part, as Jira's attachment upload takes it.
struct MultipartFormData: Sendable {
    let boundary: String
    let body: [UInt8]

    /// The `Content-Type` header value.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// One part named `field` holding `bytes` as file `filename`.
    ///
    /// The file name is written as UTF-8 in quotes with `"`, CR and LF percent-encoded (as
    /// browsers do); `contentType` must be a plain `type/subtype[; params]` without line breaks
    /// (else `application/octet-stream` is sent).
    init(field: String, filename: String, contentType: String, bytes: [UInt8]) {
        boundary = "mailbridge-" + (0..<4).map { _ in String(UInt32.random(in: .min ... .max), radix: 16) }.joined()
        let name = Self.quotedValue(filename)
        let type = contentType.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) && !contentType.isEmpty ? contentType : "application/octet-stream"
        var body: [UInt8] = []
        body.reserveCapacity(bytes.count + 512)
        body += Array("--\(boundary)\r\n".utf8)
        body += Array("Content-Disposition: form-data; name=\"\(Self.quotedValue(field))\"; filename=\"\(name)\"\r\n".utf8)
        body += Array("Content-Type: \(type)\r\n\r\n".utf8)
        body += bytes
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        self.body = body
    }

    private static func quotedValue(_ value: String) -> String {
        var result = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "%22"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
