/// ISO-2022-JP (RFC 1468, with the JIS X 0201 katakana and JIS X 0212 sets of its later variants and
/// the NEC/IBM rows Windows writes) rewritten as EUC-JP, so that one EUC-JP decoder with Microsoft's
/// extensions decodes both. glibc's own ISO-2022-JP converters reject the NEC rows (①, ㈱, №).
enum ISO2022JP {
    /// A byte that no EUC-JP decoder accepts; it marks an invalid input byte so that it becomes U+FFFD.
    static let invalidMarker: UInt8 = 0xFF

    private enum Mode {
        case ascii, katakana, jis0208, jis0212
    }

    /// The EUC-JP bytes for `bytes`. Each byte that is invalid in ISO-2022-JP (an 8-bit byte, an
    /// unknown escape, half a two-byte character) becomes `invalidMarker`; line breaks, tabs and
    /// spaces pass through in any mode.
    static func toEUCJP(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var mode = Mode.ascii
        var modeBeforeShiftOut = Mode.ascii
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == 0x1B {
                if let (newMode, length) = escape(bytes, at: index) {
                    if let newMode { mode = newMode }
                    index += length
                } else {
                    output.append(invalidMarker)
                    index += 1
                }
                continue
            }
            if byte == 0x0E {  // shift out: half-width katakana
                if mode != .katakana { modeBeforeShiftOut = mode }
                mode = .katakana
                index += 1
                continue
            }
            if byte == 0x0F {  // shift in
                if mode == .katakana { mode = modeBeforeShiftOut }
                index += 1
                continue
            }
            if byte >= 0x80 {
                output.append(invalidMarker)
                index += 1
                continue
            }
            if byte <= 0x20 || byte == 0x7F {
                output.append(byte)
                index += 1
                continue
            }
            switch mode {
            case .ascii:
                output.append(byte)
                index += 1
            case .katakana:
                output.append(contentsOf: byte <= 0x5F ? [0x8E, byte | 0x80] : [invalidMarker])
                index += 1
            case .jis0208, .jis0212:
                let trail: UInt8? = index + 1 < count ? bytes[index + 1] : nil
                guard let trail, (0x21...0x7E).contains(trail) else {
                    output.append(invalidMarker)
                    index += 1
                    continue
                }
                if mode == .jis0212 { output.append(0x8F) }
                output.append(contentsOf: [byte | 0x80, trail | 0x80])
                index += 2
            }
        }
        return output
    }

    /// The mode an escape sequence at `index` switches to (nil for an announcer that switches
    /// nothing) and its length; nil when it is no escape sequence of ISO-2022-JP.
    private static func escape(_ bytes: UnsafeRawBufferPointer, at index: Int) -> (Mode?, Int)? {
        func byte(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        switch (byte(1), byte(2), byte(3)) {
        case (0x28, 0x42, _), (0x28, 0x4A, _), (0x28, 0x48, _): return (.ascii, 3)  // ESC ( B, J, H
        case (0x28, 0x49, _): return (.katakana, 3)  // ESC ( I
        case (0x24, 0x40, _), (0x24, 0x42, _): return (.jis0208, 3)  // ESC $ @, ESC $ B
        case (0x24, 0x28, 0x44): return (.jis0212, 4)  // ESC $ ( D
        case (0x24, 0x28, 0x4F), (0x24, 0x28, 0x51): return (.jis0208, 4)  // ESC $ ( O, Q: JIS X 0213 plane 1
        case (0x26, 0x40, _): return (nil, 3)  // ESC & @: announces JIS X 0208-1990
        default: return nil
        }
    }
}
