import ArgumentParser
import Crypto
import Foundation

/// AES-256-GCM seal and open throughput, the way the `Encryption` library uses it, with a fixed
/// random 32-byte key and no database.
///
/// The library's own entry points (`TenantCipher`, its stream sealer and file functions) take
/// their keys only from a Postgres-backed `TenantKeyStore`, and the box and stream formats are
/// internal, so this calls swift-crypto's `AES.GCM` directly, mirroring the two formats:
/// - values: one box per value, a fresh random 12-byte nonce, associated data of the
///   `mailbridge|v1|<tenant>|<purpose>|<header>` shape, output `header + nonce + ciphertext + tag`
///   (`SealedBox`);
/// - stream: the plaintext cut into chunks (64 KiB by default), a per-stream key and nonce prefix
///   from HKDF-SHA256, nonce = prefix + big-endian chunk index, associated data = prefix + index +
///   final flag, output `ciphertext + tag` per chunk appended to one buffer (`StreamFormat`).
/// Everything is in memory (output buffers reserved before the clock starts); file I/O is not
/// measured.
struct SealBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "AES-256-GCM seal/open throughput for single values and a chunked stream (in memory)."
    )

    @Option(help: "Plaintext megabytes (10^6 bytes) sealed and opened per measurement.")
    var megabytes: Int = 64

    @Option(name: .customLong("value-size"), help: "Bytes per single value.")
    var valueSize: Int = 64 << 10

    @Option(name: .customLong("chunk-size"), help: "Plaintext bytes per stream chunk.")
    var chunkSize: Int = 64 << 10

    @Option(help: "Measurements of each kind; the median is reported.")
    var rounds: Int = 5

    func validate() throws {
        guard megabytes > 0, valueSize > 0, chunkSize > 0, rounds > 0 else {
            throw ValidationError("--megabytes, --value-size, --chunk-size and --rounds must be positive")
        }
    }

    func run() async throws {
        var report = BenchReport()
        let key = SymmetricKey(size: .bits256)
        let total = megabytes * 1_000_000
        var generator = SystemRandomNumberGenerator()
        let value = (0..<valueSize).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let plaintext = (0..<total).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        let header: [UInt8] = [0x01, 20] + Array("dk-0123456789abcdef".utf8) + [0]
        let valueAssociatedData = Array("mailbridge|v1|6:tenant|5:bench|".utf8) + header
        let count = max(1, total / valueSize)
        let valueBytes = Double(count * valueSize) / 1e6

        report.say(String(
            format: "seal: AES-256-GCM (swift-crypto), %d MB per measurement, %d rounds; values of %d B, stream chunks of %d B",
            megabytes, rounds, valueSize, chunkSize))

        var valueSeal: [Double] = [], valueOpen: [Double] = [], streamSeal: [Double] = [], streamOpen: [Double] = []
        let clock = ContinuousClock()
        for round in 1...rounds {
            // Single values: `count` boxes of one value each.
            var boxes: [[UInt8]] = []
            boxes.reserveCapacity(count)
            let sealTime = try clock.measure {
                for _ in 0..<count {
                    let sealed = try AES.GCM.seal(value, using: key, nonce: AES.GCM.Nonce(), authenticating: valueAssociatedData)
                    var box = header
                    box.reserveCapacity(header.count + 12 + valueSize + 16)
                    box += sealed.nonce
                    box += sealed.ciphertext
                    box += sealed.tag
                    boxes.append(box)
                }
            }
            var opened = 0
            let openTime = try clock.measure {
                for box in boxes {
                    let start = header.count
                    let sealed = try AES.GCM.SealedBox(
                        nonce: AES.GCM.Nonce(data: box[start..<start + 12]), ciphertext: box[(start + 12)..<(box.count - 16)],
                        tag: box[(box.count - 16)...])
                    opened += Array(try AES.GCM.open(sealed, using: key, authenticating: valueAssociatedData)).count
                }
            }
            guard opened == count * valueSize else { throw ValidationError("values opened to \(opened) bytes") }
            valueSeal.append(valueBytes / sealTime.seconds)
            valueOpen.append(valueBytes / openTime.seconds)

            // Stream: one object of `total` bytes in chunks.
            let salt = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let associatedPrefix = Array("mailbridge|s1|6:tenant|5:bench|".utf8) + header + salt
            let derived = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, salt: salt, info: associatedPrefix, outputByteCount: 32 + 4)
                .withUnsafeBytes { Array($0) }
            let streamKey = SymmetricKey(data: derived[..<32])
            let noncePrefix = Array(derived[32...])
            func bigEndian(_ value: UInt64) -> [UInt8] { (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
            let chunkCount = (total + chunkSize - 1) / chunkSize
            var stream: [UInt8] = []
            stream.reserveCapacity(total + chunkCount * 16)
            let streamSealTime = try clock.measure {
                for index in 0..<chunkCount {
                    let start = index * chunkSize
                    let chunk = plaintext[start..<min(total, start + chunkSize)]
                    let sealed = try AES.GCM.seal(
                        chunk, using: streamKey, nonce: AES.GCM.Nonce(data: noncePrefix + bigEndian(UInt64(index))),
                        authenticating: associatedPrefix + bigEndian(UInt64(index)) + [index == chunkCount - 1 ? 1 : 0])
                    stream += sealed.ciphertext
                    stream += sealed.tag
                }
            }
            var recovered: [UInt8] = []
            recovered.reserveCapacity(total)
            let streamOpenTime = try clock.measure {
                var position = 0
                for index in 0..<chunkCount {
                    let length = min(chunkSize, total - index * chunkSize)
                    let sealed = try AES.GCM.SealedBox(
                        nonce: AES.GCM.Nonce(data: noncePrefix + bigEndian(UInt64(index))),
                        ciphertext: stream[position..<position + length], tag: stream[(position + length)..<(position + length + 16)])
                    recovered += try AES.GCM.open(
                        sealed, using: streamKey,
                        authenticating: associatedPrefix + bigEndian(UInt64(index)) + [index == chunkCount - 1 ? 1 : 0])
                    position += length + 16
                }
            }
            guard recovered == plaintext else { throw ValidationError("the stream did not open to its plaintext") }
            streamSeal.append(Double(total) / 1e6 / streamSealTime.seconds)
            streamOpen.append(Double(total) / 1e6 / streamOpenTime.seconds)
            report.say(String(
                format: "  round %d  values: seal %7.1f MB/s, open %7.1f MB/s   stream: seal %7.1f MB/s, open %7.1f MB/s",
                round, valueSeal.last!, valueOpen.last!, streamSeal.last!, streamOpen.last!))
        }

        report.record("aes_gcm_value_bytes", valueSize)
        report.record("aes_gcm_seal_mb_per_s", median(valueSeal))
        report.record("aes_gcm_open_mb_per_s", median(valueOpen))
        report.record("aes_gcm_stream_chunk_bytes", chunkSize)
        report.record("aes_gcm_stream_seal_mb_per_s", median(streamSeal))
        report.record("aes_gcm_stream_open_mb_per_s", median(streamOpen))
        report.printFigures()
    }
}
