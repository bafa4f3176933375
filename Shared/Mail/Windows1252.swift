/// Windows-1252 decoding without iconv, as browsers do it: every byte maps to one character (the five
/// bytes Windows leaves undefined map to the C1 controls of the same value, as in ISO-8859-1).
enum Windows1252 {
    /// The characters of bytes 0x80...0x9F; the other bytes are their own code point.
    private static let c1: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// Whether Windows itself defines `byte` (all but 0x81, 0x8D, 0x8F, 0x90, 0x9D).
    static func isDefined(_ byte: UInt8) -> Bool {
        byte != 0x81 && byte != 0x8D && byte != 0x8F && byte != 0x90 && byte != 0x9D
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> String {
        // Each byte becomes at most three UTF-8 bytes.
        String(unsafeUninitializedCapacity: bytes.count * 3) { out in
            var count = 0
            for byte in bytes {
                let scalar: UInt32 = (0x80...0x9F).contains(byte) ? UInt32(c1[Int(byte - 0x80)]) : UInt32(byte)
                switch scalar {
                case 0..<0x80:
                    out[count] = UInt8(scalar)
                    count += 1
                case 0x80..<0x800:
                    out[count] = UInt8(0xC0 | (scalar >> 6))
                    out[count + 1] = UInt8(0x80 | (scalar & 0x3F))
                    count += 2
                default:
                    out[count] = UInt8(0xE0 | (scalar >> 12))
                    out[count + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
                    out[count + 2] = UInt8(0x80 | (scalar & 0x3F))
                    count += 3
                }
            }
            return count
        }
    }
}
