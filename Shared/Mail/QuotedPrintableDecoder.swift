/// A forgiving quoted-printable decoder (RFC 2045 §6.7): soft line breaks, `=XX` in either case,
/// trailing whitespace on lines dropped; a stray `=` is kept as written and reported. Line ends
/// pass through as they are. Works in chunks of any size.
struct QuotedPrintableDecoder {
    private enum State {
        case text
        case equals
        case equalsHex(UInt8)
        /// `=` followed by whitespace: a soft break if only whitespace follows to the line end.
        case equalsWhitespace([UInt8])
    }

    private var state = State.text
    /// Spaces and tabs held back until we know whether a line end follows them.
    private var heldWhitespace: [UInt8] = []
    /// Whether a malformed escape was seen.
    private(set) var hadJunk = false

    mutating func feed(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        output.reserveCapacity(output.count + input.count)
        for byte in input { step(byte, into: &output) }
    }

    private mutating func step(_ byte: UInt8, into output: inout [UInt8]) {
        switch state {
        case .text:
            if byte == ASCII.equals {
                releaseWhitespace(into: &output)
                state = .equals
            } else if ASCII.isWhitespace(byte) {
                heldWhitespace.append(byte)
            } else if byte == ASCII.cr || byte == ASCII.lf {
                heldWhitespace.removeAll(keepingCapacity: true)  // trailing whitespace is transport padding
                output.append(byte)
            } else {
                releaseWhitespace(into: &output)
                output.append(byte)
            }
        case .equals:
            if let _ = Self.hexValue(byte) {
                state = .equalsHex(byte)
            } else if byte == ASCII.lf {
                state = .text  // soft line break (LF only)
            } else if byte == ASCII.cr {
                state = .equalsWhitespace([])  // expect LF
            } else if ASCII.isWhitespace(byte) {
                state = .equalsWhitespace([byte])
            } else {
                hadJunk = true
                output.append(ASCII.equals)
                state = .text
                step(byte, into: &output)
            }
        case .equalsHex(let first):
            if let high = Self.hexValue(first), let low = Self.hexValue(byte) {
                output.append(high << 4 | low)
                state = .text
            } else {
                hadJunk = true
                output.append(ASCII.equals)
                output.append(first)
                state = .text
                step(byte, into: &output)
            }
        case .equalsWhitespace(var held):
            if byte == ASCII.lf {
                state = .text  // soft line break with trailing whitespace
            } else if ASCII.isWhitespace(byte) || byte == ASCII.cr {
                held.append(byte)
                state = .equalsWhitespace(held)
            } else {
                hadJunk = true
                output.append(ASCII.equals)
                output.append(contentsOf: held.filter { $0 != ASCII.cr })
                state = .text
                step(byte, into: &output)
            }
        }
    }

    private mutating func releaseWhitespace(into output: inout [UInt8]) {
        if !heldWhitespace.isEmpty {
            output.append(contentsOf: heldWhitespace)
            heldWhitespace.removeAll(keepingCapacity: true)
        }
    }

    /// Ends the input: a dangling `=` at the very end is a soft break; held whitespace is dropped.
    mutating func finish(into output: inout [UInt8]) {
        switch state {
        case .equalsHex(let first):
            hadJunk = true
            output.append(ASCII.equals)
            output.append(first)
        case .text, .equals, .equalsWhitespace:
            break
        }
        state = .text
        heldWhitespace.removeAll()
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// The Q encoding of RFC 2047 words: `_` is a space, `=XX` a byte, nothing else special.
    static func decodeEncodedWord(_ input: ArraySlice<UInt8>) -> (bytes: [UInt8], hadJunk: Bool) {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var hadJunk = false
        var index = input.startIndex
        while index < input.endIndex {
            let byte = input[index]
            if byte == 0x5F {
                output.append(ASCII.space)
            } else if byte == ASCII.equals, index + 2 < input.endIndex,
                let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            {
                output.append(high << 4 | low)
                index += 2
            } else {
                if byte == ASCII.equals { hadJunk = true }
                output.append(byte)
            }
            index += 1
        }
        return (output, hadJunk)
    }
}
