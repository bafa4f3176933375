import Crypto
import Foundation
import Testing

@testable import Encryption

@Suite("Chunked streams")
struct StreamTests {
    /// Seals `plaintext` with `chunkSize`, feeding it in pieces of `pieceSize`.
    func sealPieces(_ fixture: EncryptionFixture, _ plaintext: [UInt8], tenant: String, chunkSize: Int, pieceSize: Int = 7) async throws -> [UInt8] {
        var sealed = [UInt8]()
        try await fixture.cipher.sealStream(asyncPieces(split(plaintext, every: pieceSize)), tenant: tenant, purpose: "raw", chunkSize: chunkSize) {
            sealed += $0
        }
        return sealed
    }

    func openPieces(_ fixture: EncryptionFixture, _ sealed: [UInt8], tenant: String, purpose: String = "raw", pieceSize: Int = 5) async throws -> [UInt8] {
        var plaintext = [UInt8]()
        try await fixture.cipher.openStream(asyncPieces(split(sealed, every: pieceSize)), tenant: tenant, purpose: purpose) { plaintext += $0 }
        return plaintext
    }

    @Test("objects of every size relative to the chunk round-trip through async sequences")
    func roundTrip() async throws {
        try await EncryptionFixture.with { fixture in
            let tenant = uniqueTenant()
            for size in [0, 1, 15, 16, 17, 48, 53] {
                let plaintext = randomBytes(size)
                let sealed = try await sealPieces(fixture, plaintext, tenant: tenant, chunkSize: 16)
                let chunks = max(1, (size + 15) / 16)
                #expect(sealed.count == headerLength(sealed) + size + chunks * 16, "size \(size)")
                #expect(try await openPieces(fixture, sealed, tenant: tenant) == plaintext, "size \(size)")
            }
        }
    }

    func headerLength(_ sealed: [UInt8]) -> Int { 2 + Int(sealed[1]) + 32 + 4 }

    func concat(_ parts: [[UInt8]]) -> [UInt8] { parts.flatMap { $0 } }

    @Test("truncation, reordering, dropped or appended chunks, altered bytes and another purpose are all detected")
    func tampering() async throws {
        try await EncryptionFixture.with { fixture in
            let tenant = uniqueTenant()
            let chunkSize = 16
            let sealed = try await sealPieces(fixture, randomBytes(4 * chunkSize + 5), tenant: tenant, chunkSize: chunkSize)
            let header = Array(sealed.prefix(headerLength(sealed)))
            let c = split(Array(sealed.dropFirst(header.count)), every: chunkSize + 16)
            #expect(c.count == 5)
            func changed(_ index: Int) -> [UInt8] {
                var bytes = sealed
                bytes[index] ^= 1
                return bytes
            }
            let cases: [(name: String, bytes: [UInt8], kind: EncryptionError.Kind)] = [
                ("cut at a chunk boundary", concat([header, c[0], c[1], c[2], c[3]]), .authenticationFailed),
                ("cut inside a chunk", Array(sealed.dropLast(3)), .authenticationFailed),
                ("cut inside the last tag", concat([header, c[0], c[1], c[2], c[3], Array(c[4].prefix(10))]), .malformed),
                ("header only", header, .malformed),
                ("cut inside the header", Array(header.prefix(10)), .malformed),
                ("two chunks swapped", concat([header, c[1], c[0], c[2], c[3], c[4]]), .authenticationFailed),
                ("a middle chunk dropped", concat([header, c[0], c[1], c[3], c[4]]), .authenticationFailed),
                ("a chunk repeated", concat([header, c[0], c[1], c[1], c[2], c[3], c[4]]), .authenticationFailed),
                ("a chunk appended after the final one", concat([sealed, c[0]]), .authenticationFailed),
                ("a body byte changed", changed(header.count + 3), .authenticationFailed),
                ("a salt byte changed", changed(header.count - 10), .authenticationFailed),
                ("a tag byte changed", changed(sealed.count - 1), .authenticationFailed),
            ]
            for (name, bytes, kind) in cases {
                await expectEncryptionError(kind, "\(name)") { try await openPieces(fixture, bytes, tenant: tenant) }
            }
            await expectEncryptionError(.authenticationFailed, "another purpose") {
                try await openPieces(fixture, sealed, tenant: tenant, purpose: "sent")
            }
        }
    }

    @Test("the sealer and opener never hold or return more than a chunk per chunk-sized input")
    func boundedBuffers() async throws {
        try await EncryptionFixture.with { fixture in
            let tenant = uniqueTenant()
            let chunkSize = TenantCipher.defaultStreamChunkSize
            var sealer = try await fixture.cipher.makeStreamSealer(tenant: tenant, purpose: "raw")
            var sealed = [UInt8]()
            var largestSealedPiece = 0
            for _ in 0..<40 {
                let output = try sealer.update(randomBytes(chunkSize))
                largestSealedPiece = max(largestSealedPiece, output.count)
                sealed += output
            }
            sealed += try sealer.finish()
            #expect(largestSealedPiece <= StreamFormat.maximumHeaderLength + chunkSize + 16)

            var opener = fixture.cipher.makeStreamOpener(tenant: tenant, purpose: "raw")
            var largestOpenedPiece = 0
            var total = 0
            for piece in split(sealed, every: chunkSize) {
                let output = try await opener.update(piece)
                largestOpenedPiece = max(largestOpenedPiece, output.count)
                total += output.count
            }
            total += try opener.finish().count
            #expect(largestOpenedPiece <= chunkSize)
            #expect(total == 40 * chunkSize)
            // A spent opener refuses more input.
            await expectEncryptionError(.malformed) { try await opener.update([1]) }
        }
    }

    /// Reads a `kB` field (e.g. `VmHWM`, `VmRSS`) of /proc/self/status, in bytes.
    func processStatus(_ field: String) throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix(field + ":") })
        let kilobytes = try #require(Int(line.split(separator: " ").dropFirst().first ?? ""))
        return kilobytes * 1024
    }

    /// SHA-256 of a file, read 1 MiB at a time.
    func digest(_ url: URL) throws -> [UInt8] {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty { hasher.update(data: data) }
        return Array(hasher.finalize())
    }

    /// Measured as peak resident memory: the kernel's high-water mark (VmHWM) is reset through
    /// /proc/self/clear_refs just before sealing, and its rise above the resident size (VmRSS)
    /// at that moment bounds every allocation made while sealing and opening 100 MB.
    @Test("a 100 MB file round-trips file to file with peak memory growth far below 100 MB")
    func largeFileBoundedMemory() async throws {
        try await EncryptionFixture.with { fixture in
            let tenant = uniqueTenant()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let source = directory.appendingPathComponent("big.eml")
            let sealed = directory.appendingPathComponent("big.sealed")
            let opened = directory.appendingPathComponent("big.opened")
            let size = 100 * 1024 * 1024
            do {
                _ = FileManager.default.createFile(atPath: source.path, contents: nil)
                let handle = try FileHandle(forWritingTo: source)
                var block = randomBytes(1 << 20)
                for index in 0..<(size >> 20) {
                    block[0] = UInt8(truncatingIfNeeded: index)
                    try handle.write(contentsOf: block)
                }
                try handle.close()
            }
            _ = try await fixture.store.activeKey(for: tenant)

            let peakWasReset = (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
            let before = try peakWasReset ? processStatus("VmRSS") : processStatus("VmHWM")
            try await fixture.cipher.sealFile(at: source, to: sealed, tenant: tenant, purpose: "raw")
            try await fixture.cipher.openFile(at: sealed, to: opened, tenant: tenant, purpose: "raw")
            let growth = try processStatus("VmHWM") - before

            let chunks = size / TenantCipher.defaultStreamChunkSize
            let sealedHandle = try FileHandle(forReadingFrom: sealed)
            let sealedSize = try sealedHandle.seekToEnd()
            try sealedHandle.close()
            #expect(sealedSize > UInt64(size + chunks * 16))
            #expect(try digest(opened) == digest(source))
            #expect(peakWasReset, "the peak could not be reset; the bound below is then only checked against the earlier peak")
            #expect(growth < 24 * 1024 * 1024, "peak resident memory grew by \(growth / 1024) KiB while streaming 100 MB")
        }
    }
}
