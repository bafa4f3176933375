import Hex
import Testing

@Suite struct HexTests {
    @Test("every byte is two lower-case digits, in order; no bytes is empty text")
    func everyByte() {
        let all = (0...255).map { UInt8($0) }
        let expected = all.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
        #expect(Hex.lowercase(all) == expected)
        #expect(Hex.lowercase([UInt8]()) == "")
        var text = Array("\\x".utf8)
        Hex.append(contentsOf: [0xAB, 0x01], to: &text)
        Hex.append(0xF0, to: &text)
        #expect(String(decoding: text, as: UTF8.self) == "\\xab01f0")
        #expect(Hex.lowercase(UInt64(1)) == "0000000000000001")
        #expect(Hex.lowercase(UInt64(0xFEDC_BA98_7654_3210)) == "fedcba9876543210")
    }
}
