/// A part's `Content-Transfer-Encoding`.
public enum TransferEncoding: String, Sendable, Codable {
    case sevenBit = "7bit"
    case eightBit = "8bit"
    case binary
    case base64
    case quotedPrintable = "quoted-printable"
    /// `x-uuencode`: not MIME, but old clients and Python still read it.
    case uuencode = "x-uuencode"

    /// Reads a header value as clients write it (`Base64`, `7-bit`, `quoted-printable;`, …).
    /// Returns nil for an encoding no client can mean, which callers treat as identity and report.
    init?(headerValue: String) {
        var value = headerValue.lowercased().trimmingWhitespace()
        if let cut = value.firstIndex(of: ";") { value = String(value[..<cut]) }
        if value != "quoted printable", value != "7 bit", value != "8 bit", let cut = value.firstIndex(of: " ") { value = String(value[..<cut]) }
        value = value.replacingOccurrences(of: "\"", with: "")
        switch value {
        case "", "7bit", "7-bit", "7 bit", "ascii", "us-ascii": self = .sevenBit
        case "8bit", "8-bit", "8 bit", "8bits": self = .eightBit
        case "binary": self = .binary
        case "base64", "base-64", "b64", "x-base64": self = .base64
        case "quoted-printable", "quotedprintable", "quoted_printable", "quoted printable", "qp": self = .quotedPrintable
        case "x-uuencode", "uuencode", "x-uue", "uue": self = .uuencode
        default: return nil
        }
    }
}

/// Decodes a body in any transfer encoding, chunk by chunk.
struct TransferDecoder {
    private enum Engine {
        case identity
        case base64(Base64Decoder)
        case quotedPrintable(QuotedPrintableDecoder)
        case uuencode(UUDecoder)
    }

    private var engine: Engine

    init(_ encoding: TransferEncoding) {
        switch encoding {
        case .base64: engine = .base64(Base64Decoder())
        case .quotedPrintable: engine = .quotedPrintable(QuotedPrintableDecoder())
        case .uuencode: engine = .uuencode(UUDecoder())
        case .sevenBit, .eightBit, .binary: engine = .identity
        }
    }

    /// Whether the input contained anything the encoding does not allow.
    var hadJunk: Bool {
        switch engine {
        case .identity: false
        case .base64(let decoder): decoder.hadJunk
        case .quotedPrintable(let decoder): decoder.hadJunk
        case .uuencode(let decoder): decoder.hadJunk
        }
    }

    mutating func feed(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        switch engine {
        case .identity:
            output.append(contentsOf: input)
        case .base64(var decoder):
            engine = .identity  // release the payload so `decoder` is uniquely referenced
            decoder.feed(input, into: &output)
            engine = .base64(decoder)
        case .quotedPrintable(var decoder):
            engine = .identity
            decoder.feed(input, into: &output)
            engine = .quotedPrintable(decoder)
        case .uuencode(var decoder):
            engine = .identity
            decoder.feed(input, into: &output)
            engine = .uuencode(decoder)
        }
    }

    mutating func finish(into output: inout [UInt8]) {
        switch engine {
        case .identity:
            break
        case .base64(var decoder):
            decoder.finish(into: &output)
            engine = .base64(decoder)
        case .quotedPrintable(var decoder):
            decoder.finish(into: &output)
            engine = .quotedPrintable(decoder)
        case .uuencode(var decoder):
            decoder.finish(into: &output)
            engine = .uuencode(decoder)
        }
    }
}
