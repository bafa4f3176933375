/// Builds the URLs libcurl is given, escaping every part that comes from outside.
enum CurlURL {
    /// `scheme://host:port` with `host` checked (and bracketed when it is an IPv6 address).
    /// - Throws: ``CurlError`` when `host` is empty or holds characters that would change the URL's meaning.
    static func origin(scheme: String, host: String, port: Int) throws(CurlError) -> String {
        guard !host.isEmpty else {
            throw .invalidArgument("the host name is empty")
        }
        guard (1...65535).contains(port) else {
            throw .invalidArgument("port \(port) is out of range")
        }
        let forbidden = Set("/?#@[]\\%\" <>")
        if host.contains(":") {
            // An IPv6 address: hex digits, colons and dots only.
            guard host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw .invalidArgument("host \"\(host)\" is not a valid name or address")
            }
            return "\(scheme)://[\(host)]:\(port)"
        }
        guard host.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }), !host.contains(where: forbidden.contains) else {
            throw .invalidArgument("host \"\(host)\" is not a valid name or address")
        }
        return "\(scheme)://\(host):\(port)"
    }

    /// `text` with every byte but RFC 3986's unreserved characters percent-encoded, so that it is
    /// one opaque path segment (or parameter value) whatever it contains.
    static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return encoded
    }
}
