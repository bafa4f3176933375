/// UTF-16 and UTF-32 decoding without iconv. A byte order mark, when present, decides the byte order
/// and is dropped; without one, a label's own byte order is used, and the bare `utf-16`/`utf-32`
/// labels guess from where the zero bytes of ASCII characters fall (big-endian when undecided).
enum UTFUnitsDecoder {
    /// The text and whether any unit was invalid (a lone surrogate, a value past U+10FFFF, or a
    /// trailing partial unit), each invalid unit having become U+FFFD.
    static func decodeUTF16(_ bytes: UnsafeRawBufferPointer, bigEndian declared: Bool?) -> (text: String, invalid: Bool) {
        var body = bytes
        var bigEndian = declared
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            bigEndian = true
            body = UnsafeRawBufferPointer(rebasing: bytes[2...])
        } else if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE {
            bigEndian = false
            body = UnsafeRawBufferPointer(rebasing: bytes[2...])
        }
        let isBigEndian = bigEndian ?? guessBigEndian(body, unitSize: 2)
        let unitCount = body.count / 2
        var units: [UInt16] = []
        units.reserveCapacity(unitCount)
        for index in 0..<unitCount {
            let first = UInt16(body[index * 2]), second = UInt16(body[index * 2 + 1])
            units.append(isBigEndian ? first << 8 | second : second << 8 | first)
        }
        var text: String
        var invalid = false
        if let valid = String(validating: units, as: UTF16.self) {
            text = valid
        } else {
            text = String(decoding: units, as: UTF16.self)
            invalid = true
        }
        if body.count % 2 != 0 {
            text.append("\u{FFFD}")
            invalid = true
        }
        return (text, invalid)
    }

    /// As `decodeUTF16`, for four-byte units.
    static func decodeUTF32(_ bytes: UnsafeRawBufferPointer, bigEndian declared: Bool?) -> (text: String, invalid: Bool) {
        var body = bytes
        var bigEndian = declared
        if bytes.count >= 4, bytes[0] == 0, bytes[1] == 0, bytes[2] == 0xFE, bytes[3] == 0xFF {
            bigEndian = true
            body = UnsafeRawBufferPointer(rebasing: bytes[4...])
        } else if bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xFE, bytes[2] == 0, bytes[3] == 0 {
            bigEndian = false
            body = UnsafeRawBufferPointer(rebasing: bytes[4...])
        }
        let isBigEndian = bigEndian ?? guessBigEndian(body, unitSize: 4)
        var scalars = String.UnicodeScalarView()
        var invalid = false
        for index in 0..<(body.count / 4) {
            var value: UInt32 = 0
            for offset in 0..<4 {
                let byte = UInt32(body[index * 4 + (isBigEndian ? offset : 3 - offset)])
                value = value << 8 | byte
            }
            if let scalar = Unicode.Scalar(value) {
                scalars.append(scalar)
            } else {
                scalars.append("\u{FFFD}")
                invalid = true
            }
        }
        if body.count % 4 != 0 {
            scalars.append("\u{FFFD}")
            invalid = true
        }
        return (String(scalars), invalid)
    }

    /// Whether zero bytes fall first in each unit more often than last (as in big-endian ASCII).
    private static func guessBigEndian(_ bytes: UnsafeRawBufferPointer, unitSize: Int) -> Bool {
        var zerosFirst = 0, zerosLast = 0
        var index = 0
        while index + unitSize <= bytes.count {
            if bytes[index] == 0 { zerosFirst += 1 }
            if bytes[index + unitSize - 1] == 0 { zerosLast += 1 }
            index += unitSize
        }
        return zerosFirst >= zerosLast
    }
}
